// The spix command line as a user meets it: exit codes, one-line errors,
// outputs that are never partial and never clobber what the user had.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "codec/image_io.h"
#include "tests/test_images.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code = -1;
  std::string out, err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/spix_cli_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(WriteImage(Path("rgb.png"), SyntheticImage(64, 48, 3)).ok());
    ASSERT_TRUE(WriteImage(Path("grey.png"), SyntheticImage(40, 30, 1)).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  static std::string Slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  void WriteText(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name), std::ios::binary) << text;
  }

  CliRun Spix(const std::string& args) const {
    const std::string cmd = std::string(SPIX_BINARY) + " " + args + " >" +
                            Path("stdout") + " 2>" + Path("stderr") +
                            " </dev/null";
    CliRun r;
    const int status = std::system(cmd.c_str());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(Path("stdout"));
    r.err = Slurp(Path("stderr"));
    fs::remove(Path("stdout"));
    fs::remove(Path("stderr"));
    return r;
  }

  // A failure: the expected code and exactly one line on stderr.
  void ExpectError(const std::string& args, int code,
                   const std::string& contains = "") const {
    const CliRun r = Spix(args);
    EXPECT_EQ(r.code, code) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("spix: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(contains), std::string::npos) << r.err;
  }

  // Files in the work directory other than the named ones (temp leftovers).
  std::vector<std::string> Leftovers(std::vector<std::string> expected) const {
    std::vector<std::string> extra;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename();
      if (std::find(expected.begin(), expected.end(), name) == expected.end()) {
        extra.push_back(name);
      }
    }
    return extra;
  }

  std::string dir_;
};

TEST_F(Cli, HelpAndUsage) {
  CliRun r = Spix("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("encode"), std::string::npos);
  r = Spix("encode --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--density"), std::string::npos);
  ExpectError("", 1);
  ExpectError("frobnicate", 1);
  ExpectError("encode", 1, "input");
  ExpectError("encode " + Path("rgb.png") + " -o x.spix --bogus", 1);
}

TEST_F(Cli, EncodeDecodeInfoRoundTrip) {
  CliRun r = Spix("encode " + Path("rgb.png") + " -o " + Path("a.spix") +
                  " --density 0.2 --mask random --psnr");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("bpp"), std::string::npos);
  EXPECT_NE(r.out.find("PSNR"), std::string::npos);
  r = Spix("decode " + Path("a.spix") + " -o " + Path("a.png"));
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> warnings;
  auto decoded = ReadImage(Path("a.png"), &warnings);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->width, 64);
  EXPECT_EQ(decoded->channels, 3);
  r = Spix("info --json " + Path("a.spix"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"width\": 64"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"known_pixels\": 614"), std::string::npos) << r.out;
  r = Spix("encode --json --quiet " + Path("grey.png") + " -o " +
           Path("g.spix") + " -m grid -q 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.front(), '{');
}

