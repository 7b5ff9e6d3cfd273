#include "codec/mask_selection.h"

#include <algorithm>
#include <cmath>

#include "baselines/planar_image.h"
#include "baselines/random.h"
#include "baselines/spatial_optimisation.h"
#include "codec/learned.h"

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

namespace {

ErrorNorm NormOf(const EncodeOptions& o) {
  return o.mask_error == MaskError::kMae ? ErrorNorm::kMae : ErrorNorm::kMse;
}

SparsificationOptions PsOptions(const EncodeOptions& o) {
  SparsificationOptions ps;
  ps.norm = NormOf(o);
  ps.seed = o.seed;
  if (o.progress) {
    ps.progress = [&o](double done) { o.progress("sparsification", done); };
  }
  return ps;
}

void RunNlpe(const PlanarImage& f, const EncodeOptions& o,
             std::vector<uint8_t>* mask) {
  ExchangeOptions nlpe;
  nlpe.cycles = o.nlpe_cycles;
  nlpe.norm = NormOf(o);
  nlpe.seed = o.seed;
  if (o.progress) {
    nlpe.progress = [&o](double done) { o.progress("pixel exchange", done); };
  }
  NonLocalPixelExchange(f, mask, nlpe);
}

bool IsOptimised(MaskMode mode) {
  return mode == MaskMode::kPs || mode == MaskMode::kPsNlpe;
}

}  // namespace

std::vector<uint8_t> MaskFromOrder(const std::vector<uint32_t>& order,
                                   int width, int height, double density) {
  std::vector<uint8_t> mask(size_t(width) * height, 0);
  const uint64_t count = KnownPixelCount(width, height, density);
  for (uint64_t k = 0; k < count; ++k) mask[order[k]] = 1;
  return mask;
}

StatusOr<std::vector<uint8_t>> SelectMask(const Image& image,
                                          const EncodeOptions& options) {
  const int w = image.width, h = image.height;
  if (options.mask == MaskMode::kLearned) {
    SPIX_ASSIGN_OR_RETURN(std::vector<uint32_t> order,
                          LearnedMaskOrder(image, options, options.density));
    return MaskFromOrder(order, w, h, options.density);
  }
  if (options.mask == MaskMode::kGrid) return GridMask(w, h, options.density);
  if (options.mask == MaskMode::kRandom) {
    return RandomMask(w, h, options.density, options.seed);
  }
  const PlanarImage f = ToPlanar(image.pixels.data(), w, h, image.channels);
  std::vector<uint8_t> mask = ProbabilisticSparsification(
      f, KnownPixelCount(w, h, options.density), PsOptions(options));
  if (options.mask == MaskMode::kPsNlpe) RunNlpe(f, options, &mask);
  return mask;
}

MaskFamily::MaskFamily(const Image& image, const EncodeOptions& options,
                       double min_density)
    : image_(image), options_(options) {
  if (options.mask == MaskMode::kLearned) {
    StatusOr<std::vector<uint32_t>> order =
        LearnedMaskOrder(image, options, options.density);
    status_ = order.status();
    if (order.ok()) learned_order_ = std::move(order).value();
    return;
  }
  if (!IsOptimised(options.mask)) return;
  const PlanarImage f =
      ToPlanar(image.pixels.data(), image.width, image.height, image.channels);
  base_ = ProbabilisticSparsification(
      f, KnownPixelCount(image.width, image.height, min_density),
      PsOptions(options), &removal_order_);
}

std::vector<uint8_t> MaskFamily::At(double density) const {
  if (options_.mask == MaskMode::kLearned) {
    return MaskFromOrder(learned_order_, image_.width, image_.height, density);
  }
  if (options_.mask == MaskMode::kGrid) {
    return GridMask(image_.width, image_.height, density);
  }
  if (options_.mask == MaskMode::kRandom) {
    return RandomMask(image_.width, image_.height, density, options_.seed);
  }
  // Put back the last-removed pixels until the count is reached.
  std::vector<uint8_t> mask = base_;
  const uint64_t want = KnownPixelCount(image_.width, image_.height, density);
  uint64_t have = mask.size() - removal_order_.size();
  for (size_t k = removal_order_.size(); k > 0 && have < want; --k, ++have) {
    mask[removal_order_[k - 1]] = 1;
  }
  return mask;
}

void MaskFamily::Refine(std::vector<uint8_t>* mask) const {
  if (options_.mask != MaskMode::kPsNlpe) return;
  RunNlpe(ToPlanar(image_.pixels.data(), image_.width, image_.height,
                   image_.channels),
          options_, mask);
}

}  // namespace spix
