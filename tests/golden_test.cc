// Golden files: .spix files made by each format version must decode, in
// every later version, to the same known pixels exactly and to the committed
// reconstruction within one grey level (only the floating-point inpainting
// may differ, by rounding; see DESIGN.md). With luma preference no pixel is
// known in RGB, so all are held to the one grey level.
#include <gtest/gtest.h>

#include <cstdlib>

#include "bitstream/container.h"
#include "bitstream/dec_mask.h"
#include "codec/image_io.h"
#include "codec/spix.h"

namespace spix {
namespace {

const char* const kGolden[] = {"grey_random_d20_q1", "rgb_grid_d10_q4",
                               "rgb_halftone_d8_q8", "rgb_random_d30_q1",
                               "tall_random_d50_q16"};
const char* const kGoldenV2[] = {"v2_rgb_density_d15_q1",
                                 "v2_rgb_density_cf25_q8",
                                 "v2_rgb_halftone_cf50_q4"};

class Golden : public ::testing::TestWithParam<const char*> {};

TEST_P(Golden, DecodesToCommittedPixels) {
  const std::string base = std::string(SPIX_GOLDEN_DIR) + "/" + GetParam();
  auto bytes = ReadFileBytes(base + ".spix", 1 << 20);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  std::vector<std::string> warnings;
  auto expected = ReadImage(base + ".png", &warnings);
  ASSERT_TRUE(expected.ok()) << expected.status().message();
  auto decoded = Decode(bytes->data(), bytes->size());
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  ASSERT_EQ(decoded->width, expected->width);
  ASSERT_EQ(decoded->height, expected->height);
  ASSERT_EQ(decoded->channels, expected->channels);

  auto container = ParseContainer(bytes->data(), bytes->size());
  ASSERT_TRUE(container.ok());
  const ChunkView* mask_chunk = FindChunk(*container, kMaskChunkTag);
  ASSERT_NE(mask_chunk, nullptr);
  auto mask = DecodeMask(mask_chunk->data, mask_chunk->size, decoded->width,
                         decoded->height);
  ASSERT_TRUE(mask.ok());
  const bool rgb_known = FindChunk(*container, kChromaChunkTag) == nullptr;
  for (size_t i = 0; i < decoded->pixels.size(); ++i) {
    const int diff = std::abs(int(decoded->pixels[i]) - expected->pixels[i]);
    if (rgb_known && (*mask)[i / decoded->channels]) {
      ASSERT_EQ(diff, 0) << "known sample " << i;
    } else {
      ASSERT_LE(diff, 1) << "inpainted sample " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Version1, Golden, ::testing::ValuesIn(kGolden));
INSTANTIATE_TEST_SUITE_P(Version2, Golden, ::testing::ValuesIn(kGoldenV2));

}  // namespace
}  // namespace spix

namespace spix {
namespace {

TEST_P(Golden, EverySingleByteFlipIsRejected) {
  const std::string path =
      std::string(SPIX_GOLDEN_DIR) + "/" + GetParam() + ".spix";
  auto bytes = ReadFileBytes(path, 1 << 20);
  ASSERT_TRUE(bytes.ok());
  for (size_t i = 0; i < bytes->size(); ++i) {
    std::vector<uint8_t> bad = *bytes;
    bad[i] ^= 0xFF;
    EXPECT_FALSE(Decode(bad.data(), bad.size()).ok()) << "byte " << i;
  }
}

}  // namespace
}  // namespace spix