TEST_F(Cli, DensityMasksLumaPreferenceMaskOutAndRateControl) {
  CliRun r = Spix("encode " + Path("rgb.png") + " -o " + Path("d.spix") +
                  " -i diffusion -m density -d 0.1 --tonal "
                  "--chroma-fraction 0.25 --psnr");
  ASSERT_EQ(r.code, 0) << r.err;
  r = Spix("info --json " + Path("d.spix"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"version\": 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("positions: density field"), std::string::npos);
  EXPECT_NE(r.out.find("\"tag\": \"CHRM\""), std::string::npos);
  const size_t at = r.out.find("\"known_pixels\": ");
  ASSERT_NE(at, std::string::npos);
  const long known = std::stol(r.out.substr(at + 16));
  // The mask image holds exactly the known pixels info counts.
  r = Spix("decode " + Path("d.spix") + " -o " + Path("d.png") +
           " --mask-out " + Path("m.png"));
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> warnings;
  auto mask = ReadImage(Path("m.png"), &warnings);
  ASSERT_TRUE(mask.ok());
  EXPECT_EQ(mask->channels, 1);
  EXPECT_EQ(std::count(mask->pixels.begin(), mask->pixels.end(), 255), known);
  EXPECT_EQ(std::count(mask->pixels.begin(), mask->pixels.end(), 0),
            64 * 48 - known);
  ExpectError("decode " + Path("d.spix") + " -o " + Path("e.png") +
                  " --mask-out " + Path("e.png"),
              1, "--mask-out");
  // Luma preference is for diffusion only; rate control works with it.
  ExpectError("encode " + Path("rgb.png") + " -o " + Path("x.spix") +
                  " --chroma-fraction 0.25",
              1, "diffusion");
  r = Spix("encode " + Path("rgb.png") + " -o " + Path("t.spix") +
           " -i diffusion -m density --chroma-fraction 0.25 --target-bpp 1 "
           "--json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_LE(fs::file_size(Path("t.spix")), 64 * 48 / 8u);
}

TEST_F(Cli, OptimisedMasksRateControlAndBench) {
  CliRun r = Spix("encode " + Path("grey.png") + " -o " + Path("p.spix") +
                  " -m ps+nlpe --nlpe-cycles 1 --tonal --psnr");
  ASSERT_EQ(r.code, 0) << r.err;
  r = Spix("encode " + Path("rgb.png") + " -o " + Path("t.spix") +
           " --target-bpp 1.5 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"quant_step_luma\""), std::string::npos) << r.out;
  EXPECT_LE(fs::file_size(Path("t.spix")) * 8.0 / (64 * 48), 1.5);
  ExpectError("encode " + Path("rgb.png") + " -o " + Path("x.spix") +
                  " --target-bpp 1 --target-psnr 30",
              1);
  ExpectError("encode " + Path("rgb.png") + " -o " + Path("x.spix") +
                  " --target-size -3",
              1);
  ExpectError("bench " + dir_ + " -c nonsense:q1 -o " + Path("b"), 1,
              "unknown codec");
  r = Spix("bench " + dir_ + " -c spix:grid:d0.1/0.2,jpeg:q50 -o " + Path("b") +
           " --quiet");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(Path("b/summary.md")));
}

TEST_F(Cli, InpainterChoiceAndMissingWeights) {
  // The default is the learned codec on a halftone mask.
  ASSERT_EQ(Spix("encode " + Path("rgb.png") + " -o " + Path("l.spix")).code,
            0);
  CliRun r = Spix("info " + Path("l.spix"));
  EXPECT_NE(r.out.find("wgan-generator"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MASK  5 bytes"), std::string::npos) << r.out;
  ASSERT_EQ(
      Spix("encode -i diffusion " + Path("rgb.png") + " -o " + Path("d.spix"))
          .code,
      0);
  r = Spix("info " + Path("d.spix"));
  EXPECT_NE(r.out.find("homogeneous-diffusion"), std::string::npos) << r.out;
  // The diffusion file needs no weights; the learned one says what is missing.
  EXPECT_EQ(Spix("decode --models " + Path("none") + " " + Path("d.spix") +
                 " -o " + Path("d.png"))
                .code,
            0);
  ExpectError("decode --models " + Path("none") + " " + Path("l.spix") +
                  " -o " + Path("l.png"),
              3, "inpaint-g.safetensors");
  EXPECT_FALSE(fs::exists(Path("l.png")));
  ExpectError("encode -i learned --models " + Path("none") + " " +
                  Path("rgb.png") + " -o " + Path("x.spix"),
              3, "--models");
  ExpectError("encode -i magic " + Path("rgb.png") + " -o " + Path("x.spix"),
              1);
  ExpectError("train codec --checkpoint-dir " + Path("run"), 1, "--data");
  ExpectError(
      "train codec --data " + Path("none") + " --checkpoint-dir " + Path("run"),
      1);
}

TEST_F(Cli, FillRefusesBadInputWithOneLine) {
  ASSERT_TRUE(WriteImage(Path("face.png"), SyntheticImage(64, 64, 3)).ok());
  Image hole(64, 64, 1);
  for (int y = 16; y < 48; ++y)
    for (int x = 16; x < 48; ++x) hole.pixel(x, y)[0] = 255;
  ASSERT_TRUE(WriteImage(Path("hole.png"), hole).ok());
  ASSERT_TRUE(WriteImage(Path("empty.png"), Image(64, 64, 1)).ok());
  const std::string face = Path("face.png") + " -o " + Path("out.png");
  ExpectError("fill " + face + " --mask " + Path("missing.png"), 3,
              "missing.png");
  ExpectError("fill " + Path("rgb.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("out.png"),
              1, "64x64");
  ExpectError("fill " + face + " --mask " + Path("empty.png"), 1, "no pixel");
  ExpectError("fill " + face, 1, "--mask");
  ExpectError("fill --frames " + dir_ + " -o " + Path("seq"), 1, "--masks");
  ExpectError(
      "fill " + face + " --mask " + Path("hole.png") + " --iterations 0", 1);
  ExpectError("fill " + face + " --mask " + Path("hole.png") + " --loss magic",
              1);
  ExpectError("fill " + face + " --mask " + Path("hole.png") + " --models " +
                  Path("none"),
              3, "prior-dcgan-g.safetensors");
  EXPECT_FALSE(fs::exists(Path("out.png")));
  ExpectError("train prior --arch dcgan --data " + Path("none") +
                  " --checkpoint-dir " + Path("run"),
              1);
}

TEST_F(Cli, FillWithTheShippedPriorAndSequences) {
  ASSERT_TRUE(WriteImage(Path("face.png"), SyntheticImage(64, 64, 3)).ok());
  Image hole(64, 64, 1);
  for (int y = 20; y < 44; ++y)
    for (int x = 20; x < 44; ++x) hole.pixel(x, y)[0] = 255;
  ASSERT_TRUE(WriteImage(Path("hole.png"), hole).ok());
  const std::string quick = " --iterations 3 --restarts 2 --threads 1";
  CliRun r = Spix("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("out.png") + quick);
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> warnings;
  StatusOr<Image> out = ReadImage(Path("out.png"), &warnings);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->width, 64);
  // The output exists now: no clobbering without --force.
  ExpectError("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("out.png") + quick,
              1, "--force");
  // A sequence of three frames into a new directory.
  fs::create_directories(Path("frames"));
  fs::create_directories(Path("masks"));
  for (int i = 0; i < 3; ++i) {
    const std::string name = "f" + std::to_string(i) + ".png";
    ASSERT_TRUE(
        WriteImage(Path("frames/" + name), SyntheticImage(64, 64, 3)).ok());
    ASSERT_TRUE(WriteImage(Path("masks/" + name), hole).ok());
  }
  r = Spix("fill --frames " + Path("frames") + " --masks " + Path("masks") +
           " -o " + Path("filled") + quick);
  ASSERT_EQ(r.code, 0) << r.err;
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(fs::exists(Path("filled/f" + std::to_string(i) + ".png")));
}

TEST_F(Cli, GreyStaysGrey) {
  ASSERT_EQ(Spix("encode " + Path("grey.png") + " -o " + Path("g.spix")).code,
            0);
  ASSERT_EQ(Spix("decode " + Path("g.spix") + " -o " + Path("g.png")).code, 0);
  cv::Mat m = cv::imread(Path("g.png"), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(m.channels(), 1);
}

TEST_F(Cli, BadInputsGiveOneLineErrors) {
  ExpectError("encode " + Path("missing.png") + " -o " + Path("x.spix"), 3,
              "missing.png");
  WriteText("empty.png", "");
  ExpectError("encode " + Path("empty.png") + " -o " + Path("x.spix"), 2,
              "empty");
  WriteText("text.png", "this is not an image\n");
  ExpectError("encode " + Path("text.png") + " -o " + Path("x.spix"), 2);
  ExpectError("encode " + dir_ + " -o " + Path("x.spix"), 3);
  ExpectError("decode " + Path("text.png") + " -o " + Path("x.png"), 2,
              "not a .spix file");
  ExpectError("info " + Path("missing.spix"), 3);
  EXPECT_TRUE(
      Leftovers({"rgb.png", "grey.png", "empty.png", "text.png"}).empty());
}

TEST_F(Cli, AbsurdFlagsAreUsageErrors) {
  const std::string base =
      "encode " + Path("rgb.png") + " -o " + Path("x.spix");
  for (const char* flag :
       {"-d 0", "-d 2", "-d abc", "-d -0.5", "-q 0", "-q 300", "-q 4,0",
        "-q a,b", "-q 4,8,9", "--mask foo", "--seed -1"}) {
    ExpectError(base + " " + flag, 1);
  }
  ExpectError("decode " + Path("rgb.png") + " -o " + Path("x.jpeg"), 2);
  EXPECT_FALSE(fs::exists(Path("x.spix")));
}

TEST_F(Cli, HugeOrZeroDimensionsAreRefusedBeforeDecoding) {
  // A PNG signature and IHDR claiming 100000 x 100000 pixels, nothing else.
  std::string png(
      "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02\0\0\0",
      33);
  WriteText("huge.png", png);
  ExpectError("encode " + Path("huge.png") + " -o " + Path("x.spix"), 2,
              "caps");
  WriteText("huge.pgm", "P5\n40000 40000\n255\n");
  ExpectError("encode " + Path("huge.pgm") + " -o " + Path("x.spix"), 2,
              "caps");
  WriteText("zero.pgm", "P5\n0 10\n255\n");
  ExpectError("encode " + Path("zero.pgm") + " -o " + Path("x.spix"), 2,
              "zero");
}

TEST_F(Cli, ExistingOutputsAndInputsAreNeverClobbered) {
  WriteText("keep.spix", "precious");
  ExpectError("encode " + Path("rgb.png") + " -o " + Path("keep.spix"), 1,
              "--force");
  EXPECT_EQ(Slurp(Path("keep.spix")), "precious");
  const std::string before = Slurp(Path("rgb.png"));
  ExpectError("encode " + Path("rgb.png") + " -o " + Path("rgb.png") + " -f", 1,
              "input");
  EXPECT_EQ(Slurp(Path("rgb.png")), before);
  EXPECT_EQ(
      Spix("encode " + Path("rgb.png") + " -o " + Path("keep.spix") + " -f")
          .code,
      0);
  EXPECT_NE(Slurp(Path("keep.spix")), "precious");
}

TEST_F(Cli, CorruptFilesLeaveNoOutput) {
  ASSERT_EQ(Spix("encode " + Path("rgb.png") + " -o " + Path("a.spix")).code,
            0);
  const std::string good = Slurp(Path("a.spix"));
  WriteText("cut.spix", good.substr(0, good.size() / 2));
  ExpectError("decode " + Path("cut.spix") + " -o " + Path("out.png"), 2);
  std::string flipped = good;
  flipped[40] ^= 0x10;
  WriteText("flip.spix", flipped);
  ExpectError("decode " + Path("flip.spix") + " -o " + Path("out.png"), 2,
              "checksum");
  std::string version = good;
  version[4] = 9;
  WriteText("v9.spix", version);
  ExpectError("info " + Path("v9.spix"), 2, "version 9");
  EXPECT_TRUE(Leftovers({"rgb.png", "grey.png", "a.spix", "cut.spix",
                         "flip.spix", "v9.spix"})
                  .empty());
}

TEST_F(Cli, UnwritableOutputIsAnIoError) {
  ASSERT_EQ(Spix("encode " + Path("rgb.png") + " -o " + Path("a.spix")).code,
            0);
  ExpectError("encode " + Path("rgb.png") + " -o " + dir_ + "/no/such/dir.spix",
              3);
  ExpectError("decode " + Path("a.spix") + " -o " + dir_ + "/no/such/dir.png",
              3);
}

TEST_F(Cli, SixteenBitAndAlphaInputsAreConvertedWithAWarning) {
  cv::Mat deep(20, 30, CV_16UC3, cv::Scalar(1000, 30000, 65535));
  ASSERT_TRUE(cv::imwrite(Path("deep.png"), deep));
  CliRun r = Spix("encode " + Path("deep.png") + " -o " + Path("d.spix"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("16-bit"), std::string::npos) << r.err;
  cv::Mat alpha(20, 30, CV_8UC4, cv::Scalar(10, 20, 30, 128));
  ASSERT_TRUE(cv::imwrite(Path("alpha.png"), alpha));
  r = Spix("encode " + Path("alpha.png") + " -o " + Path("a.spix"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("alpha"), std::string::npos) << r.err;
  r = Spix("encode --quiet " + Path("alpha.png") + " -o " + Path("b.spix"));
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.err.empty() && r.out.empty());
}

}  // namespace
}  // namespace spix
