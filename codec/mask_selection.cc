#include "codec/mask_selection.h"

#include <algorithm>
#include <cmath>

#include "codec/random.h"

namespace spix {

uint64_t KnownPixelCount(int width, int height, double density) {
  const uint64_t pixels = uint64_t(width) * height;
  const double want = std::round(density * double(pixels));
  return std::clamp<uint64_t>(uint64_t(std::max(want, 1.0)), 1, pixels);
}

std::vector<uint8_t> RandomMask(int width, int height, double density,
                                uint64_t seed) {
  const uint64_t pixels = uint64_t(width) * height;
  const uint64_t count = KnownPixelCount(width, height, density);
  std::vector<uint8_t> mask(pixels, 0);
  // Floyd's sampling: exactly `count` distinct positions, O(count) draws.
  SplitMix64 rng(seed);
  for (uint64_t j = pixels - count; j < pixels; ++j) {
    const uint64_t t = rng.Below(j + 1);
    if (mask[t]) {
      mask[j] = 1;
    } else {
      mask[t] = 1;
    }
  }
  return mask;
}

std::vector<uint8_t> GridMask(int width, int height, double density) {
  std::vector<uint8_t> mask(size_t(width) * height, 0);
  const double spacing = std::max(1.0, 1.0 / std::sqrt(density));
  const int nx = std::max(1, int(std::round(width / spacing)));
  const int ny = std::max(1, int(std::round(height / spacing)));
  for (int j = 0; j < ny; ++j) {
    const int y = std::min(height - 1, int((j + 0.5) * height / ny));
    for (int i = 0; i < nx; ++i) {
      const int x = std::min(width - 1, int((i + 0.5) * width / nx));
      mask[size_t(y) * width + x] = 1;
    }
  }
  return mask;
}

}  // namespace spix
