#include "bitstream/value_model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "bitstream/format.h"

namespace spix {
namespace {

int ActivityBucket(int64_t deviation) {
  if (deviation <= 0) return 0;
  if (deviation <= 1) return 1;
  if (deviation <= 3) return 2;
  if (deviation <= 7) return 3;
  if (deviation <= 15) return 4;
  return 5;
}

}  // namespace

int PredictionRadiusForDensity(double density) {
  if (!(density > 0)) return kMaxPredictionRadius;
  const double r = std::ceil(2.5 / std::sqrt(density));
  return int(std::clamp(r, 2.0, double(kMaxPredictionRadius)));
}

ValuePredictor::ValuePredictor(int width, const ValueCodingParams& params,
                               int radius)
    : width_(width),
      channels_(params.channels),
      radius_(radius),
      last_row_(size_t(width), -1),
      last_value_(size_t(width) * params.channels, 0),
      fallback_(params.initial) {
  // Channel 0 is remembered in values when it has point steps.
  if (params.point_steps != nullptr) fallback_[0] = 128;
  weights_.reserve(2 * size_t(radius) + 1);
  columns_.reserve(2 * size_t(radius) + 1);
}

void ValuePredictor::Predict(int x, int y, int32_t* pred, int* activity,
                             int32_t step0) {
  weights_.clear();
  columns_.clear();
  int64_t total = 0;
  const int x0 = std::max(0, x - radius_);
  const int x1 = std::min(width_ - 1, x + radius_);
  for (int cx = x0; cx <= x1; ++cx) {
    const int32_t row = last_row_[cx];
    if (row < 0 || y - row > radius_) continue;
    const int dx = cx - x;
    const int dy = y - row;
    const int32_t w = (1 << 16) / (dx * dx + dy * dy);
    weights_.push_back(w);
    columns_.push_back(cx);
    total += w;
  }
  if (total == 0) {
    for (int c = 0; c < channels_; ++c) {
      pred[c] = fallback_[c];
      activity[c] = kActivityBuckets - 1;
    }
    pred[0] = int32_t(FloorDiv(2 * int64_t(pred[0]) + step0, 2 * step0));
    return;
  }
  for (int c = 0; c < channels_; ++c) {
    int64_t sum = 0;
    for (size_t i = 0; i < weights_.size(); ++i) {
      sum += int64_t(weights_[i]) *
             last_value_[size_t(columns_[i]) * channels_ + c];
    }
    const int32_t p = int32_t(FloorDiv(2 * sum + total, 2 * total));
    int64_t deviation = 0;
    for (size_t i = 0; i < weights_.size(); ++i) {
      const int32_t v = last_value_[size_t(columns_[i]) * channels_ + c];
      deviation += int64_t(weights_[i]) * std::abs(v - p);
    }
    const int32_t step = c == 0 ? step0 : 1;
    pred[c] = int32_t(FloorDiv(2 * int64_t(p) + step, 2 * step));
    activity[c] = ActivityBucket(FloorDiv(deviation, total * step));
  }
}

void ValuePredictor::Record(int x, int y, const int32_t* values,
                            int32_t step0) {
  last_row_[x] = y;
  for (int c = 0; c < channels_; ++c) {
    const int32_t v = c == 0 ? values[c] * step0 : values[c];
    last_value_[size_t(x) * channels_ + c] = v;
    fallback_[c] = v;
  }
}

}  // namespace spix
