// Semantic hole filling: the loss terms on hand-computed cases, Poisson
// blending, the nearest-neighbour initialisation, clamping of z, sequences,
// windows around holes in larger images, prior training for each
// architecture, and the errors of the API and CLI.
#include "codec/fill/fill.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "baselines/poisson_blend.h"
#include "codec/image_io.h"
#include "networks/fill/latent_search.h"
#include "networks/fill/prior_training.h"
#include "networks/fill/priors.h"
#include "networks/modules.h"
#include "networks/weights.h"
#include "tests/test_images.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

class FillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/spix_fill_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    torch::manual_seed(11);
    torch::set_num_threads(1);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // A models directory with an untrained prior whose weights have unit gain
  // (N(0, 1 / fan-in)), so that different latents give clearly different,
  // unsaturated images.
  std::string RandomPrior(PriorArch arch) {
    const std::string models = Path("models");
    fs::create_directories(models);
    PriorGenerator g(arch, DefaultLatentDim(arch), 4);
    PriorCritic d(arch, 4);
    {
      torch::NoGradGuard no_grad;
      for (auto& item : g->named_parameters()) {
        torch::Tensor p = item.value();
        if (p.dim() >= 2 && item.key().find("norm") == std::string::npos)
          p.normal_(0, 1.0 / std::sqrt(double(p[0].numel())));
      }
    }
    EXPECT_TRUE(WriteWeightFile(models + "/" + PriorWeightsFile(arch, true),
                                ToWeightFile(*g, PriorGeneratorName(arch),
                                             kPriorNetworksVersion))
                    .ok());
    EXPECT_TRUE(WriteWeightFile(models + "/" + PriorWeightsFile(arch, false),
                                ToWeightFile(*d, PriorCriticName(arch),
                                             kPriorNetworksVersion))
                    .ok());
    return models;
  }

  std::string dir_;
};

// Known everywhere except a centred square of side `side`.
std::vector<uint8_t> SquareHole(int size, int side) {
  std::vector<uint8_t> known(size_t(size) * size, 1);
  const int lo = (size - side) / 2;
  for (int y = lo; y < lo + side; ++y)
    for (int x = lo; x < lo + side; ++x) known[size_t(y) * size + x] = 0;
  return known;
}

Image HoleImage(const std::vector<uint8_t>& known, int size) {
  Image hole(size, size, 1);
  for (size_t i = 0; i < known.size(); ++i) hole.pixels[i] = known[i] ? 0 : 255;
  return hole;
}

TEST(FillLosses, ImportanceWeightsCountHolePixelsInTheWindow) {
  // 5x5, one hole pixel at (2, 2).
  std::vector<uint8_t> known(25, 1);
  known[2 * 5 + 2] = 0;
  const std::vector<float> w3 = ImportanceWeights(known, 5, 5, 3);
  EXPECT_FLOAT_EQ(w3[1 * 5 + 1], 1.f / 9);  // the hole is a neighbour
  EXPECT_FLOAT_EQ(w3[3 * 5 + 2], 1.f / 9);
  EXPECT_FLOAT_EQ(w3[2 * 5 + 2], 0.f);  // the hole itself
  EXPECT_FLOAT_EQ(w3[0], 0.f);          // no hole pixel in reach
  EXPECT_FLOAT_EQ(w3[4 * 5 + 4], 0.f);
  // Windows cut by the border count only pixels inside the image: at (1, 1)
  // a 5x5 window holds 4x4 = 16 pixels, one of them the hole.
  const std::vector<float> w5 = ImportanceWeights(known, 5, 5, 5);
  EXPECT_FLOAT_EQ(w5[1 * 5 + 1], 1.f / 16);
  EXPECT_FLOAT_EQ(w5[0], 1.f / 9);
}

