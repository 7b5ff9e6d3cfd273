// Semantic hole filling, the public API behind `spix fill`: the hole of a
// 64x64 image is filled with G(z*) of a GAN prior, z* found by latent
// search (Yeh et al., Vitoria et al.) from random or nearest-neighbour
// latents (Lahiri et al.), then Poisson-blended into the known pixels. In
// an image of another size the prior fills a square window around the
// holes (twice their bounding box, at least 64 and at most 512 pixels a
// side), resized to 64x64 and back, blended at full resolution; holes too
// large for such a window are refused. Or,
// with FillOptions::method naming one of the codec's inpainting operators
// (eed, diffusion, learned), filled by that operator: any image size,
// generic content.
//
// Mask convention: a hole mask is an image of the same size whose pixels
// with a first-channel sample >= 128 (white) are the hole; black pixels are
// known and kept exactly.
#ifndef SPIX_CODEC_FILL_FILL_H_
#define SPIX_CODEC_FILL_FILL_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bitstream/status.h"
#include "codec/image.h"

namespace spix {

enum class FillLossKind {
  kYeh,      // context + eta log(1 - D(G(z)))
  kVitoria,  // alpha context + beta gradient - eta D(G(z))
  kCritic,   // Cooper: -D(composite)
};

struct FillOptions {
  // "prior" (latent search in a GAN prior of faces; 64x64, or a window
  // around the holes resized to it) or an operator name of
  // codec/inpainter.h.
  std::string method = "prior";
  // One system: a loss searching its own prior (or `prior`). Unset (the
  // default), the fill is the rounded mean of two systems' fills, Yeh's
  // loss on the DCGAN prior and Vitoria's on the WGAN-GP prior, each with
  // its own weights: their errors differ, so the mean is closer to the
  // truth than either (benchmarks/results/fill_tables.md). A prior or
  // weights can only be named with a loss.
  std::optional<FillLossKind> loss;
  // Which shipped prior: dcgan | wgan-gp | wgan-clip; empty: the loss's
  // own (DefaultPrior).
  std::string prior;
  // Weights of the context, gradient and prior terms; negative picks the
  // loss's defaults (yeh 1 / 0 / 0.003, vitoria 0.5 / 0.5 / 0.5: on the
  // WGAN-GP prior the best central-square row of the Table 1 analogue).
  double alpha = -1, beta = -1, eta = -1;
  // The step decays over the search (cosine, to a tenth). With the
  // restarts averaged, 100 iterations of the two systems fill better than
  // the best of 4 restarts of 300 iterations of one did, in less time (64
  // training faces: 24.27 dB against 23.00; fill_tables.md).
  int iterations = 100;
  // Latents searched at once, in all: the two systems of the default
  // split them (at least one each).
  int restarts = 4;
  // Fill with the mean of the restarts' images (an estimate of the
  // posterior mean: closer to the truth, smoother), or the image of the
  // restart with the lowest loss (sharper).
  bool average_restarts = true;
  double lr = 0.03;
  // Nearest-neighbour start instead of random z. Off by default: on 50
  // held-out faces it neither converged sooner nor ended better
  // (benchmarks/results/fill_tables.md).
  bool nn_init = false;
  int pool_size = 300;
  double gamma = 0.01;
  bool poisson_blend = true;
  // Sequences: frames are optimised in groups of `group_window`, z of one
  // frame starting the next, with a group consistency term.
  int group_window = 5;
  double group_weight = 0.05;
  uint32_t seed = 1;
  std::string models_dir;  // empty: $SPIX_MODELS, else networks/weights
  int threads = 2;
  std::function<void(double)> progress;  // fraction done; may be empty
};

// "yeh", "vitoria", "critic" and back (false for another name).
const char* FillLossName(FillLossKind loss);
bool ParseFillLoss(const std::string& name, FillLossKind* loss);

// The prior each loss was made for: yeh the DCGAN of Yeh et al., vitoria
// the WGAN-GP of Vitoria et al., critic Cooper's WGAN with clipped weights.
const char* DefaultPrior(FillLossKind loss);

// The prior's image size: method "prior" fills images of this size
// directly, others through a window resized to it.
inline constexpr int kFillImageSize = 64;

StatusOr<Image> Fill(const Image& image, const Image& hole,
                     const FillOptions& options);

// Many images at once (one latent search batch); `traces` (optional)
// receives, per image, the loss of the best restart at every iteration
// (of the first system when `loss` is unset).
StatusOr<std::vector<Image>> FillBatch(
    const std::vector<Image>& images, const std::vector<Image>& holes,
    const FillOptions& options,
    std::vector<std::vector<float>>* traces = nullptr);

// Frames of one sequence in order, one hole mask per frame.
StatusOr<std::vector<Image>> FillSequence(const std::vector<Image>& frames,
                                          const std::vector<Image>& holes,
                                          const FillOptions& options);

}  // namespace spix

#endif  // SPIX_CODEC_FILL_FILL_H_
