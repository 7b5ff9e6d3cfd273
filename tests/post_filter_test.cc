// The post-filter (codec/post_filter.h): its offsets, the exact integer
// planes, the least-squares fit and its rate rule, the FILT chunk and what
// the encoder and decoder do with it.
#include "codec/post_filter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <utility>

#include "bitstream/container.h"
#include "codec/spix.h"
#include "tests/test_images.h"

namespace spix {
namespace {

// Fine stripes and a ramp under random noise: the texture an inpainting
// blurs and a sharpening filter partly restores.
Image TexturedImage(int w, int h, int channels, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-6, 6);
  Image image(w, h, channels);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double stripes = 50 * std::sin(0.9 * x + 0.4 * y);
      for (int c = 0; c < channels; ++c) {
        const double v = 60 + 1.2 * x + 20 * c + stripes + noise(rng);
        image.pixel(x, y)[c] = uint8_t(std::clamp(v, 0.0, 255.0));
      }
    }
  }
  return image;
}

// A 3x3 box blur of the image (edges clamped): a stand-in for a decoder
// that is too smooth.
Image Blurred(const Image& image) {
  Image out = image;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      for (int c = 0; c < image.channels; ++c) {
        int sum = 0;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int yy = std::clamp(y + dy, 0, image.height - 1);
            const int xx = std::clamp(x + dx, 0, image.width - 1);
            sum += image.pixel(xx, yy)[c];
          }
        }
        out.pixel(x, y)[c] = uint8_t((sum + 4) / 9);
      }
    }
  }
  return out;
}

TEST(PostFilter, OffsetsAreHalfTheDiamondNearestRingFirst) {
  for (int radius = 0; radius <= kMaxPostFilterRadius; ++radius) {
    const std::vector<FilterOffset> offsets = PostFilterOffsets(radius);
    ASSERT_EQ(offsets.size(), size_t(radius * (radius + 1)));
    std::set<std::pair<int, int>> seen;
    int ring = 1;
    for (const FilterOffset& o : offsets) {
      const int distance = std::abs(o.dy) + std::abs(o.dx);
      EXPECT_GE(distance, ring);
      EXPECT_LE(distance, radius);
      ring = distance;
      // Each offset once, and never with its mirror.
      EXPECT_TRUE(seen.insert({o.dy, o.dx}).second);
      EXPECT_EQ(seen.count({-o.dy, -o.dx}), 0u);
    }
    if (radius > 0) {
      const std::vector<FilterOffset> smaller = PostFilterOffsets(radius - 1);
      for (size_t k = 0; k < smaller.size(); ++k) {
        EXPECT_EQ(smaller[k].dy, offsets[k].dy);
        EXPECT_EQ(smaller[k].dx, offsets[k].dx);
      }
    }
  }
}

TEST(PostFilter, ZeroTapsLeaveEveryPixelAsItWas) {
  for (int channels : {1, 3}) {
    const Image image = TexturedImage(23, 17, channels, 1);
    PostFilter filter;
    for (int c = 0; c < channels; ++c) {
      filter.planes.push_back({3, 8, 5, std::vector<int32_t>(5 * 12, 0)});
    }
    Image filtered = image;
    ApplyPostFilter(filter, &filtered, 2);
    EXPECT_EQ(filtered.pixels, image.pixels) << channels;
  }
}

TEST(PostFilter, FitUndoesMuchOfABlurAndNothingWhereThereIsNoError) {
  for (int channels : {1, 3}) {
    const Image image = TexturedImage(96, 64, channels, 2);
    const Image blurred = Blurred(image);
    const PostFilter filter = FitPostFilter(image, blurred, 4000, 2);
    ASSERT_TRUE(filter.active());
    Image restored = blurred;
    ApplyPostFilter(filter, &restored, 1);
    EXPECT_LT(SquaredError(image, restored), 0.7 * SquaredError(image, blurred))
        << channels;
    // The same taps on one thread and on two.
    Image restored2 = blurred;
    ApplyPostFilter(filter, &restored2, 2);
    EXPECT_EQ(restored.pixels, restored2.pixels);

    EXPECT_FALSE(FitPostFilter(image, image, 4000, 2).active());
  }
}

