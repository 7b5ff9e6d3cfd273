// Files on disk: images through OpenCV, raw bytes, and atomic writes (a
// temporary file renamed into place, so no partial output is ever left).
#ifndef SPIX_CODEC_IMAGE_IO_H_
#define SPIX_CODEC_IMAGE_IO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bitstream/format.h"
#include "bitstream/status.h"
#include "codec/image.h"

namespace spix {

// Reads PNG, JPEG, PPM/PGM, BMP, TIFF (whatever OpenCV decodes) as 8-bit RGB
// or grey. 16-bit samples are scaled to 8 bits and alpha is dropped, each
// with a message appended to `warnings`. The header is peeked first
// (codec/image_header.h) and its dimensions checked against the caps and
// `max_pixels` before any pixel is decoded; other formats are refused.
StatusOr<Image> ReadImage(const std::string& path,
                          std::vector<std::string>* warnings,
                          uint64_t max_pixels = kMaxPixels);

// How an output name is taken: kReplace renames over an existing regular
// file; kCreateNew fails if the name exists, even when another process
// creates it meanwhile. Neither ever replaces a directory, device or FIFO; a
// symlink is written through (its target gets the content, the link stays).
enum class WriteMode { kReplace, kCreateNew };

// Writes by extension: .png (lossless, the default choice), .ppm/.pgm/.pnm,
// .bmp, .tif/.tiff.
Status WriteImage(const std::string& path, const Image& image,
                  WriteMode mode = WriteMode::kReplace);

// Whether WriteImage accepts the name's extension; lets a command refuse a
// bad output name before the work.
Status CheckImageOutputName(const std::string& path);

// Whole file, refusing anything larger than `max_size` bytes, and anything
// that is not a regular file (without blocking on a FIFO).
StatusOr<std::vector<uint8_t>> ReadFileBytes(const std::string& path,
                                             uint64_t max_size);

Status WriteFileAtomic(const std::string& path,
                       const std::vector<uint8_t>& bytes,
                       WriteMode mode = WriteMode::kReplace);

}  // namespace spix

#endif  // SPIX_CODEC_IMAGE_IO_H_
