// The rate-distortion benchmark: codec specs, Bjøntegaard deltas, outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "baselines/classical_codecs.h"
#include "benchmarks/bd_metrics.h"
#include "benchmarks/codec_spec.h"
#include "benchmarks/rd_driver.h"
#include "benchmarks/rd_report.h"
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

TEST(Bjontegaard, FitDegreeFollowsTheShorterCurve) {
  EXPECT_EQ(BdFitDegree(Curve(), Curve()), 3);
  EXPECT_EQ(BdFitDegree(Curve(), RdCurve{{0.5, 1, 2}, {30, 33, 35}}), 2);
}

TEST(FixedRate, InterpolatesInLogRateBetweenTheNeighbours) {
  // Unordered points; 0.2 lies halfway between 0.1 and 0.4 in log(bpp).
  const RdCurve c{{0.4, 0.1, 1.6}, {30, 20, 34}};
  EXPECT_NEAR(*PsnrAtRate(c, 0.2), 25.0, 1e-12);
  EXPECT_NEAR(*PsnrAtRate(c, 0.8), 32.0, 1e-12);
  EXPECT_NEAR(*PsnrAtRate(c, 0.1), 20.0, 1e-12);
  EXPECT_FALSE(PsnrAtRate(c, 0.05).has_value());
  EXPECT_FALSE(PsnrAtRate(c, 2.0).has_value());
  EXPECT_FALSE(PsnrAtRate(RdCurve{}, 0.2).has_value());
}

TEST(FixedRate, MatchesAHandComputationOnTwoImages) {
  ReportInput in;
  in.curves.resize(1);
  auto add = [&](const char* image, double bpp, double psnr) {
    PointResult r;
    r.image = image;
    r.bpp = bpp;
    r.psnr = psnr;
    in.results.push_back(r);
  };
  add("a.png", 0.2, 28);
  add("a.png", 0.3, 31);
  add("b.png", 0.1, 25);
  add("b.png", 0.24, 27);
  add("b.png", 0.5, 30);
  // By hand: a at 0.25 = 28 + 3 ln(1.25)/ln(1.5) = 29.65103;
  // b at 0.25 = 27 + 3 ln(0.25/0.24)/ln(0.5/0.24) = 27.16685; mean 28.40894.
  FixedRatePsnr f = PsnrAtBpp(in, 0, 0.25);
  EXPECT_EQ(f.images, 2);
  EXPECT_EQ(f.not_reached, 0);
  EXPECT_NEAR(f.mean_psnr, 28.40894, 1e-4);
  // At 0.4 only b reaches: 27 + 3 ln(0.4/0.24)/ln(0.5/0.24) = 29.08793.
  f = PsnrAtBpp(in, 0, 0.4);
  EXPECT_EQ(f.images, 1);
  EXPECT_EQ(f.not_reached, 1);
  EXPECT_NEAR(f.mean_psnr, 29.08793, 1e-4);
}

double PsnrOf(const Image& a, const std::vector<uint8_t>& b) {
  Image decoded(a.width, a.height, a.channels);
  decoded.pixels = b;
  return Psnr(a, decoded);
}

TEST(ClassicalCodecs, EachRoundTripsASmallImageAtTwoSettings) {
  struct Case {
    const char* codec;
    double low, high;  // a worse and a better setting
  };
  for (const Case& c :
       {Case{"jpeg", 20, 80}, Case{"webp", 20, 80}, Case{"jp2", 0.5, 2.0},
        Case{"avif", 50, 20}, Case{"jxl", 30, 90}}) {
    std::string why;
    if (!ClassicalCodecAvailable(c.codec, &why)) {
      std::printf("notice: %s not run: %s\n", c.codec, why.c_str());
      continue;
    }
    for (int channels : {3, 1}) {
      const Image img = SyntheticImage(96, 64, channels);
      auto lo = RunClassicalCodec(c.codec, c.low, img.pixels.data(), img.width,
                                  img.height, channels);
      auto hi = RunClassicalCodec(c.codec, c.high, img.pixels.data(), img.width,
                                  img.height, channels);
      ASSERT_TRUE(lo.ok() && hi.ok()) << c.codec;
      ASSERT_EQ(lo->decoded.size(), img.pixels.size()) << c.codec;
      ASSERT_EQ(hi->decoded.size(), img.pixels.size()) << c.codec;
      EXPECT_FALSE(lo->file.empty()) << c.codec;
      EXPECT_LT(lo->file.size(), hi->file.size()) << c.codec << " " << channels;
      const double p_lo = PsnrOf(img, lo->decoded);
      const double p_hi = PsnrOf(img, hi->decoded);
      EXPECT_GT(p_lo, 20) << c.codec << " " << channels;
      EXPECT_GT(p_hi, p_lo) << c.codec << " " << channels;
    }
  }
}

