#include "codec/quantize.h"

#include <algorithm>

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

}  // namespace

ValueCodingParams ValueParamsForHeader(const Header& h) {
  ValueCodingParams p;
  p.channels = h.channels;
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

}  // namespace spix
