// What careless or hostile input gets (issue 18; catalogue in
// docs/reliability.md): special files, image bombs in every accepted format,
// junk numbers, outputs that would replace an input, bad weights, files that
// info and decode must refuse alike.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <thread>

#include "bitstream/container.h"
#include "bitstream/format.h"
#include "codec/image_header.h"
#include "codec/image_io.h"
#include "networks/torch_guard.h"
#include "networks/weights.h"
#include "tests/test_images.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code = -1;
  std::string out, err;
  double seconds = 0;
};

class Reliability : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/spix_rel_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(WriteImage(Path("rgb.png"), SyntheticImage(64, 48, 3)).ok());
    ASSERT_TRUE(WriteImage(Path("face.png"), SyntheticImage(64, 64, 3)).ok());
    Image hole(64, 64, 1);
    for (int y = 20; y < 40; ++y)
      for (int x = 20; x < 40; ++x) *hole.pixel(x, y) = 255;
    ASSERT_TRUE(WriteImage(Path("hole.png"), hole).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  static std::string Slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  void WriteBytes(const std::string& name, const std::string& bytes) const {
    std::ofstream(Path(name), std::ios::binary) << bytes;
  }

  // Runs spix under `timeout`, so a hang fails the test instead of the run.
  CliRun Spix(const std::string& args) const {
    const std::string cmd = "timeout 60 " + std::string(SPIX_BINARY) + " " +
                            args + " >" + Path("stdout") + " 2>" +
                            Path("stderr") + " </dev/null";
    CliRun r;
    const auto start = std::chrono::steady_clock::now();
    const int status = std::system(cmd.c_str());
    r.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
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
    EXPECT_LT(r.err.size(), 300u) << r.err;
  }

  // A small diffusion-coded file (no weights needed).
  std::string DiffusionFile() const {
    const std::string path = Path("d.spix");
    const CliRun r = Spix("encode " + Path("rgb.png") + " -o " + path +
                          " -i diffusion -m grid -d 0.2 --quiet");
    EXPECT_EQ(r.code, 0) << r.err;
    return path;
  }

  // `file` rebuilt with its VALS chunk changed by `edit` (nullptr: dropped).
  void RewriteValues(const std::string& file, const std::string& out,
                     void (*edit)(std::vector<uint8_t>*)) const {
    const std::string bytes = Slurp(file);
    auto parsed = ParseContainer(reinterpret_cast<const uint8_t*>(bytes.data()),
                                 bytes.size());
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    std::vector<Chunk> chunks;
    for (const ChunkView& c : parsed->chunks) {
      Chunk chunk{c.tag, std::vector<uint8_t>(c.data, c.data + c.size)};
      if (c.tag == kValuesChunkTag) {
        if (edit == nullptr) continue;
        edit(&chunk.data);
      }
      chunks.push_back(std::move(chunk));
    }
    const std::vector<uint8_t> rebuilt = WriteContainer(parsed->header, chunks);
    WriteBytes(out, std::string(rebuilt.begin(), rebuilt.end()));
  }

  std::string dir_;
};

