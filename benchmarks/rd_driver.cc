#include "benchmarks/rd_driver.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <tuple>

#include "baselines/classical_codecs.h"
#include "baselines/stopwatch.h"
#include "benchmarks/codec_spec.h"
#include "benchmarks/rd_report.h"
#include "codec/image_io.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

StatusOr<std::vector<std::string>> ListImages(const std::string& path,
                                              int limit) {
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_regular_file(path, ec)) {
    files.push_back(path);
  } else if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      std::string ext = e.path().extension();
      std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
      static const char* kExts[] = {".png", ".jpg", ".jpeg", ".ppm",
                                    ".pgm", ".bmp", ".tif",  ".tiff"};
      if (std::find(std::begin(kExts), std::end(kExts), ext) !=
          std::end(kExts)) {
        files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
  } else {
    return IoError("no image or folder '" + path + "'");
  }
  if (limit > 0 && int(files.size()) > limit) files.resize(limit);
  if (files.empty()) return InvalidArgument("no images in '" + path + "'");
  return files;
}

StatusOr<PointResult> RunPoint(const CodecCurve& curve, const CodecPoint& point,
                               const Image& image) {
  PointResult r;
  Image decoded;
  if (curve.codec == "spix") {
    Stopwatch t0;
    SPIX_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                          Encode(image, point.spix));
    r.encode_seconds = t0.Seconds();
    t0 = Stopwatch();
    SPIX_ASSIGN_OR_RETURN(decoded, Decode(bytes.data(), bytes.size()));
    r.decode_seconds = t0.Seconds();
    r.bytes = bytes.size();
  } else {
    SPIX_ASSIGN_OR_RETURN(
        ClassicalResult c,
        RunClassicalCodec(curve.codec, point.value, image.pixels.data(),
                          image.width, image.height, image.channels));
    decoded = Image(image.width, image.height, image.channels);
    decoded.pixels = std::move(c.decoded);
    r.bytes = c.file.size();
    r.encode_seconds = c.encode_seconds;
    r.decode_seconds = c.decode_seconds;
  }
  r.bpp = 8.0 * double(r.bytes) / double(image.num_pixels());
  r.psnr = Psnr(image, decoded);
  r.ms_ssim = MsSsim(image, decoded);
  return r;
}

// Rows of an earlier per_image.csv, keyed by (curve label, setting, image).
using ReusedRows =
    std::map<std::tuple<std::string, std::string, std::string>, PointResult>;

StatusOr<ReusedRows> ReadReusedRows(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line) ||
      line.rfind("image,codec,setting,bytes,bpp,psnr_rgb", 0) != 0) {
    return IoError("'" + path + "' is not a per_image.csv of spix bench");
  }
  ReusedRows rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string part; std::getline(fields, part, ',');) f.push_back(part);
    if (f.size() != 9) return CorruptData("bad row in '" + path + "': " + line);
    // Every number must parse whole.
    auto number = [&](const std::string& text, double* out) {
      char* end = nullptr;
      *out = std::strtod(text.c_str(), &end);
      return !text.empty() && *end == '\0';
    };
    PointResult r;
    r.image = f[0];
    double bytes = 0;
    if (!number(f[3], &bytes) || !number(f[4], &r.bpp) ||
        !number(f[5], &r.psnr) || !number(f[6], &r.ms_ssim) ||
        !number(f[7], &r.encode_seconds) || !number(f[8], &r.decode_seconds)) {
      return CorruptData("bad number in '" + path + "': " + line);
    }
    r.bytes = size_t(bytes);
    rows[{f[1], f[2], f[0]}] = r;
  }
  return rows;
}

// The curve's rows for every image, or nothing when any is missing.
std::vector<PointResult> TakeReused(const ReusedRows& rows,
                                    const CodecCurve& curve, size_t index,
                                    const std::vector<std::string>& files) {
  std::vector<PointResult> out;
  for (const std::string& file : files) {
    for (size_t p = 0; p < curve.points.size(); ++p) {
      const auto it = rows.find(
          {curve.label, curve.points[p].setting, fs::path(file).filename()});
      if (it == rows.end()) return {};
      out.push_back(it->second);
      out.back().curve = index;
      out.back().point = p;
    }
  }
  return out;
}

}  // namespace

