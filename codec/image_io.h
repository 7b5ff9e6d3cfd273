// Files on disk: images through OpenCV, raw bytes, and atomic writes (a
// temporary file renamed into place, so no partial output is ever left).
#ifndef SPIX_CODEC_IMAGE_IO_H_
#define SPIX_CODEC_IMAGE_IO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bitstream/status.h"
#include "codec/image.h"

namespace spix {

// Reads PNG, JPEG, PPM/PGM, BMP, TIFF (whatever OpenCV decodes) as 8-bit RGB
// or grey. 16-bit samples are scaled to 8 bits and alpha is dropped, each
// with a message appended to `warnings`. Dimensions are checked against the
// format caps before the pixels are decoded where the header allows it.
StatusOr<Image> ReadImage(const std::string& path,
                          std::vector<std::string>* warnings);

// Writes by extension: .png (lossless, the default choice), .ppm/.pgm/.pnm,
// .bmp, .tif/.tiff.
Status WriteImage(const std::string& path, const Image& image);

// Whole file, refusing anything larger than `max_size` bytes.
StatusOr<std::vector<uint8_t>> ReadFileBytes(const std::string& path,
                                             uint64_t max_size);

Status WriteFileAtomic(const std::string& path,
                       const std::vector<uint8_t>& bytes);

}  // namespace spix

#endif  // SPIX_CODEC_IMAGE_IO_H_
