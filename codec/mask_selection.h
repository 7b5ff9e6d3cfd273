// Encoder stage 1: which pixels to keep.
#ifndef SPIX_CODEC_MASK_SELECTION_H_
#define SPIX_CODEC_MASK_SELECTION_H_

#include <cstdint>
#include <vector>

#include "codec/image.h"
#include "codec/spix.h"

namespace spix {

// The mask for `options.mask` at `options.density` (1 = known pixel).
std::vector<uint8_t> SelectMask(const Image& image,
                                const EncodeOptions& options);

// Number of known pixels for a density: round(density * pixels), at least 1.
uint64_t KnownPixelCount(int width, int height, double density);

// Exactly KnownPixelCount() pixels, uniformly at random from `seed`.
std::vector<uint8_t> RandomMask(int width, int height, double density,
                                uint64_t seed);

// A regular lattice with spacing 1/sqrt(density), centred in the image.
std::vector<uint8_t> GridMask(int width, int height, double density);

}  // namespace spix

#endif  // SPIX_CODEC_MASK_SELECTION_H_
