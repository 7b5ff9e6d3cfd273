// libFuzzer target for the image-header peek that runs before OpenCV
// decodes anything: any bytes give dimensions or a Status, never a read
// outside the buffer.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/image_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A copy of exactly `size` bytes, so AddressSanitizer sees any overread.
  const std::vector<uint8_t> bytes(data, data + size);
  (void)spix::PeekImageHeader(bytes.data(), bytes.size());
  return 0;
}
