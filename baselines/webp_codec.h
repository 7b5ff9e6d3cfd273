// WebP as cwebp runs it at its slowest, best setting (`cwebp -q Q -m 6`):
// through libwebp's encoder API, decoded with libwebp.
#ifndef SPIX_BASELINES_WEBP_CODEC_H_
#define SPIX_BASELINES_WEBP_CODEC_H_

#include <string>

#include "baselines/classical_codecs.h"

namespace spix {

// Lossy WebP at quality 0..100, method 6, libwebp's other defaults (the
// default preset, 4:2:0). Grey images are coded as RGB and read back as
// the mean of the decoded channels.
StatusOr<ClassicalResult> RunWebp(int quality, const uint8_t* pixels, int width,
                                  int height, int channels);

std::string WebpVersion();

}  // namespace spix

#endif  // SPIX_BASELINES_WEBP_CODEC_H_
