// g2, the refinement network of `-i eed-g`: identity at the start, a short
// training run that learns a correction, weight files that describe their
// own shape, and the operator end to end: kept where it pays, dropped where
// it does not.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "bitstream/container.h"
#include "codec/image_io.h"
#include "codec/spix.h"
#include "networks/inference.h"
#include "networks/modules.h"
#include "networks/refiner_training.h"
#include "networks/weights.h"
#include "tests/test_images.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

TEST(Refiner, StartsAsTheIdentityAndKeepsOddSizes) {
  torch::manual_seed(3);
  Refiner net(8, 3);
  const torch::Tensor decoded = torch::rand({2, 3, 16, 24});
  const torch::Tensor mask =
      (torch::rand({2, 1, 16, 24}) < 0.1).to(torch::kFloat32);
  EXPECT_TRUE(torch::equal(net->forward(decoded, mask), decoded));

  // Through the torch-free interface, at a size that is not a multiple of
  // anything, from a weight file.
  char tmpl[] = "/tmp/spix_refiner_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  ASSERT_TRUE(
      WriteWeightFile(dir + "/" + kRefinerWeightsFile,
                      ToWeightFile(*net, kRefinerNetworkName, kRefinerVersion))
          .ok());
  StatusOr<std::unique_ptr<RefinementNetwork>> loaded =
      RefinementNetwork::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const int w = 37, h = 21;
  std::vector<float> planes(3 * w * h);
  for (size_t i = 0; i < planes.size(); ++i) planes[i] = float(i % 97) / 96;
  const std::vector<uint8_t> points(w * h, 0);
  const std::vector<float> out = (*loaded)->Refine(planes, points, w, h);
  ASSERT_EQ(out.size(), planes.size());
  for (size_t i = 0; i < out.size(); ++i) ASSERT_FLOAT_EQ(out[i], planes[i]);
  fs::remove_all(dir);
}

TEST(Refiner, WeightFilesDescribeTheirShape) {
  Refiner net(12, 5);
  StatusOr<std::array<int, 2>> shape = RefinerImpl::ShapeOf(
      ToWeightFile(*net, kRefinerNetworkName, kRefinerVersion));
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ((*shape)[0], 12);
  EXPECT_EQ((*shape)[1], 5);
  InpaintingGenerator g;
  EXPECT_FALSE(RefinerImpl::ShapeOf(ToWeightFile(*g, "inpaint-g")).ok());
}

// A pack of strips whose "decoded" part is the original with its contrast
// halved: a correction a few hundred steps can learn.
void WriteContrastPack(const std::string& path, int count) {
  std::ofstream out(path, std::ios::binary);
  out.write("SPIXPACK", 8);
  for (int k = 0; k < count; ++k) {
    const Image image = SyntheticImage(40 + 4 * k, 36, 3);
    const uint32_t dims[2] = {uint32_t(3 * image.width),
                              uint32_t(image.height)};
    for (uint32_t d : dims) {
      for (int b = 0; b < 4; ++b) out.put(char(d >> (8 * b)));
    }
    for (int y = 0; y < image.height; ++y) {
      out.write(reinterpret_cast<const char*>(image.pixel(0, y)),
                3 * image.width);
      for (int x = 0; x < 3 * image.width; ++x) {
        out.put(char(64 + image.pixel(x / 3, y)[x % 3] / 2));
      }
      for (int x = 0; x < 3 * image.width; ++x) {
        out.put(char((x / 3 + y) % 7 == 0 ? 255 : 0));
      }
    }
  }
}

TEST(Refiner, ShortTrainingLearnsACorrectionAndResumes) {
  char tmpl[] = "/tmp/spix_refiner_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  WriteContrastPack(dir + "/train.pack", 4);
  WriteContrastPack(dir + "/val.pack", 2);
  RefinerTrainingOptions o;
  o.data = dir + "/train.pack";
  o.val = dir + "/val.pack";
  o.checkpoint_dir = dir + "/run";
  o.steps = 150;
  o.batch = 8;
  o.crop = 32;
  o.width = 8;
  o.depth = 2;
  o.lr = 1e-2;
  o.val_crops = 8;
  o.threads = 1;
  StatusOr<RefinerTrainingSummary> summary = TrainRefiner(o);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->steps_run, 150);
  std::printf("validation %.2f -> %.2f dB\n", summary->val_psnr_input,
              summary->val_psnr_refined);
  EXPECT_GT(summary->val_psnr_refined, summary->val_psnr_input + 3);
  ASSERT_TRUE(fs::exists(o.checkpoint_dir + "/" + kRefinerWeightsFile));

  // Resuming runs only the steps left; a finished run runs none.
  o.steps = 160;
  summary = TrainRefiner(o);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->steps_run, 10);
  summary = TrainRefiner(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->steps_run, 0);

  // A pack of plain images (not strips) is refused.
  o.data = dir + "/plain.pack";
  {
    std::ofstream out(o.data, std::ios::binary);
    out.write("SPIXPACK", 8);
    const char dims[8] = {10, 0, 0, 0, 40, 0, 0, 0};
    out.write(dims, 8);
    out.write(std::string(10 * 40 * 3, '\0').data(), 10 * 40 * 3);
  }
  EXPECT_FALSE(TrainRefiner(o).ok());
  fs::remove_all(dir);
}

