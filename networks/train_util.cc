#include "networks/train_util.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#if SPIX_WITH_OPENCV
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

#include "networks/modules.h"

namespace spix {

namespace fs = std::filesystem;

double Uniform(SplitMix64& rng) { return double(rng.Next() >> 11) * 0x1.0p-53; }

std::vector<std::string> ListImages(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (ext == ".jpg" || ext == ".jpeg" || ext == ".png") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

namespace {

constexpr char kPackMagic[8] = {'S', 'P', 'I', 'X', 'P', 'A', 'C', 'K'};
constexpr uint32_t kMaxPackSide = 1 << 14;

uint32_t ReadLe32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
         uint32_t(p[3]) << 24;
}

bool IsPack(const std::string& path) {
  return fs::path(path).extension() == ".pack";
}

StatusOr<std::vector<RgbImage>> DecodeDirectory(const std::string& dir) {
  std::vector<RgbImage> images;
#if SPIX_WITH_OPENCV
  for (const std::string& path : ListImages(dir)) {
    cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty()) return IoError("cannot read training image " + path);
    RgbImage image{bgr.cols, bgr.rows, {}};
    image.pixels.resize(size_t(bgr.cols) * bgr.rows * 3);
    cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, image.pixels.data());
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    images.push_back(std::move(image));
  }
#else
  return InvalidArgument("this build has no image decoder; pack " + dir +
                         " with scripts/pack_images.py and pass the .pack");
#endif
  return images;
}

}  // namespace

StatusOr<std::vector<RgbImage>> ReadImagePack(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return IoError("cannot open image pack " + path);
  const std::string data((std::istreambuf_iterator<char>(file)),
                         std::istreambuf_iterator<char>());
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  if (data.size() < 8 || std::memcmp(bytes, kPackMagic, 8) != 0) {
    return CorruptData(path + " is not an image pack (no SPIXPACK magic)");
  }
  std::vector<RgbImage> images;
  size_t at = 8;
  while (at < data.size()) {
    if (data.size() - at < 8) return CorruptData(path + " is truncated");
    RgbImage image;
    const uint32_t width = ReadLe32(bytes + at),
                   height = ReadLe32(bytes + at + 4);
    at += 8;
    if (width == 0 || height == 0 || width > kMaxPackSide ||
        height > kMaxPackSide) {
      return CorruptData(path + " holds an image of absurd size");
    }
    const size_t size = size_t(width) * height * 3;
    if (data.size() - at < size) return CorruptData(path + " is truncated");
    image.width = int(width);
    image.height = int(height);
    image.pixels.assign(bytes + at, bytes + at + size);
    at += size;
    images.push_back(std::move(image));
  }
  return images;
}

StatusOr<std::vector<RgbImage>> LoadImages(
    const std::vector<std::string>& sources, int crop, size_t limit) {
  std::vector<RgbImage> images;
  for (const std::string& source : sources) {
    SPIX_ASSIGN_OR_RETURN(
        std::vector<RgbImage> found,
        IsPack(source) ? ReadImagePack(source) : DecodeDirectory(source));
    if (found.empty()) return IoError("no images found in " + source);
    for (RgbImage& image : found) {
      if (limit && images.size() >= limit) return images;
      if (image.width >= crop && image.height >= crop)
        images.push_back(std::move(image));
    }
  }
  return images;
}

void CopyCrop(const RgbImage& image, int x, int y, int crop, bool flip,
              uint8_t* out) {
  for (int r = 0; r < crop; ++r) {
    const uint8_t* row =
        image.pixels.data() + (size_t(y + r) * image.width + x) * 3;
    if (!flip) {
      std::memcpy(out, row, size_t(crop) * 3);
      out += crop * 3;
      continue;
    }
    for (int c = crop - 1; c >= 0; --c) {
      std::memcpy(out, row + 3 * c, 3);
      out += 3;
    }
  }
}

torch::Tensor CropsToFloat(const torch::Tensor& crops,
                           const torch::Device& device) {
  return crops.to(device).permute({0, 3, 1, 2}).to(torch::kFloat32).div_(255);
}

double Psnr(const torch::Tensor& a, const torch::Tensor& b) {
  const double mse = (a - b).pow(2).mean().item<double>();
  return 10 * std::log10(1.0 / std::max(mse, 1e-12));
}

std::string Fixed(double v, int digits) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}

Status SaveModule(torch::nn::Module& module, const std::string& name,
                  int version, const fs::path& path) {
  return WriteWeightFile(path.string(), ToWeightFile(module, name, version));
}

Status LoadModule(torch::nn::Module* module, const std::string& name,
                  int version, const fs::path& path) {
  SPIX_ASSIGN_OR_RETURN(WeightFile file, ReadWeightFile(path.string()));
  return LoadWeightFile(file, name, module, version);
}

Status SaveOptimizer(torch::optim::Optimizer& optimizer, const fs::path& path) {
  try {
    torch::save(optimizer, path.string());
  } catch (const std::exception& e) {
    return IoError("cannot save optimiser state " + path.string() + ": " +
                   e.what());
  }
  return OkStatus();
}

Status LoadOptimizer(torch::optim::Optimizer& optimizer, const fs::path& path,
                     const torch::Device& device) {
  try {
    torch::load(optimizer, path.string(), device);
  } catch (const std::exception& e) {
    return CorruptData("cannot load optimiser state " + path.string() + ": " +
                       e.what());
  }
  return OkStatus();
}

StatusOr<int64_t> OpenCheckpointDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("cannot create checkpoint directory " + dir.string());
  return ReadStepFile(dir);
}

void WriteStepFile(const fs::path& dir, int64_t step) {
  std::ofstream(dir / "step.tmp") << step << "\n";
  fs::rename(dir / "step.tmp", dir / "step");
}

int64_t ReadStepFile(const fs::path& dir) {
  std::ifstream file(dir / "step");
  int64_t step = 0;
  return file >> step ? step : 0;
}

Status KeepInHistory(const fs::path& dir, int64_t step,
                     const std::vector<std::string>& files) {
  const fs::path history = dir / "history" / std::to_string(step);
  std::error_code ec;
  fs::create_directories(history, ec);
  for (const std::string& file : files) {
    if (ec) break;
    fs::copy_file(dir / file, history / file,
                  fs::copy_options::overwrite_existing, ec);
  }
  if (ec) return IoError("cannot write " + history.string());
  return OkStatus();
}

void WriteRgbPng(const torch::Tensor& image, const fs::path& path) {
  const torch::Tensor hwc = (image.detach().cpu().permute({1, 2, 0}) * 255)
                                .round()
                                .clamp(0, 255)
                                .to(torch::kUInt8)
                                .contiguous();
  const int height = int(hwc.size(0)), width = int(hwc.size(1));
#if SPIX_WITH_OPENCV
  cv::Mat rgb(height, width, CV_8UC3, hwc.data_ptr<uint8_t>());
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  cv::imwrite(path.string(), bgr);
#else
  std::ofstream ppm(path.string() + ".ppm", std::ios::binary);
  ppm << "P6\n" << width << " " << height << "\n255\n";
  ppm.write(reinterpret_cast<const char*>(hwc.data_ptr<uint8_t>()),
            std::streamsize(hwc.numel()));
#endif
}

}  // namespace spix
