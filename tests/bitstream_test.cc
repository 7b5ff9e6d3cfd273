// Bit-exact round trips and bad-input handling of the bitstream layer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <set>

#include "bitstream/binary_tree.h"
#include "bitstream/container.h"
#include "bitstream/dec_arith.h"
#include "bitstream/dec_mask.h"
#include "bitstream/dec_values.h"
#include "bitstream/density_field.h"
#include "bitstream/enc_arith.h"
#include "bitstream/enc_mask.h"
#include "bitstream/enc_values.h"
#include "bitstream/halftone.h"
#include "bitstream/logistic_mixing.h"

namespace spix {
namespace {

std::vector<uint8_t> MakeRandomMask(int w, int h, double density,
                                    uint32_t seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution bit(density);
  std::vector<uint8_t> m(size_t(w) * h);
  for (auto& v : m) v = bit(rng);
  return m;
}

std::vector<uint8_t> MakeGridMask(int w, int h, int spacing) {
  std::vector<uint8_t> m(size_t(w) * h, 0);
  for (int y = spacing / 2; y < h; y += spacing) {
    for (int x = spacing / 2; x < w; x += spacing) m[size_t(y) * w + x] = 1;
  }
  return m;
}

TEST(ArithCoder, RoundTripsSkewedAndRawBits) {
  std::mt19937 rng(7);
  std::vector<int> bits;
  std::vector<uint32_t> probs;
  ArithEncoder enc;
  for (int i = 0; i < 20000; ++i) {
    const uint32_t p0 = kProbMin + rng() % (kProbOne - 2 * kProbMin);
    const int bit = (rng() % kProbOne) >= p0;
    enc.Encode(bit, p0);
    bits.push_back(bit);
    probs.push_back(p0);
  }
  enc.EncodeRaw(0xABCDE, 20);
  const std::vector<uint8_t> out = enc.Finish();
  ArithDecoder dec(out.data(), out.size());
  for (size_t i = 0; i < bits.size(); ++i) {
    ASSERT_EQ(dec.Decode(probs[i]), bits[i]) << "at bit " << i;
  }
  EXPECT_EQ(dec.DecodeRaw(20), 0xABCDEu);
  EXPECT_FALSE(dec.overran());
}

TEST(ArithCoder, AdaptiveModelCompressesSkewedSource) {
  std::mt19937 rng(3);
  std::bernoulli_distribution one(0.02);
  BinaryModel<255> model;
  ArithEncoder enc;
  const int n = 100000;
  for (int i = 0; i < n; ++i) enc.Encode(int(one(rng)), model);
  const double bits = 8.0 * enc.Finish().size();
  const double entropy = -(0.02 * std::log2(0.02) + 0.98 * std::log2(0.98));
  EXPECT_LT(bits / n, entropy * 1.05);
}

TEST(ArithCoder, EmptyStreamDecodesWithoutOverrun) {
  ArithEncoder enc;
  const std::vector<uint8_t> out = enc.Finish();
  ArithDecoder dec(out.data(), out.size());
  // The flush is exactly what the decoder primes itself with.
  EXPECT_FALSE(dec.overran());
  EXPECT_EQ(dec.unread(), 0u);
  // A reader that decodes a symbol from an empty chunk (no points coded)
  // gets the bottom of the interval, 0, still without reading past the end.
  EXPECT_EQ(dec.Decode(kProbOne / 2), 0);
  EXPECT_FALSE(dec.overran());
  // Reading on does run past the end, and the decoder must say so: that
  // flag is how the value and mask decoders refuse truncated chunks.
  EXPECT_EQ(dec.DecodeRaw(32), 0u);
  EXPECT_TRUE(dec.overran());
}

struct MaskCase {
  int width, height;
  double density;
};

class MaskRoundTrip : public ::testing::TestWithParam<MaskCase> {};

TEST_P(MaskRoundTrip, RandomAndGridMasksAreBitExact) {
  const MaskCase c = GetParam();
  for (int kind = 0; kind < 2; ++kind) {
    const std::vector<uint8_t> mask =
        kind == 0 ? MakeRandomMask(c.width, c.height, c.density, 11)
                  : MakeGridMask(c.width, c.height,
                                 std::max(1, int(1 / std::sqrt(c.density))));
    const std::vector<uint8_t> coded =
        EncodeMask(mask.data(), c.width, c.height);
    auto decoded = DecodeMask(coded.data(), coded.size(), c.width, c.height);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    EXPECT_EQ(*decoded, mask);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, MaskRoundTrip,
    ::testing::Values(MaskCase{1, 1, 0.5}, MaskCase{1, 1, 1.0},
                      MaskCase{1, 97, 0.1}, MaskCase{97, 1, 0.1},
                      MaskCase{13, 17, 0.05}, MaskCase{64, 64, 0.01},
                      MaskCase{257, 129, 0.02}, MaskCase{200, 150, 0.5},
                      MaskCase{31, 33, 1.0}, MaskCase{1031, 769, 0.05}));

TEST(Mask, EmptyMaskRoundTrips) {
  std::vector<uint8_t> mask(40 * 30, 0);
  const auto coded = EncodeMask(mask.data(), 40, 30);
  auto decoded = DecodeMask(coded.data(), coded.size(), 40, 30);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, mask);
}

TEST(Mask, AdaptiveOffsetsHelpRegularGrids) {
  const std::vector<uint8_t> mask = MakeGridMask(512, 512, 7);
  const auto plain = EncodeMaskWithOffsets(mask.data(), 512, 512, 0, 0);
  const auto tuned = EncodeMaskWithOffsets(mask.data(), 512, 512, 7, 7);
  EXPECT_LT(tuned.size() * 2, plain.size());
  auto decoded = DecodeMask(tuned.data(), tuned.size(), 512, 512);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, mask);
}

TEST(Mask, PeriodicMasksFallBackToZstdAndRoundTrip) {
  const std::vector<uint8_t> mask = MakeGridMask(300, 200, 5);
  const auto coded = EncodeMask(mask.data(), 300, 200);
  EXPECT_EQ(coded[4], uint8_t(MaskMethod::kZstdBitmap));
  EXPECT_LT(coded.size(),
            EncodeMaskWithOffsets(mask.data(), 300, 200, 5, 5).size());
  auto decoded = DecodeMask(coded.data(), coded.size(), 300, 200);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, mask);
  for (size_t len = 0; len < coded.size(); ++len) {
    EXPECT_FALSE(DecodeMask(coded.data(), len, 300, 200).ok()) << len;
  }
  auto flipped = coded;
  flipped.back() ^= 0x40;
  EXPECT_FALSE(DecodeMask(flipped.data(), flipped.size(), 300, 200).ok());
}

