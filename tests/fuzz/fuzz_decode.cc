// libFuzzer target for the whole decoder. Every input is decoded twice: with
// the checksum (as users run it) and without, so that mutations reach the
// header, mask and value parsers instead of stopping at the CRC. The pixel
// cap keeps each run fast; files for the learned decoder stop at the weight
// lookup (no weights here), so the fuzzer stays on the parsers.
#include <cstddef>
#include <cstdint>

#include "codec/spix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  spix::DecodeOptions options;
  options.max_pixels = 1 << 16;
  options.models_dir = "/nonexistent";
  (void)spix::Decode(data, size, options);
  options.verify_checksum = false;
  (void)spix::Decode(data, size, options);
  (void)spix::Inspect(data, size);
  return 0;
}