TEST(FillLosses, GradientLossUsesOneSidedDifferencesAtTheHole) {
  // One row, pixel 2 missing: difference d = a - b = 0 2 5 4 10.
  const std::vector<float> a = {0, 2, 5, 4, 10}, b(5, 0.f);
  const std::vector<uint8_t> known = {1, 1, 0, 1, 1};
  const std::vector<float> weights = {1, 1, 1, 1, 1};
  // Pixel 0 forward (2), pixel 1 backward (2), pixel 2 has no known
  // neighbour pair but is itself weighted: its neighbours 1 and 3 are both
  // known, central (4 - 2) / 2 = 1; pixel 3 forward (6), pixel 4 backward (6).
  EXPECT_DOUBLE_EQ(GradientLoss(a, b, known, weights, 5, 1, 1),
                   2 + 2 + 1 + 6 + 6);
  // All known: forward at the ends, central inside.
  const std::vector<float> c = {1, 4, 9};
  EXPECT_DOUBLE_EQ(GradientLoss(c, std::vector<float>(3, 0.f), {1, 1, 1},
                                {1, 1, 1}, 3, 1, 1),
                   3 + 4 + 5);
  // Weights scale each pixel's term.
  EXPECT_DOUBLE_EQ(GradientLoss(c, std::vector<float>(3, 0.f), {1, 1, 1},
                                {0, 0.5f, 0}, 3, 1, 1),
                   2);
}

TEST(PoissonBlend, RemovesAnOffsetAndReproducesAHarmonicSolution) {
  const int w = 12, h = 10;
  std::vector<uint8_t> known(size_t(w) * h, 1);
  for (int y = 3; y < 7; ++y)
    for (int x = 4; x < 9; ++x) known[size_t(y) * w + x] = 0;
  std::vector<float> target(known.size()), source(known.size()),
      out(known.size());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      target[size_t(y) * w + x] = 3.f * x + 2.f * y;       // harmonic
      source[size_t(y) * w + x] = 3.f * x + 2.f * y + 40;  // offset copy
    }
  }
  PoissonBlend(w, h, known.data(), target.data(), source.data(), out.data());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], target[i], 0.05);
  // A flat source: the hole becomes the harmonic interpolation of the
  // border, which for a linear ramp is the ramp itself.
  std::fill(source.begin(), source.end(), 0.f);
  PoissonBlend(w, h, known.data(), target.data(), source.data(), out.data());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], target[i], 0.05);
}

TEST_F(FillTest, NearestNeighbourInitPicksThePoolImageItCameFrom) {
  const std::string models = RandomPrior(PriorArch::kDcgan);
  StatusOr<std::unique_ptr<GanPrior>> prior = GanPrior::Load(models, "dcgan");
  ASSERT_TRUE(prior.ok()) << prior.status().message();
  for (int index : {0, 17, 299}) {
    LatentTarget target;
    target.image = (*prior)->PoolImage(index, 300, 5);
    target.known = SquareHole(64, 32);
    const std::vector<int> nearest =
        (*prior)->NearestPool(target, 3, 300, 0.01, 5);
    ASSERT_EQ(nearest.size(), 3u);
    EXPECT_EQ(nearest[0], index);
  }
}

TEST_F(FillTest, SearchClampsLatentsAndLowersTheLoss) {
  const std::string models = RandomPrior(PriorArch::kWganGp);
  StatusOr<std::unique_ptr<GanPrior>> prior = GanPrior::Load(models, "wgan-gp");
  ASSERT_TRUE(prior.ok()) << prior.status().message();
  LatentTarget target;
  target.image = (*prior)->PoolImage(3, 50, 9);  // reachable by the prior
  target.known = SquareHole(64, 20);
  LatentSearchOptions o;
  o.iterations = 40;
  o.restarts = 2;
  o.nn_init = false;
  o.lr = 0.5;  // large steps push many coordinates against the bounds
  const std::vector<LatentResult> results = (*prior)->Search({target}, o);
  ASSERT_EQ(results.size(), 1u);
  const LatentResult& r = results[0];
  ASSERT_EQ(r.latent.size(), 128u);
  int at_bound = 0;
  for (float v : r.latent) {
    EXPECT_LE(std::abs(v), 1.f);
    at_bound += std::abs(v) == 1.f;
  }
  EXPECT_GT(at_bound, 0);
  ASSERT_EQ(r.trace.size(), 40u);
  EXPECT_LT(r.trace.back(), r.trace.front());
  EXPECT_LE(r.loss, r.trace.front());
}