TEST(Mask, TruncationAndBadFieldsAreErrors) {
  const std::vector<uint8_t> mask = MakeRandomMask(120, 80, 0.1, 5);
  const auto coded = EncodeMask(mask.data(), 120, 80);
  for (size_t len = 0; len < coded.size(); ++len) {
    auto d = DecodeMask(coded.data(), len, 120, 80);
    EXPECT_FALSE(d.ok()) << "length " << len;
  }
  auto bad_count = coded;
  bad_count[0] ^= 1;
  EXPECT_FALSE(DecodeMask(bad_count.data(), bad_count.size(), 120, 80).ok());
  auto bad_method = coded;
  bad_method[4] = 7;
  EXPECT_FALSE(DecodeMask(bad_method.data(), bad_method.size(), 120, 80).ok());
  auto bad_offset = coded;
  bad_offset[5] = 200;
  EXPECT_FALSE(DecodeMask(bad_offset.data(), bad_offset.size(), 120, 80).ok());
}

TEST(Mask, FlatHalftoneIsRedrawnFromItsCountAlone) {
  struct Case {
    int w, h;
    uint64_t count;
  };
  for (const Case c : {Case{1, 1, 1}, Case{1, 97, 9}, Case{97, 1, 9},
                       Case{13, 17, 1}, Case{13, 17, 221}, Case{97, 61, 296},
                       Case{256, 192, 9830}, Case{1031, 769, 15857}}) {
    const std::vector<uint8_t> mask = FlatHalftone(c.w, c.h, c.count);
    EXPECT_EQ(uint64_t(std::count(mask.begin(), mask.end(), 1)), c.count)
        << c.w << "x" << c.h;
    const auto coded = EncodeMask(mask.data(), c.w, c.h);
    ASSERT_EQ(coded.size(), 5u);  // the count and the method
    EXPECT_EQ(coded[4], uint8_t(MaskMethod::kFlatHalftone));
    auto decoded = DecodeMask(coded.data(), coded.size(), c.w, c.h);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    EXPECT_EQ(*decoded, mask);
  }
  // One pixel moved: no longer the halftone, so its positions are coded.
  std::vector<uint8_t> moved = FlatHalftone(97, 61, 296);
  const size_t first = std::find(moved.begin(), moved.end(), 1) - moved.begin();
  moved[first] = 0;
  moved[std::find(moved.begin(), moved.end(), 0) - moved.begin()] = 1;
  const auto coded = EncodeMask(moved.data(), 97, 61);
  EXPECT_NE(coded[4], uint8_t(MaskMethod::kFlatHalftone));
  auto decoded = DecodeMask(coded.data(), coded.size(), 97, 61);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, moved);
}

