// The project's own seeded PRNG (SplitMix64): identical sequences on every
// platform and library version, unlike std:: distributions or torch's.
#ifndef SPIX_BASELINES_RANDOM_H_
#define SPIX_BASELINES_RANDOM_H_

#include <cstdint>

namespace spix {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0; rejection keeps it unbiased.
  uint64_t Below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t v;
    do {
      v = Next();
    } while (v >= limit);
    return v % bound;
  }

 private:
  uint64_t state_;
};

}  // namespace spix

#endif  // SPIX_BASELINES_RANDOM_H_
