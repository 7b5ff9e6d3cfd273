// spix bench: rate-distortion curves of spix and the classical codecs.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "benchmarks/codec_spec.h"
#include "benchmarks/rd_driver.h"
#include "tools/cli_util.h"
#include "tools/progress.h"

namespace spix {
namespace {

int RunBench(BenchOptions options, bool quiet) {
  ProgressLine progress(!quiet);
  options.progress = [&progress](double done, double) {
    progress.Update("bench", done);
  };
  options.notice = [quiet](const std::string& line) {
    if (!quiet) std::fprintf(stderr, "spix: notice: %s\n", line.c_str());
  };
  const Status st = RunRdBenchmark(options);
  progress.Finish();
  if (!st.ok()) return ReportError(st);
  if (!quiet) {
    std::printf(
        "wrote %s/summary.md, per_image.csv, *.json, rd.gp (rd.svg, rd.png)\n",
        options.out_dir.c_str());
  }
  return kExitOk;
}

}  // namespace

CommandRunner AddBenchCommand(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  auto quiet = std::make_shared<bool>(false);
  options->images = "../shared/data/kodak";
  options->codecs = kDefaultCodecSpecs;
  options->out_dir = "bench-out";
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Rate-distortion benchmark of spix against JPEG, WebP, JPEG 2000 (and "
      "AVIF, JPEG XL when avifenc/cjxl are installed) over a folder of "
      "images: bpp from real file bytes, RGB PSNR, MS-SSIM, times, "
      "Bjøntegaard deltas and an RD plot.");
  cmd->add_option("images", options->images, "Image folder or file")
      ->capture_default_str();
  cmd->add_option(
         "-c,--codecs", options->codecs,
         "Codec specs: comma-separated, fields by ':', one field may "
         "sweep values with '/'. A spix item is the diffusion codec on a "
         "grid with the original colours, chroma everywhere, steps 12/24 "
         "and no post-filter unless its fields say otherwise: "
         "g (learned generator, with tonal steps), eed (edge-enhancing "
         "diffusion), "
         "grid|halftone|random|ps|ps+nlpe|learned|density|ps-density|tree "
         "(mask), d<density>, q<luma>[x<chroma>], qauto (the steps per "
         "image, as spix encode picks them), qmap<0..16> (spix encode "
         "--luma-step-exponent; unset: its default), c<NLPE cycles>, "
         "cf<chroma fraction> (luma preference), cfauto (luma preference, the "
         "share spix encode picks per image, weighed from effort 8), tonal, "
         "notonal, pf (the post-filter of spix encode), mse, "
         "e<effort 1..9>. "
         "Anchors, each run as its own tool runs it (summary.md lists the "
         "exact settings): jpeg:q<1..100>, webp:q<0..100>, jxl:q<5..100>, "
         "jp2:b<target bpp> (OpenJPEG's rate allocation), "
         "avif:q<quantizer 0..63>")
      ->capture_default_str();
  cmd->add_option("-o,--out", options->out_dir, "Folder for the results")
      ->capture_default_str();
  cmd->add_option("-n,--limit", options->limit,
                  "Use only the first N images (by name); 0 = all")
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("-j,--jobs", options->jobs, "Images coded in parallel")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  options->at_bpp = {0.1, 0.25, 0.5};
  cmd->add_option("--at-bpp", options->at_bpp,
                  "Rates (bpp, comma-separated) of the fixed-rate table: each "
                  "image's PSNR there, interpolated in log(bpp), averaged")
      ->delimiter(',')
      ->check(CLI::Range(1e-6, 64.0))
      ->capture_default_str();
  cmd->add_option("--reuse", options->reuse_csv,
                  "An earlier run's per_image.csv: curves it holds for every "
                  "image (same label and settings) are taken from it, not "
                  "coded again (their times are the earlier run's)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--quiet", *quiet, "No progress, notices or summary line");
  cmd->footer(
      "Example: spix bench ../shared/data/kodak -c "
      "'spix:grid:d0.02/0.05/0.1,spix:ps+nlpe:c1:d0.05/0.1,jpeg:q10/30/50,"
      "jp2:b0.1/0.25/0.5' -j 2 --at-bpp 0.1,0.25,0.5");
  return [options, quiet] { return RunBench(*options, *quiet); };
}

}  // namespace spix