TEST(Mask, FlatHalftoneSpreadsEvenly) {
  // At 5 % the points sit about 4.5 pixels apart: hardly any two touch
  // (a random mask has ~150 such pairs), and every 12x12 window holds some.
  const int w = 200, h = 150;
  const std::vector<uint8_t> mask = FlatHalftone(w, h, 1500);
  int touching = 0;
  for (int y = 0; y + 1 < h; ++y) {
    for (int x = 0; x + 1 < w; ++x) {
      const size_t at = size_t(y) * w + x;
      touching += mask[at] && (mask[at + 1] || mask[at + w]);
    }
  }
  EXPECT_LE(touching, 3);
  for (int y0 = 0; y0 + 12 <= h; y0 += 6) {
    for (int x0 = 0; x0 + 12 <= w; x0 += 6) {
      int ones = 0;
      for (int y = y0; y < y0 + 12; ++y) {
        for (int x = x0; x < x0 + 12; ++x) ones += mask[size_t(y) * w + x];
      }
      EXPECT_GT(ones, 0) << x0 << "," << y0;
    }
  }
}

// A tree split at random leaves until about `splits` splits.
BinaryTreeMask RandomTree(int w, int h, int splits, uint32_t seed) {
  BinaryTreeMask tree(w, h);
  std::mt19937 rng(seed);
  for (int k = 0; k < splits; ++k) {
    std::vector<size_t> leaves;
    for (size_t c = 0; c < tree.cells().size(); ++c) {
      if (tree.cells()[c].children < 0 && tree.cells()[c].Splittable()) {
        leaves.push_back(c);
      }
    }
    if (leaves.empty()) break;
    tree.Split(leaves[rng() % leaves.size()]);
  }
  return tree;
}

TEST(BinaryTree, MaskRoundTripsAtManySizes) {
  const int sizes[][2] = {{1, 1}, {2, 1}, {3, 2}, {1, 40}, {37, 19}, {64, 48}};
  for (const auto& s : sizes) {
    for (int splits : {0, 1, 7, 200, 100000}) {
      const BinaryTreeMask tree =
          RandomTree(s[0], s[1], splits, uint32_t(splits + s[0]));
      // Split flags by depth alone (versions 2-4) and mixed (5).
      for (uint8_t version : {uint8_t(2), kFormatVersion}) {
        const std::vector<uint8_t> chunk = EncodeBinaryTreeMask(tree, version);
        std::optional<DensityField> field;
        auto mask =
            DecodeMask(chunk.data(), chunk.size(), s[0], s[1], version, &field);
        ASSERT_TRUE(mask.ok()) << mask.status().message();
        EXPECT_EQ(*mask, tree.mask())
            << s[0] << "x" << s[1] << " " << splits << " v" << int(version);
        EXPECT_FALSE(field.has_value());
        // Version 1 has no trees.
        EXPECT_FALSE(
            DecodeMask(chunk.data(), chunk.size(), s[0], s[1], 1).ok());
      }
    }
  }
}

// A tree split along an edge, as the encoder's are: the mixed models, which
// see the cell's sibling and neighbours, code it shorter than depth alone.
TEST(BinaryTree, MixedModelsCodeAnEdgeFollowingTreeShorter) {
  const int w = 768, h = 512;
  BinaryTreeMask tree(w, h);
  for (size_t k = 0; k < tree.cells().size(); ++k) {
    const TreeCell c = tree.cells()[k];
    // Split cells the curve y = h/2 + 100 sin(x / 60) crosses, down to
    // about 4 px.
    bool crosses = false;
    for (int x = c.x0; x <= c.x1 && !crosses; ++x) {
      const double y = h / 2 + 100 * std::sin(x / 60.0);
      crosses = y >= c.y0 && y <= c.y1;
    }
    if (crosses && c.Splittable() && c.x1 - c.x0 + c.y1 - c.y0 > 8) {
      tree.Split(k);
    }
  }
  const size_t by_depth = EncodeBinaryTree(tree, false).size();
  const size_t mixed = EncodeBinaryTree(tree, true).size();
  EXPECT_LT(double(mixed), 0.9 * double(by_depth))
      << mixed << " against " << by_depth;
}

// A fully split tree knows every pixel; the corners and centre of the
// root are known from the start.
TEST(BinaryTree, PointsAreCornersAndCentresOfEveryCell) {
  const BinaryTreeMask root(9, 5);
  EXPECT_EQ(root.count(), 5u);
  EXPECT_EQ(root.mask()[0], 1);
  EXPECT_EQ(root.mask()[8], 1);
  EXPECT_EQ(root.mask()[2 * 9 + 4], 1);
  const BinaryTreeMask full = RandomTree(9, 5, 100000, 1);
  EXPECT_EQ(full.count(), 45u);
}

