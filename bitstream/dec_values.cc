#include "bitstream/dec_values.h"

#include <memory>
#include <string>

#include "bitstream/byte_io.h"
#include "bitstream/dec_arith.h"
#include "bitstream/format.h"

namespace spix {
namespace {

// Returns false when the prefix runs past anything a valid encoder writes.
bool DecodeResidual(ArithDecoder& dec, ResidualModels& m, int c, int luma_zero,
                    int act, int32_t* residual) {
  if (dec.Decode(m.zero[c][luma_zero][act])) {
    *residual = 0;
    return true;
  }
  const bool negative = dec.Decode(m.sign[c][luma_zero][act]);
  int k = 0;
  while (k < kMaxResidualPrefix && dec.Decode(m.prefix[k][c][luma_zero][act])) {
    ++k;
  }
  if (k >= kMaxResidualPrefix) return false;
  uint32_t magnitude = 1;
  for (int i = k - 1; i >= 0; --i) {
    magnitude = (magnitude << 1) | uint32_t(dec.Decode(m.suffix[c][k][i]));
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
  auto models = std::make_unique<ResidualModels>();
  ArithDecoder dec(r.cursor(), r.remaining());
  int32_t pred[kMaxValueChannels];
  int act[kMaxValueChannels];
  int32_t v[kMaxValueChannels];
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (!mask[size_t(y) * width + x]) continue;
      const int32_t step0 = Step0At(params, size_t(y) * width + x);
      predictor.Predict(x, y, pred, act, step0);
      int luma_zero = 0;
      for (int c = 0; c < channels; ++c) {
        int32_t residual = 0;
        if (!DecodeResidual(dec, *models, c, luma_zero, act[c], &residual)) {
          return CorruptData("values: residual code out of range");
        }
        v[c] = pred[c] + residual;
        if (v[c] < LowestIndex(params, c) ||
            v[c] > HighestIndex(params, c, step0)) {
          return CorruptData("values: decoded index outside its channel range");
        }
        if (c == 0) luma_zero = residual == 0;
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
