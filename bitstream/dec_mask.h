#ifndef SPIX_BITSTREAM_DEC_MASK_H_
#define SPIX_BITSTREAM_DEC_MASK_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitstream/status.h"

namespace spix {

// Decodes a MASK chunk payload into width*height bytes (1 = known pixel).
// Fails on truncation, a point count that does not match, or bad offsets.
StatusOr<std::vector<uint8_t>> DecodeMask(const uint8_t* data, size_t size,
                                          int width, int height);

}  // namespace spix

#endif  // SPIX_BITSTREAM_DEC_MASK_H_
