// The learned codec's networks: shapes, the straight-through gradient, a
// short training run, weight files, the header's weight hash, determinism
// and data-parallel training over two processes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "codec/image_io.h"
#include "codec/spix.h"
#include "networks/inference.h"
#include "networks/modules.h"
#include "networks/train_util.h"
#include "networks/training.h"
#include "networks/weights.h"
#include "tests/test_images.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

class Networks : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/spix_networks_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    torch::manual_seed(7);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // A models directory holding freshly initialised networks.
  std::string RandomModels(const std::string& name, bool perturb = false) {
    const std::string models = Path(name);
    fs::create_directories(models);
    InpaintingGenerator g;
    if (perturb) {
      torch::NoGradGuard no_grad;
      for (auto& p : g->parameters()) p.add_(torch::randn_like(p) * 0.01);
    }
    MaskGenerator m;
    EXPECT_TRUE(WriteWeightFile(models + "/" + kInpaintingWeightsFile,
                                ToWeightFile(*g, "inpaint-g"))
                    .ok());
    EXPECT_TRUE(WriteWeightFile(models + "/" + kMaskWeightsFile,
                                ToWeightFile(*m, "mask-m"))
                    .ok());
    return models;
  }

  std::string dir_;
};

TEST_F(Networks, OddSizesKeepTheirShape) {
  const std::string models = RandomModels("models");
  auto g = InpaintingNetwork::Load(models);
  auto m = MaskNetwork::Load(models);
  ASSERT_TRUE(g.ok() && m.ok());
  for (auto [w, h] : {std::pair{1, 1}, {13, 7}, {37, 61}, {600, 9}}) {
    const size_t pixels = size_t(w) * h;
    std::vector<float> image(3 * pixels, 0.25f);
    std::vector<uint8_t> mask(pixels, 0);
    mask[0] = 1;
    image[0] = 1.f;
    const std::vector<float> u = (*g)->Inpaint(image, mask, w, h, 3);
    ASSERT_EQ(u.size(), 3 * pixels);
    EXPECT_FLOAT_EQ(u[0], 1.f);  // known pixels are kept
    for (float v : u) EXPECT_TRUE(v >= 0.f && v <= 1.f);
    EXPECT_EQ((*m)->Confidence(image, w, h, 0.1, 3).size(), pixels);
  }
}

TEST_F(Networks, StraightThroughGradientReachesTheMaskNetwork) {
  MaskGenerator m;
  const torch::Tensor image = torch::rand({2, 3, 16, 16});
  const torch::Tensor c =
      m->forward(image, NoisePlane(2, 16, 16, 1), torch::full({2}, 0.1));
  const torch::Tensor b = StraightThroughTopK(c, torch::full({2}, 0.1));
  EXPECT_TRUE(torch::allclose(b, TopKMask(c, 0.1), 0, 1e-6));
  (b * image.mean(1, true)).sum().backward();
  double norm = 0;
  for (const auto& p : m->parameters())
    norm += p.grad().abs().sum().item<double>();
  EXPECT_GT(norm, 0.0);
}

TEST_F(Networks, TopKLogProbabilityIsTheDrawingOrdersProbability) {
  // Two of three pixels (density 2/3): the six orders of drawing them
  // without replacement, probabilities proportional to exp(score), must
  // have probabilities summing to one, and each must match the formula.
  const torch::Tensor scores =
      torch::tensor({0.5f, -0.2f, 0.9f}).view({1, 1, 1, 3});
  const torch::Tensor density = torch::full({1}, 2.0 / 3, torch::kFloat64);
  const float w[3] = {std::exp(0.5f), std::exp(-0.2f), std::exp(0.9f)};
  double total = 0;
  for (int first = 0; first < 3; ++first) {
    for (int second = 0; second < 3; ++second) {
      if (second == first) continue;
      torch::Tensor keys = torch::zeros({1, 1, 1, 3});
      keys[0][0][0][first] = 2.0;
      keys[0][0][0][second] = 1.0;
      const double p =
          TopKLogProbability(scores, keys, density).exp().item<double>();
      EXPECT_NEAR(p,
                  w[first] / (w[0] + w[1] + w[2]) *
                      (w[second] / (w[0] + w[1] + w[2] - w[first])),
                  1e-6);
      total += p;
    }
  }
  EXPECT_NEAR(total, 1.0, 1e-6);
}

