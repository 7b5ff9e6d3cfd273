// Paper Tables 2-4 analogue for the learned codec (Peter et al., section 4):
//   Table 2: PSNR on natural64/val (64x64) at 5/10/20 % for g and for
//            diffusion on the same random and grid masks, and the codec's
//            operators (homogeneous and edge-enhancing diffusion) on grid
//            and density-field masks, through codec/inpainter.h;
//   Table 3: MAE and SSIM on BSDS500 test centre crops (as ps_nlpe_table);
//   Table 4: seconds per crop for g, its tonal optimisation and EED.
// Learned-mask columns need mask-m.safetensors beside g (else "-").
// Values are stored exactly (no quantisation), as in the paper's tables.
//   build/benchmarks/learned_tables [--val-images N] [--bsds-images N]
//       [--tonal-steps S] [--threads T] [--models DIR]
//       > benchmarks/results/learned_tables.md
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "baselines/diffusion.h"
#include "baselines/stopwatch.h"
#include "benchmarks/bench_data.h"
#include "bitstream/halftone.h"
#include "codec/inpainter.h"
#include "codec/mask_selection.h"
#include "networks/inference.h"

namespace spix {
namespace {

const double kDensities[] = {0.05, 0.10, 0.20};

// The default mask of `-i learned` (`-m halftone`).
std::vector<uint8_t> FlatMask(int width, int height, double density) {
  return FlatHalftone(width, height, KnownPixelCount(width, height, density));
}

std::vector<std::string> SortedImages(const std::string& dir, size_t limit) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string ext = e.path().extension().string();
    if (ext == ".jpg" || ext == ".JPEG" || ext == ".png")
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() > limit) files.resize(limit);
  return files;
}

std::vector<float> Planes(const Image& image) {
  const size_t n = image.num_pixels();
  std::vector<float> planes(3 * n);
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c)
      planes[c * n + i] = image.pixels[i * 3 + c] / 255.f;
  }
  return planes;
}

Image FromPlanes(const std::vector<float>& planes, int width, int height) {
  Image out(width, height, 3);
  const size_t n = out.num_pixels();
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) {
      out.pixels[i * 3 + c] = uint8_t(
          std::clamp(std::round(planes[c * n + i] * 255.f), 0.f, 255.f));
    }
  }
  return out;
}

Image Diffusion(const Image& image, const std::vector<uint8_t>& mask) {
  std::vector<float> planes = Planes(image);
  const size_t n = image.num_pixels();
  for (int c = 0; c < 3; ++c) {
    for (size_t i = 0; i < n; ++i) planes[c * n + i] *= 255.f;
    InpaintDiffusion(image.width, image.height, mask.data(), &planes[c * n],
                     128.f);
    for (size_t i = 0; i < n; ++i) planes[c * n + i] /= 255.f;
  }
  return FromPlanes(planes, image.width, image.height);
}

// The codec's pipeline without quantisation: the operator prepares its
// header for the mask (EED: its contrast), stores its 8-bit colours (tuned
// by least squares when `tonal`) and reconstructs.
Image ThroughOperator(const Image& image, const std::vector<uint8_t>& mask,
                      Inpainter id, bool tonal) {
  const Operator* op = *FindOperator(id);
  EncodeOptions options;
  options.inpainter = id;
  options.tonal = tonal;
  options.threads = 1;
  Header header;
  header.version = 2;
  header.width = uint32_t(image.width);
  header.height = uint32_t(image.height);
  header.channels = uint8_t(image.channels);
  header.inpainter = id;
  if (!op->prepare(image, mask, options, &header).ok()) std::exit(1);
  StatusOr<std::vector<uint8_t>> colours =
      op->stored_colours(image, mask, header, options);
  if (!colours.ok()) std::exit(1);
  std::vector<uint8_t> known(image.pixels.size(), 0);
  size_t next = 0;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) continue;
    for (int c = 0; c < image.channels; ++c) {
      known[i * image.channels + c] = (*colours)[next++];
    }
  }
  DecodeOptions decode;
  decode.threads = 1;
  StatusOr<Image> out = op->reconstruct(header, known, mask, decode);
  if (!out.ok()) std::exit(1);
  return *out;
}

