// The classical codecs spix is compared against, each run the way its own
// tools run it: JPEG through libjpeg-turbo (in OpenCV) with optimised
// Huffman tables, WebP through libwebp at method 6, JPEG 2000 through
// OpenJPEG with its rate allocation, AVIF and JPEG XL through their Debian
// command-line tools (avifenc/avifdec, cjxl/djxl) when installed.
#ifndef SPIX_BASELINES_CLASSICAL_CODECS_H_
#define SPIX_BASELINES_CLASSICAL_CODECS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bitstream/status.h"

namespace spix {

struct ClassicalResult {
  std::vector<uint8_t> file;     // the encoded file (its size is the rate)
  std::vector<uint8_t> decoded;  // interleaved, same layout as the input
  double encode_seconds = 0;
  double decode_seconds = 0;
};

// Codec names: jpeg, webp, jp2, avif, jxl. `setting` is the codec's own
// scale: JPEG quality 1..100, WebP 0..100, JPEG 2000 target bits per pixel
// (the encoder's rate allocation aims at it), AVIF quantizer 0..63 (lower
// is better), JPEG XL quality 5..100 (cjxl 0.7 refuses lower ones). The
// external tools' times include process start and PNG I/O.
StatusOr<ClassicalResult> RunClassicalCodec(const std::string& codec,
                                            double setting,
                                            const uint8_t* pixels, int width,
                                            int height, int channels);

// False, with the reason, when `codec` is unknown or its tool is missing.
bool ClassicalCodecAvailable(const std::string& codec, std::string* why);

// One line saying exactly how `codec` is run: library or tool, version and
// every setting that is not the swept one.
std::string ClassicalCodecSettings(const std::string& codec);

}  // namespace spix

#endif  // SPIX_BASELINES_CLASSICAL_CODECS_H_