TEST_F(Networks, TopKMaskHasTheExactDensity) {
  const torch::Tensor c = torch::rand({3, 1, 10, 10});
  const torch::Tensor mask = TopKMask(c, 0.13);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(mask[i].sum().item<int>(), 13);
  // The kept pixels are the most confident ones.
  for (int i = 0; i < 3; ++i) {
    EXPECT_GT(c[i].masked_select(mask[i] > 0).min().item<float>(),
              c[i].masked_select(mask[i] == 0).max().item<float>());
  }
}

TEST_F(Networks, ShortTrainingRunLowersTheLoss) {
  // One 32x32 image, trained and validated on: 20 steps must fit it better.
  fs::create_directories(Path("data"));
  ASSERT_TRUE(WriteImage(Path("data/0.png"), SyntheticImage(32, 32, 3)).ok());
  CodecTrainingOptions o;
  o.data_dirs = {Path("data")};
  o.steps = 20;
  o.pretrain_steps = 20;  // g alone; the joint steps run in the resume below
  o.batch = 4;
  o.crop = 32;
  o.lr = 1e-3;
  o.alpha = 0;
  o.checkpoint_dir = Path("run");
  auto summary = TrainCodec(o);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->steps_run, 20);
  EXPECT_LT(summary->val_l1_after, summary->val_l1_before);
  // The checkpoint resumes: a longer run continues from step 20.
  o.steps = 22;
  summary = TrainCodec(o);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->steps_run, 2);
  EXPECT_TRUE(fs::exists(Path("run/samples-22.png")));
  // --freeze-generator: two more joint steps change m and leave g alone.
  auto contents = [&](const char* name) {
    std::ifstream in(Path(std::string("run/") + name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string g_before = contents(kInpaintingWeightsFile),
                    m_before = contents(kMaskWeightsFile);
  o.steps = 24;
  o.freeze_generator = true;
  ASSERT_TRUE(TrainCodec(o).ok());
  EXPECT_EQ(contents(kInpaintingWeightsFile), g_before);
  EXPECT_NE(contents(kMaskWeightsFile), m_before);
}

TEST_F(Networks, TrainsFromImagePacksAndRefusesBrokenOnes) {
  // A pack of two 40x24 images, as scripts/pack_images.py writes it.
  const Image image = SyntheticImage(40, 24, 3);
  std::string pack = "SPIXPACK";
  for (int i = 0; i < 2; ++i) {
    for (uint32_t v : {40u, 24u}) {
      for (int b = 0; b < 4; ++b) pack += char((v >> (8 * b)) & 0xFF);
    }
    pack.append(image.pixels.begin(), image.pixels.end());
  }
  std::ofstream(Path("good.pack"), std::ios::binary) << pack;
  auto images = ReadImagePack(Path("good.pack"));
  ASSERT_TRUE(images.ok()) << images.status().message();
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[1].width, 40);
  EXPECT_EQ((*images)[1].pixels, image.pixels);

  CodecTrainingOptions o;
  o.data_dirs = {Path("good.pack")};
  o.steps = 10;
  o.pretrain_steps = 10;  // g alone, as ShortTrainingRunLowersTheLoss
  o.batch = 2;
  o.crop = 16;
  o.lr = 1e-3;
  o.alpha = 0;
  // The pack's images are what training sees: the validation loss on them
  // falls.
  auto trained = TrainCodec(o);
  ASSERT_TRUE(trained.ok()) << trained.status().message();
  EXPECT_EQ(trained->steps_run, o.steps);
  EXPECT_LT(trained->val_l1_after, trained->val_l1_before);

  std::ofstream(Path("short.pack"), std::ios::binary)
      << pack.substr(0, pack.size() - 1);
  std::ofstream(Path("huge.pack"), std::ios::binary)
      << std::string("SPIXPACK\xff\xff\xff\x7f\x01\0\0\0", 16);
  std::ofstream(Path("other.pack"), std::ios::binary) << "PNG....";
  for (const char* name : {"short.pack", "huge.pack", "other.pack"}) {
    o.data_dirs = {Path(name)};
    auto summary = TrainCodec(o);
    ASSERT_FALSE(summary.ok()) << name;
    EXPECT_EQ(summary.status().code(), StatusCode::kCorruptData) << name;
  }
}

TEST_F(Networks, WeightFilesRoundTripAndRefuseDamage) {
  InpaintingGenerator g;
  const WeightFile file = ToWeightFile(*g, "inpaint-g");
  const std::vector<uint8_t> bytes = SerializeWeights(file);
  auto parsed = ParseWeights(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->network, "inpaint-g");
  EXPECT_EQ(parsed->version, kCodecNetworksVersion);
  ASSERT_EQ(parsed->tensors.size(), file.tensors.size());
  for (size_t i = 0; i < file.tensors.size(); ++i) {
    EXPECT_EQ(parsed->tensors[i].name, file.tensors[i].name);
    EXPECT_EQ(parsed->tensors[i].shape, file.tensors[i].shape);
    EXPECT_EQ(parsed->tensors[i].values, file.tensors[i].values);
  }
  InpaintingGenerator copy;
  ASSERT_TRUE(LoadWeightFile(*parsed, "inpaint-g", copy.get()).ok());
  const torch::Tensor x = torch::rand({1, 8, 16, 16});
  EXPECT_TRUE(torch::equal(g->forward(x), copy->forward(x)));

  MaskGenerator m;
  EXPECT_FALSE(LoadWeightFile(*parsed, "mask-m", m.get()).ok());  // wrong name
  for (size_t cut : {size_t(0), size_t(7), size_t(20), bytes.size() - 1}) {
    EXPECT_FALSE(ParseWeights(bytes.data(), cut).ok()) << cut;
  }
  std::vector<uint8_t> bad = bytes;
  bad[12] = '}';  // breaks the JSON header
  EXPECT_FALSE(ParseWeights(bad.data(), bad.size()).ok());
  EXPECT_FALSE(InpaintingNetwork::Load(Path("nowhere")).ok());
}

TEST_F(Networks, DecoderRefusesOtherWeightsAndIsDeterministic) {
  const Image image = SyntheticImage(70, 50, 3);
  EncodeOptions o;
  o.inpainter = Inpainter::kWganGenerator;
  o.mask = MaskMode::kLearned;
  o.tonal = true;
  o.models_dir = RandomModels("a");
  o.density = 0.1;
  o.tonal_steps = 2;
  auto bytes = Encode(image, o);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  DecodeOptions d;
  d.models_dir = o.models_dir;
  auto first = Decode(bytes->data(), bytes->size(), d);
  auto second = Decode(bytes->data(), bytes->size(), d);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->pixels, second->pixels);

  d.models_dir = RandomModels("b", /*perturb=*/true);
  auto other = Decode(bytes->data(), bytes->size(), d);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(other.status().message().find("needs inpainting weights"),
            std::string::npos);
  d.models_dir = Path("missing");
  EXPECT_FALSE(Decode(bytes->data(), bytes->size(), d).ok());
}

