// Poisson image editing (Perez et al. 2003) as used by the semantic-fill
// papers: inside the hole the result keeps the gradients of `source`, on
// the known pixels it equals `target`. Writing x = source + d, d is harmonic
// in the hole with d = target - source on the known pixels, so the solve is
// homogeneous diffusion inpainting of the difference (the project's
// cascadic CG solver; reflecting image borders).
#ifndef SPIX_BASELINES_POISSON_BLEND_H_
#define SPIX_BASELINES_POISSON_BLEND_H_

#include <cstdint>

namespace spix {

// One plane of width * height values; known != 0 marks the known pixels.
// `out` may alias neither input. Values in grey levels (the solver's
// tolerance is 0.005 of a level).
void PoissonBlend(int width, int height, const uint8_t* known,
                  const float* target, const float* source, float* out);

}  // namespace spix

#endif  // SPIX_BASELINES_POISSON_BLEND_H_
