// libFuzzer target for the whole decoder. Every input is decoded twice: with
// the checksum (as users run it) and without, so that mutations reach the
// header, mask and value parsers instead of stopping at the CRC. The pixel
// cap keeps each run fast.
//
// Two modes. By default there are no weights: files for the learned decoder
// stop at the weight lookup, so the fuzzer stays on the parsers. With
// SPIX_FUZZ_MODELS=DIR (scripts/sanitize.sh passes networks/weights and the
// learned golden files as seeds) files whose header names those weights run
// through g, the default decoder; images are capped at 4096 pixels and one
// LibTorch thread so that each run stays in milliseconds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "codec/spix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const models = std::getenv("SPIX_FUZZ_MODELS");
  spix::DecodeOptions options;
  options.max_pixels = models ? 1 << 12 : 1 << 16;
  options.models_dir = models ? models : "/nonexistent";
  options.threads = 1;
  (void)spix::Decode(data, size, options);
  options.verify_checksum = false;
  (void)spix::Decode(data, size, options);
  (void)spix::Inspect(data, size);
  return 0;
}
