#include "bitstream/value_model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "bitstream/format.h"
#include "bitstream/logistic_mixing.h"

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
      params_(params),
      last_row_(size_t(width), -1),
      last_value_(size_t(width) * params.channels, 0),
      last_residual_(size_t(width) * params.channels, 0),
      fallback_(params.initial) {
  // Channel 0 is remembered in values when it has point steps.
  if (params.point_steps != nullptr) fallback_[0] = 128;
  weights_.reserve(2 * size_t(radius) + 1);
  columns_.reserve(2 * size_t(radius) + 1);
}

const PointPrediction& ValuePredictor::Predict(int x, int y, int32_t step0) {
  weights_.clear();
  columns_.clear();
  int64_t total = 0;
  int nearest_d2 = 0, nearest_column = -1;
  const int x0 = std::max(0, x - radius_);
  const int x1 = std::min(width_ - 1, x + radius_);
  for (int cx = x0; cx <= x1; ++cx) {
    const int32_t row = last_row_[cx];
    if (row < 0 || y - row > radius_) continue;
    const int dx = cx - x;
    const int dy = y - row;
    const int d2 = dx * dx + dy * dy;
    const int32_t w = (1 << 16) / d2;
    weights_.push_back(w);
    columns_.push_back(cx);
    total += w;
    if (nearest_column < 0 || d2 < nearest_d2) {
      nearest_d2 = d2;
      nearest_column = cx;
    }
  }
  PointPrediction& out = prediction_;
  out.candidates = std::min<int>(int(weights_.size()), 7);
  out.nearest_distance = nearest_column < 0 ? 3
                         : nearest_d2 <= 2  ? 0
                         : nearest_d2 <= 8  ? 1
                         : nearest_d2 <= 32 ? 2
                                            : 3;
  out.step_level = params_.point_steps ? std::min(step0 / 4, 7) : 0;
  for (int c = 0; c < channels_; ++c) {
    ChannelPrediction& ch = out.channel[c];
    const int32_t step = c == 0 ? step0 : 1;
    const auto to_index = [step](int64_t value) {
      return int32_t(FloorDiv(2 * value + step, 2 * step));
    };
    if (total == 0) {
      ch.index = to_index(fallback_[c]);
      ch.activity = kActivityBuckets - 1;
      ch.nearest_offset = 0;
      ch.neighbour_residual = kActivityBuckets - 1;
    } else {
      int64_t sum = 0, residuals = 0;
      for (size_t i = 0; i < weights_.size(); ++i) {
        const size_t k = size_t(columns_[i]) * channels_ + c;
        sum += int64_t(weights_[i]) * last_value_[k];
        residuals += int64_t(weights_[i]) * std::abs(last_residual_[k]);
      }
      const int32_t p = int32_t(FloorDiv(2 * sum + total, 2 * total));
      int64_t deviation = 0;
      for (size_t i = 0; i < weights_.size(); ++i) {
        const int32_t v = last_value_[size_t(columns_[i]) * channels_ + c];
        deviation += int64_t(weights_[i]) * std::abs(v - p);
      }
      ch.index = to_index(p);
      ch.activity = ActivityBucket(FloorDiv(deviation, total * step));
      ch.nearest_offset = std::clamp(
          to_index(last_value_[size_t(nearest_column) * channels_ + c]) -
              ch.index,
          -6, 6);
      ch.neighbour_residual =
          ActivityBucket(FloorDiv(2 * residuals + total, 2 * total));
    }
    ch.previous_residual = std::min(std::abs(previous_residual_[c]), 3);
    const int32_t lowest = LowestIndex(params_, c);
    const int32_t highest = HighestIndex(params_, c, step0);
    ch.headroom = std::clamp(ch.index - lowest, 0, 3) * 4 +
                  std::clamp(highest - ch.index, 0, 3);
  }
  return out;
}

void ValuePredictor::Record(int x, int y, const int32_t* values,
                            int32_t step0) {
  last_row_[x] = y;
  for (int c = 0; c < channels_; ++c) {
    const int32_t v = c == 0 ? values[c] * step0 : values[c];
    const int32_t residual = values[c] - prediction_.channel[c].index;
    last_value_[size_t(x) * channels_ + c] = v;
    last_residual_[size_t(x) * channels_ + c] = residual;
    previous_residual_[c] = residual;
    fallback_[c] = v;
  }
}

// --- Residual models -------------------------------------------------------

