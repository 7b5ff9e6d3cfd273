#ifndef SPIX_BITSTREAM_DEC_MASK_H_
#define SPIX_BITSTREAM_DEC_MASK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bitstream/density_field.h"
#include "bitstream/format.h"
#include "bitstream/status.h"

namespace spix {

// Decodes a MASK chunk payload into width*height bytes (1 = known pixel).
// Fails on truncation, a point count that does not match, bad offsets, or a
// method that the file's format version does not have. A density-field
// mask also gives its field in `field` when that is not null.
StatusOr<std::vector<uint8_t>> DecodeMask(
    const uint8_t* data, size_t size, int width, int height,
    uint8_t version = kFormatVersion,
    std::optional<DensityField>* field = nullptr);

}  // namespace spix

#endif  // SPIX_BITSTREAM_DEC_MASK_H_
