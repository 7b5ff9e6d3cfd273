// Binary range encoder (carry-propagating, 32-bit range, byte output).
#ifndef SPIX_BITSTREAM_ENC_ARITH_H_
#define SPIX_BITSTREAM_ENC_ARITH_H_

#include <cstdint>
#include <vector>

#include "bitstream/binary_model.h"

namespace spix {

class ArithEncoder {
 public:
  // Codes `bit` with P(bit == 0) = p0 / 2^16.
  void Encode(int bit, uint32_t p0) {
    const uint32_t bound = (range_ >> kProbBits) * p0;
    if (bit) {
      low_ += bound;
      range_ -= bound;
    } else {
      range_ = bound;
    }
    while (range_ < (1u << 24)) {
      range_ <<= 8;
      ShiftLow();
    }
  }

  template <int kLimit>
  void Encode(int bit, BinaryModel<kLimit>& model) {
    Encode(bit, model.p0());
    model.Update(bit);
  }

  // Equiprobable bits, most significant first.
  void EncodeRaw(uint32_t value, int bits) {
    for (int i = bits - 1; i >= 0; --i) Encode((value >> i) & 1, kProbOne / 2);
  }

  std::vector<uint8_t> Finish() {
    for (int i = 0; i < 5; ++i) ShiftLow();
    return std::move(out_);
  }

  // Bytes written so far; an estimate of the final size while coding.
  size_t BytesSoFar() const { return out_.size() + cache_size_ + 4; }

 private:
  void ShiftLow() {
    if (uint32_t(low_) < 0xFF000000u || (low_ >> 32) != 0) {
      const uint8_t carry = uint8_t(low_ >> 32);
      uint8_t byte = cache_;
      do {
        // The first byte out of a fresh coder is always zero; the decoder
        // knows that, so it is never stored.
        if (started_) out_.push_back(uint8_t(byte + carry));
        started_ = true;
        byte = 0xFF;
      } while (--cache_size_ != 0);
      cache_ = uint8_t(low_ >> 24);
    }
    ++cache_size_;
    low_ = (low_ & 0x00FFFFFFu) << 8;
  }

  uint64_t low_ = 0;
  uint32_t range_ = 0xFFFFFFFFu;
  uint8_t cache_ = 0;
  uint64_t cache_size_ = 1;
  bool started_ = false;
  std::vector<uint8_t> out_;
};

}  // namespace spix

#endif  // SPIX_BITSTREAM_ENC_ARITH_H_
