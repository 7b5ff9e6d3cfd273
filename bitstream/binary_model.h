// Adaptive probability of one binary decision. Integer only, so encoder and
// decoder evolve identically on every machine.
#ifndef SPIX_BITSTREAM_BINARY_MODEL_H_
#define SPIX_BITSTREAM_BINARY_MODEL_H_

#include <cstdint>

namespace spix {

inline constexpr int kProbBits = 16;
inline constexpr uint32_t kProbOne = 1u << kProbBits;
inline constexpr uint32_t kProbMin = 24;  // keeps every code interval open

// Starts as a frequency count (fast learning from few samples) and turns into
// an exponential average once `kLimit` samples are seen, so it still follows
// slow drift in the statistics.
template <int kLimit>
class BinaryModel {
 public:
  static_assert(kLimit >= 2 && kLimit < 256, "limit must fit the counter");

  uint32_t p0() const { return p0_; }

  void Update(int bit) {
    const int32_t target = bit ? 0 : int32_t(kProbOne);
    const int32_t delta =
        int32_t((int64_t(target - int32_t(p0_)) * Reciprocal(count_)) >> 16);
    int32_t p = int32_t(p0_) + delta;
    if (p < int32_t(kProbMin)) p = kProbMin;
    if (p > int32_t(kProbOne - kProbMin)) p = kProbOne - kProbMin;
    p0_ = uint32_t(p);
    if (count_ < kLimit) ++count_;
  }

 private:
  // 65536 / (n + 2): the weight of a new sample after n earlier ones.
  static int32_t Reciprocal(int n) { return int32_t(65536 / (n + 2)); }

  uint32_t p0_ = kProbOne / 2;
  uint8_t count_ = 0;
};

}  // namespace spix

#endif  // SPIX_BITSTREAM_BINARY_MODEL_H_
