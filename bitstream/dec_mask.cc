#include "bitstream/dec_mask.h"

#include <zstd.h>

#include <string>

#include "bitstream/binary_tree.h"
#include "bitstream/byte_io.h"
#include "bitstream/dec_arith.h"
#include "bitstream/density_field.h"
#include "bitstream/format.h"
#include "bitstream/halftone.h"
#include "bitstream/mask_bitmap.h"
#include "bitstream/mask_context.h"

namespace spix {
namespace {

StatusOr<std::vector<uint8_t>> DecodeZstdBitmap(ByteReader& r, int width,
                                                int height) {
  // The frame must inflate to exactly the packed size: never more is
  // allocated, and anything else is corrupt.
  std::vector<uint8_t> packed(PackedRowBytes(width) * height);
  const size_t size =
      ZSTD_decompress(packed.data(), packed.size(), r.cursor(), r.remaining());
  if (ZSTD_isError(size) || size != packed.size()) {
    return CorruptData("mask: zstd bitmap is corrupt");
  }
  return UnpackMask(packed, width, height);
}

StatusOr<std::vector<uint8_t>> DecodeContextArithmetic(ByteReader& r, int width,
                                                       int height,
                                                       uint64_t declared) {
  uint8_t ax = 0, ay = 0;
  SPIX_RETURN_IF_ERROR(r.U8(&ax, "mask context offset"));
  SPIX_RETURN_IF_ERROR(r.U8(&ay, "mask context offset"));
  if (ax > kMaxMaskContextOffset || ay > kMaxMaskContextOffset) {
    return CorruptData("mask: context offset out of range");
  }

  std::vector<uint8_t> mask(size_t(width) * height, 0);
  MaskContext ctx(width, height, ax, ay);
  ArithDecoder dec(r.cursor(), r.remaining());
  uint64_t ones = 0;
  for (int y = 0; y < height; ++y) {
    uint8_t* row = mask.data() + size_t(y) * width;
    for (int x = 0; x < width; ++x) {
      const int bit = dec.Decode(ctx.Model(ctx.Context(x, y)));
      row[x] = uint8_t(bit);
      ctx.Set(x, y, uint8_t(bit));
      ones += bit;
    }
    // Checked per row so a corrupt stream stops early, not after 64 MP.
    if (dec.overran()) return CorruptData("mask: coded data is truncated");
    if (ones > declared) {
      return CorruptData("mask: more known pixels than declared");
    }
  }
  return mask;
}

}  // namespace

StatusOr<std::vector<uint8_t>> DecodeMask(const uint8_t* data, size_t size,
                                          int width, int height,
                                          uint8_t version,
                                          std::optional<DensityField>* field) {
  ByteReader r(data, size);
  uint32_t declared = 0;
  uint8_t method = 0;
  SPIX_RETURN_IF_ERROR(r.U32(&declared, "mask point count"));
  SPIX_RETURN_IF_ERROR(r.U8(&method, "mask method"));
  const uint64_t pixels = uint64_t(width) * height;
  if (declared > pixels) {
    return CorruptData("mask: " + std::to_string(declared) +
                       " known pixels declared in a " + std::to_string(pixels) +
                       "-pixel image");
  }
  StatusOr<std::vector<uint8_t>> mask =
      CorruptData("mask: unknown coding method " + std::to_string(method));
  if (method == uint8_t(MaskMethod::kContextArithmetic)) {
    mask = DecodeContextArithmetic(r, width, height, declared);
  } else if (method == uint8_t(MaskMethod::kZstdBitmap)) {
    mask = DecodeZstdBitmap(r, width, height);
  } else if (method == uint8_t(MaskMethod::kFlatHalftone)) {
    if (declared == 0 || r.remaining() != 0) {
      return CorruptData("mask: bad flat halftone");
    }
    mask = FlatHalftone(width, height, declared);
  } else if (method == uint8_t(MaskMethod::kDensityField) && version >= 2) {
    if (declared == 0) return CorruptData("mask: empty density field mask");
    StatusOr<DensityField> levels =
        DecodeDensityField(r.cursor(), r.remaining(), width, height);
    if (!levels.ok()) return levels.status();
    // Only the field's own count is valid: one encoding per mask, and no
    // crafted count can make the halftone move millions of points.
    if (declared != DensityFieldCount(*levels, width, height)) {
      return CorruptData("mask: point count does not match the density field");
    }
    mask = DensityFieldMask(*levels, width, height, declared);
    if (field) *field = std::move(levels).value();
  } else if (method == uint8_t(MaskMethod::kBinaryTree) && version >= 2) {
    StatusOr<BinaryTreeMask> tree =
        DecodeBinaryTree(r.cursor(), r.remaining(), width, height, declared,
                         version >= kMixedModelsVersion);
    if (!tree.ok()) return tree.status();
    mask = tree->mask();
  }
  if (!mask.ok()) return mask;
  uint64_t ones = 0;
  for (uint8_t m : *mask) ones += m;
  if (ones != declared) {
    return CorruptData("mask: " + std::to_string(ones) +
                       " known pixels decoded, " + std::to_string(declared) +
                       " declared");
  }
  return mask;
}

}  // namespace spix
