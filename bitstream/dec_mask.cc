#include "bitstream/dec_mask.h"

#include <string>

#include "bitstream/byte_io.h"
#include "bitstream/dec_arith.h"
#include "bitstream/format.h"
#include "bitstream/mask_context.h"

namespace spix {

StatusOr<std::vector<uint8_t>> DecodeMask(const uint8_t* data, size_t size,
                                          int width, int height) {
  ByteReader r(data, size);
  uint32_t declared = 0;
  uint8_t ax = 0, ay = 0;
  SPIX_RETURN_IF_ERROR(r.U32(&declared, "mask point count"));
  SPIX_RETURN_IF_ERROR(r.U8(&ax, "mask context offset"));
  SPIX_RETURN_IF_ERROR(r.U8(&ay, "mask context offset"));
  const uint64_t pixels = uint64_t(width) * height;
  if (declared > pixels) {
    return CorruptData("mask: " + std::to_string(declared) +
                       " known pixels declared in a " +
                       std::to_string(pixels) + "-pixel image");
  }
  if (ax > kMaxMaskContextOffset || ay > kMaxMaskContextOffset) {
    return CorruptData("mask: context offset out of range");
  }

  std::vector<uint8_t> mask(pixels, 0);
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
  if (ones != declared) {
    return CorruptData("mask: " + std::to_string(ones) +
                       " known pixels decoded, " + std::to_string(declared) +
                       " declared");
  }
  return mask;
}

}  // namespace spix