// The encoder's density-field mask (`-m density`).
std::vector<uint8_t> DensityMask(const Image& image, double density) {
  EncodeOptions options;
  options.density = density;
  options.mask = MaskMode::kDensity;
  StatusOr<MaskChoice> choice = SelectMask(image, options);
  if (!choice.ok()) std::exit(1);
  return choice->mask;
}

struct Networks {
  std::unique_ptr<InpaintingNetwork> g;
  std::unique_ptr<MaskNetwork> m;  // optional

  // The encoder's learned mask: m's scores, halftoned.
  std::vector<uint8_t> LearnedMask(const Image& image, double density,
                                   uint64_t seed) const {
    return HalftoneMask(
        m->Scores(Planes(image), image.width, image.height, density, seed),
        image.width, image.height, density);
  }

  // Ablation: the top round(density N) of m's scores plus Gumbel noise, a
  // sample of the policy m was trained as.
  std::vector<uint8_t> SampledMask(const Image& image, double density,
                                   uint64_t seed) const {
    const std::vector<float> confidence =
        m->Confidence(Planes(image), image.width, image.height, density, seed);
    std::vector<uint32_t> order(confidence.size());
    std::iota(order.begin(), order.end(), 0u);
    const size_t keep = size_t(std::lround(density * double(order.size())));
    std::partial_sort(
        order.begin(), order.begin() + keep, order.end(),
        [&](uint32_t a, uint32_t b) { return confidence[a] > confidence[b]; });
    std::vector<uint8_t> mask(order.size(), 0);
    for (size_t i = 0; i < keep; ++i) mask[order[i]] = 1;
    return mask;
  }

  Image Inpaint(const Image& image, const std::vector<uint8_t>& mask,
                int tonal_steps = 0) const {
    std::vector<float> known = Planes(image);
    if (tonal_steps > 0) {
      known = g->OptimiseKnown(known, mask, image.width, image.height, 1,
                               tonal_steps, nullptr);
      // Stored values are 8-bit.
      for (float& v : known) v = std::round(v * 255.f) / 255.f;
    }
    return FromPlanes(g->Inpaint(known, mask, image.width, image.height, 1),
                      image.width, image.height);
  }
};

// A table cell, "-" for a column without its network.
std::string Cell(bool present, double value, const char* format) {
  if (!present) return "-";
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

void Progress(const char* what, size_t done, size_t total, const Stopwatch& t) {
  const double s = t.Seconds();
  std::fprintf(stderr, "\r%s: %zu/%zu, %.0f s, ETA %.0f s   ", what, done,
               total, s, s / done * (total - done));
  if (done == total) std::fprintf(stderr, "\n");
}

}  // namespace
}  // namespace spix

