#include "codec/stored_colours.h"

#include <algorithm>
#include <cmath>

#include "baselines/planar_image.h"
#include "baselines/tonal_optimisation.h"

namespace spix {

std::vector<uint8_t> StoredColours(const Image& image,
                                   const std::vector<uint8_t>& mask,
                                   bool tonal) {
  const int channels = image.channels;
  std::vector<uint8_t> out;
  if (!tonal) {
    for (size_t i = 0; i < mask.size(); ++i) {
      if (!mask[i]) continue;
      out.insert(out.end(), &image.pixels[i * channels],
                 &image.pixels[i * channels] + channels);
    }
    return out;
  }
  const PlanarImage f =
      ToPlanar(image.pixels.data(), image.width, image.height, channels);
  const PlanarImage g = OptimiseTonalValues(f, mask);
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) continue;
    for (int c = 0; c < channels; ++c) {
      out.push_back(uint8_t(std::clamp(std::round(g.plane(c)[i]), 0.f, 255.f)));
    }
  }
  return out;
}

}  // namespace spix
