// Spatial and tonal optimisation for homogeneous diffusion.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <random>

#include "baselines/diffusion.h"
#include "baselines/spatial_optimisation.h"
#include "baselines/tonal_optimisation.h"
#include "codec/density_mask.h"
#include "codec/mask_selection.h"
#include "tests/test_images.h"

namespace spix {
namespace {

PlanarImage Planar(const Image& img) {
  return ToPlanar(img.pixels.data(), img.width, img.height, img.channels);
}

size_t Count(const std::vector<uint8_t>& mask) {
  size_t n = 0;
  for (uint8_t m : mask) n += m;
  return n;
}

TEST(Sparsification, HitsTheTargetAndBeatsRandomMasks) {
  const PlanarImage f = Planar(SyntheticImage(48, 40, 3));
  for (ErrorNorm norm : {ErrorNorm::kMae, ErrorNorm::kMse}) {
    SparsificationOptions o;
    o.norm = norm;
    const auto mask = ProbabilisticSparsification(f, 96, o);
    EXPECT_EQ(Count(mask), 96u);
    const double ps = InpaintingError(f, mask, norm);
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      EXPECT_LT(ps, InpaintingError(f, RandomMask(48, 40, 0.05, seed), norm));
    }
  }
}

TEST(PixelExchange, NeverIncreasesTheErrorItOptimises) {
  const PlanarImage f = Planar(SyntheticImage(40, 32, 3));
  for (ErrorNorm norm : {ErrorNorm::kMae, ErrorNorm::kMse}) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      std::vector<uint8_t> mask = RandomMask(40, 32, 0.08, seed);
      const double before = InpaintingError(f, mask, norm);
      ExchangeOptions o;
      o.norm = norm;
      o.seed = seed;
      o.cycles = 2;
      NonLocalPixelExchange(f, &mask, o);
      EXPECT_EQ(Count(mask), KnownPixelCount(40, 32, 0.08));
      const double after = InpaintingError(f, mask, norm);
      EXPECT_LE(after, before);
      EXPECT_LT(after, 0.9 * before) << "random masks leave room to improve";
    }
  }
}

TEST(Diffusion, RegionSolveMatchesGlobalSolveAfterALocalChange) {
  const int w = 60, h = 50;
  const Image img = SyntheticImage(w, h, 1);
  std::vector<uint8_t> mask = RandomMask(w, h, 0.1, 4);
  std::vector<float> plane(img.pixels.begin(), img.pixels.end());
  InpaintDiffusion(w, h, mask.data(), plane.data(), 0.f, {1e-5f, 20000});
  // Add a known pixel in the middle, far from its inpainted value; re-solve
  // a window around it only.
  const size_t centre = size_t(25) * w + 30;
  mask[centre] = 1;
  plane[centre] = plane[centre] > 128 ? 0.f : 255.f;  // a bright or dark dot
  std::vector<float> local = plane, global = plane;
  RefineDiffusionRegion(w, h, mask.data(), local.data(), {18, 13, 43, 38},
                        1e-5f, 5000);
  RefineDiffusion(w, h, mask.data(), global.data(), 1e-5f, 20000);
  float change = 0;
  for (size_t i = 0; i < plane.size(); ++i) {
    ASSERT_NEAR(local[i], global[i], 0.5f) << i;
    change = std::max(change, std::fabs(global[i] - plane[i]));
  }
  EXPECT_GT(change, 20.f) << "the new pixel must matter";
}

// <M g, r> = <g, M^T r>: the adjoint solve really is the transpose.
TEST(Tonal, AdjointPassesTheDotProductTest) {
  const int w = 23, h = 17;
  const std::vector<uint8_t> mask = RandomMask(w, h, 0.15, 3);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uni(-1, 1);
  std::vector<float> g(w * h, 0.f), r(w * h), mg, z(w * h);
  for (size_t i = 0; i < g.size(); ++i) {
    if (mask[i]) g[i] = uni(rng);
    r[i] = uni(rng);
  }
  mg = g;
  InpaintDiffusion(w, h, mask.data(), mg.data(), 0.f, {1e-7f, 20000});
  SolveAdjoint(w, h, mask.data(), r.data(), z.data(), 1e-7f, 20000);
  double lhs = 0, rhs = 0;
  for (size_t i = 0; i < g.size(); ++i) lhs += double(mg[i]) * r[i];
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * w + x;
      if (!mask[i]) continue;
      double mt = r[i];
      if (x > 0 && !mask[i - 1]) mt += z[i - 1];
      if (x + 1 < w && !mask[i + 1]) mt += z[i + 1];
      if (y > 0 && !mask[i - w]) mt += z[i - w];
      if (y + 1 < h && !mask[i + w]) mt += z[i + w];
      rhs += g[i] * mt;
    }
  }
  EXPECT_NEAR(lhs, rhs, 1e-4 * std::abs(lhs));
}

