// The rate-distortion benchmark: codec specs, Bjøntegaard deltas, outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "benchmarks/bd_metrics.h"
#include "benchmarks/codec_spec.h"
#include "benchmarks/rd_driver.h"
#include "codec/image_io.h"
#include "tests/test_images.h"

namespace spix {
namespace {

RdCurve Curve() {
  return {{0.25, 0.5, 1.0, 2.0, 4.0}, {26.0, 29.5, 32.5, 35.0, 37.0}};
}

TEST(Bjontegaard, CurveAgainstItselfIsZero) {
  auto rate = BdRate(Curve(), Curve());
  auto psnr = BdPsnr(Curve(), Curve());
  ASSERT_TRUE(rate && psnr);
  EXPECT_NEAR(rate->value, 0, 1e-9);
  EXPECT_NEAR(psnr->value, 0, 1e-9);
}

TEST(Bjontegaard, KnownShiftsGiveKnownDeltas) {
  RdCurve cheaper = Curve();
  for (double& b : cheaper.bpp) b *= 0.8;  // same PSNR, 20 % fewer bits
  EXPECT_NEAR(BdRate(Curve(), cheaper)->value, -20.0, 1e-6);
  RdCurve better = Curve();
  for (double& p : better.psnr) p += 1.5;  // same rate, +1.5 dB
  EXPECT_NEAR(BdPsnr(Curve(), better)->value, 1.5, 1e-6);
  // Three points: a quadratic fit, same answers for exact shifts.
  RdCurve three{{0.5, 1.0, 2.0}, {30, 33, 35}}, three_cheaper = three;
  for (double& b : three_cheaper.bpp) b *= 0.5;
  EXPECT_NEAR(BdRate(three, three_cheaper)->value, -50.0, 1e-6);
}

TEST(Bjontegaard, DisjointCurvesHaveNoDelta) {
  RdCurve far{{10, 20}, {50, 55}};
  EXPECT_FALSE(BdRate(Curve(), far).has_value());
  EXPECT_FALSE(BdPsnr(Curve(), RdCurve{{100, 200}, {30, 31}}).has_value());
}

TEST(CodecSpec, ParsesSweepsAndFields) {
  auto curves = ParseCodecSpecs(
      "spix:ps+nlpe:c1:tonal:q2x6:d0.05/0.1,jpeg:q10/30,webp:q50");
  ASSERT_TRUE(curves.ok()) << curves.status().message();
  ASSERT_EQ(curves->size(), 3u);
  const CodecCurve& s = (*curves)[0];
  EXPECT_EQ(s.label, "spix:ps+nlpe:c1:tonal:q2x6");
  ASSERT_EQ(s.points.size(), 2u);
  EXPECT_EQ(s.points[1].setting, "d0.1");
  EXPECT_DOUBLE_EQ(s.points[1].spix.density, 0.1);
  EXPECT_EQ(s.points[0].spix.mask, MaskMode::kPsNlpe);
  EXPECT_TRUE(s.points[0].spix.tonal);
  EXPECT_EQ(s.points[0].spix.nlpe_cycles, 1);
  EXPECT_EQ(s.points[0].spix.quant_step_luma, 2);
  EXPECT_EQ(s.points[0].spix.quant_step_chroma, 6);
  EXPECT_EQ((*curves)[1].points[1].quality, 30);
  EXPECT_EQ((*curves)[2].points.size(), 1u);
  EXPECT_TRUE(ParseCodecSpecs(kDefaultCodecSpecs).ok());
}

TEST(CodecSpec, RejectsNonsense) {
  for (const char* bad :
       {"", "foo:q10", "jpeg", "jpeg:q0", "jpeg:q101", "jpeg:x5", "jp2:q2000",
        "avif:q64", "spix:grid", "spix:d0.1/0.2:q2/4", "spix:d0", "spix:d2",
        "spix:blue:d0.1", "spix:c-1:d0.1", "jpeg:q10,,webp:q5"}) {
    EXPECT_FALSE(ParseCodecSpecs(bad).ok()) << bad;
  }
}

TEST(RdDriver, WritesEveryOutput) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/spix_bench_test_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  fs::create_directories(dir + "/images");
  ASSERT_TRUE(
      WriteImage(dir + "/images/a.png", SyntheticImage(64, 48, 3)).ok());
  ASSERT_TRUE(
      WriteImage(dir + "/images/b.png", SyntheticImage(40, 40, 3)).ok());
  BenchOptions o;
  o.images = dir + "/images";
  o.codecs = "spix:grid:d0.1/0.3,jpeg:q20/60";
  o.out_dir = dir + "/out";
  o.jobs = 2;
  double last = 0;
  o.progress = [&](double done, double) { last = done; };
  ASSERT_TRUE(RunRdBenchmark(o).ok());
  EXPECT_DOUBLE_EQ(last, 1.0);
  std::ifstream csv(o.out_dir + "/per_image.csv");
  int lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  EXPECT_EQ(lines, 1 + 2 * 4);
  std::ifstream json(o.out_dir + "/spix_grid.json");
  std::stringstream text;
  text << json.rdbuf();
  for (const char* key : {"\"name\"", "\"bpp\"", "\"psnr-rgb\"", "\"ms-ssim\"",
                          "\"encoding_time\"", "\"decoding_time\""}) {
    EXPECT_NE(text.str().find(key), std::string::npos) << key;
  }
  EXPECT_TRUE(fs::exists(o.out_dir + "/summary.md"));
  EXPECT_TRUE(fs::exists(o.out_dir + "/rd.gp"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spix
