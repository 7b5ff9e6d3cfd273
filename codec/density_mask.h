// Encoder side of density-field masks (MASK method 3): chooses the coarse
// field of point densities that the decoder halftones into the mask, so an
// adaptive mask costs a few hundred bytes instead of its positions.
#ifndef SPIX_CODEC_DENSITY_MASK_H_
#define SPIX_CODEC_DENSITY_MASK_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "bitstream/density_field.h"
#include "codec/image.h"

namespace spix {

// Side of the field's blocks (2^4 = 16 pixels): on Kodak at 5 % the levels
// then take about 0.01 bpp.
inline constexpr int kDensityBlockLog2 = 4;

// Where points matter, per block (any non-negative scale), for homogeneous
// diffusion: the mean of |Laplacian| of the Gaussian-smoothed luma to a
// power (Belhachmi et al. 2009: the optimal density grows with |Laplacian
// f|), plus a floor so flat regions keep a few points.
std::vector<double> AnalyticBlockWeights(const Image& image, int block_log2);

// The local density of a mask (for example a PS+NLPE mask), per block.
std::vector<double> MaskBlockWeights(const std::vector<uint8_t>& mask,
                                     int width, int height, int block_log2);

// The luma plane of `image` inpainted from the mask (1 = known), for
// RefineBlockWeights: the operator the file is made for, or a fast proxy.
using LumaInpainter =
    std::function<void(const std::vector<uint8_t>& mask, float* luma)>;

// Moves density towards the blocks where the reconstruction errs. Each round
// halftones the field of `weights` at `density`, inpaints the luma and moves
// each block's weight halfway (in log) to the density that minimises the
// modelled error sum, E_b(d) = E_b(d_now) (d_now / d)^p, for the point
// budget. Returns the weights of the round with the least luma error (the
// input ones included), so it never loses by that measure; `iterations`
// rounds cost iterations + 1 inpaintings.
std::vector<double> RefineBlockWeights(const Image& image,
                                       std::vector<double> weights,
                                       double density, int block_log2,
                                       int iterations,
                                       const LumaInpainter& inpaint);

// The field whose block densities are proportional to `weights` (capped at
// 1, log-quantised) with `density` of the pixels known on average.
DensityField FitDensityField(const std::vector<double>& weights, int width,
                             int height, double density, int block_log2);

}  // namespace spix

#endif  // SPIX_CODEC_DENSITY_MASK_H_
