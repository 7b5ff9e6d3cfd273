// Encoder stage 1: which pixels to keep. Learned and optimised masks come
// later; these are the content-independent ones.
#ifndef SPIX_CODEC_MASK_SELECTION_H_
#define SPIX_CODEC_MASK_SELECTION_H_

#include <cstdint>
#include <vector>

namespace spix {

// Number of known pixels for a density: round(density * pixels), at least 1.
uint64_t KnownPixelCount(int width, int height, double density);

// Exactly KnownPixelCount() pixels, uniformly at random from `seed`.
std::vector<uint8_t> RandomMask(int width, int height, double density,
                                uint64_t seed);

// A regular lattice with spacing 1/sqrt(density), centred in the image.
std::vector<uint8_t> GridMask(int width, int height, double density);

}  // namespace spix

#endif  // SPIX_CODEC_MASK_SELECTION_H_
