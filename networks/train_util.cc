#include "networks/train_util.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

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

StatusOr<std::vector<cv::Mat>> LoadImages(const std::vector<std::string>& dirs,
                                          int crop, size_t limit) {
  std::vector<cv::Mat> images;
  for (const std::string& dir : dirs) {
    for (const std::string& path : ListImages(dir)) {
      if (limit && images.size() >= limit) return images;
      cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
      if (bgr.empty()) return IoError("cannot read training image " + path);
      if (bgr.cols < crop || bgr.rows < crop) continue;
      cv::Mat rgb;
      cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
      images.push_back(rgb);
    }
    if (images.empty()) return IoError("no images found in " + dir);
  }
  return images;
}

torch::Tensor CropToTensor(const cv::Mat& image, int x, int y, int crop,
                           bool flip) {
  torch::Tensor out = torch::empty({3, crop, crop});
  auto a = out.accessor<float, 3>();
  for (int r = 0; r < crop; ++r) {
    const uint8_t* row = image.ptr<uint8_t>(y + r);
    for (int c = 0; c < crop; ++c) {
      const uint8_t* px = row + 3 * (x + (flip ? crop - 1 - c : c));
      for (int ch = 0; ch < 3; ++ch) a[ch][r][c] = px[ch] / 255.0f;
    }
  }
  return out;
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

Status LoadOptimizer(torch::optim::Optimizer& optimizer, const fs::path& path) {
  try {
    torch::load(optimizer, path.string());
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

void WriteRgbPng(const torch::Tensor& image, const fs::path& path) {
  const torch::Tensor hwc = (image.detach().cpu().permute({1, 2, 0}) * 255)
                                .round()
                                .clamp(0, 255)
                                .to(torch::kUInt8)
                                .contiguous();
  cv::Mat rgb(int(hwc.size(0)), int(hwc.size(1)), CV_8UC3,
              hwc.data_ptr<uint8_t>());
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  cv::imwrite(path.string(), bgr);
}

}  // namespace spix