// The centre 256x256 of a Kodak image (g2 saw BSDS500 train only).
Image KodakCrop(const std::string& name) {
  const std::string path =
      std::string(SPIX_SOURCE_DIR) + "/../shared/data/kodak/" + name;
  std::vector<std::string> warnings;
  StatusOr<Image> photo = ReadImage(path, &warnings);
  EXPECT_TRUE(photo.ok()) << photo.status().message();
  if (!photo.ok()) return Image();
  Image crop(256, 256, 3);
  const int x0 = (photo->width - 256) / 2, y0 = (photo->height - 256) / 2;
  for (int y = 0; y < 256; ++y) {
    std::copy(photo->pixel(x0, y0 + y), photo->pixel(x0 + 256, y0 + y),
              crop.pixel(0, y));
  }
  return crop;
}

struct Coded {
  std::vector<uint8_t> bytes;
  double psnr = 0;
  FileInfo info;
};

Coded EncodeAndDecode(const Image& image, Inpainter id,
                      const std::string& models) {
  EncodeOptions o;
  o.inpainter = id;
  // At 12 % g2's gain on this crop was within the encoder's noise (0.014
  // dB, none after a change to the tree's solver); at 20 % 0.06 dB.
  o.density = 0.2;
  o.effort = 4;
  // The steps g2's training files were coded with; with the finer chroma
  // step chosen for kodim23 today it no longer gains there.
  o.quant_step_luma = 16;
  o.quant_step_chroma = 24;
  o.models_dir = models;
  // The refinement alone: a post-filter fitted to each would differ.
  o.post_filter = false;
  Coded c;
  StatusOr<std::vector<uint8_t>> bytes = Encode(image, o);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  if (!bytes.ok()) return c;
  c.bytes = *bytes;
  DecodeOptions d;
  d.models_dir = models;
  StatusOr<Image> decoded = Decode(c.bytes.data(), c.bytes.size(), d);
  EXPECT_TRUE(decoded.ok()) << decoded.status().message();
  if (decoded.ok()) c.psnr = Psnr(image, *decoded);
  StatusOr<FileInfo> info = Inspect(c.bytes.data(), c.bytes.size());
  EXPECT_TRUE(info.ok());
  if (info.ok()) c.info = *info;
  return c;
}

// The shipped g2 where it pays (kodim23, where it measured +0.18 dB on the
// whole image): the file names g2 and its weights, decodes better than EED
// from the same values, and is refused without the weights or with others.
TEST(Refiner, ShippedWeightsAreKeptWhereTheyPay) {
  const Image image = KodakCrop("kodim23.png");
  const Coded eed =
      EncodeAndDecode(image, Inpainter::kEdgeEnhancingDiffusion, "");
  const Coded g2 =
      EncodeAndDecode(image, Inpainter::kEedRefined, SPIX_MODELS_DIR);
  std::printf("kodim23 centre at 20 %%: EED %.3f dB, EED + g2 %.3f dB\n",
              eed.psnr, g2.psnr);
  EXPECT_EQ(g2.bytes.size(), eed.bytes.size());
  EXPECT_EQ(g2.info.inpainter.rfind("edge-enhancing-diffusion+g2 (", 0), 0u)
      << g2.info.inpainter;
  EXPECT_NE(g2.info.weights_hash, "0000000000000000");
  EXPECT_GT(g2.psnr, eed.psnr);

  char tmpl[] = "/tmp/spix_refiner_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  DecodeOptions d;
  d.models_dir = tmpl;
  StatusOr<Image> missing = Decode(g2.bytes.data(), g2.bytes.size(), d);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("refine-g2"), std::string::npos);
  Refiner other(8, 2);
  ASSERT_TRUE(WriteWeightFile(
                  d.models_dir + "/" + kRefinerWeightsFile,
                  ToWeightFile(*other, kRefinerNetworkName, kRefinerVersion))
                  .ok());
  StatusOr<Image> mismatched = Decode(g2.bytes.data(), g2.bytes.size(), d);
  ASSERT_FALSE(mismatched.ok());
  EXPECT_NE(mismatched.status().message().find("refinement weights"),
            std::string::npos);
  fs::remove_all(d.models_dir);
}

// A g2 that only hurts (it brightens everything) is dropped by the encoder:
// the file is a plain EED file, byte for byte, that needs no weights.
TEST(Refiner, EncoderDropsARefinementThatDoesNotPay) {
  char tmpl[] = "/tmp/spix_refiner_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string models = tmpl;
  Refiner harmful(8, 2);
  {
    torch::NoGradGuard no_grad;
    for (auto& parameter : harmful->named_parameters()) {
      if (parameter.key() == "head.bias") parameter.value().fill_(0.2);
    }
  }
  ASSERT_TRUE(WriteWeightFile(
                  models + "/" + kRefinerWeightsFile,
                  ToWeightFile(*harmful, kRefinerNetworkName, kRefinerVersion))
                  .ok());
  const Image image = SyntheticImage(96, 80, 3);
  const Coded eed =
      EncodeAndDecode(image, Inpainter::kEdgeEnhancingDiffusion, "");
  const Coded g2 = EncodeAndDecode(image, Inpainter::kEedRefined, models);
  EXPECT_EQ(g2.bytes, eed.bytes);
  EXPECT_EQ(g2.info.weights_hash, "0000000000000000");
  fs::remove_all(models);
}

TEST(Refiner, HeaderCarriesBothEedParametersAndTheHash) {
  Header h;
  h.version = 2;
  h.width = h.height = 8;
  h.channels = 3;
  h.inpainter = Inpainter::kEedRefined;
  h.operator_params = {16, 10};
  h.weights_hash = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_TRUE(ValidateHeader(h).ok());
  h.operator_params[0] = 0;
  EXPECT_FALSE(ValidateHeader(h).ok());
  h.operator_params[0] = 16;
  h.version = 1;
  EXPECT_FALSE(ValidateHeader(h).ok());
}

}  // namespace
}  // namespace spix
