#include "codec/point_density.h"

#include <algorithm>

namespace spix {
namespace {

// round(2^((k + 1/2) / 8) * 2^16) and round(2^(k / 8) * 2^16), k = 0..7.
constexpr uint32_t kHalfEighthBounds[8] = {68438, 74632,  81386,  88752,
                                           96785, 105545, 115098, 125515};
constexpr uint32_t kEighthPowers[8] = {65536, 71468,  77936,  84990,
                                       92682, 101070, 110218, 120194};

}  // namespace

int Log2Eighths(uint64_t x) {
  int octave = 0;
  while ((x >> (octave + 1)) != 0) ++octave;
  const uint64_t mantissa =
      octave >= 16 ? x >> (octave - 16) : x << (16 - octave);  // [2^16, 2^17)
  int eighths = 0;
  while (eighths < 8 && mantissa >= kHalfEighthBounds[eighths]) ++eighths;
  return 8 * octave + eighths;
}

uint32_t EighthPower(int k) { return kEighthPowers[k]; }

WindowDensity::WindowDensity(const std::vector<uint8_t>& mask, int width,
                             int height, int radius)
    : width_(width),
      height_(height),
      radius_(radius),
      sums_((size_t(width) + 1) * (size_t(height) + 1), 0) {
  const size_t stride = size_t(width) + 1;
  for (int y = 0; y < height; ++y) {
    uint32_t row = 0;
    for (int x = 0; x < width; ++x) {
      row += mask[size_t(y) * width + x] != 0;
      sums_[(size_t(y) + 1) * stride + x + 1] =
          sums_[size_t(y) * stride + x + 1] + row;
    }
  }
}

uint64_t WindowDensity::At(int x, int y) const {
  const size_t stride = size_t(width_) + 1;
  const int x0 = std::max(0, x - radius_),
            x1 = std::min(width_, x + radius_ + 1);
  const int y0 = std::max(0, y - radius_),
            y1 = std::min(height_, y + radius_ + 1);
  const uint64_t count =
      sums_[size_t(y1) * stride + x1] - sums_[size_t(y0) * stride + x1] -
      sums_[size_t(y1) * stride + x0] + sums_[size_t(y0) * stride + x0];
  const uint64_t area = uint64_t(x1 - x0) * uint64_t(y1 - y0);
  return (count << 24) / area;
}

}  // namespace spix