// Random trees, down to fully split ones, stay within the cells a decoder
// accepts per point.
TEST(BinaryTree, RandomTreesFitTheCellLimit) {
  const int sizes[][2] = {{1, 1}, {3, 3}, {5, 41}, {64, 48}, {200, 3}};
  for (const auto& s : sizes) {
    for (int splits : {1, 50, 1000, 100000}) {
      const BinaryTreeMask tree =
          RandomTree(s[0], s[1], splits, uint32_t(splits * 7 + s[1]));
      EXPECT_TRUE(TreeFitsCellLimit(tree))
          << s[0] << "x" << s[1] << " " << tree.cells().size() << " cells, "
          << tree.count() << " points";
    }
  }
}

TEST(BinaryTree, TruncationAndStrayBytesAreRefused) {
  const BinaryTreeMask tree = RandomTree(97, 61, 300, 3);
  const uint64_t n = tree.count();
  for (bool mixing : {false, true}) {
    const std::vector<uint8_t> coded = EncodeBinaryTree(tree, mixing);
    ASSERT_TRUE(
        DecodeBinaryTree(coded.data(), coded.size(), 97, 61, n, mixing).ok());
    // A count below the tree's stops the decoder.
    EXPECT_FALSE(
        DecodeBinaryTree(coded.data(), coded.size(), 97, 61, n - 1, mixing)
            .ok());
    for (size_t len = 0; len < coded.size(); ++len) {
      auto decoded = DecodeBinaryTree(coded.data(), len, 97, 61, n, mixing);
      // A shorter stream may still describe a tree, but never this one.
      if (decoded.ok()) {
        EXPECT_NE(decoded->mask(), tree.mask()) << len;
      }
    }
    std::vector<uint8_t> longer = coded;
    longer.push_back(0x5A);
    EXPECT_FALSE(
        DecodeBinaryTree(longer.data(), longer.size(), 97, 61, n, mixing).ok());
  }
  // The chunk's point count must match the tree.
  std::vector<uint8_t> chunk = EncodeBinaryTreeMask(tree);
  chunk[0] ^= 1;
  EXPECT_FALSE(DecodeMask(chunk.data(), chunk.size(), 97, 61).ok());
}

DensityField RandomField(int w, int h, int block_log2, uint32_t seed) {
  DensityField f = EmptyDensityField(w, h, block_log2);
  std::mt19937 rng(seed);
  // Smooth runs with jumps, like real fields, and the extreme levels.
  int level = 12;
  for (auto& v : f.levels) {
    level = std::clamp(level + int(rng() % 5) - 2, 0, kDensityLevels - 1);
    if (rng() % 17 == 0) level = int(rng() % kDensityLevels);
    v = uint8_t(level);
  }
  return f;
}

TEST(DensityField, LevelsRoundTripAtEveryBlockSize) {
  const int sizes[][2] = {{1, 1}, {7, 300}, {300, 7}, {97, 61}, {768, 512}};
  for (const auto& s : sizes) {
    for (int b = kMinDensityBlockLog2; b <= kMaxDensityBlockLog2; ++b) {
      const DensityField f = RandomField(s[0], s[1], b, uint32_t(s[0] + b));
      const std::vector<uint8_t> coded = EncodeDensityField(f);
      auto decoded = DecodeDensityField(coded.data(), coded.size(), s[0], s[1]);
      ASSERT_TRUE(decoded.ok()) << decoded.status().message();
      EXPECT_EQ(decoded->levels, f.levels) << s[0] << "x" << s[1] << " " << b;
      EXPECT_EQ(decoded->cols, f.cols);
    }
  }
}

TEST(DensityField, MaskIsRedrawnExactlyAndFollowsTheField) {
  // Left half dense (level 25, 1/4), right half sparse (level 13, 1/64).
  const int w = 256, h = 128;
  DensityField f = EmptyDensityField(w, h, 4);
  for (int by = 0; by < f.rows; ++by) {
    for (int bx = 0; bx < f.cols; ++bx) {
      f.levels[size_t(by) * f.cols + bx] = bx < f.cols / 2 ? 25 : 13;
    }
  }
  const uint64_t count = DensityFieldCount(f, w, h);
  // About (1/4 + 1/64) / 2 of the pixels.
  EXPECT_NEAR(double(count) / (w * h), (0.25 + 1.0 / 64) / 2, 0.004);
  const std::vector<uint8_t> mask = DensityFieldMask(f, w, h, count);
  EXPECT_EQ(uint64_t(std::count(mask.begin(), mask.end(), 1)), count);
  uint64_t left = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w / 4; ++x) left += mask[size_t(y) * w + x];
  }
  uint64_t right = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 3 * w / 4; x < w; ++x) right += mask[size_t(y) * w + x];
  }
  EXPECT_NEAR(double(left) / (w / 4 * h), 0.25, 0.01);
  EXPECT_NEAR(double(right) / (w / 4 * h), 1.0 / 64, 0.005);
  // The MASK chunk carries the field, and the decoder redraws the mask.
  const std::vector<uint8_t> chunk = EncodeDensityFieldMask(f, count);
  EXPECT_EQ(chunk[4], uint8_t(MaskMethod::kDensityField));
  EXPECT_LT(chunk.size(), 40u);
  auto decoded = DecodeMask(chunk.data(), chunk.size(), w, h);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(*decoded, mask);
  // Version 1 has no density fields.
  EXPECT_FALSE(DecodeMask(chunk.data(), chunk.size(), w, h, 1).ok());
}

