#include "bitstream/logistic_mixing.h"

#include <array>

namespace spix {
namespace {

// 65536 / (1 + e^(-x)) at x = -8, -7.5, ..., 8 (rounded): Squash
// interpolates linearly between these knots, 128 logit units apart.
constexpr std::array<int32_t, 33> kSquashKnots = {
    22,    36,    60,    98,    162,   267,   439,   720,   1179,
    1921,  3108,  4971,  7812,  11955, 17625, 24743, 32768, 40793,
    47911, 53581, 57724, 60565, 62428, 63615, 64357, 64816, 65097,
    65269, 65374, 65438, 65476, 65500, 65514};

struct StretchTable {
  StretchTable() {
    // For each bucket of 16 probabilities, the least logit whose Squash
    // reaches the bucket's middle (Squash is monotone).
    int32_t logit = -kLogitLimit;
    for (int32_t bucket = 0; bucket < 4096; ++bucket) {
      const uint32_t middle = uint32_t(bucket) * 16 + 8;
      while (logit < kLogitLimit && Squash(logit) < middle) ++logit;
      logits[size_t(bucket)] = int16_t(logit);
    }
  }
  std::array<int16_t, 4096> logits;
};

}  // namespace

uint32_t Squash(int32_t logit) {
  const int32_t d = std::clamp(logit, -kLogitLimit, kLogitLimit) + 2048;
  const int32_t knot = d >> 7, fraction = d & 127;
  return uint32_t((kSquashKnots[size_t(knot)] * (128 - fraction) +
                   kSquashKnots[size_t(knot) + 1] * fraction) >>
                  7);
}

int32_t Stretch(uint32_t p) {
  static const StretchTable table;
  return table.logits[std::min<uint32_t>(p, kProbOne - 1) >> 4];
}

}  // namespace spix
