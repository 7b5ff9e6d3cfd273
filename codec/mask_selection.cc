#include "codec/mask_selection.h"

#include <algorithm>
#include <cmath>
#include <numeric>

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

// Inclusion probabilities proportional to exp(score) that sum to `count`,
// capped at 1: the uncapped ones are scaled to carry what the capped ones
// leave.
std::vector<double> InclusionProbabilities(const std::vector<float>& scores,
                                           uint64_t count) {
  const size_t pixels = scores.size();
  const float top = *std::max_element(scores.begin(), scores.end());
  std::vector<double> weight(pixels), p(pixels);
  for (size_t i = 0; i < pixels; ++i) {
    weight[i] = std::exp(double(scores[i] - top));
  }
  std::vector<uint8_t> capped(pixels, 0);
  for (bool changed = true; changed;) {
    double capped_count = 0, free_weight = 0;
    for (size_t i = 0; i < pixels; ++i) {
      if (capped[i]) {
        capped_count += 1;
      } else {
        free_weight += weight[i];
      }
    }
    const double scale = (double(count) - capped_count) / free_weight;
    changed = false;
    for (size_t i = 0; i < pixels; ++i) {
      p[i] = capped[i] ? 1.0 : weight[i] * scale;
      if (p[i] > 1) {
        p[i] = 1;
        capped[i] = 1;
        changed = true;
      }
    }
  }
  return p;
}

}  // namespace

std::vector<uint8_t> HalftoneMask(const std::vector<float>& scores, int width,
                                  int height, double density) {
  const size_t pixels = size_t(width) * height;
  const uint64_t count = KnownPixelCount(width, height, density);
  std::vector<double> p = InclusionProbabilities(scores, count);
  // Floyd-Steinberg error diffusion along serpentine rows; p[i] becomes the
  // probability plus the error pixel i received: how sure its decision was.
  // Without help the first rows stay empty at low densities (their errors
  // only pile up downwards), so the first row starts from seeded offsets.
  SplitMix64 rng(0x5851F42D4C957F2Dull);
  for (int x = 0; x < width; ++x) {
    p[x] += double(rng.Next() >> 11) * 0x1p-53 - 0.5;
  }
  struct Tap {
    int dx, dy;
    double weight;
  };
  constexpr Tap kTaps[] = {
      {1, 0, 7.0 / 16}, {-1, 1, 3.0 / 16}, {0, 1, 5.0 / 16}, {1, 1, 1.0 / 16}};
  std::vector<uint8_t> mask(pixels, 0);
  for (int y = 0; y < height; ++y) {
    const int step = y % 2 == 0 ? 1 : -1;
    for (int i = 0; i < width; ++i) {
      const int x = step > 0 ? i : width - 1 - i;
      const size_t at = size_t(y) * width + x;
      mask[at] = p[at] >= 0.5;
      // Taps that fall outside share the error too, so little is lost at
      // the borders and the count stays close.
      double inside = 0;
      for (const Tap& t : kTaps) {
        const int nx = x + t.dx * step, ny = y + t.dy;
        if (nx >= 0 && nx < width && ny < height) inside += t.weight;
      }
      if (inside == 0) continue;
      const double error = (p[at] - mask[at]) / inside;
      for (const Tap& t : kTaps) {
        const int nx = x + t.dx * step, ny = y + t.dy;
        if (nx >= 0 && nx < width && ny < height) {
          p[size_t(ny) * width + nx] += error * t.weight;
        }
      }
    }
  }
  // Error diffusion keeps the count only roughly: drop the least sure known
  // pixels or add the surest unknown ones until it is exact.
  std::vector<uint32_t> order(pixels);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return p[a] > p[b]; });
  uint64_t known = std::count(mask.begin(), mask.end(), 1);
  for (size_t k = pixels; k > 0 && known > count; --k) {
    if (mask[order[k - 1]]) {
      mask[order[k - 1]] = 0;
      --known;
    }
  }
  for (size_t k = 0; k < pixels && known < count; ++k) {
    if (!mask[order[k]]) {
      mask[order[k]] = 1;
      ++known;
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

StatusOr<std::vector<uint8_t>> SelectMask(const Image& image,
                                          const EncodeOptions& options) {
  const int w = image.width, h = image.height;
  if (options.mask == MaskMode::kLearned) {
    SPIX_ASSIGN_OR_RETURN(std::vector<float> scores,
                          LearnedMaskScores(image, options, options.density));
    return HalftoneMask(scores, w, h, options.density);
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
    StatusOr<std::vector<float>> scores =
        LearnedMaskScores(image, options, options.density);
    status_ = scores.status();
    if (scores.ok()) learned_scores_ = std::move(scores).value();
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
    return HalftoneMask(learned_scores_, image_.width, image_.height, density);
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