TEST(Tonal, ReachesTheExactLeastSquaresOptimum) {
  const int w = 12, h = 9;
  const Image img = SyntheticImage(w, h, 1);
  const std::vector<uint8_t> mask = RandomMask(w, h, 0.1, 2);
  std::vector<size_t> known;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (mask[i]) known.push_back(i);
  }
  // The inpainting operator as a dense matrix, one column per known pixel.
  Eigen::MatrixXd m(w * h, known.size());
  for (size_t k = 0; k < known.size(); ++k) {
    std::vector<float> unit(w * h, 0.f);
    unit[known[k]] = 1.f;
    InpaintDiffusion(w, h, mask.data(), unit.data(), 0.f, {1e-8f, 20000});
    for (int i = 0; i < w * h; ++i) m(i, k) = unit[i];
  }
  Eigen::VectorXd f(w * h);
  for (int i = 0; i < w * h; ++i) f(i) = img.pixels[i];
  const Eigen::VectorXd exact = m.colPivHouseholderQr().solve(f);

  TonalOptions o;
  o.iterations = 100;
  o.relative_tolerance = 1e-7;
  const PlanarImage g = OptimiseTonalValues(Planar(img), mask, o);
  for (size_t k = 0; k < known.size(); ++k) {
    EXPECT_NEAR(g.data[known[k]], exact(k), 0.05) << "known pixel " << k;
  }
  // And the optimum beats storing the originals.
  const Eigen::VectorXd originals = [&] {
    Eigen::VectorXd v(known.size());
    for (size_t k = 0; k < known.size(); ++k) v(k) = f(known[k]);
    return v;
  }();
  EXPECT_LT((m * exact - f).norm(), (m * originals - f).norm());
}

// Rounding in two halves, the second re-optimised after the first, leaves
// a smaller reconstruction error than rounding the least-squares values
// once (one group: the caller rounds), and stores only values on the grid.
TEST(Tonal, QuantisingInGroupsBeatsRoundingOnce) {
  const int w = 64, h = 48;
  PlanarImage f(w, h, 1);  // smooth, so the rounding is most of the error
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      f.data[size_t(y) * w + x] =
          float(128 + 60 * std::sin(x / 9.0) * std::cos(y / 7.0));
    }
  }
  const std::vector<uint8_t> mask = RandomMask(w, h, 0.1, 5);
  auto round = [](float v) { return 16.f * std::round(v / 16.f); };
  auto error_with_groups = [&](int groups, bool by_columns = false) {
    TonalOptions o;
    o.quantise = [&](int, size_t pixel, int, const std::vector<float>& x) {
      return round(x[pixel]);
    };
    o.quantise_groups = groups;
    o.requantise_iterations = 3;
    // A grouping of the caller's: points in even columns first.
    if (by_columns) {
      o.quantise_group = [&](size_t pixel) { return int(pixel % 2); };
    }
    PlanarImage g = OptimiseTonalValues(f, mask, o);
    for (size_t i = 0; i < mask.size(); ++i) {
      if (!mask[i]) continue;
      if (groups > 1) {
        EXPECT_EQ(std::fmod(g.data[i], 16.f), 0.f) << i;
      }
      g.data[i] = round(g.data[i]);
    }
    // What a decoder makes of the stored values.
    InpaintDiffusion(w, h, mask.data(), g.data.data(), 0.f, {1e-4f, 5000});
    double error = 0;
    for (size_t i = 0; i < mask.size(); ++i) {
      error += std::pow(double(g.data[i]) - f.data[i], 2);
    }
    return error;
  };
  EXPECT_LT(error_with_groups(2), 0.97 * error_with_groups(1));
  // The caller's grouping is the one used (another error), and it too
  // stores values on the grid and beats rounding once.
  EXPECT_LT(error_with_groups(2, true), error_with_groups(1));
  EXPECT_NE(error_with_groups(2, true), error_with_groups(2));
}

// Moving density to where homogeneous diffusion errs lowers its error on an
// image whose |Laplacian| misjudges where points are needed (a smooth ramp
// beside a texture), and never raises it.
TEST(DensityRefinement, LowersTheErrorOfTheAnalyticField) {
  const Image image = SyntheticImage(128, 96, 1);
  const int w = image.width, h = image.height;
  const double density = 0.06;
  auto inpaint = [&](const std::vector<uint8_t>& mask, float* luma) {
    InpaintDiffusion(w, h, mask.data(), luma, 128.f);
  };
  auto error_of = [&](const std::vector<double>& weights) {
    const DensityField field = FitDensityField(weights, w, h, density, 4);
    const std::vector<uint8_t> mask =
        DensityFieldMask(field, w, h, DensityFieldCount(field, w, h));
    std::vector<float> u(image.pixels.begin(), image.pixels.end());
    inpaint(mask, u.data());
    double error = 0;
    for (size_t i = 0; i < u.size(); ++i) {
      error += std::pow(u[i] - image.pixels[i], 2);
    }
    return error;
  };
  const std::vector<double> analytic = AnalyticBlockWeights(image, 4);
  const double before = error_of(analytic);
  const double after =
      error_of(RefineBlockWeights(image, analytic, density, 4, 2, inpaint));
  EXPECT_LT(after, 0.97 * before);
}

}  // namespace
}  // namespace spix