TEST(DensityField, NearestLevelIsNearestInLog) {
  EXPECT_EQ(NearestDensityLevel(1.0), kDensityLevels - 1);
  EXPECT_EQ(NearestDensityLevel(0.25), 25);
  EXPECT_EQ(NearestDensityLevel(0.26), 25);
  EXPECT_EQ(NearestDensityLevel(1e-12), 0);
  EXPECT_EQ(NearestDensityLevel(5.0), kDensityLevels - 1);
  EXPECT_EQ(DensityLevelValue(25), kHalftoneOne / 4);
}

TEST(DensityField, TruncatedAndBadPayloadsAreErrorsNotCrashes) {
  const int w = 300, h = 200;
  const DensityField f = RandomField(w, h, 3, 7);
  const std::vector<uint8_t> chunk =
      EncodeDensityFieldMask(f, DensityFieldCount(f, w, h));
  // Losing more than the coder's flush bytes runs the levels out.
  for (size_t len = 0; len + 8 < chunk.size(); ++len) {
    EXPECT_FALSE(DecodeMask(chunk.data(), len, w, h).ok()) << len;
  }
  for (uint8_t block : {0, 2, 7, 255}) {
    std::vector<uint8_t> bad = chunk;
    bad[5] = block;
    EXPECT_FALSE(DecodeMask(bad.data(), bad.size(), w, h).ok()) << int(block);
  }
  std::vector<uint8_t> zero = chunk;
  zero[0] = zero[1] = zero[2] = zero[3] = 0;
  EXPECT_FALSE(DecodeMask(zero.data(), zero.size(), w, h).ok());
  // Any flipped byte decodes to some valid mask or is refused, never more.
  for (size_t i = 4; i < chunk.size(); ++i) {
    std::vector<uint8_t> flipped = chunk;
    flipped[i] ^= 0x5A;
    auto mask = DecodeMask(flipped.data(), flipped.size(), w, h);
    if (mask.ok()) {
      EXPECT_EQ(mask->size(), size_t(w) * h);
    }
  }
}

TEST(Mask, BadFlatHalftoneFieldsAreErrors) {
  const uint8_t zero_count[] = {0, 0, 0, 0, uint8_t(MaskMethod::kFlatHalftone)};
  EXPECT_FALSE(DecodeMask(zero_count, sizeof zero_count, 10, 10).ok());
  const uint8_t too_many[] = {101, 0, 0, 0, uint8_t(MaskMethod::kFlatHalftone)};
  EXPECT_FALSE(DecodeMask(too_many, sizeof too_many, 10, 10).ok());
  const uint8_t trailing[] = {5, 0, 0, 0, uint8_t(MaskMethod::kFlatHalftone),
                              0};
  EXPECT_FALSE(DecodeMask(trailing, sizeof trailing, 10, 10).ok());
}

ValueCodingParams Params(int channels, int lo, int hi) {
  ValueCodingParams p;
  p.channels = channels;
  for (int c = 0; c < channels; ++c) {
    p.lo[c] = c == 0 ? 0 : lo;
    p.hi[c] = hi;
    p.initial[c] = c == 0 ? hi / 2 : 0;
  }
  return p;
}

// Smooth values plus noise, like quantised image colours.
std::vector<int32_t> MakeValues(const std::vector<uint8_t>& mask, int w,
                                const ValueCodingParams& p, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int32_t> v;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) continue;
    const int x = int(i % w), y = int(i / w);
    for (int c = 0; c < p.channels; ++c) {
      const double smooth = std::sin(x * 0.05 + c) * std::cos(y * 0.07);
      const int span = p.hi[c] - p.lo[c];
      int32_t value =
          p.lo[c] + int(span * (0.5 + 0.4 * smooth)) + int(rng() % 5) - 2;
      v.push_back(std::clamp(value, p.lo[c], p.hi[c]));
    }
  }
  return v;
}

