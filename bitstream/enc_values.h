// Codes the quantised colours of the known pixels, in raster order, as
// residuals against ValuePredictor with adaptive arithmetic coding, at the
// prediction radius (of seven tried) that codes shortest.
#ifndef SPIX_BITSTREAM_ENC_VALUES_H_
#define SPIX_BITSTREAM_ENC_VALUES_H_

#include <cstdint>
#include <vector>

#include "bitstream/status.h"
#include "bitstream/value_model.h"

namespace spix {

// `values` holds params.channels indices per known pixel of `mask`, in raster
// order, each inside [lo, hi] of its channel. Returns the VALS chunk payload.
StatusOr<std::vector<uint8_t>> EncodeValues(const uint8_t* mask, int width,
                                            int height,
                                            const std::vector<int32_t>& values,
                                            const ValueCodingParams& params);

// The same with a given prediction radius (1..kMaxPredictionRadius).
StatusOr<std::vector<uint8_t>> EncodeValues(const uint8_t* mask, int width,
                                            int height,
                                            const std::vector<int32_t>& values,
                                            const ValueCodingParams& params,
                                            int radius);

}  // namespace spix

#endif  // SPIX_BITSTREAM_ENC_VALUES_H_
