#include "codec/mask_selection.h"

#include <algorithm>
#include <cmath>

#include "baselines/diffusion.h"
#include "baselines/eed.h"
#include "baselines/planar_image.h"
#include "baselines/random.h"
#include "baselines/spatial_optimisation.h"
#include "bitstream/format.h"
#include "bitstream/halftone.h"
#include "codec/density_mask.h"
#include "codec/inpainter.h"
#include "codec/learned.h"
#include "codec/tree_mask.h"

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
  const uint64_t count = KnownPixelCount(width, height, density);
  const std::vector<double> p = InclusionProbabilities(scores, count);
  std::vector<int32_t> levels(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    levels[i] = int32_t(std::lround(p[i] * kHalftoneOne));
  }
  return HalftoneLevels(std::move(levels), width, height, count);
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

// The modes that run probabilistic sparsification.
bool IsOptimised(MaskMode mode) {
  return mode == MaskMode::kPs || mode == MaskMode::kPsNlpe ||
         mode == MaskMode::kPsDensity;
}

// The density field of `weights` at `density`, and its mask.
MaskChoice FromWeights(const std::vector<double>& weights, int w, int h,
                       double density) {
  MaskChoice c;
  c.field = FitDensityField(weights, w, h, density, kDensityBlockLog2);
  c.mask = DensityFieldMask(*c.field, w, h, DensityFieldCount(*c.field, w, h));
  return c;
}

// A PS mask at `density` redrawn from its local density.
MaskChoice PsDensity(const std::vector<uint8_t>& ps, int w, int h,
                     double density) {
  return FromWeights(MaskBlockWeights(ps, w, h, kDensityBlockLog2), w, h,
                     density);
}

// Rounds of RefineBlockWeights by effort: on six Kodak images two rounds
// took EED's BD-rate against JPEG from -17.9 % to -19.4 % at effort 7, for
// about 1 s per encode.
int DensityRefinementRounds(int effort) {
  return effort <= 2 ? 0 : effort <= 6 ? 1 : effort <= 8 ? 2 : 3;
}

// The analytic weights, moved to where the file's operator errs; EED's
// error stands in for the operators built on it, homogeneous diffusion's
// (faster) for the others.
std::vector<double> DensityWeights(const Image& image,
                                   const EncodeOptions& options) {
  std::vector<double> weights = AnalyticBlockWeights(image, kDensityBlockLog2);
  const int rounds = DensityRefinementRounds(options.effort);
  if (rounds == 0) return weights;
  const bool eed = options.inpainter == Inpainter::kEdgeEnhancingDiffusion ||
                   options.inpainter == Inpainter::kEedRefined;
  const int w = image.width, h = image.height;
  return RefineBlockWeights(
      image, std::move(weights), options.density, kDensityBlockLog2, rounds,
      [&](const std::vector<uint8_t>& mask, float* luma) {
        if (!eed) {
          InpaintDiffusion(w, h, mask.data(), luma, 128.f);
          return;
        }
        PlanarImage plane(w, h, 1);
        std::copy(luma, luma + plane.data.size(), plane.data.begin());
        EedOptions eed_options;  // the middle of the encoder's candidates
        eed_options.contrast = 16 * kEedContrastUnit;
        eed_options.sigma = 10 * kEedSigmaUnit;
        InpaintEed(mask.data(), eed_options, &plane);
        std::copy(plane.data.begin(), plane.data.end(), luma);
      });
}

MaskChoice FromTree(BinaryTreeMask tree) {
  MaskChoice c;
  c.mask = tree.mask();
  c.tree = std::move(tree);
  return c;
}

// Trees finish growing under EED's error for the decoders that keep edges,
// from the default effort on (a few EED solves: 1.1 s on kodim23; on the 24
// Kodak images -3.3 % BD-rate under EED, every image gaining).
bool FinishTreeWithEed(const EncodeOptions& options) {
  const StatusOr<const Operator*> op = FindOperator(options.inpainter);
  return options.effort >= 7 && op.ok() && (*op)->edge_aware_trees;
}

// The masks that do not look at the image.
std::vector<uint8_t> FixedMask(const EncodeOptions& o, int w, int h,
                               double density) {
  if (o.mask == MaskMode::kGrid) return GridMask(w, h, density);
  if (o.mask == MaskMode::kHalftone) {
    return FlatHalftone(w, h, KnownPixelCount(w, h, density));
  }
  return RandomMask(w, h, density, o.seed);
}

}  // namespace

