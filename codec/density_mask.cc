#include "codec/density_mask.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>

namespace spix {
namespace {

// The settings behind benchmarks/results/kodak_v2. On six Kodak images
// (diffusion, original colours) power 1.5 with sigma 2.5 was 5 % better in
// BD-rate; it was not re-measured with tonal values and luma preference.
constexpr double kSmoothingSigma = 1.5;
constexpr double kLaplacianPower = 1.0;
constexpr double kFloorFraction = 0.1;  // of the mean weight
// RefineBlockWeights: the error model's exponent, how far each round moves
// towards the new weights (in log), and a floor so no block empties. Of
// exponents 0-2 and steps 0.3-1, these lowered EED's luma error most on six
// Kodak images at 5 % (by 0-10 %: smooth images gain, textured ones keep
// their analytic field).
constexpr double kErrorPower = 0.25;
constexpr double kRefineStep = 0.5;
constexpr double kRefineFloor = 0.05;  // of the mean weight

// Mean of a per-pixel map over each block.
std::vector<double> BlockMeans(const float* map, int width, int height,
                               int block_log2) {
  const DensityField shape = EmptyDensityField(width, height, block_log2);
  std::vector<double> sum(shape.levels.size(), 0.0);
  std::vector<int> count(shape.levels.size(), 0);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const size_t b =
          size_t(y >> block_log2) * shape.cols + size_t(x >> block_log2);
      sum[b] += map[size_t(y) * width + x];
      ++count[b];
    }
  }
  for (size_t b = 0; b < sum.size(); ++b) sum[b] /= std::max(count[b], 1);
  return sum;
}

// `values` scaled to mean 1.
void NormaliseMean(std::vector<double>* values) {
  double mean = 0;
  for (double v : *values) mean += v;
  mean /= double(values->size());
  for (double& v : *values) v /= mean;
}

}  // namespace

std::vector<double> AnalyticBlockWeights(const Image& image, int block_log2) {
  const int w = image.width, h = image.height;
  std::vector<float> luma_values = LumaOf(image);
  cv::Mat luma(h, w, CV_32F, luma_values.data());
  cv::Mat smooth, laplacian;
  cv::GaussianBlur(luma, smooth, cv::Size(0, 0), kSmoothingSigma, 0,
                   cv::BORDER_REFLECT);
  cv::Laplacian(smooth, laplacian, CV_32F, 1, 1, 0, cv::BORDER_REFLECT);
  laplacian = cv::abs(laplacian);
  if (kLaplacianPower != 1.0) cv::pow(laplacian, kLaplacianPower, laplacian);
  std::vector<double> weights =
      BlockMeans(laplacian.ptr<float>(), w, h, block_log2);
  double mean = 0;
  for (double v : weights) mean += v;
  mean /= double(weights.size());
  for (double& v : weights) v += kFloorFraction * mean + 1e-12;
  return weights;
}

std::vector<double> MaskBlockWeights(const std::vector<uint8_t>& mask,
                                     int width, int height, int block_log2) {
  std::vector<float> map(mask.begin(), mask.end());
  std::vector<double> weights =
      BlockMeans(map.data(), width, height, block_log2);
  for (double& v : weights) v += 1e-12;
  return weights;
}

std::vector<double> RefineBlockWeights(const Image& image,
                                       std::vector<double> weights,
                                       double density, int block_log2,
                                       int iterations,
                                       const LumaInpainter& inpaint) {
  const int w = image.width, h = image.height;
  const std::vector<float> luma = LumaOf(image);
  std::vector<double> best = weights;
  double best_error = std::numeric_limits<double>::infinity();
  for (int round = 0; round <= iterations; ++round) {
    const DensityField field =
        FitDensityField(weights, w, h, density, block_log2);
    const std::vector<uint8_t> mask =
        DensityFieldMask(field, w, h, DensityFieldCount(field, w, h));
    std::vector<float> u = luma;
    inpaint(mask, u.data());
    std::vector<float> error(luma.size()), points(luma.size());
    double total = 0;
    for (size_t i = 0; i < luma.size(); ++i) {
      error[i] = (u[i] - luma[i]) * (u[i] - luma[i]);
      points[i] = mask[i];
      total += error[i];
    }
    if (total < best_error) {
      best_error = total;
      best = weights;
    }
    if (round == iterations) break;
    const std::vector<double> block_error =
        BlockMeans(error.data(), w, h, block_log2);
    const std::vector<double> block_density =
        BlockMeans(points.data(), w, h, block_log2);
    const double block_area = double(1 << block_log2) * (1 << block_log2);
    std::vector<double> target(weights.size());
    for (size_t b = 0; b < target.size(); ++b) {
      const double d = std::max(block_density[b], 0.5 / block_area);
      target[b] = std::pow(block_error[b] * std::pow(d, kErrorPower),
                           1.0 / (kErrorPower + 1));
    }
    NormaliseMean(&target);
    NormaliseMean(&weights);
    for (size_t b = 0; b < target.size(); ++b) {
      weights[b] = std::pow(weights[b], 1 - kRefineStep) *
                   std::pow(target[b] + kRefineFloor, kRefineStep);
    }
  }
  return best;
}

DensityField FitDensityField(const std::vector<double>& weights, int width,
                             int height, double density, int block_log2) {
  DensityField field = EmptyDensityField(width, height, block_log2);
  // Pixels per block, for the count a scale gives before interpolation.
  std::vector<double> area(field.levels.size());
  for (int by = 0; by < field.rows; ++by) {
    for (int bx = 0; bx < field.cols; ++bx) {
      const int bw = std::min(field.block(), width - (bx << block_log2));
      const int bh = std::min(field.block(), height - (by << block_log2));
      area[size_t(by) * field.cols + bx] = double(bw) * bh;
    }
  }
  const double want = density * double(width) * double(height);
  auto quantise = [&](double scale) {
    double count = 0;
    for (size_t b = 0; b < weights.size(); ++b) {
      field.levels[b] = uint8_t(NearestDensityLevel(scale * weights[b]));
      count += area[b] * DensityLevelValue(field.levels[b]) / 1048576.0;
    }
    return count;
  };
  // The count grows with the scale: bisect it in log.
  double lo = -60, hi = 60;
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (lo + hi);
    (quantise(std::exp2(mid)) < want ? lo : hi) = mid;
  }
  quantise(std::exp2(hi));
  return field;
}

}  // namespace spix
