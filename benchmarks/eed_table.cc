// Edge-enhancing against homogeneous diffusion as operators alone: the same
// density-field mask and the original colours at its points, RGB PSNR of
// the reconstruction, for a grid of EED contrasts and smoothing scales (how
// the encoder's candidates were chosen; docs/operators.md).
//   build/benchmarks/eed_table [--density D] [--images kodim01,kodim23,...]
//       [--contrasts 1,2,4] [--sigmas 0.6,1] > table.md
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "baselines/diffusion.h"
#include "baselines/eed.h"
#include "baselines/planar_image.h"
#include "baselines/stopwatch.h"
#include "benchmarks/bench_data.h"
#include "bitstream/density_field.h"
#include "codec/density_mask.h"

namespace spix {
namespace {

double Psnr(const PlanarImage& a, const PlanarImage& b) {
  double se = 0;
  for (size_t i = 0; i < a.data.size(); ++i) {
    const double v = std::clamp(std::round(b.data[i]), 0.f, 255.f);
    se += (a.data[i] - v) * (a.data[i] - v);
  }
  return 10 * std::log10(255.0 * 255.0 * a.data.size() / std::max(se, 1e-9));
}

int Run(int argc, char** argv) {
  double density = 0.05;
  std::vector<std::string> images = {"kodim01", "kodim05", "kodim08",
                                     "kodim15", "kodim19", "kodim23"};
  std::vector<std::string> contrasts = {"1", "2", "4"};
  std::vector<std::string> sigmas = {"0.625", "1.5"};
  for (int k = 1; k + 1 < argc; k += 2) {
    if (!std::strcmp(argv[k], "--density")) density = std::atof(argv[k + 1]);
    if (!std::strcmp(argv[k], "--images")) images = SplitList(argv[k + 1]);
    if (!std::strcmp(argv[k], "--contrasts")) {
      contrasts = SplitList(argv[k + 1]);
    }
    if (!std::strcmp(argv[k], "--sigmas")) sigmas = SplitList(argv[k + 1]);
  }
  std::printf(
      "Density-field mask at %.3f, original colours, RGB PSNR (dB); "
      "EED columns are contrast/sigma.\n\n| image | homogeneous |",
      density);
  for (const std::string& c : contrasts) {
    for (const std::string& s : sigmas) {
      std::printf(" EED %s/%s |", c.c_str(), s.c_str());
    }
  }
  std::printf("\n|---|---|");
  for (size_t k = 0; k < contrasts.size() * sigmas.size(); ++k) {
    std::printf("---|");
  }
  std::printf("\n");
  double homogeneous_seconds = 0, eed_seconds = 0;
  int eed_runs = 0;
  for (const std::string& name : images) {
    const Image image = LoadKodak(name + ".png");
    const int w = image.width, h = image.height;
    const DensityField field =
        FitDensityField(AnalyticBlockWeights(image, kDensityBlockLog2), w, h,
                        density, kDensityBlockLog2);
    const std::vector<uint8_t> mask =
        DensityFieldMask(field, w, h, DensityFieldCount(field, w, h));
    const PlanarImage original = ToPlanar(image.pixels.data(), w, h, 3);
    PlanarImage known = original;
    for (int c = 0; c < 3; ++c) {
      for (size_t i = 0; i < mask.size(); ++i) {
        if (!mask[i]) known.plane(c)[i] = 0;
      }
    }
    PlanarImage u = known;
    Stopwatch start;
    for (int c = 0; c < 3; ++c) {
      InpaintDiffusion(w, h, mask.data(), u.plane(c), 128.f);
    }
    homogeneous_seconds += start.Seconds();
    std::printf("| %s | %.2f |", name.c_str(), Psnr(original, u));
    for (const std::string& c : contrasts) {
      for (const std::string& s : sigmas) {
        EedOptions o;
        o.contrast = std::stof(c);
        o.sigma = std::stof(s);
        u = known;
        start = Stopwatch();
        InpaintEed(mask.data(), o, &u);
        eed_seconds += start.Seconds();
        ++eed_runs;
        std::printf(" %.2f |", Psnr(original, u));
      }
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  std::printf(
      "\nMean time per image, one thread: homogeneous %.2f s, EED "
      "%.2f s.\n",
      homogeneous_seconds / images.size(), eed_seconds / eed_runs);
  return 0;
}

}  // namespace
}  // namespace spix

int main(int argc, char** argv) { return spix::Run(argc, argv); }
