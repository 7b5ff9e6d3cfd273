// Border lines (format version 8): found, stored, checked and put back.
#include "codec/border_lines.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bitstream/container.h"
#include "bitstream/format.h"
#include "codec/spix.h"
#include "tests/test_images.h"

namespace spix {
namespace {

// A synthetic picture inside a scanner-like frame: two grey rows on top
// (one with a little noise), a black row at the bottom, three grey columns
// on the left, one white column on the right.
Image FramedPicture(int width, int height) {
  Image image = SyntheticImage(width, height, 3);
  auto paint = [&image](int x, int y, uint8_t value) {
    std::fill_n(image.pixel(x, y), 3, value);
  };
  for (int x = 0; x < width; ++x) {
    paint(x, 0, 99);
    paint(x, 1, uint8_t(98 + (x % 3) - 1));  // RMS deviation 0.8
    paint(x, height - 1, 0);
  }
  for (int y = 2; y < height - 1; ++y) {
    for (int x = 0; x < 3; ++x) paint(x, y, 120);
    paint(width - 1, y, 255);
  }
  return image;
}

TEST(BorderLines, FoundOutermostFirstAndPutBack) {
  const Image image = FramedPicture(64, 48);
  const BorderLines lines = FindBorderLines(image, kBorderLineTolerance);
  ASSERT_EQ(lines.count(BorderLines::kTop), 2);
  ASSERT_EQ(lines.count(BorderLines::kBottom), 1);
  ASSERT_EQ(lines.count(BorderLines::kLeft), 3);
  ASSERT_EQ(lines.count(BorderLines::kRight), 1);
  EXPECT_EQ(lines.sides[BorderLines::kTop][0][0], 99);
  EXPECT_EQ(lines.sides[BorderLines::kTop][1][0], 98);
  EXPECT_EQ(lines.sides[BorderLines::kBottom][0][1], 0);
  EXPECT_EQ(lines.sides[BorderLines::kRight][0][2], 255);

  const Image inner = InnerImage(image, lines);
  EXPECT_EQ(inner.width, 60);
  EXPECT_EQ(inner.height, 45);
  EXPECT_EQ(inner.pixel(0, 0)[0], image.pixel(3, 2)[0]);
  const Image framed = FramedImage(inner, lines);
  ASSERT_EQ(framed.width, 64);
  ASSERT_EQ(framed.height, 48);
  // Only the noisy row differs: its colour is 98, and 22 of its pixels are
  // 97 and 21 are 99, in each of three channels.
  double error = 0;
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    const double d = double(image.pixels[i]) - framed.pixels[i];
    error += d * d;
  }
  EXPECT_DOUBLE_EQ(error, 3 * (22 + 21));

  // Exact values asked for: the noisy row stops the top side, and as the
  // columns then reach into it, they are not one colour either.
  const BorderLines exact = FindBorderLines(image, 0.0);
  EXPECT_EQ(exact.count(BorderLines::kTop), 1);
  EXPECT_EQ(exact.count(BorderLines::kBottom), 1);
  EXPECT_EQ(exact.count(BorderLines::kLeft), 0);
  EXPECT_EQ(exact.count(BorderLines::kRight), 0);
}

TEST(BorderLines, KeepHalfTheImageAndLeaveSmallOnesAlone) {
  Image flat(40, 30, 1);
  std::fill(flat.pixels.begin(), flat.pixels.end(), 77);
  const BorderLines lines = FindBorderLines(flat, kBorderLineTolerance);
  EXPECT_EQ(lines.count(BorderLines::kTop), kMaxBorderLines);
  EXPECT_LE(lines.count(BorderLines::kTop) + lines.count(BorderLines::kBottom),
            15);
  EXPECT_LE(lines.count(BorderLines::kLeft) + lines.count(BorderLines::kRight),
            20);
  EXPECT_GE(lines.inner_height(30), 15);
  Image small(15, 40, 1);
  EXPECT_TRUE(FindBorderLines(small, kBorderLineTolerance).empty());
  EXPECT_TRUE(
      FindBorderLines(SyntheticImage(64, 48, 3), kBorderLineTolerance).empty());
}

TEST(BorderLines, ChunkRoundTripsAndRefusesBadPayloads) {
  const BorderLines lines =
      FindBorderLines(FramedPicture(64, 48), kBorderLineTolerance);
  const std::vector<uint8_t> chunk = BorderLinesChunk(lines, 3);
  EXPECT_EQ(chunk.size(), 4u + 7u * 3u);
  auto parsed = ParseBorderLinesChunk(chunk.data(), chunk.size(), 3, 64, 48);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->sides, lines.sides);

