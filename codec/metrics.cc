#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "codec/image.h"

namespace spix {
namespace {

cv::Mat Channel(const Image& img, int c) {
  cv::Mat out(img.height, img.width, CV_64F);
  for (int y = 0; y < img.height; ++y) {
    double* row = out.ptr<double>(y);
    for (int x = 0; x < img.width; ++x) row[x] = img.pixel(x, y)[c];
  }
  return out;
}

struct SsimMeans {
  double ssim = 0;       // mean of the SSIM map
  double luminance = 0;  // mean of the luminance term
  double contrast_structure = 0;
};

// One channel, as Wang et al. 2004: 11x11 Gaussian window, sigma 1.5,
// K1 = 0.01, K2 = 0.03, L = 255.
SsimMeans SsimOfChannel(const cv::Mat& x, const cv::Mat& y) {
  const double c1 = std::pow(0.01 * 255, 2), c2 = std::pow(0.03 * 255, 2);
  auto blur = [](const cv::Mat& m) {
    cv::Mat out;
    cv::GaussianBlur(m, out, cv::Size(11, 11), 1.5, 1.5, cv::BORDER_REFLECT);
    return out;
  };
  const cv::Mat mx = blur(x), my = blur(y);
  const cv::Mat mxx = mx.mul(mx), myy = my.mul(my), mxy = mx.mul(my);
  const cv::Mat vx = blur(x.mul(x)) - mxx, vy = blur(y.mul(y)) - myy;
  const cv::Mat cov = blur(x.mul(y)) - mxy;
  const cv::Mat l = (2 * mxy + c1) / (mxx + myy + c1);
  const cv::Mat cs = (2 * cov + c2) / (vx + vy + c2);
  return {cv::mean(l.mul(cs))[0], cv::mean(l)[0], cv::mean(cs)[0]};
}

}  // namespace

double SquaredError(const Image& a, const Image& b) {
  double sse = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    const double d = double(a.pixels[i]) - double(b.pixels[i]);
    sse += d * d;
  }
  return sse;
}

double Psnr(const Image& a, const Image& b) {
  const double sse = SquaredError(a, b);
  if (sse == 0) return std::numeric_limits<double>::infinity();
  const double mse = sse / double(a.pixels.size());
  return 10.0 * std::log10(255.0 * 255.0 / mse);
}

double MeanAbsoluteError(const Image& a, const Image& b) {
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    sum += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
  }
  return sum / double(a.pixels.size());
}

double Ssim(const Image& a, const Image& b) {
  double total = 0;
  for (int c = 0; c < a.channels; ++c) {
    total += SsimOfChannel(Channel(a, c), Channel(b, c)).ssim;
  }
  return total / a.channels;
}

double MsSsim(const Image& a, const Image& b) {
  // Wang, Simoncelli, Bovik 2003: five scales with these exponents; fewer
  // scales (weights renormalised) when the image is too small for five.
  static const double kWeights[5] = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
  int scales = 1;
  while (scales < 5 && (std::min(a.width, a.height) >> scales) >= 11) ++scales;
  double weight_sum = 0;
  for (int s = 0; s < scales; ++s) weight_sum += kWeights[s];
  double total = 0;
  for (int c = 0; c < a.channels; ++c) {
    cv::Mat x = Channel(a, c), y = Channel(b, c);
    double value = 1;
    for (int s = 0; s < scales; ++s) {
      const SsimMeans m = SsimOfChannel(x, y);
      const double w = kWeights[s] / weight_sum;
      value *= std::pow(std::max(m.contrast_structure, 0.0), w);
      if (s == scales - 1) value *= std::pow(std::max(m.luminance, 0.0), w);
      cv::resize(x, x, cv::Size(x.cols / 2, x.rows / 2), 0, 0, cv::INTER_AREA);
      cv::resize(y, y, cv::Size(y.cols / 2, y.rows / 2), 0, 0, cv::INTER_AREA);
    }
    total += value;
  }
  return total / a.channels;
}

}  // namespace spix