// Squash is the logistic function (to its interpolation), monotone and
// odd about one half; Stretch inverts it to within a bucket's width.
TEST(LogisticMixing, SquashAndStretchInvertEachOther) {
  EXPECT_EQ(Squash(0), 32768u);
  EXPECT_NEAR(Squash(256), 65536.0 / (1 + std::exp(-1.0)), 40);
  // Between knots (half a unit apart) the interpolation errs by < 3 %.
  const double exact = 65536.0 / (1 + std::exp(700 / 256.0));
  EXPECT_NEAR(Squash(-700), exact, 0.03 * exact);
  for (int32_t d = -kLogitLimit; d < kLogitLimit; ++d) {
    ASSERT_LE(Squash(d), Squash(d + 1));
    ASSERT_NEAR(double(Squash(d)) + Squash(-d), 65536.0, 2) << d;
  }
  EXPECT_EQ(Squash(5000), Squash(kLogitLimit));
  for (uint32_t p = 256; p < 65536 - 256; p += 97) {
    ASSERT_NEAR(double(Squash(Stretch(p))), double(p), 16 + 0.01 * p) << p;
  }
}

// A mixer of one informative and one useless model learns to trust the
// first: it codes a skewed source well below the useless model's cost.
TEST(LogisticMixing, MixerLearnsWhichModelToTrust) {
  LogisticMixer<2> mixer;
  std::mt19937 rng(3);
  double cost = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const int bit = rng() % 10 == 0;  // P(1) = 0.1
    // The first input knows the bit's probability; the second is noise.
    const std::array<int32_t, 2> logits = {Stretch(uint32_t(0.9 * 65536)),
                                           int32_t(rng() % 1001) - 500};
    const uint32_t p0 = mixer.Mix(logits);
    cost += -std::log2((bit ? 65536.0 - p0 : double(p0)) / 65536.0);
    mixer.Update(logits, p0, bit);
  }
  // The source's entropy is 0.469 bits; a coin costs 1.
  EXPECT_LT(cost / n, 0.5);
}

// Every value test runs with both residual coders: the direct models of
// format versions 1-4 and version 5's mixed models.
class Values : public ::testing::TestWithParam<bool> {
 protected:
  ValueCodingParams CoderParams(int channels, int lo, int hi) const {
    ValueCodingParams p = Params(channels, lo, hi);
    p.mixing = GetParam();
    return p;
  }
};

TEST_P(Values, RoundTripAtManyDensitiesSizesAndRanges) {
  struct Case {
    int w, h, channels, lo, hi;
    double density;
  };
  const Case cases[] = {
      {1, 1, 1, 0, 255, 1.0},     {1, 50, 3, -255, 255, 0.3},
      {50, 1, 3, -64, 64, 0.3},   {33, 21, 1, 0, 63, 0.05},
      {128, 96, 3, -32, 32, 0.1}, {300, 200, 3, -255, 255, 0.02},
      {64, 64, 3, -1, 1, 1.0},    {640, 480, 3, -128, 128, 0.05}};
  for (const Case& c : cases) {
    const auto mask = MakeRandomMask(c.w, c.h, c.density, 9);
    const ValueCodingParams p = CoderParams(c.channels, c.lo, c.hi);
    const auto values = MakeValues(mask, c.w, p, 4);
    auto coded = EncodeValues(mask.data(), c.w, c.h, values, p);
    ASSERT_TRUE(coded.ok()) << coded.status().message();
    auto decoded =
        DecodeValues(coded->data(), coded->size(), mask.data(), c.w, c.h, p);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    EXPECT_EQ(*decoded, values) << c.w << "x" << c.h;
  }
}

TEST_P(Values, EncoderKeepsTheShortestOfItsRadiiAndAnyRadiusDecodes) {
  const int w = 160, h = 120;
  const auto mask = MakeRandomMask(w, h, 0.05, 11);
  const ValueCodingParams p = CoderParams(3, -255, 255);
  const auto values = MakeValues(mask, w, p, 5);
  auto chosen = EncodeValues(mask.data(), w, h, values, p);
  ASSERT_TRUE(chosen.ok()) << chosen.status().message();
  const int guess = PredictionRadiusForDensity(0.05);
  // The seven radii the encoder tries (docs/format.md).
  const std::set<int> tried = {guess * 3 / 5, guess * 3 / 4, guess * 7 / 8,
                               guess,         guess * 8 / 7, guess * 4 / 3,
                               guess * 5 / 3};
  EXPECT_EQ(tried.count((*chosen)[0]), 1u);
  std::set<size_t> sizes;
  for (int r = 1; r <= kMaxPredictionRadius; ++r) {
    auto coded = EncodeValues(mask.data(), w, h, values, p, r);
    ASSERT_TRUE(coded.ok()) << coded.status().message();
    EXPECT_EQ((*coded)[0], r);
    auto decoded =
        DecodeValues(coded->data(), coded->size(), mask.data(), w, h, p);
    ASSERT_TRUE(decoded.ok()) << r << ": " << decoded.status().message();
    EXPECT_EQ(*decoded, values) << r;
    sizes.insert(coded->size());
    if (tried.count(r)) {
      EXPECT_LE(chosen->size(), coded->size()) << r;
    }
  }
  EXPECT_GT(sizes.size(), 1u);  // the radius matters
  EXPECT_FALSE(EncodeValues(mask.data(), w, h, values, p, 0).ok());
  EXPECT_FALSE(
      EncodeValues(mask.data(), w, h, values, p, kMaxPredictionRadius + 1)
          .ok());
}

