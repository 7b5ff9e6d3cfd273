// Stored colours: integer colour transform and uniform scalar quantisation,
// shared by encoder and decoder. Integer only (the decoder's parse path).
#ifndef SPIX_CODEC_QUANTIZE_H_
#define SPIX_CODEC_QUANTIZE_H_

#include <cstdint>

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

}  // namespace spix

#endif  // SPIX_CODEC_QUANTIZE_H_