TEST_F(FillTest, AveragingRestartsMeansTheirImages) {
  const std::string models = RandomPrior(PriorArch::kDcgan);
  StatusOr<std::unique_ptr<GanPrior>> prior = GanPrior::Load(models, "dcgan");
  ASSERT_TRUE(prior.ok()) << prior.status().message();
  LatentTarget target;
  target.image = (*prior)->PoolImage(4, 50, 3);
  target.known = SquareHole(64, 32);
  LatentSearchOptions o;
  o.iterations = 10;
  auto search = [&](int restarts, bool average) {
    o.restarts = restarts;
    o.average_restarts = average;
    return (*prior)->Search({target}, o)[0];
  };
  // One restart: its own image either way.
  EXPECT_EQ(search(1, true).generated, search(1, false).generated);
  // Several: not the best one's image, but the same best latent and loss.
  const LatentResult best = search(4, false), mean = search(4, true);
  EXPECT_NE(mean.generated, best.generated);
  EXPECT_EQ(mean.latent, best.latent);
  EXPECT_EQ(mean.loss, best.loss);
}

TEST_F(FillTest, GroupConsistencyHoldsSequenceLatentsTogether) {
  const std::string models = RandomPrior(PriorArch::kDcgan);
  StatusOr<std::unique_ptr<GanPrior>> prior = GanPrior::Load(models, "dcgan");
  ASSERT_TRUE(prior.ok());
  // A pseudo-sequence: one image under three different holes.
  std::vector<LatentTarget> frames(3);
  for (int i = 0; i < 3; ++i) {
    frames[i].image = (*prior)->PoolImage(7, 50, 2);
    frames[i].known = SquareHole(64, 16 + 8 * i);
  }
  auto spread = [&](double weight) {
    LatentSearchOptions o;
    o.iterations = 30;
    o.restarts = 1;
    o.pool_size = 50;
    o.lr = 0.1;
    o.group_weight = weight;
    const std::vector<LatentResult> r = (*prior)->SearchSequence(frames, o);
    EXPECT_EQ(r.size(), 3u);
    double sum = 0;
    for (size_t k = 0; k < r[1].latent.size(); ++k)
      sum += std::abs(r[1].latent[k] - r[2].latent[k]);
    return sum;
  };
  EXPECT_LT(spread(10.0), 0.5 * spread(0.0));
}

TEST_F(FillTest, FillKeepsKnownPixelsAndRefusesBadInput) {
  const std::string models = RandomPrior(PriorArch::kDcgan);
  FillOptions o;
  o.models_dir = models;
  o.loss = FillLossKind::kYeh;
  o.prior = "dcgan";
  o.iterations = 5;
  o.restarts = 2;
  o.threads = 1;
  const Image image = SyntheticImage(64, 64, 3);
  const std::vector<uint8_t> known = SquareHole(64, 24);
  const Image hole = HoleImage(known, 64);
  for (bool blend : {true, false}) {
    o.poisson_blend = blend;
    StatusOr<Image> filled = Fill(image, hole, o);
    ASSERT_TRUE(filled.ok()) << filled.status().message();
    for (size_t i = 0; i < known.size(); ++i) {
      if (!known[i]) continue;
      for (int c = 0; c < 3; ++c)
        ASSERT_EQ(filled->pixels[i * 3 + c], image.pixels[i * 3 + c]);
    }
  }
  // Too small for a window (FillInAWindow has the other sizes), mask of
  // another size, empty and full holes, missing weights, absurd options.
  EXPECT_FALSE(
      Fill(SyntheticImage(16, 16, 3), HoleImage(SquareHole(16, 4), 16), o)
          .ok());
  EXPECT_FALSE(Fill(image, HoleImage(SquareHole(48, 8), 48), o).ok());
  EXPECT_FALSE(Fill(image, Image(64, 64, 1), o).ok());
  Image full(64, 64, 1);
  std::fill(full.pixels.begin(), full.pixels.end(), 255);
  EXPECT_FALSE(Fill(image, full, o).ok());
  FillOptions bad = o;
  bad.iterations = 0;
  EXPECT_FALSE(Fill(image, hole, bad).ok());
  bad = o;
  bad.restarts = 400;
  EXPECT_FALSE(Fill(image, hole, bad).ok());
  bad = o;
  bad.models_dir = Path("nowhere");
  StatusOr<Image> missing = Fill(image, hole, bad);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("prior-dcgan-g.safetensors"),
            std::string::npos);
}

