#include "codec/image_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tests/test_images.h"

namespace spix {
namespace {

class ImageIo : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/spix_io_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(ImageIo, LosslessFormatsRoundTripInRgbOrder) {
  Image pure_red(4, 3, 3);
  for (size_t i = 0; i < pure_red.num_pixels(); ++i)
    pure_red.pixels[i * 3] = 255;
  const Image& red = pure_red;
  const Image grey = SyntheticImage(9, 7, 1);
  const Image rgb = SyntheticImage(9, 7, 3);
  for (const char* ext : {".png", ".ppm", ".bmp", ".tif"}) {
    for (const Image* img : {&red, &rgb, &grey}) {
      const std::string path = dir_ + "/a" + ext;
      ASSERT_TRUE(WriteImage(path, *img).ok()) << ext;
      std::vector<std::string> warnings;
      auto back = ReadImage(path, &warnings);
      ASSERT_TRUE(back.ok()) << ext << ": " << back.status().message();
      EXPECT_EQ(back->channels, img->channels) << ext;
      EXPECT_EQ(back->pixels, img->pixels) << ext;
      EXPECT_TRUE(warnings.empty());
    }
  }
}

TEST_F(ImageIo, PpmBytesAreRgbOrder) {
  // P6 stores R, G, B: an outside reference for the channel order.
  const std::string path = dir_ + "/red.ppm";
  ASSERT_TRUE(WriteFileAtomic(path, {'P', '6', '\n', '1', ' ', '1', '\n', '2',
                                     '5', '5', '\n', 0xFF, 0x10, 0x00})
                  .ok());
  std::vector<std::string> warnings;
  auto image = ReadImage(path, &warnings);
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->pixels, (std::vector<uint8_t>{0xFF, 0x10, 0x00}));
  ASSERT_TRUE(WriteImage(path, *image).ok());
  auto bytes = ReadFileBytes(path, 100);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(std::vector<uint8_t>(bytes->end() - 3, bytes->end()),
            (std::vector<uint8_t>{0xFF, 0x10, 0x00}));
}

TEST_F(ImageIo, UnknownExtensionIsRefusedAndNothingWritten) {
  const Status st = WriteImage(dir_ + "/a.xyz", SyntheticImage(3, 3, 3));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(ImageIo, AtomicWriteReplacesWholeFileOnly) {
  const std::string path = dir_ + "/f.bin";
  ASSERT_TRUE(WriteFileAtomic(path, {1, 2, 3}).ok());
  ASSERT_TRUE(WriteFileAtomic(path, {4}).ok());
  auto bytes = ReadFileBytes(path, 100);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, std::vector<uint8_t>{4});
  EXPECT_EQ(ReadFileBytes(path, 0).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_FALSE(WriteFileAtomic(dir_ + "/missing/f.bin", {1}).ok());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1);
}

}  // namespace
}  // namespace spix