TEST(ClassicalCodecs, JpegIsFourTwoZeroWithOptimisedTables) {
  const Image img = SyntheticImage(64, 48, 3);
  auto r = RunClassicalCodec("jpeg", 50, img.pixels.data(), 64, 48, 3);
  ASSERT_TRUE(r.ok());
  // The baseline frame header (SOF0): luma sampled 2x2, chroma 1x1.
  const std::vector<uint8_t>& f = r->file;
  size_t sof = 0;
  for (size_t i = 0; i + 1 < f.size(); ++i) {
    if (f[i] == 0xFF && f[i + 1] == 0xC0) {
      sof = i;
      break;
    }
  }
  ASSERT_GT(sof, 0u);
  ASSERT_EQ(f[sof + 9], 3);      // components
  EXPECT_EQ(f[sof + 11], 0x22);  // Y: h 2, v 2
  EXPECT_EQ(f[sof + 14], 0x11);  // Cb
  EXPECT_EQ(f[sof + 17], 0x11);  // Cr
  // Optimised Huffman tables are smaller than the standard ones, which
  // libjpeg writes without IMWRITE_JPEG_OPTIMIZE.
  std::vector<int> counts;
  size_t total_codes = 0;
  for (size_t i = 0; i + 4 < f.size(); ++i) {
    if (f[i] != 0xFF || f[i + 1] != 0xC4) continue;
    const size_t length = (f[i + 2] << 8) | f[i + 3];
    size_t pos = i + 4;
    while (pos < i + 2 + length) {
      size_t n = 0;
      for (int k = 1; k <= 16; ++k) n += f[pos + k];
      total_codes += n;
      pos += 17 + n;
    }
  }
  // The standard tables hold 12 + 12 + 162 + 162 codes.
  EXPECT_GT(total_codes, 0u);
  EXPECT_LT(total_codes, 12u + 12 + 162 + 162);
}

