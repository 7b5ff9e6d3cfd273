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

}  // namespace spix

#endif  // SPIX_CODEC_QUANTIZE_H_
