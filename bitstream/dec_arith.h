// Binary range decoder matching ArithEncoder. Reads are bounded: past the end
// of the buffer it feeds zeros and counts them, so a caller can stop early on
// truncated or corrupted data instead of running on garbage.
#ifndef SPIX_BITSTREAM_DEC_ARITH_H_
#define SPIX_BITSTREAM_DEC_ARITH_H_

#include <cstddef>
#include <cstdint>

#include "bitstream/binary_model.h"

namespace spix {

class ArithDecoder {
 public:
  ArithDecoder(const uint8_t* data, size_t size) : data_(data), size_(size) {
    for (int i = 0; i < 4; ++i) code_ = (code_ << 8) | NextByte();
  }

  int Decode(uint32_t p0) {
    const uint32_t bound = (range_ >> kProbBits) * p0;
    int bit;
    if (code_ < bound) {
      range_ = bound;
      bit = 0;
    } else {
      code_ -= bound;
      range_ -= bound;
      bit = 1;
    }
    while (range_ < (1u << 24)) {
      range_ <<= 8;
      code_ = (code_ << 8) | NextByte();
    }
    return bit;
  }

  template <int kLimit>
  int Decode(BinaryModel<kLimit>& model) {
    const int bit = Decode(model.p0());
    model.Update(bit);
    return bit;
  }

  uint32_t DecodeRaw(int bits) {
    uint32_t v = 0;
    for (int i = 0; i < bits; ++i)
      v = (v << 1) | uint32_t(Decode(kProbOne / 2));
    return v;
  }

  // True once the decoder has needed bytes the buffer does not have. The
  // encoder flushes enough that a valid stream never does.
  bool overran() const { return overrun_ > 0; }

  // Bytes of the buffer not read yet. A valid stream ends with none: the
  // encoder's flush is exactly what the decoder reads.
  size_t unread() const { return size_ - pos_; }

 private:
  uint8_t NextByte() {
    if (pos_ < size_) return data_[pos_++];
    ++overrun_;
    return 0;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t overrun_ = 0;
  uint32_t code_ = 0;
  uint32_t range_ = 0xFFFFFFFFu;
};

}  // namespace spix

#endif  // SPIX_BITSTREAM_DEC_ARITH_H_