// Without --prior each loss searches the prior it was made for, and says
// which weight file it misses.
TEST_F(FillTest, EachLossSearchesItsOwnPrior) {
  FillOptions o;
  o.models_dir = RandomPrior(PriorArch::kDcgan);
  o.iterations = 2;
  o.restarts = 1;
  o.threads = 1;
  const Image image = SyntheticImage(64, 64, 3);
  const Image hole = HoleImage(SquareHole(64, 16), 64);
  o.loss = FillLossKind::kYeh;
  EXPECT_TRUE(Fill(image, hole, o).ok());
  for (auto [loss, file] :
       {std::pair{FillLossKind::kVitoria, "prior-wgan-gp-g.safetensors"},
        std::pair{FillLossKind::kCritic, "prior-wgan-clip-g.safetensors"}}) {
    o.loss = loss;
    StatusOr<Image> missing = Fill(image, hole, o);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.status().message().find(file), std::string::npos)
        << missing.status().message();
    o.prior = "dcgan";  // named, any prior serves any loss
    EXPECT_TRUE(Fill(image, hole, o).ok());
    o.prior.clear();
  }
}

// Without a loss the fill is the rounded mean of two systems' fills, each
// searching its own prior with half the restarts; it refuses a named prior
// or weights, and operators ignore it.
TEST_F(FillTest, DefaultIsTheMeanOfTwoSystems) {
  RandomPrior(PriorArch::kDcgan);
  FillOptions o;
  o.models_dir = RandomPrior(PriorArch::kWganGp);
  o.iterations = 3;
  o.restarts = 2;
  o.threads = 1;
  const Image image = SyntheticImage(64, 64, 3);
  const Image hole = HoleImage(SquareHole(64, 20), 64);
  StatusOr<Image> mean = Fill(image, hole, o);
  o.restarts = 1;
  o.loss = FillLossKind::kYeh;
  StatusOr<Image> yeh = Fill(image, hole, o);
  o.loss = FillLossKind::kVitoria;
  StatusOr<Image> vitoria = Fill(image, hole, o);
  o.loss.reset();
  ASSERT_TRUE(yeh.ok() && vitoria.ok() && mean.ok());
  ASSERT_NE(yeh->pixels, vitoria->pixels);
  for (size_t i = 0; i < mean->pixels.size(); ++i) {
    ASSERT_EQ(mean->pixels[i], (yeh->pixels[i] + vitoria->pixels[i] + 1) / 2);
  }
  FillOptions bad = o;
  bad.prior = "dcgan";
  EXPECT_FALSE(Fill(image, hole, bad).ok());
  bad = o;
  bad.eta = 0.1;
  EXPECT_FALSE(Fill(image, hole, bad).ok());
  bad = o;
  bad.method = "eed";
  EXPECT_TRUE(Fill(image, hole, bad).ok());
}