Status RunRdBenchmark(const BenchOptions& options) {
  SPIX_ASSIGN_OR_RETURN(std::vector<CodecCurve> curves,
                        ParseCodecSpecs(options.codecs));
  // Drop the codecs this machine cannot run, with a notice.
  std::vector<CodecCurve> runnable;
  for (const CodecCurve& c : curves) {
    std::string why;
    if (c.codec == "spix" || ClassicalCodecAvailable(c.codec, &why)) {
      runnable.push_back(c);
    } else if (options.notice) {
      options.notice("skipping " + c.label + ": " + why);
    }
  }
  if (runnable.empty()) return InvalidArgument("no codec to run");
  SPIX_ASSIGN_OR_RETURN(std::vector<std::string> files,
                        ListImages(options.images, options.limit));
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec)
    return IoError("cannot create '" + options.out_dir + "': " + ec.message());

  std::vector<PointResult> reused;
  std::vector<bool> is_reused(runnable.size(), false);
  if (!options.reuse_csv.empty()) {
    SPIX_ASSIGN_OR_RETURN(const ReusedRows rows,
                          ReadReusedRows(options.reuse_csv));
    for (size_t c = 0; c < runnable.size(); ++c) {
      std::vector<PointResult> r = TakeReused(rows, runnable[c], c, files);
      if (r.empty()) continue;
      is_reused[c] = true;
      reused.insert(reused.end(), r.begin(), r.end());
      if (options.notice) {
        options.notice("reusing " + runnable[c].label + " from " +
                       options.reuse_csv);
      }
    }
  }
  size_t points_per_image = 0;
  for (size_t c = 0; c < runnable.size(); ++c) {
    if (!is_reused[c]) points_per_image += runnable[c].points.size();
  }
  const size_t total = points_per_image * files.size();
  std::vector<std::vector<PointResult>> results(files.size());
  std::atomic<size_t> next_image{0};
  std::mutex lock;
  size_t done = 0;
  Status failure;
  Stopwatch start;

  auto worker = [&] {
    for (size_t k = next_image++; k < files.size(); k = next_image++) {
      std::vector<std::string> warnings;
      StatusOr<Image> image = ReadImage(files[k], &warnings);
      for (size_t ci = 0; ci < runnable.size() && image.ok(); ++ci) {
        if (is_reused[ci]) continue;
        for (size_t pi = 0; pi < runnable[ci].points.size(); ++pi) {
          StatusOr<PointResult> r =
              RunPoint(runnable[ci], runnable[ci].points[pi], *image);
          std::lock_guard<std::mutex> guard(lock);
          if (!r.ok()) {
            if (failure.ok()) {
              failure = Status(r.status().code(),
                               files[k] + ", " + runnable[ci].label + " " +
                                   runnable[ci].points[pi].setting + ": " +
                                   r.status().message());
            }
            continue;
          }
          r->image = fs::path(files[k]).filename();
          r->curve = ci;
          r->point = pi;
          results[k].push_back(*r);
          ++done;
          if (options.progress) {
            options.progress(double(done) / double(total), start.Seconds());
          }
        }
      }
      std::lock_guard<std::mutex> guard(lock);
      if (!image.ok() && failure.ok()) failure = image.status();
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < std::max(1, options.jobs); ++j)
    threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  SPIX_RETURN_IF_ERROR(failure);

  std::vector<PointResult> flat = reused;
  for (auto& r : results) flat.insert(flat.end(), r.begin(), r.end());
  ReportInput report{runnable,       flat,      files.size(), options.images,
                     options.at_bpp, is_reused, options.jobs};
  return WriteReports(report, options.out_dir, options.notice);
}

}  // namespace spix
