// Stored colours: integer colour transform and uniform scalar quantisation,
// shared by encoder and decoder. Integer only (the decoder's parse path).
#ifndef SPIX_CODEC_QUANTIZE_H_
#define SPIX_CODEC_QUANTIZE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "bitstream/container.h"
#include "bitstream/value_model.h"

namespace spix {

// Index ranges and initial predictions of each channel for a header.
ValueCodingParams ValueParamsForHeader(const Header& header);

// Sample(s) of one pixel -> quantisation indices, and back (clamped 0..255).
void QuantizePixel(const Header& header, const uint8_t* samples,
                   int32_t* indices);
void DequantizePixel(const Header& header, const int32_t* indices,
                     uint8_t* samples);

// The pieces of the above, for stores that keep channels apart (luma
// preference): the forward YCoCg-R transform of one RGB pixel, the step of
// a channel, and the rounded index of a value (clamped to the channel's
// range).
void RgbToYCoCgR(const uint8_t* rgb, int32_t* ycocg);
int32_t QuantStep(const Header& header, int channel);
int32_t QuantizeValue(const Header& header, int channel, int32_t value);

// Luma steps per point (QMAP chunk, version 3). A point's value matters in
// proportion to the area it is inpainted over, so points where the mask is
// sparse get finer steps and those in dense clusters coarser ones; at equal
// rate that lowers the error (high-rate theory: steps ~ area^-1/2).
struct StepMap {
  uint8_t exponent = 0;  // g: steps scale with density^(g/16); 0 = none
  uint8_t radius = 0;    // the density window is (2 radius + 1)^2 pixels
};

// The step of every known pixel of `mask` (0 elsewhere): `base_step` times
// 2^(e/8), e = round((l - mean l) g / 16) within +-16, where l is 8 log2 of
// the share of known pixels in the pixel's window (clipped to the image)
// rounded to an integer, and the mean runs over the known pixels; clamped
// to 1..255. Integer only: both sides derive the same steps on every
// machine. With exponent 0, every step is `base_step`.
std::vector<uint8_t> PointSteps(const std::vector<uint8_t>& mask, int width,
                                int height, int base_step, const StepMap& map);

// The index of a value in 0..255 for a step, and its range.
int32_t QuantizeWithStep(int32_t value, int32_t step);

// Encoder only (floating point; the decoder never rounds).

// What the value coder will predict at `pixel` from the tuned values of a
// plane (ValuePredictor's rule: the inverse-square-distance weighted mean of
// the nearest known pixel above in every column within `radius`, to the left
// in the pixel's own row), or nothing when no neighbour is known.
std::optional<float> CausalPrediction(const std::vector<float>& plane,
                                      const std::vector<uint8_t>& mask,
                                      int width, size_t pixel, int radius);

// The index of `value` at `step` (rounded to nearest), but leaning towards
// `prediction`: where the nearest index and the prediction's differ, the
// value takes the next index towards it unless it lies more than 0.5 +
// `bias` steps from it. A residual one smaller costs fewer bits than the
// rounding error it adds (a dead zone, as video encoders quantise). Clamped
// to [lo, hi].
int32_t QuantizeTowards(float value, int32_t step,
                        std::optional<float> prediction, float bias, int32_t lo,
                        int32_t hi);

}  // namespace spix

#endif  // SPIX_CODEC_QUANTIZE_H_