TEST(PostFilter, TapsMustPayForTheirBytes) {
  const Image image = TexturedImage(96, 64, 3, 3);
  const Image blurred = Blurred(image);
  EXPECT_TRUE(FitPostFilter(image, blurred, 100000, 2).active());
  // Taps and chunk header would multiply a 1-byte file's size by more
  // than ten, which no filter pays for.
  EXPECT_FALSE(FitPostFilter(image, blurred, 1, 2).active());
}

// Directions: stripes along rows are class 2 (second differences along
// columns dominate), along columns class 1, diagonal ones 3 or 4, flat
// areas and checkerboards 0.
TEST(PostFilter, DirectionClassesFollowTheTexture) {
  const auto class_at_centre = [](auto value) {
    Image image(15, 15, 1);
    for (int y = 0; y < 15; ++y) {
      for (int x = 0; x < 15; ++x) image.pixel(x, y)[0] = value(x, y);
    }
    return DirectionClasses(image)[7 * 15 + 7];
  };
  EXPECT_EQ(class_at_centre([](int, int y) { return 100 * (y % 2); }), 2);
  EXPECT_EQ(class_at_centre([](int x, int) { return 100 * (x % 2); }), 1);
  // Constant along x + y: it varies along the first diagonal.
  EXPECT_EQ(class_at_centre([](int x, int y) { return 100 * ((x + y) % 3); }),
            3);
  EXPECT_EQ(class_at_centre(
                [](int x, int y) { return 100 * (((x - y) % 3 + 3) % 3); }),
            4);
  EXPECT_EQ(class_at_centre([](int, int) { return 77; }), 0);
  EXPECT_EQ(class_at_centre([](int x, int y) { return 100 * ((x + y) % 2); }),
            0);
  const std::vector<uint8_t> classes =
      DirectionClasses(TexturedImage(31, 9, 3, 5));
  ASSERT_EQ(classes.size(), 31u * 9u);
  for (uint8_t c : classes) EXPECT_LE(c, 4);
}

// On the left stripes across x, blurred along x; on the right unblurred
// stripes of the same frequency across x under stronger ones across y.
// One symmetric filter must both restore and keep that frequency; a tap
// set per direction class need not.
TEST(PostFilter, FitTakesATapSetPerDirectionWhereTheyDiffer) {
  const auto sample = [](int x, int y) {
    return x < 32 ? 128 + 90 * std::sin(1.3 * x)
                  : 128 + 90 * std::sin(1.3 * y) + 30 * std::sin(1.3 * x);
  };
  Image image(64, 48, 1), blurred(64, 48, 1);
  for (int y = 0; y < 48; ++y) {
    for (int x = 0; x < 64; ++x) {
      image.pixel(x, y)[0] = uint8_t(std::lround(sample(x, y)));
      double v = sample(x, y);
      if (x < 32) {
        v = (sample(std::max(x - 1, 0), y) + v + sample(x + 1, y)) / 3;
      }
      blurred.pixel(x, y)[0] = uint8_t(std::lround(v));
    }
  }
  const PostFilter filter = FitPostFilter(image, blurred, 100000, 2);
  ASSERT_TRUE(filter.active());
  EXPECT_GT(filter.planes[0].classes, 1);
  Image restored = blurred;
  ApplyPostFilter(filter, &restored, 2);
  EXPECT_LT(SquaredError(image, restored), 0.1 * SquaredError(image, blurred));
}

