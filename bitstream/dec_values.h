#ifndef SPIX_BITSTREAM_DEC_VALUES_H_
#define SPIX_BITSTREAM_DEC_VALUES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitstream/status.h"
#include "bitstream/value_model.h"

namespace spix {

// Decodes a VALS chunk payload: params.channels indices per known pixel of
// `mask`, raster order. Every index is checked against its channel range.
StatusOr<std::vector<int32_t>> DecodeValues(const uint8_t* data, size_t size,
                                            const uint8_t* mask, int width,
                                            int height,
                                            const ValueCodingParams& params);

}  // namespace spix

#endif  // SPIX_BITSTREAM_DEC_VALUES_H_
