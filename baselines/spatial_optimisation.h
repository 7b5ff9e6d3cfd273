// Model-based mask optimisation for homogeneous diffusion inpainting
// (Mainberger et al. 2011): probabilistic sparsification (PS) and non-local
// pixel exchange (NLPE), with warm-started and local solves for speed.
#ifndef SPIX_BASELINES_SPATIAL_OPTIMISATION_H_
#define SPIX_BASELINES_SPATIAL_OPTIMISATION_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "baselines/planar_image.h"

namespace spix {

struct SparsificationOptions {
  double candidate_fraction = 0.4;  // p: share of the mask tried per step
  double removal_fraction = 0.04;   // q: share of the candidates removed
  ErrorNorm norm = ErrorNorm::kMae;
  uint64_t seed = 1;
  std::function<void(double)> progress;  // fraction done; may be empty
};

// Removes pixels from the full mask until `target` remain: each step takes a
// random candidate set, inpaints without it and removes for good the
// candidates whose own inpainting error is smallest.
// If `removal_order` is given it receives the removed pixels in the order
// they went: the masks of every larger count on the way are the target mask
// plus the last-removed pixels (a nested family, handy for rate control).
std::vector<uint8_t> ProbabilisticSparsification(
    const PlanarImage& image, uint64_t target,
    const SparsificationOptions& options,
    std::vector<uint32_t>* removal_order = nullptr);

struct ExchangeOptions {
  int cycles = 5;       // each cycle tries as many exchanges as mask pixels
  int candidates = 20;  // non-mask pixels drawn per exchange; the worst wins
  ErrorNorm norm = ErrorNorm::kMae;
  uint64_t seed = 1;
  std::function<void(double)> progress;  // fraction done; may be empty
};

// Moves mask pixels to better places: swaps a random mask pixel with the
// worst-reconstructed of a few random non-mask pixels and keeps the swap if
// the total error drops. Never increases the error. Exchanges are judged by
// re-solving only a window around the two pixels.
void NonLocalPixelExchange(const PlanarImage& image, std::vector<uint8_t>* mask,
                           const ExchangeOptions& options);

// Total inpainting error of `image` from the pixels in `mask` (homogeneous
// diffusion, converged), in the given norm.
double InpaintingError(const PlanarImage& image,
                       const std::vector<uint8_t>& mask, ErrorNorm norm);

}  // namespace spix

#endif  // SPIX_BASELINES_SPATIAL_OPTIMISATION_H_
