// Bjøntegaard delta metrics (VCEG-M33): the average rate difference at equal
// quality (BD-rate, percent) and the average quality difference at equal
// rate (BD-PSNR, dB) between two rate-distortion curves, from least-squares
// polynomial fits of degree min(3, points - 1) integrated over the overlap
// of the curves. VCEG-M33 fits cubics to four points; BdFitDegree says
// which degree a pair of curves got.
#ifndef SPIX_BENCHMARKS_BD_METRICS_H_
#define SPIX_BENCHMARKS_BD_METRICS_H_

#include <optional>
#include <vector>

namespace spix {

struct RdCurve {
  std::vector<double> bpp;
  std::vector<double> psnr;
};

struct BdResult {
  double value = 0;
  double lo = 0, hi = 0;  // the overlap integrated over (PSNR or bpp)
};

// The polynomial degree the fits of these two curves use (the smaller).
int BdFitDegree(const RdCurve& anchor, const RdCurve& test);

// Negative: `test` needs fewer bits than `anchor` for the same PSNR.
std::optional<BdResult> BdRate(const RdCurve& anchor, const RdCurve& test);
// Positive: `test` is better than `anchor` at the same rate.
std::optional<BdResult> BdPsnr(const RdCurve& anchor, const RdCurve& test);

// The curve's PSNR at `bpp`, interpolated linearly in log(bpp) between the
// two points around it (points in any order); none when the curve does not
// reach that rate on both sides.
std::optional<double> PsnrAtRate(const RdCurve& curve, double bpp);

}  // namespace spix

#endif  // SPIX_BENCHMARKS_BD_METRICS_H_
