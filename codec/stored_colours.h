// Encoder stage 2: the colours stored for the known pixels, before
// quantisation: the originals, or tonally optimised ones.
#ifndef SPIX_CODEC_STORED_COLOURS_H_
#define SPIX_CODEC_STORED_COLOURS_H_

#include <cstdint>
#include <vector>

#include "codec/image.h"

namespace spix {

// Interleaved 8-bit samples of the known pixels of `mask`, raster order.
// With `tonal`, the values minimising the squared error of diffusion
// inpainting, rounded and clamped to 0..255.
std::vector<uint8_t> StoredColours(const Image& image,
                                   const std::vector<uint8_t>& mask,
                                   bool tonal);

}  // namespace spix

#endif  // SPIX_CODEC_STORED_COLOURS_H_
