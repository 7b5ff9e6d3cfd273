// Logistic mixing of binary predictions (format version 5's value coder):
// several adaptive models each predict a bit under their own context, their
// probabilities are mapped to the logistic domain (Stretch), summed with
// weights that learn online by gradient descent on the coding cost, and
// mapped back (Squash). The technique of PAQ-family coders; integer only,
// so encoder and decoder agree on every machine.
#ifndef SPIX_BITSTREAM_LOGISTIC_MIXING_H_
#define SPIX_BITSTREAM_LOGISTIC_MIXING_H_

#include <algorithm>
#include <array>
#include <cstdint>

#include "bitstream/binary_model.h"

namespace spix {

// The logistic domain in units of 1/256: ln(p / (1 - p)) * 256, in
// [-kLogitLimit, kLogitLimit] (about +-8).
inline constexpr int32_t kLogitLimit = 2047;

// 65536 / (1 + e^(-d / 256)): a 16-bit probability from a logit.
uint32_t Squash(int32_t logit);

// Squash's inverse on a 16-bit probability (exact to its 4096 buckets).
int32_t Stretch(uint32_t p);

// Mixes kInputs logits of P(bit == 0) into one 16-bit probability.
template <int kInputs>
class LogisticMixer {
 public:
  LogisticMixer() { weights_.fill(kInitialWeight); }

  uint32_t Mix(const std::array<int32_t, kInputs>& logits) const {
    int64_t dot = 0;
    for (int i = 0; i < kInputs; ++i) dot += int64_t(weights_[i]) * logits[i];
    const int32_t logit =
        int32_t(std::clamp<int64_t>(dot >> 16, -kLogitLimit, kLogitLimit));
    return std::clamp(Squash(logit), kProbMin, kProbOne - kProbMin);
  }

  // One gradient step on the cost of `bit` coded at `p0` = Mix(logits).
  void Update(const std::array<int32_t, kInputs>& logits, uint32_t p0,
              int bit) {
    const int64_t error = int64_t(bit ? 0 : kProbOne) - int64_t(p0);
    for (int i = 0; i < kInputs; ++i) {
      const int64_t w = weights_[i] + ((error * logits[i]) >> kRateShift);
      weights_[i] =
          int32_t(std::clamp<int64_t>(w, -kWeightLimit, kWeightLimit));
    }
  }

 private:
  // Weights in units of 1/65536; a learning rate of about 1/64 (measured
  // on six Kodak images: 1/200 and 1/50 code within 0.1 % of it, 1/20
  // worse).
  static constexpr int32_t kInitialWeight = 19661;  // 0.3
  static constexpr int32_t kWeightLimit = 1 << 20;
  static constexpr int kRateShift = 14;
  std::array<int32_t, kInputs> weights_;
};

}  // namespace spix

#endif  // SPIX_BITSTREAM_LOGISTIC_MIXING_H_