StatusOr<MaskChoice> SelectMask(const Image& image,
                                const EncodeOptions& options) {
  const int w = image.width, h = image.height;
  if (options.mask == MaskMode::kLearned) {
    SPIX_ASSIGN_OR_RETURN(std::vector<float> scores,
                          LearnedMaskScores(image, options, options.density));
    return MaskChoice{HalftoneMask(scores, w, h, options.density), {}, {}};
  }
  if (options.mask == MaskMode::kDensity) {
    return FromWeights(DensityWeights(image, options), w, h, options.density);
  }
  if (options.mask == MaskMode::kTree) {
    return FromTree(GrowTreeMask(image, KnownPixelCount(w, h, options.density),
                                 options.effort, FinishTreeWithEed(options)));
  }
  if (!IsOptimised(options.mask)) {
    return MaskChoice{FixedMask(options, w, h, options.density), {}, {}};
  }
  const PlanarImage f = ToPlanar(image.pixels.data(), w, h, image.channels);
  std::vector<uint8_t> mask = ProbabilisticSparsification(
      f, KnownPixelCount(w, h, options.density), PsOptions(options));
  if (options.mask == MaskMode::kPsDensity) {
    return PsDensity(mask, w, h, options.density);
  }
  if (options.mask == MaskMode::kPsNlpe) RunNlpe(f, options, &mask);
  return MaskChoice{std::move(mask), {}, {}};
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
  if (options.mask == MaskMode::kDensity) {
    density_weights_ = DensityWeights(image, options);
    return;
  }
  if (options.mask == MaskMode::kTree) {
    // Grown once past the densities a search is likely to try; At() replays
    // a prefix, and grows anew only above it.
    const double most = std::min(1.0, std::max(0.3, 4 * options.density));
    tree_grown_to_ = KnownPixelCount(image.width, image.height, most);
    GrowTreeMask(image, tree_grown_to_, options.effort,
                 /*finish_with_eed=*/false, &tree_splits_);
    return;
  }
  if (!IsOptimised(options.mask)) return;
  const PlanarImage f =
      ToPlanar(image.pixels.data(), image.width, image.height, image.channels);
  base_ = ProbabilisticSparsification(
      f, KnownPixelCount(image.width, image.height, min_density),
      PsOptions(options), &removal_order_);
}

MaskChoice MaskFamily::At(double density) const {
  const int w = image_.width, h = image_.height;
  if (options_.mask == MaskMode::kLearned) {
    return {HalftoneMask(learned_scores_, w, h, density), {}, {}};
  }
  if (options_.mask == MaskMode::kDensity) {
    return FromWeights(density_weights_, w, h, density);
  }
  if (options_.mask == MaskMode::kTree) {
    const uint64_t target = KnownPixelCount(w, h, density);
    const bool finish_with_eed = FinishTreeWithEed(options_);
    if (target > tree_grown_to_) {
      return FromTree(
          GrowTreeMask(image_, target, options_.effort, finish_with_eed));
    }
    if (!finish_with_eed) {
      return FromTree(ReplayTreeMask(w, h, tree_splits_, target));
    }
    // The diffusion prefix is the growth's first part; EED finishes it.
    BinaryTreeMask tree =
        ReplayTreeMask(w, h, tree_splits_, EdgeEnhancingFinishStart(target));
    GrowTree(image_, target, options_.effort, TreeError::kEdgeEnhancing, &tree);
    return FromTree(std::move(tree));
  }
  if (!IsOptimised(options_.mask)) {
    return {FixedMask(options_, w, h, density), {}, {}};
  }
  // Put back the last-removed pixels until the count is reached.
  std::vector<uint8_t> mask = base_;
  const uint64_t want = KnownPixelCount(image_.width, image_.height, density);
  uint64_t have = mask.size() - removal_order_.size();
  for (size_t k = removal_order_.size(); k > 0 && have < want; --k, ++have) {
    mask[removal_order_[k - 1]] = 1;
  }
  if (options_.mask == MaskMode::kPsDensity) {
    return PsDensity(mask, w, h, density);
  }
  return {std::move(mask), {}, {}};
}

void MaskFamily::Refine(MaskChoice* choice) const {
  if (options_.mask != MaskMode::kPsNlpe) return;
  RunNlpe(ToPlanar(image_.pixels.data(), image_.width, image_.height,
                   image_.channels),
          options_, &choice->mask);
}

}  // namespace spix
