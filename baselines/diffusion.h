// Homogeneous diffusion inpainting: the unknown pixels solve the Laplace
// equation with the known pixels as Dirichlet data and reflecting (Neumann)
// image borders.
#ifndef SPIX_BASELINES_DIFFUSION_H_
#define SPIX_BASELINES_DIFFUSION_H_

#include <cstdint>
#include <vector>

namespace spix {

struct DiffusionOptions {
  // Stop once the RMS residual of the finest level falls below this, in the
  // units of the data (grey levels): within one grey level of the converged
  // solution (test Diffusion.DefaultToleranceIsWithinOneGreyLevelOfConverged).
  float tolerance = 0.005f;
  int max_iterations = 4000;
};

struct DiffusionStats {
  int fine_iterations = 0;
  int levels = 0;
  float final_residual = 0;
};

// `plane` holds width*height values; entries where mask != 0 are the known
// data and stay untouched, the others are overwritten with the solution.
// With no known pixel at all the plane is filled with `empty_value`.
//
// Solved by cascadic conjugate gradients: the problem is restricted to a
// pyramid (a coarse pixel is known when any of its 2x2 children is), solved
// at the top, and each level's solution, bilinearly upsampled, starts CG on
// the next finer one, so the fine level only removes local error.
DiffusionStats InpaintDiffusion(int width, int height, const uint8_t* mask,
                                float* plane, float empty_value,
                                const DiffusionOptions& options = {});

// A half-open rectangle [x0, x1) x [y0, y1).
struct Region {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// Warm-started conjugate gradients on the whole plane: `plane` holds data on
// known pixels and a starting guess elsewhere (a previous solution, say).
// Returns the iterations used.
int RefineDiffusion(int width, int height, const uint8_t* mask, float* plane,
                    float tolerance, int max_iterations);

// The same restricted to `region`: pixels outside it are held fixed, as if
// known. For local updates after a small change of the mask.
int RefineDiffusionRegion(int width, int height, const uint8_t* mask,
                          float* plane, const Region& region, float tolerance,
                          int max_iterations);

// Solves -Laplace(z) = rhs on the unknown pixels with z = 0 on known ones
// (the transpose of inpainting, needed by tonal optimisation), cascadic like
// InpaintDiffusion.
int SolveAdjoint(int width, int height, const uint8_t* mask, const float* rhs,
                 float* z, float tolerance, int max_iterations);

}  // namespace spix

#endif  // SPIX_BASELINES_DIFFUSION_H_
