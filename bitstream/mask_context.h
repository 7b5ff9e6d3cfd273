// Context model shared by the mask encoder and decoder: a JBIG-style template
// of twelve already-coded neighbours plus two adaptive pixels at an offset the
// encoder picks (the period of a regular mask, say), 2^14 contexts in all.
//
//   row y-2:        . X X X .
//   row y-1:      X X X X X
//   row y:  X X X X ?          and (x - ax, y), (x, y - ay) when set
#ifndef SPIX_BITSTREAM_MASK_CONTEXT_H_
#define SPIX_BITSTREAM_MASK_CONTEXT_H_

#include <cstdint>
#include <vector>

#include "bitstream/binary_model.h"
#include "bitstream/format.h"

namespace spix {

using MaskBitModel = BinaryModel<255>;

class MaskContext {
 public:
  static constexpr int kContexts = 1 << 14;

  MaskContext(int width, int height, int ax, int ay)
      : stride_(width + 2 * kPad),
        ax_(ax),
        ay_(ay),
        plane_(size_t(stride_) * (height + kPad), 0),
        models_(kContexts) {}

  int Context(int x, int y) const {
    const uint8_t* p = Row(y) + x;
    const uint8_t* u = p - stride_;
    const uint8_t* uu = u - stride_;
    int ctx = uu[-1] | uu[0] << 1 | uu[1] << 2;
    ctx |= u[-2] << 3 | u[-1] << 4 | u[0] << 5 | u[1] << 6 | u[2] << 7;
    ctx |= p[-4] << 8 | p[-3] << 9 | p[-2] << 10 | p[-1] << 11;
    if (ax_ > 0) ctx |= p[-ax_] << 12;
    if (ay_ > 0) ctx |= p[-ay_ * stride_] << 13;
    return ctx;
  }

  void Set(int x, int y, uint8_t bit) { Row(y)[x] = bit; }
  MaskBitModel& Model(int ctx) { return models_[ctx]; }

 private:
  // Left/right/top zero border wide enough for every template offset.
  static constexpr int kPad = kMaxMaskContextOffset;

  uint8_t* Row(int y) {
    return plane_.data() + size_t(y + kPad) * stride_ + kPad;
  }
  const uint8_t* Row(int y) const {
    return plane_.data() + size_t(y + kPad) * stride_ + kPad;
  }

  int stride_;
  int ax_;
  int ay_;
  std::vector<uint8_t> plane_;
  std::vector<MaskBitModel> models_;
};

}  // namespace spix

#endif  // SPIX_BITSTREAM_MASK_CONTEXT_H_