TEST_P(Values, ExtremeResidualsRoundTrip) {
  // Alternating extremes: the largest possible residuals.
  const int w = 64, h = 8;
  std::vector<uint8_t> mask(w * h, 1);
  const ValueCodingParams p = CoderParams(3, -255, 255);
  std::vector<int32_t> values;
  for (int i = 0; i < w * h; ++i) {
    const bool hi = (i + i / w) % 2;
    values.insert(values.end(),
                  {hi ? 255 : 0, hi ? 255 : -255, hi ? -255 : 255});
  }
  auto coded = EncodeValues(mask.data(), w, h, values, p);
  ASSERT_TRUE(coded.ok());
  auto decoded =
      DecodeValues(coded->data(), coded->size(), mask.data(), w, h, p);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, values);
}

TEST_P(Values, OutOfRangeInputIsRejectedByEncoder) {
  std::vector<uint8_t> mask(4, 1);
  const ValueCodingParams p = CoderParams(1, 0, 10);
  EXPECT_FALSE(EncodeValues(mask.data(), 2, 2, {1, 2, 11, 3}, p).ok());
  EXPECT_FALSE(EncodeValues(mask.data(), 2, 2, {1, 2, 3}, p).ok());
}

// With point steps (QMAP files) channel 0 is predicted in values and each
// point's index range is that of its own step.
TEST_P(Values, PointStepsRoundTripAndBoundEachIndex) {
  const int w = 120, h = 80;
  const auto mask = MakeRandomMask(w, h, 0.1, 3);
  std::mt19937 rng(7);
  std::vector<uint8_t> steps(mask.size(), 0);
  std::vector<int32_t> values;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) continue;
    steps[i] = uint8_t(1 + rng() % 60);
    const double x = double(i % w), y = double(i / w);
    const int value = int(128 + 120 * std::sin(x * 0.05) * std::cos(y * 0.07));
    values.push_back(MaxIndexForStep(steps[i]) * value / 255);
  }
  ValueCodingParams p = CoderParams(1, 0, 255);
  p.point_steps = steps.data();
  auto coded = EncodeValues(mask.data(), w, h, values, p);
  ASSERT_TRUE(coded.ok()) << coded.status().message();
  auto decoded =
      DecodeValues(coded->data(), coded->size(), mask.data(), w, h, p);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(*decoded, values);
  // The steps are part of the prediction: other steps decode other indices.
  std::vector<uint8_t> other_steps = steps;
  for (uint8_t& step : other_steps) step = step ? 7 : 0;
  ValueCodingParams other_params = p;
  other_params.point_steps = other_steps.data();
  auto other = DecodeValues(coded->data(), coded->size(), mask.data(), w, h,
                            other_params);
  EXPECT_TRUE(!other.ok() || *other != values);

  // One index past 255 at its step is refused, at the step's own bound.
  const size_t first =
      size_t(std::find(mask.begin(), mask.end(), 1) - mask.begin());
  steps[first] = 40;  // indices 0..6
  std::vector<int32_t> bad = values;
  bad[0] = 6;
  EXPECT_TRUE(EncodeValues(mask.data(), w, h, bad, p).ok());
  bad[0] = 7;
  EXPECT_FALSE(EncodeValues(mask.data(), w, h, bad, p).ok());
}

TEST_P(Values, TruncationIsAnError) {
  const auto mask = MakeRandomMask(90, 70, 0.2, 2);
  const ValueCodingParams p = CoderParams(3, -255, 255);
  const auto values = MakeValues(mask, 90, p, 1);
  auto coded = EncodeValues(mask.data(), 90, 70, values, p);
  ASSERT_TRUE(coded.ok());
  for (size_t len = 0; len < coded->size(); ++len) {
    EXPECT_FALSE(DecodeValues(coded->data(), len, mask.data(), 90, 70, p).ok())
        << "length " << len;
  }
}

INSTANTIATE_TEST_SUITE_P(Coders, Values, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Mixed" : "Direct";
                         });