  for (size_t cut = 0; cut < chunk.size(); ++cut) {
    EXPECT_FALSE(ParseBorderLinesChunk(chunk.data(), cut, 3, 64, 48).ok());
  }
  std::vector<uint8_t> longer = chunk;
  longer.push_back(0);
  EXPECT_FALSE(
      ParseBorderLinesChunk(longer.data(), longer.size(), 3, 64, 48).ok());
  std::vector<uint8_t> too_many = chunk;
  too_many[0] = kMaxBorderLines + 1;
  EXPECT_FALSE(
      ParseBorderLinesChunk(too_many.data(), too_many.size(), 3, 64, 48).ok());
  // Two top lines and one bottom line cover a three-row image.
  EXPECT_FALSE(
      ParseBorderLinesChunk(chunk.data(), chunk.size(), 3, 64, 3).ok());
  EXPECT_FALSE(
      ParseBorderLinesChunk(chunk.data(), chunk.size(), 3, 4, 48).ok());
}

TEST(BorderLines, FilesStoreThemAndDecodersPutThemBack) {
  const Image image = FramedPicture(64, 48);
  EncodeOptions o;
  o.density = 0.1;
  o.effort = 4;
  auto bytes = Encode(image, o);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  auto container = ParseContainer(bytes->data(), bytes->size());
  ASSERT_TRUE(container.ok());
  EXPECT_EQ(container->header.version, kBorderLinesVersion);
  EXPECT_EQ(container->header.width, 64u);
  ASSERT_NE(FindChunk(*container, kBorderLinesChunkTag), nullptr);

  auto decoded = Decode(bytes->data(), bytes->size());
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  ASSERT_EQ(decoded->width, 64);
  ASSERT_EQ(decoded->height, 48);
  EXPECT_EQ(decoded->pixel(10, 0)[1], 99);
  EXPECT_EQ(decoded->pixel(10, 47)[1], 0);
  EXPECT_EQ(decoded->pixel(0, 20)[0], 120);
  EXPECT_EQ(decoded->pixel(63, 20)[2], 255);

  auto info = Inspect(bytes->data(), bytes->size());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->width, 64);
  EXPECT_EQ(info->height, 48);
  EXPECT_EQ(info->chunks.back().tag, kBorderLinesChunkTag);
  EXPECT_NE(info->chunks.back().what.find("top 2, bottom 1, left 3, right 1"),
            std::string::npos)
      << info->chunks.back().what;
  auto known = DecodeKnownMask(bytes->data(), bytes->size());
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(known->width, 64);
  EXPECT_EQ(known->pixel(5, 0)[0], 255);

  // Version 7 did not have the chunk: there it is an unknown critical one.
  std::vector<Chunk> chunks;
  for (const ChunkView& view : container->chunks) {
    chunks.push_back({view.tag, {view.data, view.data + view.size}});
  }
  Header old = container->header;
  old.version = kBorderLinesVersion - 1;
  const std::vector<uint8_t> v7 = WriteContainer(old, chunks);
  auto refused = Decode(v7.data(), v7.size());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("unknown critical chunk 'BRDR'"),
            std::string::npos)
      << refused.status().message();

  // Damage anywhere is refused; without the checksum the parser stays safe.
  for (size_t i = 0; i < bytes->size(); ++i) {
    std::vector<uint8_t> bad = *bytes;
    bad[i] ^= 0x5A;
    EXPECT_FALSE(Decode(bad.data(), bad.size()).ok()) << "flip at " << i;
    DecodeOptions unchecked;
    unchecked.verify_checksum = false;
    (void)Decode(bad.data(), bad.size(), unchecked);
  }

  // Off: the same image codes its frame by inpainting, and worse.
  EncodeOptions off = o;
  off.border_lines = false;
  auto plain = Encode(image, off);
  ASSERT_TRUE(plain.ok());
  auto plain_container = ParseContainer(plain->data(), plain->size());
  ASSERT_TRUE(plain_container.ok());
  EXPECT_EQ(FindChunk(*plain_container, kBorderLinesChunkTag), nullptr);
  auto plain_decoded = Decode(plain->data(), plain->size());
  ASSERT_TRUE(plain_decoded.ok());
  EXPECT_GT(Psnr(image, *decoded), Psnr(image, *plain_decoded));
}

TEST(BorderLines, RateControlCountsTheirBytes) {
  const Image image = FramedPicture(64, 48);
  EncodeOptions o;
  o.effort = 4;
  auto r = EncodeToTarget(image, o, {RateTarget::Kind::kBytes, 400}, false);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->reached);
  EXPECT_LE(r->bytes.size(), 400u);
  auto decoded = Decode(r->bytes.data(), r->bytes.size());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->width, 64);
  EXPECT_NEAR(Psnr(image, *decoded), r->psnr, 1e-9);
}

}  // namespace
}  // namespace spix
