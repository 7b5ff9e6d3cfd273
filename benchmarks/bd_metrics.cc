#include "benchmarks/bd_metrics.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace spix {
namespace {

// Least-squares polynomial y(x), degree min(3, points - 1).
Eigen::VectorXd Fit(const std::vector<double>& x,
                    const std::vector<double>& y) {
  const int degree = std::min<int>(3, int(x.size()) - 1);
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
