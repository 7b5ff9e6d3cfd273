// The rate-distortion benchmark behind `spix bench`: every codec point of
// the specs on every image of a folder, with real file bytes, RGB PSNR,
// MS-SSIM and times; writes a per-image CSV, a summary with Bjøntegaard
// deltas, CompressAI-style JSON per curve and an RD plot.
#ifndef SPIX_BENCHMARKS_RD_DRIVER_H_
#define SPIX_BENCHMARKS_RD_DRIVER_H_

#include <functional>
#include <string>
#include <vector>

#include "bitstream/status.h"

namespace spix {

struct BenchOptions {
  std::string images;  // a folder (every image in it) or one image file
  int limit = 0;       // use only the first N images (by name); 0 = all
  std::string codecs;  // codec specs (codec_spec.h)
  std::string out_dir;
  int jobs = 1;                // images processed in parallel
  std::vector<double> at_bpp;  // rates of the fixed-rate PSNR table
  // An earlier run's per_image.csv: a curve whose label and settings it
  // holds for every image is taken from it instead of being coded again.
  std::string reuse_csv;
  // (fraction done, elapsed seconds); called from one thread at a time.
  std::function<void(double, double)> progress;
  // One line per notice (codecs skipped, plot not drawn, ...).
  std::function<void(const std::string&)> notice;
};

// Runs the benchmark and writes into options.out_dir:
//   per_image.csv   one row per image and codec point
//   summary.md      settings, means per codec point, PSNR at fixed rates,
//                   BD-rate and BD-PSNR tables
//   <curve>.json    {name, description, results: {bpp, psnr-rgb, ms-ssim,
//                   encoding_time, decoding_time}} per curve (CompressAI)
//   rd.gp, rd.svg, rd.png   the RD plot (when gnuplot is installed)
Status RunRdBenchmark(const BenchOptions& options);

}  // namespace spix

#endif  // SPIX_BENCHMARKS_RD_DRIVER_H_