// Fill by the codec's operators: any size, only the hole changes, and the
// hole is filled better than by the mean colour of the image.
TEST(FillByOperator, AnySizeKeepsKnownPixelsAndFillsPlausibly) {
  const int w = 150, h = 90;
  const Image image = SyntheticImage(w, h, 3);
  std::vector<uint8_t> known(size_t(w) * h, 1);
  Image hole(w, h, 1);
  // One hole inside, one at the top-right corner: the window the operator
  // sees is clipped at the image border.
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      if ((y >= 40 && y < 56 && x >= 60 && x < 80) || (y < 8 && x >= w - 10)) {
        known[size_t(y) * w + x] = 0;
        hole.pixels[size_t(y) * w + x] = 255;
      }
    }
  }
  double mean[3] = {0, 0, 0};
  for (size_t i = 0; i < known.size(); ++i) {
    for (int c = 0; c < 3; ++c) mean[c] += image.pixels[i * 3 + c];
  }
  double mean_fill_error = 0;
  for (size_t i = 0; i < known.size(); ++i) {
    if (known[i]) continue;
    for (int c = 0; c < 3; ++c) {
      mean_fill_error +=
          std::fabs(image.pixels[i * 3 + c] - mean[c] / known.size());
    }
  }
  for (const char* method : {"eed", "diffusion"}) {
    FillOptions o;
    o.method = method;
    o.threads = 1;
    StatusOr<Image> filled = Fill(image, hole, o);
    ASSERT_TRUE(filled.ok()) << filled.status().message();
    ASSERT_EQ(filled->width, w);
    double error = 0;
    for (size_t i = 0; i < known.size(); ++i) {
      for (int c = 0; c < 3; ++c) {
        const int d = filled->pixels[i * 3 + c] - image.pixels[i * 3 + c];
        if (known[i]) {
          ASSERT_EQ(d, 0) << method << " changed known pixel " << i;
        } else {
          error += std::abs(d);
        }
      }
    }
    EXPECT_LT(error, 0.5 * mean_fill_error) << method;
  }
  // These holes span 90 pixels, more than half of the 90-pixel-high image:
  // the prior refuses them and says what to do instead.
  FillOptions prior;
  StatusOr<Image> refused = Fill(image, hole, prior);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--method eed"), std::string::npos);
  FillOptions unknown;
  unknown.method = "magic";
  EXPECT_FALSE(Fill(image, hole, unknown).ok());
}

// A width x height mask with the hole [x0, x1) x [y0, y1) (white).
Image RectHole(int width, int height, int x0, int y0, int x1, int y1) {
  Image hole(width, height, 1);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) hole.pixel(x, y)[0] = 255;
  return hole;
}

// Few steps of the shipped prior: the window logic is under test, not the
// search.
FillOptions QuickPrior() {
  FillOptions o;
  o.loss = FillLossKind::kYeh;
  o.iterations = 5;
  o.restarts = 2;
  o.threads = 1;
  return o;
}

// `filled` equals `image` outside the hole; returns the mean absolute
// difference to `image` inside it.
double CheckOnlyTheHoleChanged(const Image& image, const Image& hole,
                               const Image& filled) {
  EXPECT_EQ(filled.width, image.width);
  EXPECT_EQ(filled.height, image.height);
  EXPECT_EQ(filled.channels, image.channels);
  double error = 0;
  size_t samples = 0;
  for (size_t i = 0; i < image.num_pixels(); ++i) {
    for (int c = 0; c < image.channels; ++c) {
      const size_t k = i * image.channels + c;
      const int d = std::abs(filled.pixels[k] - image.pixels[k]);
      if (hole.pixels[i] < 128) {
        EXPECT_EQ(d, 0) << "known pixel " << i;
        if (d != 0) return NAN;
      } else {
        error += d;
        ++samples;
      }
    }
  }
  return error / samples;
}

// Larger images are filled on a window around the hole, cropped only (a
// 20x20 hole: a 64-pixel window), shrunk (45x37: 90 pixels) or enlarged (a
// 48-pixel-high grey image). Whatever the hole held does not reach the
// prior: the conservative mask of the resized window keeps every pixel
// that interpolation reads from the hole in the hole, so two images that
// differ only there are filled identically.
TEST(FillInAWindow, LargerImagesChangeOnlyTheHole) {
  struct Case {
    int width, height, channels, x0, y0, x1, y1;
  };
  for (const Case& k :
       {Case{200, 150, 3, 90, 60, 110, 80}, Case{200, 150, 3, 70, 50, 115, 87},
        Case{120, 48, 1, 50, 20, 60, 30}}) {
    SCOPED_TRACE(std::to_string(k.width) + "x" + std::to_string(k.height) +
                 ", hole at " + std::to_string(k.x0));
    const Image image = SyntheticImage(k.width, k.height, k.channels);
    const Image hole = RectHole(k.width, k.height, k.x0, k.y0, k.x1, k.y1);
    Image garbage = image;  // the hole painted over
    for (size_t i = 0; i < image.num_pixels(); ++i) {
      if (hole.pixels[i] < 128) continue;
      for (int c = 0; c < k.channels; ++c)
        garbage.pixels[i * k.channels + c] =
            255 - image.pixels[i * k.channels + c];
    }
    const double garbage_error = CheckOnlyTheHoleChanged(image, hole, garbage);
    StatusOr<Image> filled = Fill(image, hole, QuickPrior());
    ASSERT_TRUE(filled.ok()) << filled.status().message();
    StatusOr<Image> refilled = Fill(garbage, hole, QuickPrior());
    ASSERT_TRUE(refilled.ok()) << refilled.status().message();
    EXPECT_TRUE(filled->pixels == refilled->pixels)
        << "the hole's content reached the prior";
    // Blended into the known border, the fill is far closer to what was
    // there than the painted-over hole.
    EXPECT_LT(CheckOnlyTheHoleChanged(image, hole, *filled),
              0.5 * garbage_error);
    FillOptions pasted = QuickPrior();
    pasted.poisson_blend = false;
    filled = Fill(image, hole, pasted);
    ASSERT_TRUE(filled.ok()) << filled.status().message();
    CheckOnlyTheHoleChanged(image, hole, *filled);
  }
}

