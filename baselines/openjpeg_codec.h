// JPEG 2000 as OpenJPEG's own encoder runs it (`opj_compress -r R -I`):
// through libopenjp2's C API with its rate allocation, so a target bpp
// lands where opj_compress would put it; decoded with OpenJPEG too.
#ifndef SPIX_BASELINES_OPENJPEG_CODEC_H_
#define SPIX_BASELINES_OPENJPEG_CODEC_H_

#include <string>

#include "baselines/classical_codecs.h"

namespace spix {

// One quality layer at target_bpp (bits per image pixel, all channels
// together), irreversible 9/7 wavelet, colour transform for RGB, JP2 file.
StatusOr<ClassicalResult> RunOpenJpeg(double target_bpp, const uint8_t* pixels,
                                      int width, int height, int channels);

std::string OpenJpegVersion();

}  // namespace spix

#endif  // SPIX_BASELINES_OPENJPEG_CODEC_H_