TEST_F(Networks, TwoProcessesTrainTheSameWeights) {
  fs::create_directories(Path("data"));
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(WriteImage(Path("data/" + std::to_string(i) + ".png"),
                           SyntheticImage(40, 40, 3))
                    .ok());
  }
  // A port from the pid keeps parallel test runs apart.
  const std::string master =
      "127.0.0.1:" + std::to_string(20000 + getpid() % 20000);
  auto command = [&](int rank) {
    return std::string(SPIX_BINARY) + " train codec --data " + Path("data") +
           " --checkpoint-dir " + Path("run" + std::to_string(rank)) +
           " --steps 3 --pretrain-steps 1 --batch 2 --crop 32 --threads 1" +
           " --world-size 2 --rank " + std::to_string(rank) + " --master " +
           master + " > " + Path("log" + std::to_string(rank)) + " 2>&1";
  };
  // Each rank's exit status goes to its own file: `a & b; wait` alone exits
  // 0 whatever the ranks did.
  auto rank_status = [&](int rank) {
    return "(" + command(rank) + "; echo $? > " +
           Path("status" + std::to_string(rank)) + ")";
  };
  const std::string both = rank_status(0) + " & " + rank_status(1) + "; wait";
  ASSERT_EQ(std::system(both.c_str()), 0);
  for (int rank = 0; rank < 2; ++rank) {
    std::ifstream status(Path("status" + std::to_string(rank)));
    int code = -1;
    status >> code;
    std::ifstream log(Path("log" + std::to_string(rank)));
    EXPECT_EQ(code, 0) << "rank " << rank << " failed:\n" << log.rdbuf();
  }
  auto checksum = [&](int rank) {
    std::ifstream log(Path("log" + std::to_string(rank)));
    std::string line, found;
    while (std::getline(log, line)) {
      const size_t at = line.find("parameter checksum");
      if (at != std::string::npos) found = line.substr(at);
    }
    return found;
  };
  ASSERT_FALSE(checksum(0).empty());
  EXPECT_EQ(checksum(0), checksum(1));
}

}  // namespace
}  // namespace spix