int main(int argc, char** argv) {
  using namespace spix;
  int val_images = 1000, bsds_images = 200, tonal_steps = 10, threads = 2;
  std::string models = DefaultModelsDir();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--val-images"))
      val_images = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--bsds-images"))
      bsds_images = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--tonal-steps"))
      tonal_steps = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--models")) models = argv[i + 1];
  }
  SetNetworkThreads(threads);
  Networks net;
  auto g = InpaintingNetwork::Load(models);
  if (!g.ok()) {
    std::fprintf(stderr, "%s\n", g.status().message().c_str());
    return 1;
  }
  net.g = std::move(*g);
  if (auto m = MaskNetwork::Load(models); m.ok()) net.m = std::move(*m);
  const bool learned = net.m != nullptr;
  const bool shipped = models == DefaultModelsDir();

  // Table 2: natural64/val.
  const auto val =
      SortedImages(DataDir() + "/natural64/val", size_t(val_images));
  // density x {random: diffusion, g; grid: diffusion, g; learned: g;
  // ablation: flat halftone + g, m sampled + g}
  double psnr[3][7] = {};
  // density x {grid: diffusion, EED; density field + tonal: diffusion, EED;
  // random: EED}
  double operators[3][5] = {};
  Stopwatch t2;
  for (size_t k = 0; k < val.size(); ++k) {
    std::vector<std::string> warnings;
    auto image = ReadImage(val[k], &warnings);
    if (!image.ok() || image->channels != 3) continue;
    const int w = image->width, h = image->height;
    for (int d = 0; d < 3; ++d) {
      const double density = kDensities[d];
      const auto random = RandomMask(w, h, density, k + 1);
      const auto grid = GridMask(w, h, density);
      psnr[d][0] += Psnr(*image, Diffusion(*image, random));
      psnr[d][1] += Psnr(*image, net.Inpaint(*image, random));
      psnr[d][2] += Psnr(*image, Diffusion(*image, grid));
      psnr[d][3] += Psnr(*image, net.Inpaint(*image, grid));
      psnr[d][5] += Psnr(*image, net.Inpaint(*image, FlatMask(w, h, density)));
      const auto field = DensityMask(*image, density);
      const Inpainter kOperators[2] = {Inpainter::kHomogeneousDiffusion,
                                       Inpainter::kEdgeEnhancingDiffusion};
      for (int k = 0; k < 2; ++k) {
        operators[d][k] +=
            Psnr(*image, ThroughOperator(*image, grid, kOperators[k], false));
        operators[d][2 + k] +=
            Psnr(*image, ThroughOperator(*image, field, kOperators[k], true));
      }
      operators[d][4] +=
          Psnr(*image, ThroughOperator(*image, random, kOperators[1], false));
      if (learned) {
        psnr[d][4] +=
            Psnr(*image,
                 net.Inpaint(*image, net.LearnedMask(*image, density, k + 1)));
        psnr[d][6] +=
            Psnr(*image,
                 net.Inpaint(*image, net.SampledMask(*image, density, k + 1)));
      }
    }
    Progress("natural64/val", k + 1, val.size(), t2);
  }
  const double nv = double(val.size());
  std::printf(
      "# Learned inpainting generator g: paper Tables 2-4 analogue\n\n");
  std::printf(
      "Made by `build/benchmarks/learned_tables --val-images %d --bsds-images "
      "%d "
      "--tonal-steps %d --threads %d%s` with %s. Known pixels keep their exact "
      "colours unless tonal optimisation is named (then 8-bit rounded); no "
      "quantisation. Random = uniformly random with the exact count; grid = "
      "the codec's regular lattice; learned = the mask network's scores "
      "halftoned by error diffusion, as `spix encode --mask learned` "
      "(%s).\n\n",
      val_images, bsds_images, tonal_steps, threads,
      shipped ? "" : (" --models " + models).c_str(),
      shipped ? "the shipped weights (networks/weights, docs/models.md)"
              : "other weights",
      learned ? "mask-m.safetensors" : "no mask network in the models dir");
  std::printf(
      "## Table 2 analogue: PSNR (dB) on the first %d natural64/val images, "
      "64x64\n\n"
      "| density | random + diffusion | random + g | grid + diffusion | grid + "
      "g | learned + g | paper WGAN, random | paper MG "
      "|\n|---|---|---|---|---|---|---|---|\n",
      int(nv));
  const double paper_random[3] = {18.85, 20.78, 22.95};
  const double paper_mg[3] = {21.66, 23.63, 25.36};
  for (int d = 0; d < 3; ++d) {
    std::printf("| %.0f %% | %.2f | %.2f | %.2f | %.2f | %s | %.2f | %.2f |\n",
                100 * kDensities[d], psnr[d][0] / nv, psnr[d][1] / nv,
                psnr[d][2] / nv, psnr[d][3] / nv,
                Cell(learned, psnr[d][4] / nv, "%.2f").c_str(), paper_random[d],
                paper_mg[d]);
  }
  std::printf(
      "\nThe codec's operators on the same images (codec/inpainter.h, "
      "colours 8-bit, not quantised): on the grid with the original colours, "
      "and on the density field of `-m density` with least-squares colours "
      "(as `spix encode -m density`, without luma preference and "
      "quantisation).\n\n"
      "| density | random + EED | grid + diffusion | grid + EED | density + "
      "diffusion + tonal | density + EED + tonal "
      "|\n|---|---|---|---|---|---|\n");
  for (int d = 0; d < 3; ++d) {
    std::printf("| %.0f %% | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
                100 * kDensities[d], operators[d][4] / nv, operators[d][0] / nv,
                operators[d][1] / nv, operators[d][2] / nv,
                operators[d][3] / nv);
  }
  std::printf(
      "\nAblation of the learned mask on the same images: the flat halftone "
      "(m's place taken by a constant; the default `-m halftone`), and drawing "
      "the mask as m was "
      "trained to, the top of its scores plus Gumbel noise, instead of "
      "halftoning them.\n\n"
      "| density | grid + g | flat halftone + g | m sampled + g | "
      "m halftoned + g (learned) |\n|---|---|---|---|---|\n");
  for (int d = 0; d < 3; ++d) {
    std::printf("| %.0f %% | %.2f | %.2f | %s | %s |\n", 100 * kDensities[d],
                psnr[d][3] / nv, psnr[d][5] / nv,
                Cell(learned, psnr[d][6] / nv, "%.2f").c_str(),
                Cell(learned, psnr[d][4] / nv, "%.2f").c_str());
  }

  // Table 3 and 4: BSDS500 test, 128x128 centre crops.
  const auto bsds =
      SortedImages(DataDir() + "/bsds500/test", size_t(bsds_images));
  // density x {grid + g, flat halftone + g + tonal (the default codec),
  // random + g, learned + g + tonal}
  double mae[3][4] = {}, ssim[3][4] = {}, seconds[3][3] = {};
  // density x {grid + EED, density + EED + tonal}
  double eed_mae[3][2] = {}, eed_ssim[3][2] = {};
  Stopwatch t3;
  for (size_t k = 0; k < bsds.size(); ++k) {
    std::vector<std::string> warnings;
    auto full = ReadImage(bsds[k], &warnings);
    if (!full.ok() || full->channels != 3) continue;
    const Image image = CentreCrop(*full, 128);
    for (int d = 0; d < 3; ++d) {
      const auto mask = GridMask(128, 128, kDensities[d]);
      Stopwatch t;
      Image rec = net.Inpaint(image, mask);
      seconds[d][0] += t.Seconds();
      mae[d][0] += MeanAbsoluteError(image, rec);
      ssim[d][0] += Ssim(image, rec);
      t = Stopwatch();
      rec = net.Inpaint(image, FlatMask(128, 128, kDensities[d]), tonal_steps);
      seconds[d][1] += t.Seconds();
      mae[d][1] += MeanAbsoluteError(image, rec);
      ssim[d][1] += Ssim(image, rec);
      t = Stopwatch();
      rec = ThroughOperator(image, mask, Inpainter::kEdgeEnhancingDiffusion,
                            false);
      seconds[d][2] += t.Seconds();
      eed_mae[d][0] += MeanAbsoluteError(image, rec);
      eed_ssim[d][0] += Ssim(image, rec);
      rec = ThroughOperator(image, DensityMask(image, kDensities[d]),
                            Inpainter::kEdgeEnhancingDiffusion, true);
      eed_mae[d][1] += MeanAbsoluteError(image, rec);
      eed_ssim[d][1] += Ssim(image, rec);
      const auto random = RandomMask(128, 128, kDensities[d], k + 1);
      rec = net.Inpaint(image, random);
      mae[d][2] += MeanAbsoluteError(image, rec);
      ssim[d][2] += Ssim(image, rec);
      if (learned) {
        rec = net.Inpaint(image, net.LearnedMask(image, kDensities[d], k + 1),
                          tonal_steps);
        mae[d][3] += MeanAbsoluteError(image, rec);
        ssim[d][3] += Ssim(image, rec);
      }
    }
    Progress("bsds500/test", k + 1, bsds.size(), t3);
  }
  const double nb = double(bsds.size());
  std::printf(
      "\n## Table 3 analogue: BSDS500 test, first %d images (sorted), 128x128 "
      "centre crops, RGB\n\n"
      "PS+NLPE (diffusion) is the 200-image result of ps_nlpe_bsds500.md; "
      "halftone + g + tonal is `spix encode -i learned` without "
      "quantisation.\n\n"
      "| density | MAE random + g | MAE grid + g | MAE halftone + g + tonal | "
      "MAE learned + g + tonal | MAE PS+NLPE | paper MG | SSIM grid + g | "
      "SSIM halftone + g + tonal | SSIM learned + g + tonal | SSIM PS+NLPE | "
      "paper MG |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
      int(nb));
  const double nlpe_mae[3] = {10.73, 7.37, 4.25},
               nlpe_ssim[3] = {0.697, 0.815, 0.913};
  const double paper_mae[3] = {11.19, 8.87, 6.70},
               paper_ssim[3] = {0.71, 0.79, 0.85};
  for (int d = 0; d < 3; ++d) {
    std::printf(
        "| %.0f %% | %.2f | %.2f | %.2f | %s | %.2f | %.2f | %.3f | %.3f | %s "
        "| "
        "%.3f | %.2f |\n",
        100 * kDensities[d], mae[d][2] / nb, mae[d][0] / nb, mae[d][1] / nb,
        Cell(learned, mae[d][3] / nb, "%.2f").c_str(), nlpe_mae[d],
        paper_mae[d], ssim[d][0] / nb, ssim[d][1] / nb,
        Cell(learned, ssim[d][3] / nb, "%.3f").c_str(), nlpe_ssim[d],
        paper_ssim[d]);
  }
  std::printf(
      "\nThe codec's edge-enhancing diffusion on the same crops: on the grid "
      "with the original colours (its contrast chosen per crop by the "
      "encoder), and on the density field with least-squares colours (the "
      "encoder's `-m density` without luma preference and quantisation).\n\n"
      "| density | MAE grid + EED | MAE density + EED + tonal | SSIM grid + "
      "EED | SSIM density + EED + tonal |\n|---|---|---|---|---|\n");
  for (int d = 0; d < 3; ++d) {
    std::printf("| %.0f %% | %.2f | %.2f | %.3f | %.3f |\n",
                100 * kDensities[d], eed_mae[d][0] / nb, eed_mae[d][1] / nb,
                eed_ssim[d][0] / nb, eed_ssim[d][1] / nb);
  }
  std::printf(
      "\n## Table 4 analogue: seconds per 128x128 crop, %d LibTorch threads\n\n"
      "g and tonal + g are measured by this run. PS+NLPE is not: its seconds "
      "are copied from another run, ps_nlpe_bsds500.md: first 200 images, "
      "one core, 5 NLPE cycles, the other core busy.\n\n"
      "| density | g | tonal (%d steps) + g | EED (contrast search and "
      "reconstruction, 1 thread) | PS+NLPE (1 core, copied) | paper "
      "MG (1 core) |\n|---|---|---|---|---|---|\n",
      threads, tonal_steps);
  const double nlpe_seconds[3] = {1.506, 1.178, 1.064};
  for (int d = 0; d < 3; ++d) {
    std::printf("| %.0f %% | %.3f | %.3f | %.3f | %.3f | 0.93 |\n",
                100 * kDensities[d], seconds[d][0] / nb, seconds[d][1] / nb,
                seconds[d][2] / nb, nlpe_seconds[d]);
  }
  return 0;
}