bool IsFifo(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

// --- Special files --------------------------------------------------------

TEST_F(Reliability, FifoInputIsRefusedWithoutBlocking) {
  ASSERT_EQ(::mkfifo(Path("f.spix").c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo(Path("f.png").c_str(), 0600), 0);
  ExpectError("decode " + Path("f.spix") + " -o " + Path("o.png"), 3,
              "not a regular file");
  ExpectError("info " + Path("f.spix"), 3, "not a regular file");
  ExpectError("encode " + Path("f.png") + " -o " + Path("o.spix"), 3,
              "not a regular file");
  ExpectError("fill " + Path("face.png") + " --mask " + Path("f.png") + " -o " +
                  Path("o.png"),
              3, "not a regular file");
}

TEST_F(Reliability, FifoWeightFileIsRefusedWithoutBlocking) {
  fs::create_directory(Path("models"));
  ASSERT_EQ(::mkfifo(Path("models/prior-dcgan-g.safetensors").c_str(), 0600),
            0);
  ExpectError("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("o.png") + " --loss yeh --models " +
                  Path("models"),
              2, "not a regular file");
}

TEST_F(Reliability, OutputNeverReplacesFifoOrDirectory) {
  ASSERT_EQ(::mkfifo(Path("p.spix").c_str(), 0600), 0);
  ExpectError("encode " + Path("rgb.png") + " -o " + Path("p.spix") +
                  " -f -i diffusion",
              1, "not a regular file");
  EXPECT_TRUE(IsFifo(Path("p.spix")));
  fs::create_directory(Path("dir.spix"));
  ExpectError("encode " + Path("rgb.png") + " -o " + Path("dir.spix") +
                  " -f -i diffusion",
              1, "directory");
  EXPECT_TRUE(fs::is_directory(Path("dir.spix")));
  // The writer itself refuses too, whoever calls it.
  EXPECT_FALSE(WriteFileAtomic(Path("p.spix"), {1, 2, 3}).ok());
  EXPECT_TRUE(IsFifo(Path("p.spix")));
}

TEST_F(Reliability, SymlinkOutputIsWrittenThrough) {
  WriteBytes("target.spix", "old");
  fs::create_symlink(Path("target.spix"), Path("link.spix"));
  const CliRun r = Spix("encode " + Path("rgb.png") + " -o " +
                        Path("link.spix") + " -f -i diffusion -m grid");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(Path("link.spix")));
  EXPECT_GT(fs::file_size(Path("target.spix")), 3u);
  fs::create_symlink(Path("nowhere.spix"), Path("dangling.spix"));
  ExpectError("encode " + Path("rgb.png") + " -o " + Path("dangling.spix") +
                  " -f -i diffusion",
              1, "symlink");
}

TEST_F(Reliability, NewNameIsCreatedExclusivelyWithoutForce) {
  EXPECT_TRUE(WriteFileAtomic(Path("x.bin"), {1}, WriteMode::kCreateNew).ok());
  const Status second =
      WriteFileAtomic(Path("x.bin"), {2}, WriteMode::kCreateNew);
  EXPECT_EQ(second.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Slurp(Path("x.bin")), std::string(1, '\1'));
  // Two encodes racing to one new name: exactly one succeeds.
  const std::string encode = std::string(SPIX_BINARY) + " encode " +
                             Path("rgb.png") + " -o " + Path("race.spix") +
                             " -i diffusion -m ps --quiet 2>/dev/null";
  const std::string cmd = "(" + encode + "; echo $? >" + Path("rc1") + ") & (" +
                          encode + "; echo $? >" + Path("rc2") + "); wait";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const int ok = (std::stoi(Slurp(Path("rc1"))) == 0) +
                 (std::stoi(Slurp(Path("rc2"))) == 0);
  EXPECT_EQ(ok, 1);
}

// --- Image bombs in every format ------------------------------------------

std::string Be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}
std::string Le32(uint32_t v) {
  return {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
}

TEST_F(Reliability, ImageBombsAreRefusedFromTheHeader) {
  // 20000 x 20000 TIFF: IFD with ImageWidth and ImageLength (LONG).
  std::string tiff = std::string("II*\0", 4) + Le32(8);
  tiff += std::string("\x02\x00", 2);
  tiff += std::string("\x00\x01\x04\x00", 4) + Le32(1) + Le32(20000);
  tiff += std::string("\x01\x01\x04\x00", 4) + Le32(1) + Le32(20000);
  tiff += Le32(0) + std::string(400000, '\0');
  WriteBytes("bomb.tif", tiff);
  // 30000 x 30000 JPEG 2000 codestream (SIZ marker).
  std::string j2k = std::string("\xFF\x4F\xFF\x51\x00\x29\x00\x00", 8) +
                    Be32(30000) + Be32(30000) + Be32(0) + Be32(0) +
                    Be32(30000) + Be32(30000) + Be32(0) + Be32(0) +
                    std::string("\x00\x03", 2) + std::string(64, '\x07');
  WriteBytes("bomb.j2k", j2k);
  // 16384 x 16384 WebP (VP8X canvas).
  std::string webp =
      "RIFF" + Le32(30) + "WEBPVP8X" + Le32(10) + std::string(4, '\0') +
      std::string("\xff\x3f\x00\xff\x3f\x00", 6) + std::string(16, '\0');
  WriteBytes("bomb.webp", webp);
  WriteBytes("bomb.ppm", "P6\n30000 30000\n255\n" + std::string(64, 'x'));
  for (const char* name : {"bomb.tif", "bomb.j2k", "bomb.webp", "bomb.ppm"}) {
    const CliRun r = Spix("encode " + Path(name) + " -o " + Path("o.spix") +
                          " -i diffusion");
    EXPECT_EQ(r.code, 2) << name << ": " << r.err;
    EXPECT_NE(r.err.find("beyond the caps"), std::string::npos) << r.err;
    EXPECT_LT(r.seconds, 5.0) << name;
  }
}

TEST_F(Reliability, FloatAndUnknownFormatsAreRefusedBeforeDecoding) {
  WriteBytes("big.pfm", "PF\n30000 30000\n-1.0\n" + std::string(1000, '\0'));
  WriteBytes("big.hdr",
             "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 30000 +X "
             "30000\n" +
                 std::string(1000, '\0'));
  WriteBytes("a.gif", "GIF89a" + std::string(100, '\0'));
  ExpectError("encode " + Path("big.pfm") + " -o " + Path("o.spix"), 2,
              "floating-point");
  ExpectError("encode " + Path("big.hdr") + " -o " + Path("o.spix"), 2,
              "floating-point");
  ExpectError("encode " + Path("a.gif") + " -o " + Path("o.spix"), 2,
              "not a PNG");
}

TEST_F(Reliability, MaxPixelsCanBeLowered) {
  ExpectError("encode " + Path("rgb.png") + " -o " + Path("o.spix") +
                  " -i diffusion --max-pixels 3000",
              2, "--max-pixels");
  const std::string file = DiffusionFile();
  ExpectError("decode " + file + " -o " + Path("o.png") + " --max-pixels 3000",
              2, "pixel cap");
  const CliRun r = Spix("encode " + Path("rgb.png") + " -o " + Path("o.spix") +
                        " -i diffusion -m grid --max-pixels 3072");
  EXPECT_EQ(r.code, 0) << r.err;
}

// Every seed of the header fuzzer that OpenCV decodes peeks to OpenCV's own
// dimensions.
TEST(ImageHeaderPeek, MatchesOpenCvOnTheSeedCorpus) {
  int checked = 0;
  for (const auto& e : fs::directory_iterator(SPIX_HEADER_CORPUS_DIR)) {
    std::ifstream f(e.path(), std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                                     std::istreambuf_iterator<char>());
    const cv::Mat mat = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
    auto header = PeekImageHeader(bytes.data(), bytes.size());
    if (mat.empty() || mat.depth() == CV_32F) continue;
    ASSERT_TRUE(header.ok()) << e.path() << ": " << header.status().message();
    EXPECT_EQ(header->width, uint64_t(mat.cols)) << e.path();
    EXPECT_EQ(header->height, uint64_t(mat.rows)) << e.path();
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(ImageHeaderPeek, TruncatedHeadersAreCorrupt) {
  const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0};
  EXPECT_EQ(PeekImageHeader(png, sizeof png).status().code(),
            StatusCode::kCorruptData);
  const uint8_t tiff[] = {'I', 'I', '*', 0, 200, 0, 0, 0};
  EXPECT_EQ(PeekImageHeader(tiff, sizeof tiff).status().code(),
            StatusCode::kCorruptData);
}

// --- Numbers --------------------------------------------------------------

TEST_F(Reliability, NumbersAreParsedStrictly) {
  const std::string encode =
      "encode " + Path("rgb.png") + " -o " + Path("o.spix") + " ";
  for (const char* q : {"1e1", "12abc", "8.9", "4294967308", "0", "12,", ""}) {
    ExpectError(encode + "-q '" + q + "'", 1, "--quant");
  }
  for (const char* flag : {"--target-bpp", "--target-size", "--target-psnr"}) {
    for (const char* v : {"nan", "0", "inf", "-1", "1x"}) {
      ExpectError(encode + flag + " " + v, 1, flag);
    }
  }
  ExpectError(encode + "--density nan", 1, "--density");
  ExpectError(encode + "--threads 2.5", 1, "--threads");
  ExpectError(encode + "--seed -1", 1, "--seed");
  ExpectError(encode + "--seed 4294967296", 1, "--seed");
  ExpectError(encode + "--max-pixels 1e6", 1, "--max-pixels");
  // Options of the other commands go through the same parser.
  ExpectError("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("o.png") + " --loss yeh --alpha nan",
              1, "--alpha");
  ExpectError("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("o.png") + " --iterations 10abc",
              1, "--iterations");
  ExpectError("bench " + dir_ + " -o " + Path("b") + " --at-bpp nan", 1,
              "--at-bpp");
}

TEST_F(Reliability, ThreadsAreCappedAtTheHardware) {
  const std::string file = DiffusionFile();
  const CliRun r =
      Spix("decode " + file + " -o " + Path("o.png") + " --threads 1000");
  EXPECT_EQ(r.code, 0) << r.err;
  if (std::thread::hardware_concurrency() < 1000) {
    EXPECT_NE(r.err.find("spix: notice: --threads 1000"), std::string::npos)
        << r.err;
  }
}

// --- Outputs that would replace an input ----------------------------------

TEST_F(Reliability, FillNeverOverwritesItsMaskOrImage) {
  const std::string hole = Slurp(Path("hole.png"));
  ExpectError("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("hole.png") + " -f",
              1, "is the input file");
  EXPECT_EQ(Slurp(Path("hole.png")), hole);
  ExpectError("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("face.png") + " -f",
              1, "is the input file");
  fs::create_directory(Path("frames"));
  fs::create_directory(Path("masks"));
  fs::copy_file(Path("face.png"), Path("frames/a.png"));
  fs::copy_file(Path("hole.png"), Path("masks/a.png"));
  ExpectError("fill --frames " + Path("frames") + " --masks " + Path("masks") +
                  " -o " + Path("masks") + " -f",
              1, "frames or masks directory");
  EXPECT_EQ(Slurp(Path("masks/a.png")), hole);
}

TEST_F(Reliability, OutputNeverReplacesAWeightFile) {
  fs::create_directory(Path("models"));
  WriteBytes("models/inpaint-g.safetensors", "weights");
  ExpectError("encode " + Path("rgb.png") + " -o " +
                  Path("models/inpaint-g.safetensors") + " -f --models " +
                  Path("models"),
              1, "is the input file");
  EXPECT_EQ(Slurp(Path("models/inpaint-g.safetensors")), "weights");
}

TEST_F(Reliability, FillChecksItsOutputNameBeforeTheWork) {
  // No weights in this folder: the name is refused before they are needed.
  ExpectError("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("out.xyz") + " --models " + dir_,
              1, "use a .png");
}

TEST_F(Reliability, FillPoolIsBounded) {
  ExpectError("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("o.png") + " --init nn --pool 10001",
              1, "--pool");
}

// --- Weights ----------------------------------------------------------------

TEST(WeightValidation, NonFiniteValuesAreRefused) {
  WeightFile file;
  file.network = "inpaint-g";
  file.version = 1;
  file.tensors.push_back({"w", {2}, {1.f, std::nanf("")}});
  std::vector<uint8_t> bytes = SerializeWeights(file);
  auto parsed = ParseWeights(bytes.data(), bytes.size());
  EXPECT_EQ(parsed.status().code(), StatusCode::kCorruptData);
  EXPECT_NE(parsed.status().message().find("NaN"), std::string::npos);
  file.tensors[0].values[1] = INFINITY;
  bytes = SerializeWeights(file);
  EXPECT_FALSE(ParseWeights(bytes.data(), bytes.size()).ok());
}

// Found by the fuzz_weights campaign: a dimension too large for an integer
// parses as a JSON double, whose conversion to an integer was undefined.
TEST(WeightValidation, HugeOrFractionalDimensionsAreRefused) {
  for (const std::string shape :
       {"[2,1999999999999999999999999999,24]", "[2,1.5,3]", "[2,-1,3]",
        "[2,\"3\",4]", "7"}) {
    const std::string header =
        "{\"__metadata__\":{\"network\":\"inpaint-g\",\"version\":\"1\"},"
        "\"w\":{\"dtype\":\"F32\",\"shape\":" +
        shape + ",\"data_offsets\":[0,4]}}";
    std::vector<uint8_t> bytes(8, 0);
    bytes[0] = uint8_t(header.size());
    bytes.insert(bytes.end(), header.begin(), header.end());
    bytes.insert(bytes.end(), 4, 0);
    auto parsed = ParseWeights(bytes.data(), bytes.size());
    EXPECT_EQ(parsed.status().code(), StatusCode::kCorruptData) << shape;
  }
}

// Found by the fuzz_weights campaign in CI: a tensor of shape [0] copied its
// zero bytes from a null pointer (undefined behaviour under UBSan).
TEST(WeightValidation, EmptyTensorParses) {
  WeightFile file;
  file.network = "maskm";
  file.version = 1;
  file.tensors.push_back({"empty", {0}, {}});
  file.tensors.push_back({"w", {1}, {1.f}});
  std::vector<uint8_t> bytes = SerializeWeights(file);
  auto parsed = ParseWeights(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->tensors.size(), 2u);
  EXPECT_TRUE(parsed->tensors[0].values.empty());
  EXPECT_EQ(parsed->tensors[1].values, std::vector<float>{1.f});
}

// Every kind of bad weight file exits 2, for decode and for fill.
TEST_F(Reliability, BadWeightsAllExitTwo) {
  const std::string shipped = SPIX_MODELS_DIR;
  auto read = [](const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                                std::istreambuf_iterator<char>());
  };
  const CliRun enc = Spix("encode -i learned " + Path("rgb.png") + " -o " +
                          Path("l.spix") + " --tonal-steps 0 --quiet");
  ASSERT_EQ(enc.code, 0) << enc.err;
  auto g = ParseWeights(read(shipped + "/inpaint-g.safetensors").data(),
                        read(shipped + "/inpaint-g.safetensors").size());
  ASSERT_TRUE(g.ok());
  struct Case {
    const char* name;
    WeightFile file;
  };
  std::vector<Case> cases;
  WeightFile nan = *g;
  nan.tensors[0].values[0] = std::nanf("");
  cases.push_back({"nan", nan});
  WeightFile renamed = *g;
  renamed.network = "mask-m";
  cases.push_back({"network", renamed});
  WeightFile reshaped = *g;
  reshaped.tensors[0].shape = {int64_t(reshaped.tensors[0].values.size())};
  cases.push_back({"shape", reshaped});
  WeightFile missing = *g;
  missing.tensors.pop_back();
  cases.push_back({"count", missing});
  WeightFile wrong_name = *g;
  wrong_name.tensors[0].name = "nonsense";
  cases.push_back({"name", wrong_name});
  for (const Case& c : cases) {
    const std::string dir = Path(std::string("m_") + c.name);
    fs::create_directory(dir);
    ASSERT_TRUE(WriteWeightFile(dir + "/inpaint-g.safetensors", c.file).ok());
    ExpectError("decode " + Path("l.spix") + " -o " + Path("o.png") +
                    " --models " + dir,
                2);
  }
  WriteBytes("m_nan/inpaint-g.safetensors",
             std::string("\x08\0\0\0\0\0\0\0{}      ", 16));
  ExpectError("decode " + Path("l.spix") + " -o " + Path("o.png") +
                  " --models " + Path("m_nan"),
              2, "missing fields");
  // The prior of fill with a NaN.
  const std::string prior = "/prior-dcgan-g.safetensors";
  auto pg =
      ParseWeights(read(shipped + prior).data(), read(shipped + prior).size());
  ASSERT_TRUE(pg.ok());
  pg->tensors[0].values[0] = std::nanf("");
  fs::create_directory(Path("p"));
  ASSERT_TRUE(WriteWeightFile(Path("p") + prior, *pg).ok());
  fs::copy_file(shipped + "/prior-dcgan-d.safetensors",
                Path("p/prior-dcgan-d.safetensors"));
  ExpectError("fill " + Path("face.png") + " --mask " + Path("hole.png") +
                  " -o " + Path("o.png") + " --loss yeh --models " + Path("p"),
              2, "NaN");
}

TEST(TorchGuard, LibTorchErrorsBecomeAStatus) {
  auto result = GuardTorch("a test", [] {
    return torch::zeros({2, 3}).view({4}).sum().item<float>();
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(result.status().message().find('\n'), std::string::npos);
  EXPECT_NE(result.status().message().find("a test"), std::string::npos);
}

// --- info validates what decode validates ----------------------------------

TEST_F(Reliability, InfoAndDecodeRefuseTheSameFiles) {
  const std::string file = DiffusionFile();
  RewriteValues(file, "trailing.spix",
                [](std::vector<uint8_t>* v) { v->push_back(0x5a); });
  RewriteValues(file, "radius.spix",
                [](std::vector<uint8_t>* v) { (*v)[0] = 0; });
  RewriteValues(file, "novals.spix", nullptr);
  const std::pair<const char*, const char*> cases[] = {
      {"trailing.spix", "stray bytes"},
      {"radius.spix", "radius"},
      {"novals.spix", "VALS"}};
  for (const auto& [name, why] : cases) {
    ExpectError("decode " + Path(name) + " -o " + Path("o.png"), 2, why);
    ExpectError("info " + Path(name), 2, why);
  }
  EXPECT_EQ(Spix("info " + file).code, 0);
}

// --- OpenCV stays quiet -----------------------------------------------------

TEST_F(Reliability, OpenCvWarningsDoNotReachStderr) {
  std::string png = Slurp(Path("rgb.png"));
  png.resize(60);  // a valid header, then the data cut off
  WriteBytes("cut.png", png);
  std::string jpeg_bytes;
  {
    std::vector<uint8_t> jpg;
    cv::Mat m(48, 64, CV_8UC3, cv::Scalar(10, 200, 30));
    ASSERT_TRUE(cv::imencode(".jpg", m, jpg));
    jpeg_bytes.assign(jpg.begin(), jpg.begin() + jpg.size() / 2);
  }
  WriteBytes("cut.jpg", jpeg_bytes);
  ExpectError("encode " + Path("cut.png") + " -o " + Path("o.spix"), 2);
  // A truncated JPEG decodes (grey bottom) or fails; either way stderr holds
  // no OpenCV or libjpeg line.
  const CliRun r = Spix("encode " + Path("cut.jpg") + " -o " + Path("o.spix") +
                        " -i diffusion -m grid");
  EXPECT_EQ(r.err.find("WARN"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("libjpeg"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Corrupt JPEG"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace spix