// The bench's JPEG 2000 is OpenJPEG's own encoder: `opj_compress -r R -I`
// on the same image gives the same size and quality (within the comment
// marker opj_compress adds).
TEST(ClassicalCodecs, Jp2MatchesOpjCompress) {
  if (std::system("command -v opj_compress >/dev/null 2>&1 && "
                  "command -v opj_decompress >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "notice: opj_compress not installed (libopenjp2-tools)";
  }
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/spix_opj_test_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  Image img = SyntheticImage(256, 192, 3);
  for (size_t i = 0; i < img.pixels.size(); ++i) {
    img.pixels[i] = uint8_t(std::clamp<int>(
        img.pixels[i] + int((i * 2654435761u) >> 28) - 8, 0, 255));
  }
  ASSERT_TRUE(WriteImage(dir + "/in.png", img).ok());
  const std::string cmd = "opj_compress -i " + dir + "/in.png -o " + dir +
                          "/c.jp2 -r 48 -I >/dev/null 2>&1 && opj_decompress "
                          "-i " +
                          dir + "/c.jp2 -o " + dir + "/out.png >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::vector<std::string> warnings;
  auto theirs = ReadImage(dir + "/out.png", &warnings);
  ASSERT_TRUE(theirs.ok());
  const double their_bytes = double(fs::file_size(dir + "/c.jp2"));
  auto ours =
      RunClassicalCodec("jp2", 24.0 / 48, img.pixels.data(), 256, 192, 3);
  ASSERT_TRUE(ours.ok());
  EXPECT_NEAR(double(ours->file.size()), their_bytes, 0.02 * their_bytes);
  EXPECT_NEAR(PsnrOf(img, ours->decoded), Psnr(img, *theirs), 0.1);
  fs::remove_all(dir);
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
  EXPECT_EQ((*curves)[1].points[1].value, 30);
  EXPECT_EQ((*curves)[2].points.size(), 1u);
  EXPECT_TRUE(ParseCodecSpecs(kDefaultCodecSpecs).ok());
  // A swept field of two letters keeps both on its later values.
  auto cf = ParseCodecSpecs("spix:density:tonal:d0.05:cf0.5/0.25");
  ASSERT_TRUE(cf.ok()) << cf.status().message();
  EXPECT_EQ((*cf)[0].points[1].setting, "cf0.25");
  EXPECT_DOUBLE_EQ((*cf)[0].points[1].spix.chroma_fraction, 0.25);
  EXPECT_EQ((*cf)[0].points[1].spix.nlpe_cycles, EncodeOptions().nlpe_cycles);
  EXPECT_EQ((*cf)[0].points[0].spix.mask, MaskMode::kDensity);
  // cfauto: luma preference at the share the encoder picks (and weighs).
  auto automatic = ParseCodecSpecs("spix:eed:tree:tonal:cfauto:d0.05");
  ASSERT_TRUE(automatic.ok()) << automatic.status().message();
  EXPECT_EQ((*automatic)[0].points[0].spix.chroma_fraction, 0.0);
  auto jp2 = ParseCodecSpecs("jp2:b0.1/0.25,webp:q0");
  ASSERT_TRUE(jp2.ok()) << jp2.status().message();
  EXPECT_DOUBLE_EQ((*jp2)[0].points[1].value, 0.25);
  EXPECT_EQ((*jp2)[0].points[1].setting, "b0.25");
}

TEST(CodecSpec, RejectsNonsense) {
  for (const char* bad : {"",
                          "foo:q10",
                          "jpeg",
                          "jpeg:q0",
                          "jpeg:q101",
                          "jpeg:x5",
                          "jp2:q20",
                          "jp2:b0",
                          "jp2:b30",
                          "jp2:bnan",
                          "avif:q64",
                          "jxl:q4",
                          "spix:grid",
                          "spix:d0.1/0.2:q2/4",
                          "spix:d0",
                          "spix:d2",
                          "spix:blue:d0.1",
                          "spix:cf0:d0.1",
                          "spix:cf2:d0.1",
                          "spix:c-1:d0.1",
                          "jpeg:q10,,webp:q5"}) {
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

  // A second run reuses the spix curve from the first one's CSV, codes the
  // new jpeg point, and says which it reused.
  BenchOptions again = o;
  again.codecs = "spix:grid:d0.1/0.3,jpeg:q40";
  again.out_dir = dir + "/again";
  again.reuse_csv = o.out_dir + "/per_image.csv";
  again.at_bpp = {0.5};
  std::vector<std::string> notices;
  again.notice = [&](const std::string& line) { notices.push_back(line); };
  ASSERT_TRUE(RunRdBenchmark(again).ok());
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("reusing spix:grid"), std::string::npos);
  auto rows = [](const std::string& path, const std::string& codec) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
      if (line.find("," + codec + ",") != std::string::npos)
        out.push_back(line);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(rows(again.out_dir + "/per_image.csv", "spix:grid"),
            rows(o.out_dir + "/per_image.csv", "spix:grid"));
  EXPECT_EQ(rows(again.out_dir + "/per_image.csv", "jpeg").size(), 2u);
  std::ifstream summary(again.out_dir + "/summary.md");
  std::stringstream md;
  md << summary.rdbuf();
  EXPECT_NE(md.str().find("## PSNR at fixed rates"), std::string::npos);
  EXPECT_NE(md.str().find("libjpeg-turbo"), std::string::npos);
  EXPECT_NE(md.str().find("rows reused"), std::string::npos);
  fs::remove_all(dir);
}

TEST(RdDriver, AMissingToolIsANoticeNotAFailure) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/spix_bench_tool_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  ASSERT_TRUE(WriteImage(dir + "/a.png", SyntheticImage(32, 32, 3)).ok());
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", (dir + "/no-tools").c_str(), 1);
  std::string why;
  const bool avif = ClassicalCodecAvailable("avif", &why);
  BenchOptions o;
  o.images = dir + "/a.png";
  o.codecs = "jpeg:q50/80,avif:q30/20";
  o.out_dir = dir + "/out";
  std::vector<std::string> notices;
  o.notice = [&](const std::string& line) { notices.push_back(line); };
  const Status st = RunRdBenchmark(o);
  setenv("PATH", path.c_str(), 1);
  EXPECT_FALSE(avif);
  EXPECT_NE(why.find("libavif-bin"), std::string::npos);
  EXPECT_TRUE(st.ok()) << st.message();
  ASSERT_FALSE(notices.empty());
  EXPECT_NE(notices[0].find("skipping avif"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spix
