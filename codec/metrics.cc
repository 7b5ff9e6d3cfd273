#include <cmath>
#include <limits>

#include "codec/image.h"

namespace spix {

double Psnr(const Image& a, const Image& b) {
  double sse = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    const double d = double(a.pixels[i]) - double(b.pixels[i]);
    sse += d * d;
  }
  if (sse == 0) return std::numeric_limits<double>::infinity();
  const double mse = sse / double(a.pixels.size());
  return 10.0 * std::log10(255.0 * 255.0 / mse);
}

}  // namespace spix
