#include "bitstream/enc_mask.h"

#include <zstd.h>

#include <algorithm>

#include "bitstream/byte_io.h"
#include "bitstream/enc_arith.h"
#include "bitstream/format.h"
#include "bitstream/halftone.h"
#include "bitstream/mask_bitmap.h"
#include "bitstream/mask_context.h"

namespace spix {
namespace {

// The lag (within [min_lag, kMaxMaskContextOffset]) at which a known pixel
// most often sees another known pixel, or 0 when no lag beats chance by 2x.
// Visits only the known pixels, so it costs O(points * lags).
int StrongestLag(const uint8_t* mask, int width, int height, bool vertical,
                 int min_lag, const std::vector<uint32_t>& xs,
                 const std::vector<uint32_t>& ys) {
  if (xs.empty()) return 0;
  const double density = double(xs.size()) / (double(width) * height);
  int best_lag = 0;
  double best_rate = 2.0 * density;
  const int extent = vertical ? height : width;
  for (int lag = min_lag; lag <= kMaxMaskContextOffset && lag < extent; ++lag) {
    uint64_t hits = 0, trials = 0;
    for (size_t k = 0; k < xs.size(); ++k) {
      const uint32_t x = xs[k], y = ys[k];
      if ((vertical ? y : x) < uint32_t(lag)) continue;
      ++trials;
      hits += vertical ? mask[size_t(y - lag) * width + x]
                       : mask[size_t(y) * width + x - lag];
    }
    if (trials == 0) continue;
    const double rate = double(hits) / double(trials);
    if (rate > best_rate) {
      best_rate = rate;
      best_lag = lag;
    }
  }
  return best_lag;
}

uint64_t CountOnes(const uint8_t* mask, int width, int height) {
  uint64_t ones = 0;
  for (size_t i = 0; i < size_t(width) * height; ++i) ones += mask[i] != 0;
  return ones;
}

std::vector<uint8_t> EncodeMaskZstd(const uint8_t* mask, int width, int height,
                                    uint64_t ones) {
  const std::vector<uint8_t> packed = PackMask(mask, width, height);
  std::vector<uint8_t> frame(ZSTD_compressBound(packed.size()));
  const size_t size = ZSTD_compress(frame.data(), frame.size(), packed.data(),
                                    packed.size(), kMaskZstdLevel);
  if (ZSTD_isError(size)) return {};
  ByteWriter w;
  w.U32(uint32_t(ones));
  w.U8(uint8_t(MaskMethod::kZstdBitmap));
  w.Bytes(frame.data(), size);
  return std::move(w.bytes());
}

}  // namespace

std::vector<uint8_t> EncodeMaskWithOffsets(const uint8_t* mask, int width,
                                           int height, int ax, int ay) {
  const uint64_t ones = CountOnes(mask, width, height);

  MaskContext ctx(width, height, ax, ay);
  ArithEncoder enc;
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = mask + size_t(y) * width;
    for (int x = 0; x < width; ++x) {
      const int bit = row[x] != 0;
      enc.Encode(bit, ctx.Model(ctx.Context(x, y)));
      ctx.Set(x, y, uint8_t(bit));
    }
  }
  ByteWriter w;
  w.U32(uint32_t(ones));
  w.U8(uint8_t(MaskMethod::kContextArithmetic));
  w.U8(uint8_t(ax));
  w.U8(uint8_t(ay));
  const std::vector<uint8_t> coded = enc.Finish();
  w.Bytes(coded.data(), coded.size());
  return std::move(w.bytes());
}

std::vector<uint8_t> EncodeDensityFieldMask(const DensityField& field,
                                            uint64_t count) {
  ByteWriter w;
  w.U32(uint32_t(count));
  w.U8(uint8_t(MaskMethod::kDensityField));
  const std::vector<uint8_t> coded = EncodeDensityField(field);
  w.Bytes(coded.data(), coded.size());
  return std::move(w.bytes());
}

std::vector<uint8_t> EncodeBinaryTreeMask(const BinaryTreeMask& tree,
                                          uint8_t version) {
  ByteWriter w;
  w.U32(uint32_t(tree.count()));
  w.U8(uint8_t(MaskMethod::kBinaryTree));
  const std::vector<uint8_t> coded =
      EncodeBinaryTree(tree, version >= kMixedModelsVersion);
  w.Bytes(coded.data(), coded.size());
  return std::move(w.bytes());
}

std::vector<uint8_t> EncodeMask(const uint8_t* mask, int width, int height) {
  std::vector<uint32_t> xs, ys;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (mask[size_t(y) * width + x]) {
        xs.push_back(uint32_t(x));
        ys.push_back(uint32_t(y));
      }
    }
  }
  const uint64_t ones = xs.size();
  if (ones > 0 && std::equal(mask, mask + size_t(width) * height,
                             FlatHalftone(width, height, ones).begin())) {
    ByteWriter w;
    w.U32(uint32_t(ones));
    w.U8(uint8_t(MaskMethod::kFlatHalftone));
    return std::move(w.bytes());
  }
  // Offsets below these are inside the fixed template already.
  const int ax = StrongestLag(mask, width, height, false, 5, xs, ys);
  const int ay = StrongestLag(mask, width, height, true, 3, xs, ys);
  std::vector<uint8_t> best = EncodeMaskWithOffsets(mask, width, height, 0, 0);
  if (ax != 0 || ay != 0) {
    std::vector<uint8_t> tuned =
        EncodeMaskWithOffsets(mask, width, height, ax, ay);
    if (tuned.size() < best.size()) best.swap(tuned);
  }
  // zstd only wins on periodic masks, which are those with a strong lag;
  // spare its (slower) run on the others.
  if (ax != 0 || ay != 0) {
    std::vector<uint8_t> zstd = EncodeMaskZstd(mask, width, height, ones);
    if (!zstd.empty() && zstd.size() < best.size()) best.swap(zstd);
  }
  return best;
}

}  // namespace spix