struct ResidualCoder::DirectModels {
  // Per decision, channel, whether channel 0's residual was zero, activity.
  std::array<std::array<std::array<std::array<ValueBitModel,
                                              ValuePredictor::kActivityBuckets>,
                                   2>,
                        kMaxValueChannels>,
             kDecisions>
      models;
  int zero = 0, activity = 0;
};

// Six context sets, chosen on six Kodak images (value payloads 2.8 %
// smaller than with DirectModels): what the direct models see; activity
// with the neighbours' and the previous point's residuals; the candidates'
// geometry and the point's step; the nearest candidate's offset, coarse and
// fine; how near the prediction is to the ends of the index range.
struct ResidualCoder::MixedModels {
  static constexpr int kSets = 6;
  static constexpr std::array<int, kSets> kContexts = {12, 144, 256,
                                                       20, 48,  52};
  // A constant input: the mixer's bias, 0.3 in the logistic domain.
  static constexpr int32_t kBiasLogit = 77;

  MixedModels() {
    for (int s = 0; s < kSets; ++s) {
      models[s].resize(size_t(kMaxValueChannels) * kContexts[s] * kDecisions);
    }
    mixers.resize(size_t(kMaxValueChannels) * kDecisions *
                  ValuePredictor::kActivityBuckets);
  }

  std::array<std::vector<ValueBitModel>, kSets> models;
  // One mixer per channel, decision and activity.
  std::vector<LogisticMixer<kSets + 1>> mixers;
  // The current residual's models of decision 0 in each set, and mixer.
  std::array<size_t, kSets> first{};
  size_t mixer = 0;
  // What the last P0 mixed, for its Update.
  std::array<int32_t, kSets + 1> logits{};
  uint32_t p0 = 0;
};

ResidualCoder::ResidualCoder(bool mixing) {
  if (mixing) {
    mixed_ = std::make_unique<MixedModels>();
  } else {
    direct_ = std::make_unique<DirectModels>();
  }
}

ResidualCoder::~ResidualCoder() = default;

void ResidualCoder::Start(int c, bool first_was_zero,
                          const PointPrediction& prediction) {
  channel_ = c;
  const ChannelPrediction& p = prediction.channel[c];
  const int zero = c > 0 && first_was_zero;
  if (direct_) {
    direct_->zero = zero;
    direct_->activity = p.activity;
    return;
  }
  const int offset = p.nearest_offset;
  const int offset_sign = offset == 0  ? 0
                          : offset > 0 ? std::min(offset, 2)
                                       : 2 + std::min(-offset, 2);
  const std::array<int, MixedModels::kSets> contexts = {
      zero * 6 + p.activity,
      (p.activity * 6 + p.neighbour_residual) * 4 + p.previous_residual,
      (prediction.nearest_distance * 8 + prediction.candidates) * 8 +
          prediction.step_level,
      offset_sign * 4 + std::min(p.activity, 3),
      p.headroom * 3 + std::min(p.activity, 2),
      (offset + 6) * 4 + p.previous_residual};
  MixedModels& m = *mixed_;
  for (int s = 0; s < MixedModels::kSets; ++s) {
    m.first[s] = (size_t(c) * MixedModels::kContexts[s] + size_t(contexts[s])) *
                 kDecisions;
  }
  m.mixer = size_t(c) * kDecisions * ValuePredictor::kActivityBuckets +
            size_t(p.activity);
}

uint32_t ResidualCoder::P0(int decision) {
  if (direct_) {
    return direct_->models[decision][channel_][direct_->zero][direct_->activity]
        .p0();
  }
  MixedModels& m = *mixed_;
  for (int s = 0; s < MixedModels::kSets; ++s) {
    m.logits[s] = Stretch(m.models[s][m.first[s] + decision].p0());
  }
  m.logits[MixedModels::kSets] = MixedModels::kBiasLogit;
  m.p0 = m.mixers[m.mixer + size_t(decision) * ValuePredictor::kActivityBuckets]
             .Mix(m.logits);
  return m.p0;
}

void ResidualCoder::Update(int decision, int bit) {
  if (direct_) {
    direct_->models[decision][channel_][direct_->zero][direct_->activity]
        .Update(bit);
    return;
  }
  MixedModels& m = *mixed_;
  m.mixers[m.mixer + size_t(decision) * ValuePredictor::kActivityBuckets]
      .Update(m.logits, m.p0, bit);
  for (int s = 0; s < MixedModels::kSets; ++s) {
    m.models[s][m.first[s] + decision].Update(bit);
  }
}

ValueBitModel& ResidualCoder::Suffix(int k, int bit_position) {
  return suffix_[channel_][k][bit_position];
}

}  // namespace spix
