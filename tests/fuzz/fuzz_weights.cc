// libFuzzer target for the weight-file parser (safetensors layout): any
// bytes must parse or be refused with a Status, within the tensor caps.
#include <cstddef>
#include <cstdint>

#include "networks/weights.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)spix::ParseWeights(data, size);
  return 0;
}
