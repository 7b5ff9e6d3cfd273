// Codes the binary mask of known pixels as a bilevel image: context model
// (mask_context.h) driving the adaptive binary arithmetic coder.
#ifndef SPIX_BITSTREAM_ENC_MASK_H_
#define SPIX_BITSTREAM_ENC_MASK_H_

#include <cstdint>
#include <vector>

#include "bitstream/binary_tree.h"
#include "bitstream/density_field.h"
#include "bitstream/format.h"

namespace spix {

// `mask` holds width*height bytes, 1 = known pixel. Returns the MASK chunk
// payload: the context coder with the adaptive template offsets that code
// smallest, or zstd on the packed bitmap when that is smaller still.
std::vector<uint8_t> EncodeMask(const uint8_t* mask, int width, int height);

// The MASK chunk payload of a density-field mask (format version 2): the
// mask is DensityFieldMask(field, width, height, count).
std::vector<uint8_t> EncodeDensityFieldMask(const DensityField& field,
                                            uint64_t count);

// The MASK chunk payload of a binary-tree mask (format version 2), coded as
// `version` codes it.
std::vector<uint8_t> EncodeBinaryTreeMask(const BinaryTreeMask& tree,
                                          uint8_t version = kFormatVersion);

// The context coder with fixed adaptive offsets (0 = unused); for tests.
std::vector<uint8_t> EncodeMaskWithOffsets(const uint8_t* mask, int width,
                                           int height, int ax, int ay);

}  // namespace spix

#endif  // SPIX_BITSTREAM_ENC_MASK_H_
