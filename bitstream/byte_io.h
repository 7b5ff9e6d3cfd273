// Little-endian byte writing and bounded byte reading for the container.
#ifndef SPIX_BITSTREAM_BYTE_IO_H_
#define SPIX_BITSTREAM_BYTE_IO_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitstream/status.h"

namespace spix {

class ByteWriter {
 public:
  void U8(uint8_t v) { bytes_.push_back(v); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(uint8_t(v >> (8 * i)));
  }
  void Bytes(const uint8_t* data, size_t size) {
    bytes_.insert(bytes_.end(), data, data + size);
  }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

// Reads never go past `size`; a short read is a CorruptData status naming
// what was being read.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t remaining() const { return size_ - pos_; }
  const uint8_t* cursor() const { return data_ + pos_; }

  Status U8(uint8_t* out, const char* what) {
    SPIX_RETURN_IF_ERROR(Need(1, what));
    *out = data_[pos_++];
    return OkStatus();
  }
  Status U32(uint32_t* out, const char* what) {
    SPIX_RETURN_IF_ERROR(Need(4, what));
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(data_[pos_ + i]) << (8 * i);
    pos_ += 4;
    *out = v;
    return OkStatus();
  }
  Status Skip(size_t n, const char* what) {
    SPIX_RETURN_IF_ERROR(Need(n, what));
    pos_ += n;
    return OkStatus();
  }

 private:
  Status Need(size_t n, const char* what) const {
    if (n > size_ - pos_) {
      return CorruptData(std::string("truncated file: ") + what +
                         " runs past the end of the data");
    }
    return OkStatus();
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace spix

#endif  // SPIX_BITSTREAM_BYTE_IO_H_
