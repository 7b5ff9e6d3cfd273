// The 1-bit packed form of a mask (8 pixels a byte, MSB first, rows start on
// a byte), used by the zstd mask method.
#ifndef SPIX_BITSTREAM_MASK_BITMAP_H_
#define SPIX_BITSTREAM_MASK_BITMAP_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spix {

inline size_t PackedRowBytes(int width) { return (size_t(width) + 7) / 8; }

inline std::vector<uint8_t> PackMask(const uint8_t* mask, int width,
                                     int height) {
  const size_t row_bytes = PackedRowBytes(width);
  std::vector<uint8_t> packed(row_bytes * height, 0);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (mask[size_t(y) * width + x]) {
        packed[y * row_bytes + x / 8] |= uint8_t(0x80 >> (x % 8));
      }
    }
  }
  return packed;
}

inline std::vector<uint8_t> UnpackMask(const std::vector<uint8_t>& packed,
                                       int width, int height) {
  const size_t row_bytes = PackedRowBytes(width);
  std::vector<uint8_t> mask(size_t(width) * height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      mask[size_t(y) * width + x] =
          (packed[y * row_bytes + x / 8] >> (7 - x % 8)) & 1;
    }
  }
  return mask;
}

}  // namespace spix

#endif  // SPIX_BITSTREAM_MASK_BITMAP_H_
