// Conversions between the API's interleaved 8-bit images and the float
// planes the networks take: three planes in [0, 1] (grey is repeated into
// all three; back to grey takes their mean).
#ifndef SPIX_CODEC_PLANES_H_
#define SPIX_CODEC_PLANES_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace spix {

// Three planes in [0, 1]; grey images are repeated into all three.
inline std::vector<float> ToPlanes(const uint8_t* samples, int channels,
                                   size_t pixels) {
  std::vector<float> planes(3 * pixels);
  for (size_t i = 0; i < pixels; ++i) {
    for (int c = 0; c < 3; ++c) {
      planes[c * pixels + i] =
          samples[i * channels + (channels == 3 ? c : 0)] / 255.f;
    }
  }
  return planes;
}

inline uint8_t ToByte(float v) {
  return uint8_t(std::clamp(std::round(v * 255.f), 0.f, 255.f));
}

// Back to interleaved samples; grey takes the mean of the three planes.
inline void FromPlanes(const std::vector<float>& planes, size_t pixels,
                       int channels, uint8_t* out) {
  for (size_t i = 0; i < pixels; ++i) {
    if (channels == 1) {
      out[i] =
          ToByte((planes[i] + planes[pixels + i] + planes[2 * pixels + i]) / 3);
    } else {
      for (int c = 0; c < 3; ++c)
        out[i * 3 + c] = ToByte(planes[c * pixels + i]);
    }
  }
}

}  // namespace spix

#endif  // SPIX_CODEC_PLANES_H_
