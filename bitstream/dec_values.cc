#include "bitstream/dec_values.h"

#include <memory>
#include <string>

#include "bitstream/byte_io.h"
#include "bitstream/dec_arith.h"
#include "bitstream/format.h"

namespace spix {
namespace {

// Returns false when the prefix runs past anything a valid encoder writes.
bool DecodeResidual(ArithDecoder& dec, ResidualCoder& coder,
                    int32_t* residual) {
  const auto decode = [&](int decision) {
    const int bit = dec.Decode(coder.P0(decision));
    coder.Update(decision, bit);
    return bit;
  };
  if (decode(0)) {
    *residual = 0;
    return true;
  }
  const bool negative = decode(1);
  int k = 0;
  while (k < kMaxResidualPrefix && decode(2 + k)) ++k;
  if (k >= kMaxResidualPrefix) return false;
  uint32_t magnitude = 1;
  for (int i = k - 1; i >= 0; --i) {
    magnitude = (magnitude << 1) | uint32_t(dec.Decode(coder.Suffix(k, i)));
  }
  *residual = negative ? -int32_t(magnitude) : int32_t(magnitude);
  return true;
}

}  // namespace

StatusOr<std::vector<int32_t>> DecodeValues(const uint8_t* data, size_t size,
                                            const uint8_t* mask, int width,
                                            int height,
                                            const ValueCodingParams& params) {
  ByteReader r(data, size);
  uint8_t radius = 0;
  SPIX_RETURN_IF_ERROR(r.U8(&radius, "prediction radius"));
  if (radius == 0 || radius > kMaxPredictionRadius) {
    return CorruptData("values: prediction radius " + std::to_string(radius) +
                       " out of range");
  }
  const int channels = params.channels;
  uint64_t ones = 0;
  for (size_t i = 0; i < size_t(width) * height; ++i) ones += mask[i] != 0;

  std::vector<int32_t> values;
  values.reserve(ones * channels);
  ValuePredictor predictor(width, params, radius);
  auto coder = std::make_unique<ResidualCoder>(params.mixing);
  ArithDecoder dec(r.cursor(), r.remaining());
  int32_t v[kMaxValueChannels];
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (!mask[size_t(y) * width + x]) continue;
      const int32_t step0 = Step0At(params, size_t(y) * width + x);
      const PointPrediction& prediction = predictor.Predict(x, y, step0);
      bool first_was_zero = false;
      for (int c = 0; c < channels; ++c) {
        int32_t residual = 0;
        coder->Start(c, first_was_zero, prediction);
        if (!DecodeResidual(dec, *coder, &residual)) {
          return CorruptData("values: residual code out of range");
        }
        v[c] = prediction.channel[c].index + residual;
        if (v[c] < LowestIndex(params, c) ||
            v[c] > HighestIndex(params, c, step0)) {
          return CorruptData("values: decoded index outside its channel range");
        }
        if (c == 0) first_was_zero = residual == 0;
      }
      predictor.Record(x, y, v, step0);
      values.insert(values.end(), v, v + channels);
    }
    if (dec.overran()) return CorruptData("values: coded data is truncated");
  }
  if (dec.unread() != 0) {
    return CorruptData("values: " + std::to_string(dec.unread()) +
                       " stray bytes after the coded data");
  }
  return values;
}

}  // namespace spix
