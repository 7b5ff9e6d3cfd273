// Tonal optimisation: the stored values g on the mask that minimise the
// squared reconstruction error ||M g - f||^2, where M is a linear inpainting
// operator (homogeneous diffusion, or diffusion with a fixed tensor). Solved by
// CGLS: conjugate gradients on the normal equations, each step one inpainting
// (M) and one adjoint solve (M^T).
#ifndef SPIX_BASELINES_TONAL_OPTIMISATION_H_
#define SPIX_BASELINES_TONAL_OPTIMISATION_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "baselines/planar_image.h"

namespace spix {

class DiffusionTensorField;

struct TonalOptions {
  int iterations = 10;  // CGLS converges slowly on clustered (PS) masks
  // Stop early once the gradient norm fell by this factor.
  double relative_tolerance = 1e-4;
  // Null: homogeneous diffusion. Else the fixed tensor's diffusion (EED
  // encoders pass the tensor of the EED reconstruction); must outlive the
  // call.
  const DiffusionTensorField* tensor = nullptr;
  int threads = 1;  // channels optimised in parallel
  // Quantisation-aware passes (off with a null `quantise` or one group).
  // After the CGLS steps the points are rounded in `quantise_groups`
  // interleaved groups, and after each group the still-free points take
  // `requantise_iterations` more CGLS steps, so they compensate the rounding
  // of the points already fixed (R-EED re-optimises after quantising; this is
  // the batched form of it). `quantise(channel, pixel index, group, plane)`
  // returns the value to store at the pixel from the plane's current values
  // on the mask (0 elsewhere): its own tuned value, and those of earlier
  // groups and of earlier points of its group (raster order) as stored. The
  // returned mask values are then exactly what `quantise` gives.
  std::function<float(int channel, size_t pixel, int group,
                      const std::vector<float>& plane)>
      quantise;
  int quantise_groups = 1;
  int requantise_iterations = 1;
  // The group (0..quantise_groups - 1) of the point at a pixel index; null:
  // group k holds every quantise_groups-th point in raster order, from the
  // k-th.
  std::function<int(size_t pixel)> quantise_group;
};

// Returns the image whose mask pixels hold the optimised values (not
// clamped: the caller rounds and clamps them to what it can store) and whose
// other pixels hold the inpainting from them.
PlanarImage OptimiseTonalValues(const PlanarImage& image,
                                const std::vector<uint8_t>& mask,
                                const TonalOptions& options = {});

}  // namespace spix

#endif  // SPIX_BASELINES_TONAL_OPTIMISATION_H_
