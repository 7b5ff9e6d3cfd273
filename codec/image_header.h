// Image dimensions read from the file header alone, before any pixel is
// decoded, so that an image bomb is refused before OpenCV allocates for it.
// No OpenCV here: the fuzzer links this on its own.
#ifndef SPIX_CODEC_IMAGE_HEADER_H_
#define SPIX_CODEC_IMAGE_HEADER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "bitstream/status.h"

namespace spix {

struct ImageHeader {
  std::string format;  // "PNG", "JPEG", "TIFF", ...
  uint64_t width = 0;
  uint64_t height = 0;
};

// Recognises PNG, JPEG, PNM (PBM/PGM/PPM/PAM), BMP, TIFF, WebP, JPEG 2000
// (JP2 and raw codestreams) and Sun raster by their signature and reads their
// dimensions. Floating-point formats (PFM, Radiance HDR, OpenEXR) and anything
// unrecognised are refused as Unsupported; a truncated or inconsistent header
// is CorruptData.
StatusOr<ImageHeader> PeekImageHeader(const uint8_t* data, size_t size);

}  // namespace spix

#endif  // SPIX_CODEC_IMAGE_HEADER_H_
