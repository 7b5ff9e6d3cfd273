// The files `spix bench` writes from its measurements.
#ifndef SPIX_BENCHMARKS_RD_REPORT_H_
#define SPIX_BENCHMARKS_RD_REPORT_H_

#include <functional>
#include <string>
#include <vector>

#include "benchmarks/codec_spec.h"
#include "bitstream/status.h"

namespace spix {

// One image coded at one codec point.
struct PointResult {
  std::string image;
  size_t curve = 0;  // index into ReportInput::curves
  size_t point = 0;  // index into that curve's points
  size_t bytes = 0;
  double bpp = 0, psnr = 0, ms_ssim = 0;
  double encode_seconds = 0, decode_seconds = 0;
};

struct ReportInput {
  std::vector<CodecCurve> curves;
  std::vector<PointResult> results;
  size_t images = 0;
  std::string source;          // the image folder, for the descriptions
  std::vector<double> at_bpp;  // rates of the fixed-rate table
  std::vector<bool> reused;    // per curve: rows taken from an earlier run
  int jobs = 1;                // images coded in parallel
};

// The fixed-rate table's cell: the mean over the images of each image's
// PSNR at `bpp` (interpolated in log(bpp) between the two points of its
// curve around it), over the images whose curve reaches `bpp`.
struct FixedRatePsnr {
  double mean_psnr = 0;
  int images = 0;       // images whose curve reaches the rate
  int not_reached = 0;  // images whose curve does not
};
FixedRatePsnr PsnrAtBpp(const ReportInput& input, size_t curve, double bpp);

Status WriteReports(const ReportInput& input, const std::string& out_dir,
                    const std::function<void(const std::string&)>& notice);

}  // namespace spix

#endif  // SPIX_BENCHMARKS_RD_REPORT_H_
