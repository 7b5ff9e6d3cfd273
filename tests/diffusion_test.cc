#include "baselines/diffusion.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace spix {
namespace {

TEST(Diffusion, ReproducesLinearSolutionBetweenTwoColumns) {
  // Known left and right columns, reflecting top and bottom: the exact
  // solution is linear in x.
  const int w = 101, h = 57;
  std::vector<uint8_t> mask(w * h, 0);
  std::vector<float> plane(w * h, 0.f);
  for (int y = 0; y < h; ++y) {
    mask[y * w] = mask[y * w + w - 1] = 1;
    plane[y * w] = 10.f;
    plane[y * w + w - 1] = 210.f;
  }
  DiffusionOptions o;
  o.tolerance = 1e-4f;
  InpaintDiffusion(w, h, mask.data(), plane.data(), 0.f, o);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      ASSERT_NEAR(plane[y * w + x], 10.f + 200.f * x / (w - 1), 0.05f);
    }
  }
}

TEST(Diffusion, KeepsKnownPixelsAndSatisfiesLaplaceOnUnknowns) {
  const int w = 200, h = 130;
  std::mt19937 rng(1);
  std::vector<uint8_t> mask(w * h);
  std::vector<float> plane(w * h, 0.f);
  for (int i = 0; i < w * h; ++i) {
    mask[i] = rng() % 20 == 0;
    if (mask[i]) plane[i] = float(rng() % 256);
  }
  const std::vector<float> data = plane;
  DiffusionOptions o;
  o.tolerance = 1e-3f;
  InpaintDiffusion(w, h, mask.data(), plane.data(), 0.f, o);
  double worst = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const int i = y * w + x;
      if (mask[i]) {
        ASSERT_EQ(plane[i], data[i]);
        continue;
      }
      float sum = 0, n = 0;
      if (x > 0) sum += plane[i - 1], ++n;
      if (x + 1 < w) sum += plane[i + 1], ++n;
      if (y > 0) sum += plane[i - w], ++n;
      if (y + 1 < h) sum += plane[i + w], ++n;
      worst = std::max(worst, double(std::fabs(n * plane[i] - sum)));
    }
  }
  EXPECT_LT(worst, 0.05);
}

TEST(Diffusion, DefaultToleranceIsWithinOneGreyLevelOfConverged) {
  const int w = 320, h = 240;
  std::mt19937 rng(2);
  std::vector<uint8_t> mask(w * h);
  std::vector<float> plane(w * h, 0.f);
  for (int i = 0; i < w * h; ++i) {
    mask[i] = rng() % 20 == 0;
    // Smooth data plus noise, like a photograph.
    const int x = i % w, y = i / w;
    if (mask[i])
      plane[i] =
          128 + 100 * std::sin(x * 0.03) * std::cos(y * 0.02) + rng() % 20;
  }
  std::vector<float> tight = plane;
  DiffusionOptions precise;
  precise.tolerance = 1e-5f;
  precise.max_iterations = 20000;
  InpaintDiffusion(w, h, mask.data(), tight.data(), 0.f, precise);
  InpaintDiffusion(w, h, mask.data(), plane.data(), 0.f);
  for (int i = 0; i < w * h; ++i) ASSERT_NEAR(plane[i], tight[i], 1.0f) << i;
}

TEST(Diffusion, ConstantDataGivesConstantImageAndEmptyMaskIsFilled) {
  const int w = 40, h = 30;
  std::vector<uint8_t> mask(w * h, 0);
  std::vector<float> plane(w * h, 0.f);
  mask[5] = mask[700] = 1;
  plane[5] = plane[700] = 77.f;
  InpaintDiffusion(w, h, mask.data(), plane.data(), 0.f);
  for (float v : plane) ASSERT_NEAR(v, 77.f, 1e-3f);
  std::fill(mask.begin(), mask.end(), 0);
  InpaintDiffusion(w, h, mask.data(), plane.data(), 128.f);
  for (float v : plane) ASSERT_EQ(v, 128.f);
}

}  // namespace
}  // namespace spix
