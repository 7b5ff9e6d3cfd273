// Edge-enhancing anisotropic diffusion (EED) inpainting, the decoder of the
// strongest classical inpainting codecs (R-EED: Galic et al. 2008, Schmaltz
// et al. 2014). The unknown pixels solve div(D grad u) = 0, where the
// diffusion tensor D has eigenvalue g(|grad u_sigma|^2) across edges of the
// Gaussian-smoothed image u_sigma and 1 along them, so edges are continued
// sharply instead of blurred as under homogeneous diffusion.
#ifndef SPIX_BASELINES_EED_H_
#define SPIX_BASELINES_EED_H_

#include <cstdint>
#include <vector>

#include "baselines/planar_image.h"

namespace spix {

// How strongly diffusion across an edge is damped: Charbonnier's
// g(s^2) = 1 / sqrt(1 + s^2 / lambda^2), or Perona-Malik's
// g(s^2) = 1 / (1 + s^2 / lambda^2), which falls faster and so keeps strong
// edges sharper (and flattens weak ones more).
enum class Diffusivity { kCharbonnier, kPeronaMalik };

struct EedOptions {
  Diffusivity diffusivity = Diffusivity::kCharbonnier;
  // lambda of the diffusivity, in grey levels per pixel: gradients well
  // above it are edges.
  float contrast = 2.f;
  float sigma = 1.5f;         // pre-smoothing of the tensor's gradients, pixels
  int outer_iterations = 6;   // lagged-diffusivity steps (tensor updates)
  int inner_iterations = 60;  // preconditioned CG steps per update
  int threads = 1;            // channels solved in parallel
};

// One tensor per cell between four pixels: D = [[a, b], [b, c]] at cell
// (x + 1/2, y + 1/2). The operator is the Hessian of
//   E(u) = sum over cells of a/2 (dx_top^2 + dx_bottom^2)
//          + c/2 (dy_left^2 + dy_right^2) + 2 b ux uy,
// with ux, uy the cell's mean differences: symmetric and positive semidefinite
// for every positive semidefinite D (so CG applies and no checkerboard mode
// survives), the 5-point Laplacian with half-weight border edges for D = I.
class DiffusionTensorField {
 public:
  // D = I everywhere: homogeneous diffusion.
  DiffusionTensorField(int width, int height);

  // The EED tensors of `image`, joint over its channels: the dominant
  // eigenvector of sum_c grad u_c grad u_c^T (u_c smoothed by `sigma`) gets
  // the diffusivity of its eigenvalue, the orthogonal direction 1.
  static DiffusionTensorField Edges(const PlanarImage& image, float sigma,
                                    float contrast, Diffusivity diffusivity);

  int width() const { return width_; }
  int height() const { return height_; }

  // out = A p on every pixel.
  void Apply(const float* p, float* out) const;
  // The diagonal of A (the Jacobi preconditioner).
  std::vector<float> Diagonal() const;

 private:
  int width_, height_;
  std::vector<float> a_, b_, c_;  // (width-1) * (height-1) cells
};

// Solves (A u)_i = rhs_i (rhs null: 0) on the unknown pixels (mask 0) with
// the known ones fixed, by Jacobi-preconditioned CG started from `plane`.
// Stops once the RMS residual is below `tolerance`; returns the iterations.
int SolveTensorDiffusion(const DiffusionTensorField& field, const uint8_t* mask,
                         float* plane, const float* rhs, float tolerance,
                         int max_iterations);

// EED inpainting of every channel of `image` (known where mask != 0; the
// other values are overwritten): homogeneous diffusion first, then
// `outer_iterations` steps that recompute the joint tensor from the current
// reconstruction and solve the linear problem it defines. Values are kept
// within the range of each channel's known values.
void InpaintEed(const uint8_t* mask, const EedOptions& options,
                PlanarImage* image);

// InpaintEed's lagged-diffusivity steps alone, started from `image` as it
// is (its known pixels must hold the data): for an encoder that inpaints a
// mask grown from one it inpainted before.
void ContinueEed(const uint8_t* mask, const EedOptions& options,
                 PlanarImage* image);

// The tensor the EED reconstruction settles on, for encoders that need a
// fixed (linear) operator: the one of InpaintEed's result.
DiffusionTensorField EedTensor(const uint8_t* mask, const EedOptions& options,
                               PlanarImage* image);

// Linear inpainting with a fixed tensor (for chroma guided by the decoded
// luma's edges): each channel solves A u = 0 on the unknowns, started from
// homogeneous diffusion, and is clamped to the range of its known values.
void InpaintWithTensor(const DiffusionTensorField& field, const uint8_t* mask,
                       float empty_value, PlanarImage* image, int threads = 1);

}  // namespace spix

#endif  // SPIX_BASELINES_EED_H_
