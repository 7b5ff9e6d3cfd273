// Bjøntegaard delta metrics (VCEG-M33): the average rate difference at equal
// quality (BD-rate, percent) and the average quality difference at equal
// rate (BD-PSNR, dB) between two rate-distortion curves, from cubic fits
// (fewer points: lower degree) integrated over the overlap of the curves.
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

// Negative: `test` needs fewer bits than `anchor` for the same PSNR.
std::optional<BdResult> BdRate(const RdCurve& anchor, const RdCurve& test);
// Positive: `test` is better than `anchor` at the same rate.
std::optional<BdResult> BdPsnr(const RdCurve& anchor, const RdCurve& test);

}  // namespace spix

#endif  // SPIX_BENCHMARKS_BD_METRICS_H_
