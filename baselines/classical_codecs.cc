#include "baselines/classical_codecs.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "baselines/stopwatch.h"

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

StatusOr<ClassicalResult> RunOpenCv(const std::string& ext, int param,
                                    int quality, const uint8_t* pixels, int w,
                                    int h, int channels) {
  const cv::Mat bgr = ToBgr(pixels, w, h, channels);
  ClassicalResult result;
  std::vector<uint8_t> encoded;
  Stopwatch t0;
  if (!cv::imencode(ext, bgr, encoded, {param, quality})) {
    return IoError("OpenCV cannot encode " + ext);
  }
  result.encode_seconds = t0.Seconds();
  result.bytes = encoded.size();
  t0 = Stopwatch();
  const cv::Mat decoded = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
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
  result.bytes = std::filesystem::file_size(coded);
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

StatusOr<ClassicalResult> RunClassicalCodec(const std::string& codec,
                                            int quality, const uint8_t* pixels,
                                            int width, int height,
                                            int channels) {
  const std::string q = std::to_string(quality);
  if (codec == "jpeg") {
    return RunOpenCv(".jpg", cv::IMWRITE_JPEG_QUALITY, quality, pixels, width,
                     height, channels);
  }
  if (codec == "webp") {
    return RunOpenCv(".webp", cv::IMWRITE_WEBP_QUALITY, quality, pixels, width,
                     height, channels);
  }
  if (codec == "jp2") {
    return RunOpenCv(".jp2", cv::IMWRITE_JPEG2000_COMPRESSION_X1000, quality,
                     pixels, width, height, channels);
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
