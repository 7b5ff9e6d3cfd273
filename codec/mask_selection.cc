#include "codec/mask_selection.h"

#include <algorithm>
#include <cmath>

#include "baselines/planar_image.h"
#include "baselines/random.h"
#include "baselines/spatial_optimisation.h"

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

std::vector<uint8_t> SelectMask(const Image& image,
                                const EncodeOptions& options) {
  const int w = image.width, h = image.height;
  switch (options.mask) {
    case MaskMode::kGrid:
      return GridMask(w, h, options.density);
    case MaskMode::kRandom:
      return RandomMask(w, h, options.density, options.seed);
    case MaskMode::kPs:
    case MaskMode::kPsNlpe:
      break;
  }
  const PlanarImage f = ToPlanar(image.pixels.data(), w, h, image.channels);
  const ErrorNorm norm =
      options.mask_error == MaskError::kMae ? ErrorNorm::kMae : ErrorNorm::kMse;
  const bool exchange = options.mask == MaskMode::kPsNlpe;
  auto report = [&](const char* stage, double done) {
    if (options.progress) options.progress(stage, done);
  };
  SparsificationOptions ps;
  ps.norm = norm;
  ps.seed = options.seed;
  ps.progress = [&](double done) { report("sparsification", done); };
  std::vector<uint8_t> mask = ProbabilisticSparsification(
      f, KnownPixelCount(w, h, options.density), ps);
  if (exchange) {
    ExchangeOptions nlpe;
    nlpe.cycles = options.nlpe_cycles;
    nlpe.norm = norm;
    nlpe.seed = options.seed;
    nlpe.progress = [&](double done) { report("pixel exchange", done); };
    NonLocalPixelExchange(f, &mask, nlpe);
  }
  return mask;
}

}  // namespace spix