TEST(PostFilter, ChunkRoundTripsAndRefusesDamage) {
  PostFilter filter;
  filter.planes.push_back({2, 8, 1, {40, -3, 0, 7, -200, 1}});
  filter.planes.push_back({0, 0, 1, {}});
  filter.planes.push_back(
      {1, 12, 3, {(1 << kMaxPostFilterTapBits) - 1, -1, 5, 0, 0, -9}});
  const std::vector<uint8_t> chunk = PostFilterChunk(filter);
  StatusOr<PostFilter> parsed =
      ParsePostFilterChunk(chunk.data(), chunk.size(), 3);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->planes.size(), 3u);
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(parsed->planes[c].radius, filter.planes[c].radius);
    EXPECT_EQ(parsed->planes[c].taps, filter.planes[c].taps);
    if (filter.planes[c].radius > 0) {
      EXPECT_EQ(parsed->planes[c].fraction_bits,
                filter.planes[c].fraction_bits);
      EXPECT_EQ(parsed->planes[c].classes, filter.planes[c].classes);
    }
  }
  EXPECT_EQ(DescribePostFilter(*parsed),
            "luma radius 2, Co off, Cg radius 1 x3 directions");
  EXPECT_FALSE(ParsePostFilterChunk(chunk.data(), chunk.size(), 1).ok());
  for (size_t n = 0; n < chunk.size(); ++n) {
    EXPECT_FALSE(ParsePostFilterChunk(chunk.data(), n, 3).ok()) << n;
  }
  std::vector<uint8_t> stray = chunk;
  stray.push_back(0);
  EXPECT_FALSE(ParsePostFilterChunk(stray.data(), stray.size(), 3).ok());
  const auto refused = [](std::vector<uint8_t> bytes) {
    return !ParsePostFilterChunk(bytes.data(), bytes.size(), 1).ok();
  };
  EXPECT_TRUE(refused({1, kMaxPostFilterRadius + 1, 8, 1, 0}));
  EXPECT_TRUE(refused({1, 1, kMinPostFilterFractionBits - 1, 1, 0}));
  EXPECT_TRUE(refused({1, 1, kMaxPostFilterFractionBits + 1, 1, 0}));
  EXPECT_TRUE(refused({1, 1, 8, 2, 0}));  // 1, 3 or 5 classes
  EXPECT_TRUE(refused({1, 0}));           // filters nothing
  EXPECT_TRUE(refused({1, 1, 8, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  // A tap one past the largest magnitude (which the encoder never writes).
  PostFilter too_large;
  too_large.planes.push_back({1, 8, 1, {1 << kMaxPostFilterTapBits, 0}});
  EXPECT_TRUE(refused(PostFilterChunk(too_large)));
}

// The default encoder stores a post-filter where it pays: the file is
// version 7, `spix info` names it, and it decodes closer to the original
// than the same file without it. Exact values and the fastest efforts get
// none; a version-6 file may not carry one.
TEST(PostFilter, EncoderStoresItWhereItPaysAndDecoderAppliesIt) {
  const Image image = TexturedImage(128, 96, 3, 4);
  EncodeOptions o;
  o.density = 0.1;
  o.effort = 4;
  const auto filtered = Encode(image, o);
  ASSERT_TRUE(filtered.ok()) << filtered.status().message();
  auto parsed = ParseContainer(filtered->data(), filtered->size());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->header.version, kFormatVersion);
  const ChunkView* filt = FindChunk(*parsed, kPostFilterChunkTag);
  ASSERT_NE(filt, nullptr);
  auto info = Inspect(filtered->data(), filtered->size());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->chunks.back().what.rfind("post-filter: luma radius", 0), 0u)
      << info->chunks.back().what;

  o.post_filter = false;
  const auto plain = Encode(image, o);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->size() + kChunkHeaderSize + filt->size, filtered->size());
  const auto with = Decode(filtered->data(), filtered->size());
  const auto without = Decode(plain->data(), plain->size());
  ASSERT_TRUE(with.ok() && without.ok());
  EXPECT_GT(Psnr(image, *with), Psnr(image, *without) + 0.1);

  o.post_filter = true;
  o.quant_step_luma = o.quant_step_chroma = 1;
  auto exact = Encode(image, o);
  ASSERT_TRUE(exact.ok());
  parsed = ParseContainer(exact->data(), exact->size());
  EXPECT_EQ(FindChunk(*parsed, kPostFilterChunkTag), nullptr);
  o = EncodeOptions();
  o.effort = kLowestPostFilterEffort - 1;
  auto fast = Encode(image, o);
  ASSERT_TRUE(fast.ok());
  parsed = ParseContainer(fast->data(), fast->size());
  EXPECT_EQ(FindChunk(*parsed, kPostFilterChunkTag), nullptr);

  // The same file as version 6: FILT is an unknown critical chunk there.
  parsed = ParseContainer(filtered->data(), filtered->size());
  Header old = parsed->header;
  old.version = kPostFilterVersion - 1;
  std::vector<Chunk> chunks;
  for (const ChunkView& c : parsed->chunks) {
    chunks.push_back({c.tag, {c.data, c.data + c.size}});
  }
  const std::vector<uint8_t> v6 = WriteContainer(old, chunks);
  const auto refused = Decode(v6.data(), v6.size());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("FILT"), std::string::npos);
}

}  // namespace
}  // namespace spix
