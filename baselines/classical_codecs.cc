#include "baselines/classical_codecs.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
// After <cstdio>: jpeglib.h needs FILE. Only for the version number.
#include <jpeglib.h>

#include "baselines/openjpeg_codec.h"
#include "baselines/stopwatch.h"
#include "baselines/webp_codec.h"

namespace spix {
namespace {

bool HaveTool(const char* tool) {
  const std::string cmd =
      std::string("command -v ") + tool + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

cv::Mat ToBgr(const uint8_t* pixels, int w, int h, int channels) {
  cv::Mat m(h, w, channels == 1 ? CV_8UC1 : CV_8UC3,
            const_cast<uint8_t*>(pixels));
  cv::Mat out;
  if (channels == 3) {
    cv::cvtColor(m, out, cv::COLOR_RGB2BGR);
  } else {
    out = m.clone();
  }
  return out;
}

StatusOr<std::vector<uint8_t>> FromBgr(const cv::Mat& decoded, int w, int h,
                                       int channels) {
  if (decoded.empty() || decoded.cols != w || decoded.rows != h) {
    return CorruptData("classical codec returned no or a wrong-sized image");
  }
  cv::Mat m;
  if (channels == 3) {
    cv::cvtColor(
        decoded, m,
        decoded.channels() == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
  } else if (decoded.channels() == 3) {
    cv::cvtColor(decoded, m, cv::COLOR_BGR2GRAY);
  } else {
    m = decoded;
  }
  return std::vector<uint8_t>(m.data, m.data + size_t(w) * h * channels);
}

// OpenCV 4.6 leaves libjpeg's default 4:2:0 sampling alone.
StatusOr<ClassicalResult> RunOpenCvJpeg(int quality, const uint8_t* pixels,
                                        int w, int h, int channels) {
  const cv::Mat bgr = ToBgr(pixels, w, h, channels);
  ClassicalResult result;
  Stopwatch t0;
  if (!cv::imencode(
          ".jpg", bgr, result.file,
          {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1})) {
    return IoError("OpenCV cannot encode JPEG");
  }
  result.encode_seconds = t0.Seconds();
  t0 = Stopwatch();
  const cv::Mat decoded = cv::imdecode(result.file, cv::IMREAD_UNCHANGED);
  result.decode_seconds = t0.Seconds();
  SPIX_ASSIGN_OR_RETURN(result.decoded, FromBgr(decoded, w, h, channels));
  return result;
}

// Runs an external encoder and decoder on PNG files in a private temp dir.
StatusOr<ClassicalResult> RunTool(const std::string& encode_cmd,
                                  const std::string& decode_cmd,
                                  const std::string& ext, const uint8_t* pixels,
                                  int w, int h, int channels) {
  char tmpl[] = "/tmp/spix_bench_XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return IoError("cannot make a temp dir");
  const std::string dir = tmpl;
  const std::string in = dir + "/in.png", coded = dir + "/coded" + ext,
                    out = dir + "/out.png";
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  if (!cv::imwrite(in, ToBgr(pixels, w, h, channels))) {
    return IoError("cannot write " + in);
  }
  auto run = [](const std::string& cmd) {
    return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
  };
  ClassicalResult result;
  Stopwatch t0;
  if (!run(encode_cmd + " '" + in + "' '" + coded + "'")) {
    return IoError("'" + encode_cmd + "' failed");
  }
  result.encode_seconds = t0.Seconds();
  std::ifstream coded_file(coded, std::ios::binary);
  if (!coded_file) return IoError("'" + encode_cmd + "' wrote no file");
  result.file.assign(std::istreambuf_iterator<char>(coded_file), {});
  t0 = Stopwatch();
  if (!run(decode_cmd + " '" + coded + "' '" + out + "'")) {
    return IoError("'" + decode_cmd + "' failed");
  }
  result.decode_seconds = t0.Seconds();
  SPIX_ASSIGN_OR_RETURN(
      result.decoded,
      FromBgr(cv::imread(out, cv::IMREAD_COLOR), w, h, channels));
  return result;
}

// The first line a tool prints about its version.
std::string ToolVersion(const char* command) {
  std::string line;
  if (FILE* pipe = popen(command, "r")) {
    char buf[256];
    if (std::fgets(buf, sizeof buf, pipe)) line = buf;
    pclose(pipe);
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.pop_back();
  return line.empty() ? "version unknown" : line;
}

}  // namespace

bool ClassicalCodecAvailable(const std::string& codec, std::string* why) {
  if (codec == "jpeg" || codec == "webp" || codec == "jp2") return true;
  if (codec == "avif") {
    if (HaveTool("avifenc") && HaveTool("avifdec")) return true;
    *why = "avifenc/avifdec not installed (Debian package libavif-bin)";
    return false;
  }
  if (codec == "jxl") {
    if (HaveTool("cjxl") && HaveTool("djxl")) return true;
    *why = "cjxl/djxl not installed (Debian package libjxl-tools)";
    return false;
  }
  *why = "unknown codec '" + codec + "'";
  return false;
}

std::string ClassicalCodecSettings(const std::string& codec) {
  if (codec == "jpeg") {
    const int v = LIBJPEG_TURBO_VERSION_NUMBER;
    return "libjpeg-turbo " + std::to_string(v / 1000000) + "." +
           std::to_string(v / 1000 % 1000) + "." + std::to_string(v % 1000) +
           " through OpenCV " + CV_VERSION +
           " imencode: baseline, 4:2:0, optimised Huffman tables "
           "(IMWRITE_JPEG_OPTIMIZE), quality qN (IJG scale); like `cjpeg "
           "-optimize -quality N`";
  }
  if (codec == "webp") {
    return "libwebp " + WebpVersion() +
           " API: lossy, method 6, default preset, quality qN; like `cwebp "
           "-q N -m 6`";
  }
  if (codec == "jp2") {
    return "OpenJPEG " + OpenJpegVersion() +
           " API: JP2 file, one quality layer at the target bN bpp "
           "(compression ratio 8 x channels / N), irreversible 9/7 wavelet, "
           "colour transform, library defaults otherwise (6 resolutions, "
           "64x64 code-blocks); like `opj_compress -r 24/N -I`";
  }
  if (codec == "avif") {
    return ToolVersion("avifenc --version 2>&1") +
           ": `avifenc -j 1 -s 6 --min N --max N` (speed 6 is avifenc's "
           "default; YUV 4:4:4, its default for PNG input), `avifdec`";
  }
  if (codec == "jxl") {
    return ToolVersion("cjxl --version 2>&1") +
           ": `cjxl --num_threads=1 -e 7 -q N` (effort 7 is cjxl's default), "
           "`djxl --num_threads=1`";
  }
  return "unknown codec";
}

StatusOr<ClassicalResult> RunClassicalCodec(const std::string& codec,
                                            double setting,
                                            const uint8_t* pixels, int width,
                                            int height, int channels) {
  const int quality = int(setting);
  const std::string q = std::to_string(quality);
  if (codec == "jpeg") {
    return RunOpenCvJpeg(quality, pixels, width, height, channels);
  }
  if (codec == "webp") {
    return RunWebp(quality, pixels, width, height, channels);
  }
  if (codec == "jp2") {
    return RunOpenJpeg(setting, pixels, width, height, channels);
  }
  if (codec == "avif") {
    return RunTool("avifenc -j 1 -s 6 --min " + q + " --max " + q, "avifdec",
                   ".avif", pixels, width, height, channels);
  }
  if (codec == "jxl") {
    return RunTool("cjxl --num_threads=1 -e 7 -q " + q, "djxl --num_threads=1",
                   ".jxl", pixels, width, height, channels);
  }
  return InvalidArgument("unknown codec '" + codec + "'");
}

}  // namespace spix
