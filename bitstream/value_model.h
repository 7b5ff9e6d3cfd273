// What the value encoder and decoder share: the spatial predictor over
// already-coded known pixels and the adaptive models of the residuals.
#ifndef SPIX_BITSTREAM_VALUE_MODEL_H_
#define SPIX_BITSTREAM_VALUE_MODEL_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "bitstream/binary_model.h"

namespace spix {

inline constexpr int kMaxValueChannels = 3;

// The integer range of each channel's quantisation indices, and the value
// predicted before any neighbour is known.
struct ValueCodingParams {
  int channels = 1;
  std::array<int32_t, kMaxValueChannels> lo{};
  std::array<int32_t, kMaxValueChannels> hi{};
  std::array<int32_t, kMaxValueChannels> initial{};
  // Optional step of channel 0 at every pixel (format version 3, QMAP): its
  // values lie in 0..255, index i stands for i * step, neighbours are
  // predicted in values and the prediction rounded to the pixel's step;
  // lo[0], hi[0] and initial[0] are then ignored.
  const uint8_t* point_steps = nullptr;
};

// floor(a / b) for b != 0, also for negative operands (C++ division
// truncates towards zero).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// The highest index of a 0..255 value at a step.
inline int32_t MaxIndexForStep(int32_t step) { return (255 + step / 2) / step; }

// Channel 0's step at a pixel: its point step, or 1 without point steps.
inline int32_t Step0At(const ValueCodingParams& p, size_t pixel) {
  return p.point_steps ? std::max<int32_t>(1, p.point_steps[pixel]) : 1;
}

// Channel c's index range at a pixel whose channel-0 step is step0.
inline int32_t LowestIndex(const ValueCodingParams& p, int c) {
  return c == 0 && p.point_steps ? 0 : p.lo[c];
}
inline int32_t HighestIndex(const ValueCodingParams& p, int c, int32_t step0) {
  return c == 0 && p.point_steps ? MaxIndexForStep(step0) : p.hi[c];
}

// Prediction radius that suits a mask density: about 2.5 mean point spacings.
int PredictionRadiusForDensity(double density);

// Predicts each channel of a known pixel as the inverse-square-distance
// weighted mean of the latest known pixel of every column within `radius`
// (rows above, and columns to the left in the current row). Integer only.
class ValuePredictor {
 public:
  ValuePredictor(int width, const ValueCodingParams& params, int radius);

  // pred[c] and an activity bucket per channel (how much the neighbours
  // disagree, in steps), for the pixel at (x, y), which must not be
  // recorded yet. `step0` is channel 0's step at this pixel when the
  // params have point steps, else 1.
  void Predict(int x, int y, int32_t* pred, int* activity, int32_t step0 = 1);
  void Record(int x, int y, const int32_t* values, int32_t step0 = 1);

  static constexpr int kActivityBuckets = 6;

 private:
  int width_;
  int channels_;
  int radius_;
  std::vector<int32_t> last_row_;  // -1: no known pixel in that column yet
  std::vector<int32_t> last_value_;
  std::array<int32_t, kMaxValueChannels> fallback_;
  // Scratch for the candidates of one prediction.
  std::vector<int32_t> weights_;
  std::vector<int32_t> columns_;
};

// Adaptive models of the residual binarisation: zero flag, sign, Exp-Golomb
// prefix (unary) and suffix bits, per channel, activity and, for chroma,
// whether the luma residual of the same pixel was zero.
inline constexpr int kMaxResidualPrefix = 12;
using ValueBitModel = BinaryModel<60>;

struct ResidualModels {
  static constexpr int kLumaStates = 2;
  using PerContext = std::array<
      std::array<std::array<ValueBitModel, ValuePredictor::kActivityBuckets>,
                 kLumaStates>,
      kMaxValueChannels>;
  PerContext zero;
  PerContext sign;
  std::array<PerContext, kMaxResidualPrefix> prefix;
  std::array<std::array<std::array<ValueBitModel, kMaxResidualPrefix>,
                        kMaxResidualPrefix>,
             kMaxValueChannels>
      suffix;
};

}  // namespace spix

#endif  // SPIX_BITSTREAM_VALUE_MODEL_H_
