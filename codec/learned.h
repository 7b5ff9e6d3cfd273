// The learned codec's stages: mask scores from m, stored colours tuned
// through g, reconstruction by g, and g2's refinement of a reconstruction.
// Networks are loaded once per models directory and shared by every call in the
// process.
#ifndef SPIX_CODEC_LEARNED_H_
#define SPIX_CODEC_LEARNED_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bitstream/status.h"
#include "codec/image.h"
#include "codec/spix.h"

namespace spix {

// m's per-pixel scores at `density` (higher: more worth storing), the
// density map that HalftoneMask() turns into the mask.
StatusOr<std::vector<float>> LearnedMaskScores(const Image& image,
                                               const EncodeOptions& options,
                                               double density);

// `image` with the colours of the known pixels tuned by `options.tonal_steps`
// Adam steps through g (the other pixels are left as they are).
StatusOr<Image> LearnedTonalImage(const Image& image,
                                  const std::vector<uint8_t>& mask,
                                  const EncodeOptions& options);

// The 8-byte prefix of the SHA-256 of g's weights, for the header.
StatusOr<std::array<uint8_t, 8>> LearnedWeightsHash(
    const std::string& models_dir);

// g's reconstruction of `known` (interleaved 8-bit, `channels` per pixel,
// valid where mask is 1). Refuses weights whose hash is not `weights_hash`.
StatusOr<Image> LearnedReconstruct(const std::vector<uint8_t>& known,
                                   const std::vector<uint8_t>& mask, int width,
                                   int height, int channels,
                                   const std::array<uint8_t, 8>& weights_hash,
                                   uint32_t noise_seed,
                                   const DecodeOptions& options);

// The first 8 bytes of the SHA-256 of g2's weight file.
StatusOr<std::array<uint8_t, 8>> RefinerWeightsHash(
    const std::string& models_dir);

// g2's correction of a decoded image (grey images go through it as three
// equal channels). Refuses weights whose hash is not `weights_hash`.
StatusOr<Image> RefineReconstruction(const Image& reconstruction,
                                     const std::vector<uint8_t>& mask,
                                     const std::array<uint8_t, 8>& weights_hash,
                                     const DecodeOptions& options);

}  // namespace spix

#endif  // SPIX_CODEC_LEARNED_H_
