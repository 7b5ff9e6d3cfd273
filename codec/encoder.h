// Encoder stages below the public API, for rate control and tests.
#ifndef SPIX_CODEC_ENCODER_H_
#define SPIX_CODEC_ENCODER_H_

#include <cstdint>
#include <vector>

#include "codec/mask_selection.h"
#include "codec/spix.h"

namespace spix {

Status ValidateEncode(const Image& image, const EncodeOptions& options);

// Everything after mask selection: stored colours, quantisation, entropy
// coding, container. `options.mask` and `options.density` are not used.
StatusOr<std::vector<uint8_t>> EncodeWithMask(const Image& image,
                                              const MaskChoice& choice,
                                              const EncodeOptions& options,
                                              StageTimes* times = nullptr);

}  // namespace spix

#endif  // SPIX_CODEC_ENCODER_H_
