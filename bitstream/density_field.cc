#include "bitstream/density_field.h"

#include <algorithm>
#include <cmath>

#include "bitstream/binary_model.h"
#include "bitstream/dec_arith.h"
#include "bitstream/enc_arith.h"
#include "bitstream/halftone.h"

namespace spix {
namespace {

// round(2^20 * 2^((k - 31) / 3)), written out so no platform computes it.
constexpr int32_t kLevelValue[kDensityLevels] = {
    813,    1024,   1290,   1625,   2048,   2580,   3251,   4096,
    5161,   6502,   8192,   10321,  13004,  16384,  20643,  26008,
    32768,  41285,  52016,  65536,  82570,  104032, 131072, 165140,
    208064, 262144, 330281, 416128, 524288, 660561, 832255, 1048576};
static_assert(kLevelValue[kDensityLevels - 1] == kHalftoneOne);

constexpr int kMaxResidual = kDensityLevels - 1;

// Each level is coded as its difference from the mean of its left and upper
// neighbours: a zero flag (context: how much the neighbours disagree), a
// sign, and the magnitude in truncated unary.
struct LevelModels {
  BinaryModel<30> zero[3];
  BinaryModel<30> sign;
  BinaryModel<30> magnitude[kMaxResidual - 1];
};

int Predict(const DensityField& f, int bx, int by, int* disagreement) {
  const int left = bx > 0 ? f.levels[size_t(by) * f.cols + bx - 1] : -1;
  const int up = by > 0 ? f.levels[size_t(by - 1) * f.cols + bx] : -1;
  *disagreement = 0;
  if (left < 0 && up < 0) return kDensityLevels / 2;
  if (left < 0) return up;
  if (up < 0) return left;
  *disagreement = std::min(2, std::abs(left - up));
  return (left + up + 1) / 2;
}

}  // namespace

DensityField EmptyDensityField(int width, int height, int block_log2) {
  DensityField f;
  f.block_log2 = block_log2;
  f.cols = (width + f.block() - 1) >> block_log2;
  f.rows = (height + f.block() - 1) >> block_log2;
  f.levels.assign(size_t(f.cols) * f.rows, 0);
  return f;
}

int32_t DensityLevelValue(int level) { return kLevelValue[level]; }

int NearestDensityLevel(double density) {
  const double k = 31.0 + 3.0 * std::log2(std::max(density, 1e-9));
  return std::clamp(int(std::lround(k)), 0, kDensityLevels - 1);
}

std::vector<int32_t> DensityFieldPixels(const DensityField& f, int width,
                                        int height) {
  const int b = f.block(), half = b / 2;
  // Per axis: the block to the left of (above) the pixel's position relative
  // to the block centres, and the weight of the next one, in 0..b.
  auto axis = [&](int n, int blocks, std::vector<int>* first,
                  std::vector<int>* weight) {
    first->resize(n);
    weight->resize(n);
    for (int i = 0; i < n; ++i) {
      const int u = i - half;
      if (u < 0) {
        (*first)[i] = 0;
        (*weight)[i] = 0;
      } else {
        (*first)[i] = std::min(u >> f.block_log2, blocks - 1);
        (*weight)[i] = (*first)[i] + 1 < blocks ? u & (b - 1) : 0;
      }
    }
  };
  std::vector<int> x0, wx, y0, wy;
  axis(width, f.cols, &x0, &wx);
  axis(height, f.rows, &y0, &wy);
  std::vector<int32_t> out(size_t(width) * height);
  for (int y = 0; y < height; ++y) {
    const int r0 = y0[y], r1 = std::min(r0 + 1, f.rows - 1);
    for (int x = 0; x < width; ++x) {
      const int c0 = x0[x], c1 = std::min(c0 + 1, f.cols - 1);
      auto v = [&](int r, int c) {
        return int64_t(kLevelValue[f.levels[size_t(r) * f.cols + c]]);
      };
      const int64_t top = v(r0, c0) * (b - wx[x]) + v(r0, c1) * wx[x];
      const int64_t bottom = v(r1, c0) * (b - wx[x]) + v(r1, c1) * wx[x];
      const int64_t sum = top * (b - wy[y]) + bottom * wy[y];
      out[size_t(y) * width + x] = int32_t(sum >> (2 * f.block_log2));
    }
  }
  return out;
}

uint64_t DensityFieldCount(const DensityField& field, int width, int height) {
  uint64_t sum = 0;
  for (int32_t v : DensityFieldPixels(field, width, height)) sum += v;
  const uint64_t count = (sum + kHalftoneOne / 2) / kHalftoneOne;
  return std::clamp<uint64_t>(count, 1, uint64_t(width) * height);
}

std::vector<uint8_t> DensityFieldMask(const DensityField& field, int width,
                                      int height, uint64_t count) {
  return HalftoneLevels(DensityFieldPixels(field, width, height), width, height,
                        count);
}

std::vector<uint8_t> EncodeDensityField(const DensityField& f) {
  LevelModels m;
  ArithEncoder enc;
  for (int by = 0; by < f.rows; ++by) {
    for (int bx = 0; bx < f.cols; ++bx) {
      int ctx = 0;
      const int predicted = Predict(f, bx, by, &ctx);
      const int residual = f.levels[size_t(by) * f.cols + bx] - predicted;
      enc.Encode(residual != 0, m.zero[ctx]);
      if (residual == 0) continue;
      enc.Encode(residual < 0, m.sign);
      // Truncated unary: the largest magnitude the sign allows ends early.
      const int limit =
          residual > 0 ? kDensityLevels - 1 - predicted : predicted;
      const int magnitude = std::abs(residual);
      for (int k = 1; k < limit; ++k) {
        enc.Encode(magnitude > k, m.magnitude[k - 1]);
        if (magnitude == k) break;
      }
    }
  }
  std::vector<uint8_t> out = {uint8_t(f.block_log2)};
  const std::vector<uint8_t> coded = enc.Finish();
  out.insert(out.end(), coded.begin(), coded.end());
  return out;
}

StatusOr<DensityField> DecodeDensityField(const uint8_t* data, size_t size,
                                          int width, int height) {
  if (size < 1) return CorruptData("mask: density field is truncated");
  const int block_log2 = data[0];
  if (block_log2 < kMinDensityBlockLog2 || block_log2 > kMaxDensityBlockLog2) {
    return CorruptData("mask: density block size out of range");
  }
  DensityField f = EmptyDensityField(width, height, block_log2);
  LevelModels m;
  ArithDecoder dec(data + 1, size - 1);
  for (int by = 0; by < f.rows; ++by) {
    for (int bx = 0; bx < f.cols; ++bx) {
      int ctx = 0;
      const int predicted = Predict(f, bx, by, &ctx);
      int level = predicted;
      if (dec.Decode(m.zero[ctx])) {
        const bool negative = dec.Decode(m.sign);
        const int limit = negative ? predicted : kDensityLevels - 1 - predicted;
        if (limit == 0) return CorruptData("mask: density level out of range");
        int magnitude = 1;
        while (magnitude < limit && dec.Decode(m.magnitude[magnitude - 1])) {
          ++magnitude;
        }
        level += negative ? -magnitude : magnitude;
      }
      f.levels[size_t(by) * f.cols + bx] = uint8_t(level);
    }
    if (dec.overran()) return CorruptData("mask: density field is truncated");
  }
  if (dec.unread() != 0) {
    return CorruptData("mask: stray bytes after the density field");
  }
  return f;
}

}  // namespace spix