// A hole touching a corner: the window is shifted inside the image, not
// shrunk, and the fill still keeps every known pixel.
TEST(FillInAWindow, HolesAtTheBorderShiftTheWindow) {
  const Image image = SyntheticImage(200, 150, 3);
  for (const Image& hole : {RectHole(200, 150, 0, 0, 18, 14),
                            RectHole(200, 150, 170, 125, 200, 150),
                            RectHole(200, 150, 0, 60, 8, 100)}) {
    StatusOr<Image> filled = Fill(image, hole, QuickPrior());
    ASSERT_TRUE(filled.ok()) << filled.status().message();
    CheckOnlyTheHoleChanged(image, hole, *filled);
  }
}

// What one window cannot serve is refused with a pointer to --method eed:
// a hole over half the window the image allows, holes so far apart (or one
// so large) that the window would exceed 512 pixels, an image smaller than
// a 32-pixel window.
TEST(FillInAWindow, HolesTooLargeForThePriorAreRefused) {
  struct Case {
    Image image, hole;
    const char* says;
  };
  Image spread = RectHole(700, 600, 10, 10, 20, 20);
  for (int y = 500; y < 510; ++y)
    for (int x = 600; x < 610; ++x) spread.pixel(x, y)[0] = 255;
  const Case cases[] = {
      {SyntheticImage(200, 150, 3), RectHole(200, 150, 40, 30, 120, 110),
       "more than half"},
      {SyntheticImage(700, 600, 3), spread, "one at a time"},
      {SyntheticImage(700, 600, 3), RectHole(700, 600, 100, 100, 400, 400),
       "at most 512"},
      {SyntheticImage(30, 30, 3), RectHole(30, 30, 10, 10, 14, 14),
       "too small"},
  };
  for (const Case& k : cases) {
    StatusOr<Image> refused = Fill(k.image, k.hole, QuickPrior());
    ASSERT_FALSE(refused.ok()) << k.says;
    const std::string& message = refused.status().message();
    EXPECT_NE(message.find(k.says), std::string::npos) << message;
    EXPECT_NE(message.find("--method eed"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

// The critic's loss, as training computes it, on the held-out images against
// samples of fixed latents: a validation loss of the prior's checkpoint. The
// critic learns to tell these images from g's samples, so it falls: from
// step 2 to step 20 a known-good build gave 1.386 -> 1.298 (dcgan), -0.020
// -> -0.070 (wgan-gp) and -0.00002 -> -0.032 (wgan-clip).
double HeldOutCriticLoss(const std::string& dir, PriorArch arch,
                         const torch::Tensor& held_out) {
  StatusOr<LoadedPrior> prior = LoadPrior(dir, arch);
  EXPECT_TRUE(prior.ok()) << prior.status().message();
  if (!prior.ok()) return NAN;
  torch::NoGradGuard no_grad;
  const torch::Tensor z =
      SampleLatent(arch, 8, DefaultLatentDim(arch), /*seed=*/99);
  const torch::Tensor real = prior->critic->forward(held_out);
  const torch::Tensor fake =
      prior->critic->forward(prior->generator->forward(z));
  const torch::Tensor loss =
      arch == PriorArch::kDcgan
          ? torch::softplus(-real).mean() + torch::softplus(fake).mean()
          : fake.mean() - real.mean();
  return loss.item<double>();
}

TEST_F(FillTest, EachPriorArchitectureTrainsAndResumes) {
  fs::create_directories(Path("faces"));
  std::vector<torch::Tensor> held_out;
  for (int i = 0; i < 6; ++i) {
    // Six different images (brightness steps); the last two are held out.
    Image image = SyntheticImage(64, 64, 3);
    for (uint8_t& v : image.pixels) v = uint8_t(std::min(255, v + 8 * i));
    ASSERT_TRUE(
        WriteImage(Path("faces/" + std::to_string(i) + ".png"), image).ok());
    if (i >= 4) {
      held_out.push_back(
          torch::from_blob(image.pixels.data(), {64, 64, 3}, torch::kUInt8)
              .permute({2, 0, 1})
              .to(torch::kFloat32)
              .div(127.5)
              .sub(1.0));
    }
  }
  const torch::Tensor held = torch::stack(held_out);
  for (const char* arch : {"dcgan", "wgan-gp", "wgan-clip"}) {
    PriorTrainingOptions o;
    o.arch = arch;
    o.data_dir = Path("faces");
    o.holdout = 2;
    o.checkpoint_dir = Path(std::string("run-") + arch);
    o.steps = 2;
    o.batch = 4;
    o.width = 2;
    o.critic_width = 3;  // the loader reads each network's own width
    o.critic_steps = 1;  // wgan-clip still takes 100 at first: Cooper
    o.threads = 1;
    StatusOr<PriorTrainingSummary> s = TrainPrior(o);
    ASSERT_TRUE(s.ok()) << arch << ": " << s.status().message();
    EXPECT_EQ(s->steps_run, 2);
    EXPECT_EQ(s->images, 4);
    EXPECT_TRUE(std::isfinite(s->critic_loss_last));
    // The checkpoint loads as a prior, and a second run resumes at its end
    // and lowers the validation loss.
    StatusOr<PriorArch> parsed = ParsePriorArch(arch);
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(LoadPrior(o.checkpoint_dir, *parsed).ok());
    const double before = HeldOutCriticLoss(o.checkpoint_dir, *parsed, held);
    o.steps = 20;
    s = TrainPrior(o);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->steps_run, 18);
    const double after = HeldOutCriticLoss(o.checkpoint_dir, *parsed, held);
    EXPECT_LT(after, before) << arch;
    // Every checkpoint stays in history/STEP to be picked from.
    EXPECT_TRUE(LoadPrior(o.checkpoint_dir + "/history/2", *parsed).ok());
    EXPECT_TRUE(LoadPrior(o.checkpoint_dir + "/history/20", *parsed).ok());
  }
  // A new run can start from trained weights (as from the shipped ones): it
  // keeps their widths whatever --width says.
  for (const char* arch : {"dcgan", "wgan-gp", "wgan-clip"}) {
    const PriorArch parsed = *ParsePriorArch(arch);
    PriorTrainingOptions o;
    o.arch = arch;
    o.data_dir = Path("faces");
    o.holdout = 2;
    o.init_dir = Path(std::string("run-") + arch);
    o.checkpoint_dir = Path(std::string("carried-") + arch);
    o.steps = 1;
    o.batch = 4;
    o.width = 5;
    o.critic_steps = 1;
    o.threads = 1;
    StatusOr<PriorTrainingSummary> s = TrainPrior(o);
    ASSERT_TRUE(s.ok()) << arch << ": " << s.status().message();
    EXPECT_EQ(s->steps_run, 1);
    StatusOr<LoadedPrior> init = LoadPrior(o.init_dir, parsed);
    StatusOr<LoadedPrior> carried = LoadPrior(o.checkpoint_dir, parsed);
    ASSERT_TRUE(init.ok() && carried.ok()) << arch;
    EXPECT_EQ(carried->generator->width(), init->generator->width()) << arch;
    EXPECT_EQ(carried->generator->latent_dim(), init->generator->latent_dim());
  }
}

}  // namespace
}  // namespace spix
