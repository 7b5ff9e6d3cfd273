#include "codec/quantize.h"

#include <algorithm>
#include <cmath>

#include "bitstream/format.h"
#include "codec/point_density.h"

namespace spix {
namespace {

int32_t FloorHalf(int32_t v) { return v >= 0 ? v / 2 : -((1 - v) / 2); }

// Round-to-nearest index of v for a step, symmetric around zero.
int32_t Quantize(int32_t v, int32_t step) {
  return v >= 0 ? (v + step / 2) / step : -((-v + step / 2) / step);
}

int32_t StepOf(const Header& h, int channel) {
  return channel == 0 || h.transform == ColorTransform::kNone
             ? h.quant_step_luma
             : h.quant_step_chroma;
}

uint8_t Clamp255(int32_t v) { return uint8_t(std::clamp(v, 0, 255)); }

// round(step * 2^(e / 8)), clamped to 1..255.
uint8_t ScaledStep(int step, int e) {
  const int octave = int(FloorDiv(e, 8));
  const uint64_t product = uint64_t(step) * EighthPower(e - 8 * octave);
  const int shift = 16 - octave;
  const uint64_t rounded = (product + (uint64_t(1) << (shift - 1))) >> shift;
  return uint8_t(std::clamp<uint64_t>(rounded, 1, 255));
}

}  // namespace

ValueCodingParams ValueParamsForHeader(const Header& h) {
  ValueCodingParams p;
  p.channels = h.channels;
  p.mixing = h.version >= kMixedModelsVersion;
  for (int c = 0; c < h.channels; ++c) {
    const int32_t step = StepOf(h, c);
    const bool is_chroma = c > 0 && h.transform == ColorTransform::kYCoCgR;
    // YCoCg-R chroma spans [-255, 255]; everything else [0, 255].
    p.lo[c] = is_chroma ? Quantize(-255, step) : 0;
    p.hi[c] = Quantize(255, step);
    p.initial[c] = is_chroma ? 0 : Quantize(128, step);
  }
  return p;
}

void RgbToYCoCgR(const uint8_t* s, int32_t* v) {
  const int32_t co = int32_t(s[0]) - s[2];
  const int32_t t = s[2] + FloorHalf(co);
  const int32_t cg = int32_t(s[1]) - t;
  v[0] = t + FloorHalf(cg);
  v[1] = co;
  v[2] = cg;
}

int32_t QuantStep(const Header& h, int channel) { return StepOf(h, channel); }

int32_t QuantizeValue(const Header& h, int channel, int32_t value) {
  const ValueCodingParams p = ValueParamsForHeader(h);
  return std::clamp(Quantize(value, StepOf(h, channel)), p.lo[channel],
                    p.hi[channel]);
}

void QuantizePixel(const Header& h, const uint8_t* s, int32_t* q) {
  int32_t v[3] = {s[0], 0, 0};
  if (h.transform == ColorTransform::kYCoCgR) {
    RgbToYCoCgR(s, v);
  } else {
    for (int c = 1; c < h.channels; ++c) v[c] = s[c];
  }
  for (int c = 0; c < h.channels; ++c) q[c] = Quantize(v[c], StepOf(h, c));
}

void DequantizePixel(const Header& h, const int32_t* q, uint8_t* s) {
  int32_t v[3];
  for (int c = 0; c < h.channels; ++c) v[c] = q[c] * StepOf(h, c);
  if (h.transform == ColorTransform::kYCoCgR) {
    const int32_t t = v[0] - FloorHalf(v[2]);
    const int32_t g = v[2] + t;
    const int32_t b = t - FloorHalf(v[1]);
    const int32_t r = b + v[1];
    s[0] = Clamp255(r);
    s[1] = Clamp255(g);
    s[2] = Clamp255(b);
  } else {
    for (int c = 0; c < h.channels; ++c) s[c] = Clamp255(v[c]);
  }
}

std::vector<uint8_t> PointSteps(const std::vector<uint8_t>& mask, int width,
                                int height, int base_step, const StepMap& map) {
  const size_t n = size_t(width) * height;
  std::vector<uint8_t> steps(n, 0);
  if (map.exponent == 0) {
    for (size_t i = 0; i < n; ++i) {
      if (mask[i]) steps[i] = uint8_t(base_step);
    }
    return steps;
  }
  // Log-density of each known pixel (l), kept in `log_density`.
  const WindowDensity density(mask, width, height, map.radius);
  std::vector<int32_t> log_density;
  int64_t total = 0;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (!mask[size_t(y) * width + x]) continue;
      log_density.push_back(Log2Eighths(density.At(x, y)));
      total += log_density.back();
    }
  }
  if (log_density.empty()) return steps;
  const int64_t points = int64_t(log_density.size());
  const int64_t mean = FloorDiv(2 * total + points, 2 * points);
  constexpr int kMaxEighths = 8 * kMaxStepOctaves;
  size_t next = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!mask[i]) continue;
    const int64_t e =
        FloorDiv(2 * (log_density[next++] - mean) * map.exponent + 16, 32);
    steps[i] = ScaledStep(
        base_step, int(std::clamp<int64_t>(e, -kMaxEighths, kMaxEighths)));
  }
  return steps;
}

int32_t QuantizeWithStep(int32_t value, int32_t step) {
  return std::clamp(Quantize(value, step), 0, MaxIndexForStep(step));
}

std::optional<float> CausalPrediction(const std::vector<float>& plane,
                                      const std::vector<uint8_t>& mask,
                                      int width, size_t pixel, int radius) {
  const int x = int(pixel % size_t(width)), y = int(pixel / size_t(width));
  double weights = 0, sum = 0;
  for (int cx = std::max(0, x - radius); cx <= std::min(width - 1, x + radius);
       ++cx) {
    for (int dy = cx < x ? 0 : 1; dy <= radius && dy <= y; ++dy) {
      const size_t j = size_t(y - dy) * width + cx;
      if (!mask[j]) continue;
      const double w = 1.0 / (double(cx - x) * (cx - x) + double(dy) * dy);
      weights += w;
      sum += w * plane[j];
      break;
    }
  }
  if (weights == 0) return std::nullopt;
  return float(sum / weights);
}

int32_t QuantizeTowards(float value, int32_t step,
                        std::optional<float> prediction, float bias, int32_t lo,
                        int32_t hi) {
  const float t = std::clamp(value, -1e6f, 1e6f) / float(step);
  int32_t index = int32_t(std::lround(t));
  if (prediction) {
    const int32_t target = int32_t(
        std::lround(std::clamp(*prediction, -1e6f, 1e6f) / float(step)));
    if (target != index) {
      const int32_t towards = index + (target > index ? 1 : -1);
      if (std::fabs(t - float(towards)) < 0.5f + bias) index = towards;
    }
  }
  return std::clamp(index, lo, hi);
}

}  // namespace spix
