#include "benchmarks/bd_metrics.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace spix {
namespace {

int Degree(size_t points) { return std::min<int>(3, int(points) - 1); }

// Least-squares polynomial y(x), degree min(3, points - 1).
Eigen::VectorXd Fit(const std::vector<double>& x,
                    const std::vector<double>& y) {
  const int degree = Degree(x.size());
  Eigen::MatrixXd a(x.size(), degree + 1);
  Eigen::VectorXd b(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    for (int k = 0; k <= degree; ++k) a(i, k) = std::pow(x[i], k);
    b(i) = y[i];
  }
  return a.colPivHouseholderQr().solve(b);
}

// Integral of the polynomial from lo to hi.
double Integral(const Eigen::VectorXd& p, double lo, double hi) {
  double sum = 0;
  for (int k = 0; k < p.size(); ++k) {
    sum += p(k) * (std::pow(hi, k + 1) - std::pow(lo, k + 1)) / (k + 1);
  }
  return sum;
}

// Mean difference of y_test(x) - y_anchor(x) over the overlap of the x.
std::optional<BdResult> MeanGap(const std::vector<double>& xa,
                                const std::vector<double>& ya,
                                const std::vector<double>& xt,
                                const std::vector<double>& yt) {
  if (xa.size() < 2 || xt.size() < 2) return std::nullopt;
  const double lo = std::max(*std::min_element(xa.begin(), xa.end()),
                             *std::min_element(xt.begin(), xt.end()));
  const double hi = std::min(*std::max_element(xa.begin(), xa.end()),
                             *std::max_element(xt.begin(), xt.end()));
  if (!(hi > lo)) return std::nullopt;
  const double gap =
      (Integral(Fit(xt, yt), lo, hi) - Integral(Fit(xa, ya), lo, hi)) /
      (hi - lo);
  return BdResult{gap, lo, hi};
}

std::vector<double> Log(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v) out.push_back(std::log(x));
  return out;
}

}  // namespace

int BdFitDegree(const RdCurve& anchor, const RdCurve& test) {
  return std::min(Degree(anchor.bpp.size()), Degree(test.bpp.size()));
}

std::optional<double> PsnrAtRate(const RdCurve& curve, double bpp) {
  std::vector<std::pair<double, double>> points;
  for (size_t i = 0; i < curve.bpp.size(); ++i) {
    if (curve.bpp[i] > 0) points.emplace_back(curve.bpp[i], curve.psnr[i]);
  }
  std::sort(points.begin(), points.end());
  for (size_t i = 0; i + 1 < points.size(); ++i) {
    const auto [b0, p0] = points[i];
    const auto [b1, p1] = points[i + 1];
    if (bpp < b0 || bpp > b1) continue;
    if (b1 == b0) return std::max(p0, p1);
    const double t = std::log(bpp / b0) / std::log(b1 / b0);
    return p0 + t * (p1 - p0);
  }
  // A single point exactly at the target also counts.
  for (const auto& [b, p] : points) {
    if (b == bpp) return p;
  }
  return std::nullopt;
}

std::optional<BdResult> BdRate(const RdCurve& anchor, const RdCurve& test) {
  auto gap = MeanGap(anchor.psnr, Log(anchor.bpp), test.psnr, Log(test.bpp));
  if (!gap) return std::nullopt;
  gap->value = (std::exp(gap->value) - 1) * 100;
  return gap;
}

std::optional<BdResult> BdPsnr(const RdCurve& anchor, const RdCurve& test) {
  auto gap = MeanGap(Log(anchor.bpp), anchor.psnr, Log(test.bpp), test.psnr);
  if (!gap) return std::nullopt;
  gap->lo = std::exp(gap->lo);
  gap->hi = std::exp(gap->hi);
  return gap;
}

}  // namespace spix
