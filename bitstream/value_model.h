// What the value encoder and decoder share: the spatial predictor over
// already-coded known pixels and the adaptive models of the residuals.
#ifndef SPIX_BITSTREAM_VALUE_MODEL_H_
#define SPIX_BITSTREAM_VALUE_MODEL_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
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
  // Format version 5: residual bits coded with mixed models
  // (ResidualCoder).
  bool mixing = false;
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

// What one channel's residual at a known pixel is coded against.
struct ChannelPrediction {
  int32_t index = 0;  // the predicted quantisation index
  int activity = 0;   // how much the neighbours disagree, bucketed 0..5
  // Contexts of format version 5's mixed models, each bucketed small:
  int nearest_offset = 0;      // nearest candidate's index - index, +-6
  int neighbour_residual = 0;  // candidates' mean |residual|, 0..5
  int previous_residual = 0;   // |residual| of the previous point, 0..3
  int headroom = 0;  // index - lowest (0..3) * 4 + highest - index (0..3)
};

struct PointPrediction {
  std::array<ChannelPrediction, kMaxValueChannels> channel;
  int nearest_distance = 0;  // squared distance to the nearest candidate:
                             // <= 2 | <= 8 | <= 32 | farther or none
  int candidates = 0;        // how many, at most 7
  int step_level = 0;        // channel 0's point step / 4, at most 7
};

// Predicts each channel of a known pixel as the inverse-square-distance
// weighted mean of the latest known pixel of every column within `radius`
// (rows above, and columns to the left in the current row). Integer only.
class ValuePredictor {
 public:
  ValuePredictor(int width, const ValueCodingParams& params, int radius);

  // The prediction for the pixel at (x, y), which must not be recorded
  // yet. `step0` is channel 0's step at this pixel when the params have
  // point steps, else 1.
  const PointPrediction& Predict(int x, int y, int32_t step0 = 1);
  // Records the pixel's indices; Predict must have been called for it.
  void Record(int x, int y, const int32_t* values, int32_t step0 = 1);

  static constexpr int kActivityBuckets = 6;

 private:
  int width_;
  int channels_;
  int radius_;
  ValueCodingParams params_;
  std::vector<int32_t> last_row_;  // -1: no known pixel in that column yet
  std::vector<int32_t> last_value_;
  std::vector<int32_t> last_residual_;
  std::array<int32_t, kMaxValueChannels> fallback_;
  std::array<int32_t, kMaxValueChannels> previous_residual_{};
  PointPrediction prediction_;
  // Scratch for the candidates of one prediction.
  std::vector<int32_t> weights_;
  std::vector<int32_t> columns_;
};

// Adaptive models of the residual binarisation: zero flag, sign, Exp-Golomb
// prefix (unary) and suffix bits.
inline constexpr int kMaxResidualPrefix = 12;
using ValueBitModel = BinaryModel<60>;

// Gives the probability of each decision of one residual's binarisation:
// decision 0 the zero flag, 1 the sign, 2 + i the i-th prefix bit. Up to
// format version 4 each decision has one model per channel, activity and
// (for channels after the first) whether channel 0's residual was zero;
// from version 5 six models under different contexts are mixed
// (bitstream/logistic_mixing.h). Suffix bits have a model per channel,
// prefix length and bit position in both.
class ResidualCoder {
 public:
  explicit ResidualCoder(bool mixing);
  ~ResidualCoder();

  // Starts channel c's residual at a pixel; `first_was_zero` tells whether
  // channel 0's residual there was zero (for c > 0).
  void Start(int c, bool first_was_zero, const PointPrediction& prediction);
  // P(bit == 0) of a decision, 16-bit; then Update with the bit coded.
  uint32_t P0(int decision);
  void Update(int decision, int bit);
  ValueBitModel& Suffix(int k, int bit_position);

  static constexpr int kDecisions = 2 + kMaxResidualPrefix;

 private:
  struct DirectModels;
  struct MixedModels;
  std::unique_ptr<DirectModels> direct_;
  std::unique_ptr<MixedModels> mixed_;
  std::array<std::array<std::array<ValueBitModel, kMaxResidualPrefix>,
                        kMaxResidualPrefix>,
             kMaxValueChannels>
      suffix_;
  int channel_ = 0;
};

}  // namespace spix

#endif  // SPIX_BITSTREAM_VALUE_MODEL_H_