// The mixed models learn what the direct ones cannot see (here, that the
// nearest neighbour predicts better than the weighted mean), and the two
// coders' payloads are not interchangeable.
TEST(ValueCoders, MixedModelsCodeSmoothValuesShorterThanDirectModels) {
  const int w = 320, h = 240;
  const auto mask = MakeRandomMask(w, h, 0.08, 4);
  ValueCodingParams direct = Params(3, -255, 255), mixed = direct;
  mixed.mixing = true;
  const auto values = MakeValues(mask, w, direct, 6);
  auto a = EncodeValues(mask.data(), w, h, values, direct);
  auto b = EncodeValues(mask.data(), w, h, values, mixed);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LT(double(b->size()), 0.99 * double(a->size()));
  auto crossed = DecodeValues(b->data(), b->size(), mask.data(), w, h, direct);
  EXPECT_TRUE(!crossed.ok() || *crossed != values);
}

Header SmallHeader() {
  Header h;
  h.width = 17;
  h.height = 9;
  h.channels = 3;
  h.transform = ColorTransform::kYCoCgR;
  h.quant_step_luma = 3;
  h.quant_step_chroma = 6;
  h.noise_seed = 0xDEADBEEF;
  return h;
}

std::vector<Chunk> SmallChunks() {
  return {{"MASK", {1, 2, 3}}, {"VALS", {4, 5}}};
}

TEST(Container, RoundTripsHeaderAndChunks) {
  const auto bytes = WriteContainer(SmallHeader(), SmallChunks());
  auto parsed = ParseContainer(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->header.width, 17u);
  EXPECT_EQ(parsed->header.height, 9u);
  EXPECT_EQ(parsed->header.noise_seed, 0xDEADBEEFu);
  EXPECT_EQ(parsed->header.quant_step_chroma, 6);
  ASSERT_EQ(parsed->chunks.size(), 2u);
  EXPECT_EQ(parsed->chunks[1].tag, "VALS");
  EXPECT_EQ(parsed->chunks[1].size, 2u);
  EXPECT_EQ(parsed->chunks[1].data[1], 5);
}

TEST(Container, EverySingleByteFlipAndTruncationIsAnError) {
  const auto bytes = WriteContainer(SmallHeader(), SmallChunks());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto bad = bytes;
      bad[i] ^= uint8_t(1 << bit);
      EXPECT_FALSE(ParseContainer(bad.data(), bad.size()).ok()) << i;
    }
  }
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_FALSE(ParseContainer(bytes.data(), len).ok()) << len;
  }
}

// Re-seals a modified file with a valid checksum, to reach the field checks.
std::vector<uint8_t> Reseal(std::vector<uint8_t> bytes) {
  const uint32_t crc = Crc32(bytes.data(), bytes.size() - 4);
  for (int i = 0; i < 4; ++i)
    bytes[bytes.size() - 4 + i] = uint8_t(crc >> (8 * i));
  return bytes;
}

Status ParseStatus(const std::vector<uint8_t>& b) {
  return ParseContainer(b.data(), b.size()).status();
}

TEST(Container, FieldChecksGiveClearErrors) {
  const auto good = WriteContainer(SmallHeader(), SmallChunks());
  auto magic = good;
  magic[0] = 'X';
  EXPECT_NE(ParseStatus(magic).message().find("magic"), std::string::npos);

  auto version = good;
  version[4] = kFormatVersion + 1;
  Status st = ParseStatus(Reseal(version));
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_NE(st.message().find("version " + std::to_string(kFormatVersion + 1)),
            std::string::npos);

  Header zero = SmallHeader();
  zero.width = 0;
  EXPECT_FALSE(ParseStatus(WriteContainer(zero, SmallChunks())).ok());

  Header huge = SmallHeader();
  huge.width = huge.height = 30000;  // each side fits, the area does not
  EXPECT_EQ(ParseStatus(WriteContainer(huge, SmallChunks())).code(),
            StatusCode::kResourceExhausted);
  huge.width = 1u << 20;
  huge.height = 1;
  EXPECT_EQ(ParseStatus(WriteContainer(huge, SmallChunks())).code(),
            StatusCode::kResourceExhausted);

  Header channels = SmallHeader();
  channels.channels = 2;
  EXPECT_FALSE(ParseStatus(WriteContainer(channels, SmallChunks())).ok());

  auto long_chunk = good;
  long_chunk[kHeaderSize + 4] = 0xFF;  // MASK length low byte
  st = ParseStatus(Reseal(long_chunk));
  EXPECT_NE(st.message().find("declares"), std::string::npos) << st.message();

  auto chunks = SmallChunks();
  chunks.push_back({"ZZZZ", {1}});
  EXPECT_EQ(ParseStatus(WriteContainer(SmallHeader(), chunks)).code(),
            StatusCode::kUnsupported);
  chunks.back().tag = "zzzz";  // ancillary: skipped
  EXPECT_TRUE(ParseStatus(WriteContainer(SmallHeader(), chunks)).ok());
  chunks.back() = {"MASK", {}};
  EXPECT_FALSE(ParseStatus(WriteContainer(SmallHeader(), chunks)).ok());
}

}  // namespace
}  // namespace spix
