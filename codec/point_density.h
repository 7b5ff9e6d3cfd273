// How densely a mask's points lie around each pixel, in integers so that
// encoder and decoder derive the same numbers on every machine: the luma
// steps per point (QMAP) and the spread of the chroma points (CHRM) follow
// it.
#ifndef SPIX_CODEC_POINT_DENSITY_H_
#define SPIX_CODEC_POINT_DENSITY_H_

#include <cstdint>
#include <vector>

namespace spix {

// round(8 log2 x) for x >= 1 (and 0 for 0).
int Log2Eighths(uint64_t x);

// round(2^(k / 8) * 2^16) for k in 0..7.
uint32_t EighthPower(int k);

// The share of known pixels in the (2 radius + 1)^2 window around a pixel,
// clipped to the image, times 2^24: a summed-area table answers each pixel
// in constant time.
class WindowDensity {
 public:
  WindowDensity(const std::vector<uint8_t>& mask, int width, int height,
                int radius);

  uint64_t At(int x, int y) const;

 private:
  int width_, height_, radius_;
  std::vector<uint32_t> sums_;  // (width + 1) x (height + 1)
};

}  // namespace spix

#endif  // SPIX_CODEC_POINT_DENSITY_H_
