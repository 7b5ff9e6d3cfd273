// Binary-tree masks (-m tree, R-EED style) against the coded density field
// (-m density) at equal density: positions, whole file, PSNR, and the
// BD-rate over the densities. Settings as in
// benchmarks/results/position_bits.md: homogeneous diffusion, original
// colours, quantisation 12/24, no luma preference.
//   build/benchmarks/tree_masks [--images kodim01,kodim05,...]
//       [--densities 0.02,0.05,0.1] > table.md
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "benchmarks/bd_metrics.h"
#include "benchmarks/bench_data.h"
#include "bitstream/container.h"
#include "bitstream/format.h"
#include "codec/encoder.h"
#include "codec/spix.h"

namespace spix {
namespace {

struct Result {
  double positions_bpp = 0, file_bpp = 0, psnr = 0, density = 0;
};

// Codes `choice` and measures it.
Result Measure(const Image& image, const MaskChoice& choice,
               const EncodeOptions& options) {
  const double pixels = double(image.num_pixels());
  StatusOr<std::vector<uint8_t>> file = EncodeWithMask(image, choice, options);
  StatusOr<ParsedContainer> parsed =
      file.ok() ? ParseContainer(file->data(), file->size())
                : StatusOr<ParsedContainer>(file.status());
  StatusOr<Image> decoded = file.ok() ? Decode(file->data(), file->size())
                                      : StatusOr<Image>(file.status());
  if (!parsed.ok() || !decoded.ok()) {
    std::fprintf(stderr, "tree_masks: coding failed\n");
    std::exit(1);
  }
  double mask_bytes = 0;
  for (const ChunkView& chunk : parsed->chunks) {
    if (chunk.tag == kMaskChunkTag) mask_bytes = double(chunk.size);
  }
  Result r;
  r.positions_bpp = 8 * mask_bytes / pixels;
  r.file_bpp = 8 * double(file->size()) / pixels;
  r.psnr = Psnr(image, *decoded);
  r.density =
      double(std::count(choice.mask.begin(), choice.mask.end(), 1)) / pixels;
  return r;
}

int Run(int argc, char** argv) {
  std::vector<std::string> images = {"kodim01", "kodim02", "kodim03",
                                     "kodim04", "kodim05", "kodim06"};
  std::vector<std::string> densities = {"0.02", "0.05", "0.1"};
  for (int k = 1; k + 1 < argc; k += 2) {
    if (!std::strcmp(argv[k], "--images")) images = SplitList(argv[k + 1]);
    if (!std::strcmp(argv[k], "--densities")) {
      densities = SplitList(argv[k + 1]);
    }
  }
  EncodeOptions options;
  options.inpainter = Inpainter::kHomogeneousDiffusion;
  options.tonal = false;
  options.chroma_fraction = 1;
  options.quant_step_luma = 12;
  options.quant_step_chroma = 24;
  // Per mask kind (the tree, then density fields at the tree's density: the
  // analytic one of effort 2, the refined one of the default effort), per
  // density: the mean over the images; per image: the RD curve.
  constexpr int kKinds = 3;
  const char* names[kKinds] = {"binary tree", "density field (analytic)",
                               "density field (refined)"};
  std::vector<std::array<Result, kKinds>> means(densities.size());
  std::vector<std::array<RdCurve, kKinds>> curves(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const Image image = LoadKodak(images[i] + ".png");
    for (size_t j = 0; j < densities.size(); ++j) {
      const double density = std::atof(densities[j].c_str());
      std::array<Result, kKinds> row;
      for (int k = 0; k < kKinds; ++k) {
        EncodeOptions mask_options = options;
        mask_options.mask = k == 0 ? MaskMode::kTree : MaskMode::kDensity;
        mask_options.density = k == 0 ? density : row[0].density;
        mask_options.effort = k == 1 ? 2 : EncodeOptions().effort;
        StatusOr<MaskChoice> choice = SelectMask(image, mask_options);
        if (!choice.ok()) return 1;
        row[k] = Measure(image, *choice, options);
      }
      for (int k = 0; k < kKinds; ++k) {
        Result& m = means[j][k];
        m.positions_bpp += row[k].positions_bpp / images.size();
        m.file_bpp += row[k].file_bpp / images.size();
        m.psnr += row[k].psnr / images.size();
        m.density += row[k].density / images.size();
        curves[i][k].bpp.push_back(row[k].file_bpp);
        curves[i][k].psnr.push_back(row[k].psnr);
      }
    }
    std::fprintf(stderr, "%s done\n", images[i].c_str());
  }
  std::printf(
      "| mask | density asked | density | positions (bpp) | whole file "
      "(bpp) | PSNR (dB) |\n|---|---|---|---|---|---|\n");
  for (size_t j = 0; j < densities.size(); ++j) {
    for (int k = 0; k < kKinds; ++k) {
      const Result& m = means[j][k];
      std::printf("| %s | %s | %.4f | %.4f | %.4f | %.2f |\n", names[k],
                  densities[j].c_str(), m.density, m.positions_bpp, m.file_bpp,
                  m.psnr);
    }
  }
  std::printf(
      "\nBD-rate against the refined density field (mean of the per-image "
      "values; negative: fewer bits at equal PSNR):\n\n");
  for (int k : {0, 1}) {
    double sum = 0;
    int n = 0;
    for (const auto& c : curves) {
      const std::optional<BdResult> bd = BdRate(c[2], c[k]);
      if (bd) {
        sum += bd->value;
        ++n;
      }
    }
    std::printf("- %s: %+.1f %% (%d of %zu images)\n", names[k],
                n ? sum / n : 0.0, n, images.size());
  }
  return 0;
}

}  // namespace
}  // namespace spix

int main(int argc, char** argv) { return spix::Run(argc, argv); }
