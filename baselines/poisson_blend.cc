#include "baselines/poisson_blend.h"

#include <cstddef>
#include <vector>

#include "baselines/diffusion.h"

namespace spix {

void PoissonBlend(int width, int height, const uint8_t* known,
                  const float* target, const float* source, float* out) {
  const size_t n = size_t(width) * height;
  std::vector<float> difference(n, 0.f);
  for (size_t i = 0; i < n; ++i) {
    if (known[i]) difference[i] = target[i] - source[i];
  }
  InpaintDiffusion(width, height, known, difference.data(), 0.f);
  for (size_t i = 0; i < n; ++i) {
    out[i] = known[i] ? target[i] : source[i] + difference[i];
  }
}

}  // namespace spix
