#include "codec/inpainter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>

#include "baselines/diffusion.h"
#include "baselines/eed.h"
#include "baselines/parallel.h"
#include "baselines/tonal_optimisation.h"
#include "codec/learned.h"
#include "codec/quantize.h"

namespace spix {
namespace {

uint8_t ToByte(float v) {
  return uint8_t(std::clamp(std::round(v), 0.f, 255.f));
}

// Interleaved 8-bit samples of `values` at the mask's points, raster order.
std::vector<uint8_t> ColoursAtMask(const PlanarImage& values,
                                   const std::vector<uint8_t>& mask) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) continue;
    for (int c = 0; c < values.channels; ++c) {
      out.push_back(ToByte(values.plane(c)[i]));
    }
  }
  return out;
}

// Planes back to 8-bit samples.
Image ToImage(const PlanarImage& planes) {
  Image image(planes.width, planes.height, planes.channels);
  const size_t n = planes.plane_size();
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < planes.channels; ++c) {
      image.pixels[i * planes.channels + c] = ToByte(planes.plane(c)[i]);
    }
  }
  return image;
}

Status NoPreparation(const Image&, const std::vector<uint8_t>&,
                     const EncodeOptions&, Header*) {
  return OkStatus();
}

// --- Homogeneous diffusion -------------------------------------------------

// CGLS steps by effort (efforts below kLowestTonalEffort store the
// originals): 10 at the default, as in every result before efforts existed.
// From the default on, the values are quantised in two halves, the second
// re-optimised after the first (on kodim23 at 5 %: +0.21 dB for 0.9 % more
// bytes).
TonalOptions DiffusionTonal(int effort, int threads) {
  TonalOptions tonal;
  tonal.iterations = effort <= 4 ? 4 : effort <= 6 ? 7 : effort == 7 ? 10 : 20;
  tonal.threads = threads;
  if (effort >= 7) {
    tonal.quantise_groups = 2;
    tonal.requantise_iterations = 3;
  }
  return tonal;
}

// The nearest integer to a tuned value, which may lie far out of range.
int32_t NearestInt(float value) {
  return int32_t(std::lround(std::clamp(value, -1e6f, 1e6f)));
}

// Grey values are stored as they are tuned, so they can be tuned knowing
// the quantisation (each rounded to what the file stores); colour ones are
// transformed after this stage.
void QuantiseIfGrey(const Header& header, TonalOptions* tonal) {
  if (header.transform != ColorTransform::kNone) return;
  tonal->quantise = [header](int channel, size_t pixel, int,
                             const std::vector<float>& plane) {
    return float(QuantizeValue(header, channel, NearestInt(plane[pixel])) *
                 QuantStep(header, channel));
  };
}

StatusOr<std::vector<uint8_t>> DiffusionColours(
    const Image& image, const std::vector<uint8_t>& mask, const Header& header,
    const EncodeOptions& options) {
  PlanarImage values =
      ToPlanar(image.pixels.data(), image.width, image.height, image.channels);
  if (options.tonal) {
    TonalOptions tonal = DiffusionTonal(options.effort, options.threads);
    QuantiseIfGrey(header, &tonal);
    values = OptimiseTonalValues(values, mask, tonal);
  }
  return ColoursAtMask(values, mask);
}

StatusOr<Image> DiffusionReconstruct(const Header& h,
                                     const std::vector<uint8_t>& known,
                                     const std::vector<uint8_t>& mask,
                                     const DecodeOptions& options) {
  PlanarImage planes =
      ToPlanar(known.data(), int(h.width), int(h.height), h.channels);
  ParallelFor(planes.channels, options.threads, [&](int c) {
    InpaintDiffusion(planes.width, planes.height, mask.data(), planes.plane(c),
                     128.f);
  });
  return ToImage(planes);
}

void DiffusionLumaPreferred(const Header&,
                            const std::vector<uint8_t>& luma_mask,
                            PlanarImage* luma,
                            const std::vector<uint8_t>& chroma_mask,
                            PlanarImage* chroma, int threads) {
  ParallelFor(3, threads, [&](int c) {
    if (c == 0) {
      InpaintDiffusion(luma->width, luma->height, luma_mask.data(),
                       luma->plane(0), 128.f);
    } else {
      InpaintDiffusion(chroma->width, chroma->height, chroma_mask.data(),
                       chroma->plane(c - 1), 0.f);
    }
  });
}

// The prediction radius the value coder's search starts from for a mask.
int StartingPredictionRadius(const std::vector<uint8_t>& mask) {
  const auto known =
      std::count_if(mask.begin(), mask.end(), [](uint8_t m) { return m != 0; });
  return PredictionRadiusForDensity(double(known) / double(mask.size()));
}

// Luma's tonal optimisation, with the file's quantisation in mind (its step
// per point).
void TuneLuma(const Header& header, const std::vector<uint8_t>& luma_mask,
              const std::vector<uint8_t>& luma_steps, const TonalOptions& tonal,
              PlanarImage* luma) {
  TonalOptions options = tonal;
  options.quantise = [&luma_steps](int, size_t pixel, int,
                                   const std::vector<float>& plane) {
    const int32_t step = luma_steps[pixel];
    return float(QuantizeWithStep(NearestInt(plane[pixel]), step) * step);
  };
  // With steps per point, the points are rounded finest step first
  // (where the mask is sparse), in six groups about a quarter octave
  // wide, each later group tuned again around the earlier ones. On
  // Kodak two groups (base step or finer, then coarser) gained -1.5 %
  // BD-rate against interleaved halves, six -1.9 % more, every image
  // gaining, for about 15 % more encode time
  // (benchmarks/results/kodak_point_steps, kodak_step_groups).
  const int base = header.quant_step_luma;
  const bool varied =
      std::any_of(luma_steps.begin(), luma_steps.end(),
                  [base](uint8_t step) { return step != 0 && step != base; });
  if (varied && options.quantise_groups == 2) {
    // Each value leans towards what the value coder will predict, the
    // later groups (fewer free points left to compensate, coarser
    // steps) a little more: bias 0.05 steps in the first, 0.15 in the
    // last (-2.2 % BD-rate on Kodak with the tree ranking of
    // codec/tree_mask.cc, benchmarks/results/kodak_tree_rounding). The
    // radius is the one the value coder's search starts from.
    const int radius = StartingPredictionRadius(luma_mask);
    const int width = luma->width;
    options.quantise = [&luma_steps, &luma_mask, radius, width](
                           int, size_t pixel, int group,
                           const std::vector<float>& plane) {
      const int32_t step = luma_steps[pixel];
      return float(step *
                   QuantizeTowards(
                       plane[pixel], step,
                       CausalPrediction(plane, luma_mask, width, pixel, radius),
                       0.05f + 0.02f * group, 0, MaxIndexForStep(step)));
    };
    options.quantise_groups = 6;
    options.quantise_group = [&luma_steps, base](size_t pixel) {
      // Upper bounds of the first five groups, in % of the base step.
      int group = 0;
      for (int bound : {70, 85, 100, 120, 145}) {
        group += 100 * luma_steps[pixel] > bound * base;
      }
      return group;
    };
  }
  *luma = OptimiseTonalValues(*luma, luma_mask, options);
}

// One chroma plane (0: Co, 1: Cg) of a candidate, with the header's step.
void TuneChromaPlane(const Header& header, const TonalOptions& tonal,
                     int channel, ChromaCandidate* candidate) {
  TonalOptions options = tonal;
  const size_t n = candidate->planes.plane_size();
  float* plane = candidate->planes.plane(channel);
  PlanarImage one(candidate->planes.width, candidate->planes.height, 1);
  std::copy(plane, plane + n, one.plane(0));
  // Chroma is rounded in four interleaved groups where luma takes its
  // groups, each re-optimised around the ones before (-0.40 % BD-rate on
  // six Kodak images against two, for about 0.7 s more on kodim01;
  // benchmarks/results/kodak_chroma_groups), and leans towards its
  // prediction as luma does, by 0.05 steps in the first group to 0.1 in
  // the last (-0.46 % with two groups; 0.1 to 0.2 -0.30 %;
  // benchmarks/results/kodak_diffusivity).
  if (options.quantise_groups > 1) options.quantise_groups = 4;
  const int c = 1 + channel;
  const int32_t step = QuantStep(header, c);
  const ValueCodingParams range = ValueParamsForHeader(header);
  const int radius = StartingPredictionRadius(candidate->mask);
  const int width = candidate->planes.width;
  const float bias_per_group =
      0.05f / float(std::max(1, options.quantise_groups - 1));
  options.quantise = [&mask = candidate->mask, step, lo = range.lo[c],
                      hi = range.hi[c], radius, width,
                      bias_per_group](int, size_t pixel, int group,
                                      const std::vector<float>& plane) {
    return float(step * QuantizeTowards(
                            plane[pixel], step,
                            CausalPrediction(plane, mask, width, pixel, radius),
                            0.05f + bias_per_group * group, lo, hi));
  };
  one = OptimiseTonalValues(one, candidate->mask, options);
  std::copy(one.plane(0), one.plane(0) + n, plane);
}

// Every chroma plane of every candidate, one plane per task.
void TuneChroma(const Header& header, const TonalOptions& tonal, int threads,
                std::vector<ChromaCandidate>* chroma) {
  ParallelFor(2 * int(chroma->size()), threads, [&](int task) {
    TuneChromaPlane(header, tonal, task % 2, &(*chroma)[size_t(task / 2)]);
  });
}

void DiffusionTuneLumaPreferred(const Header& h, const EncodeOptions& options,
                                const std::vector<uint8_t>& luma_mask,
                                const std::vector<uint8_t>& luma_steps,
                                PlanarImage* luma,
                                std::vector<ChromaCandidate>* chroma) {
  // Luma and chroma at the same time, one plane per task (chroma, sparser,
  // takes longer than luma).
  const TonalOptions tonal = DiffusionTonal(options.effort, 1);
  ParallelFor(1 + 2 * int(chroma->size()), options.threads, [&](int task) {
    if (task == 0) {
      TuneLuma(h, luma_mask, luma_steps, tonal, luma);
    } else {
      TuneChromaPlane(h, tonal, (task - 1) % 2,
                      &(*chroma)[size_t(task - 1) / 2]);
    }
  });
}

// --- Edge-enhancing diffusion ----------------------------------------------

// The (contrast, sigma) pairs the encoder tries by effort, in
// kEedContrastUnit and kEedSigmaUnit, Perona-Malik's contrasts flagged by
// kEedPeronaMalik: on six Kodak images at 5 % density the best Charbonnier
// contrast ranged over 1-4 grey levels and sigma 0.625 beat 1.5 on five
// (benchmarks/results/eed_operators.md), so only the highest efforts try
// other smoothing scales. Perona-Malik's diffusivity falls faster, so its
// contrasts are twice Charbonnier's.
std::vector<std::array<uint8_t, 2>> EedParameterCandidates(int effort) {
  constexpr uint8_t kSigma = 10;  // 0.625
  if (effort == 1) return {{16, kSigma}};
  if (effort <= 4) return {{8, kSigma}, {16, kSigma}, {32, kSigma}};
  constexpr uint8_t kPm = kEedPeronaMalik;
  if (effort <= 7) {
    return {{8, kSigma},        {16, kSigma},       {32, kSigma},
            {kPm | 16, kSigma}, {kPm | 32, kSigma}, {kPm | 64, kSigma}};
  }
  std::vector<uint8_t> sigmas = {kSigma};
  if (effort == 9) sigmas = {kSigma, 16, 24};  // 0.625, 1, 1.5
  std::vector<std::array<uint8_t, 2>> pairs;
  for (uint8_t contrast :
       {4, 8, 16, 32, 64, kPm | 8, kPm | 16, kPm | 32, kPm | 64, kPm | 127}) {
    for (uint8_t sigma : sigmas) pairs.push_back({contrast, sigma});
  }
  return pairs;
}

bool IsPeronaMalik(const Header& h) {
  return h.version >= kEedPeronaMalikVersion &&
         (h.operator_params[0] & kEedPeronaMalik) != 0;
}

// CGLS steps of EED tonal optimisation by effort; each costs two tensor
// solves. As the solves got cheaper the default, 7, took more: four, not
// three (on Kodak -0.62 % BD-rate, every image gaining,
// benchmarks/results/kodak_tonal_steps), then five once they vectorised,
// as many as effort 9 took (-0.34 % on six Kodak images, every one
// gaining, for about 3 % more encode time; six steps -0.11 % more;
// benchmarks/results/kodak_five_steps).
int EedTonalIterations(int effort) {
  return effort <= 4 ? 1 : effort <= 6 ? 2 : 5;
}

EedOptions EedFromHeader(const Header& h, int threads) {
  EedOptions o;
  int contrast = h.operator_params[0];
  if (IsPeronaMalik(h)) {
    o.diffusivity = Diffusivity::kPeronaMalik;
    contrast &= ~kEedPeronaMalik;
  }
  o.contrast = contrast * kEedContrastUnit;
  o.sigma = h.operator_params[1] * kEedSigmaUnit;
  o.threads = threads;
  return o;
}

// Luma (LumaOf()) as one plane.
PlanarImage LumaPlane(const Image& image) {
  PlanarImage out(image.width, image.height, 1);
  out.data = LumaOf(image);
  return out;
}

std::string EedParameters(const Header& h) {
  const EedOptions o = EedFromHeader(h, 1);
  char text[96];
  std::snprintf(text, sizeof text, "%s diffusivity, contrast %g, sigma %g",
                o.diffusivity == Diffusivity::kPeronaMalik ? "Perona-Malik"
                                                           : "Charbonnier",
                o.contrast, o.sigma);
  return text;
}

// The parameters whose EED inpainting of the luma at the mask is closest to
// the original (the candidates run in parallel). Perona-Malik must err 1 %
// less than the best Charbonnier candidate: the originals' error favours
// the sharper diffusivity against what it gives once the values are tuned
// (on kodim23 at 5 % Perona-Malik erred 0.8 % less and lost 0.15 dB at equal
// size; of 36 encodes of six Kodak images, the 15 where it erred more than
// 1 % less gained 0.10 dB on average, the worst -0.004 dB).
Status EedPrepare(const Image& image, const std::vector<uint8_t>& mask,
                  const EncodeOptions& options, Header* header) {
  const std::vector<std::array<uint8_t, 2>> candidates =
      EedParameterCandidates(options.effort);
  header->operator_params = candidates[0];
  if (candidates.size() == 1) return OkStatus();
  const PlanarImage luma = LumaPlane(image);
  std::vector<double> errors(candidates.size());
  ParallelFor(int(candidates.size()), options.threads, [&](int k) {
    Header trial = *header;
    trial.operator_params = candidates[k];
    PlanarImage u = luma;
    InpaintEed(mask.data(), EedFromHeader(trial, 1), &u);
    errors[k] = 0;
    for (size_t i = 0; i < u.data.size(); ++i) {
      errors[k] += std::pow(double(u.data[i]) - luma.data[i], 2);
    }
    if (candidates[k][0] & kEedPeronaMalik) errors[k] /= 0.99;
  });
  header->operator_params =
      candidates[std::min_element(errors.begin(), errors.end()) -
                 errors.begin()];
  return OkStatus();
}

// Least-squares values for the linear operator of the tensor that EED
// settles on from the original values (the decoder's own tensor differs a
// little, as it sees the stored values).
// As for diffusion, the values are quantised in two halves from the default
// on; one re-optimising step, as each costs two tensor solves (six Kodak
// images: BD-rate against JPEG -19.4 % -> -20.6 %, with the refined density
// field).
TonalOptions EedTonal(const DiffusionTensorField& tensor, int effort,
                      int threads) {
  TonalOptions tonal;
  tonal.iterations = EedTonalIterations(effort);
  tonal.tensor = &tensor;
  tonal.threads = threads;
  if (effort >= 7) tonal.quantise_groups = 2;
  return tonal;
}

StatusOr<std::vector<uint8_t>> EedColours(const Image& image,
                                          const std::vector<uint8_t>& mask,
                                          const Header& header,
                                          const EncodeOptions& options) {
  PlanarImage values =
      ToPlanar(image.pixels.data(), image.width, image.height, image.channels);
  if (!options.tonal) return ColoursAtMask(values, mask);
  PlanarImage settled = values;
  const DiffusionTensorField tensor =
      EedTensor(mask.data(), EedFromHeader(header, options.threads), &settled);
  TonalOptions tonal = EedTonal(tensor, options.effort, options.threads);
  QuantiseIfGrey(header, &tonal);
  return ColoursAtMask(OptimiseTonalValues(values, mask, tonal), mask);
}

StatusOr<Image> EedReconstruct(const Header& h,
                               const std::vector<uint8_t>& known,
                               const std::vector<uint8_t>& mask,
                               const DecodeOptions& options) {
  PlanarImage planes =
      ToPlanar(known.data(), int(h.width), int(h.height), h.channels);
  InpaintEed(mask.data(), EedFromHeader(h, options.threads), &planes);
  return ToImage(planes);
}

// Luma by EED; chroma by the linear diffusion of the decoded luma's tensor,
// so colour edges follow the luma edges however few chroma points there are.
void EedLumaPreferred(const Header& h, const std::vector<uint8_t>& luma_mask,
                      PlanarImage* luma,
                      const std::vector<uint8_t>& chroma_mask,
                      PlanarImage* chroma, int threads) {
  const DiffusionTensorField tensor =
      EedTensor(luma_mask.data(), EedFromHeader(h, threads), luma);
  InpaintWithTensor(tensor, chroma_mask.data(), 0.f, chroma, threads);
}

void EedTuneLumaPreferred(const Header& h, const EncodeOptions& options,
                          const std::vector<uint8_t>& luma_mask,
                          const std::vector<uint8_t>& luma_steps,
                          PlanarImage* luma,
                          std::vector<ChromaCandidate>* chroma) {
  PlanarImage settled = *luma;
  const DiffusionTensorField tensor =
      EedTensor(luma_mask.data(), EedFromHeader(h, options.threads), &settled);
  TuneLuma(h, luma_mask, luma_steps, EedTonal(tensor, options.effort, 1), luma);
  // Given the decoded luma, chroma's inpainting is linear, so chroma is tuned
  // for exactly the decoder's tensor: the one EED settles on from the stored
  // luma, not from the original (which luma itself had to be tuned with;
  // -0.21 % BD-rate on six Kodak images, kodak_border_lines).
  PlanarImage decoded(luma->width, luma->height, 1);
  for (size_t i = 0; i < luma_mask.size(); ++i) {
    if (luma_mask[i]) decoded.plane(0)[i] = luma->plane(0)[i];
  }
  const DiffusionTensorField decoder_tensor =
      EedTensor(luma_mask.data(), EedFromHeader(h, options.threads), &decoded);
  *luma = std::move(decoded);
  TuneChroma(h, EedTonal(decoder_tensor, options.effort, 1), options.threads,
             chroma);
}

// --- The learned generator g ------------------------------------------------

Status LearnedPrepare(const Image&, const std::vector<uint8_t>&,
                      const EncodeOptions& options, Header* header) {
  SPIX_ASSIGN_OR_RETURN(header->weights_hash,
                        LearnedWeightsHash(options.models_dir));
  return OkStatus();
}

StatusOr<std::vector<uint8_t>> LearnedColours(const Image& image,
                                              const std::vector<uint8_t>& mask,
                                              const Header&,
                                              const EncodeOptions& options) {
  if (!options.tonal || options.tonal_steps == 0) {
    return ColoursAtMask(ToPlanar(image.pixels.data(), image.width,
                                  image.height, image.channels),
                         mask);
  }
  SPIX_ASSIGN_OR_RETURN(const Image tuned,
                        LearnedTonalImage(image, mask, options));
  return ColoursAtMask(
      ToPlanar(tuned.pixels.data(), tuned.width, tuned.height, tuned.channels),
      mask);
}

StatusOr<Image> LearnedDecode(const Header& h,
                              const std::vector<uint8_t>& known,
                              const std::vector<uint8_t>& mask,
                              const DecodeOptions& options) {
  return LearnedReconstruct(known, mask, int(h.width), int(h.height),
                            h.channels, h.weights_hash, h.noise_seed, options);
}

// --- EED refined by g2 -------------------------------------------------------

// EED's parameters as for -i eed (the search does not see g2), and g2's hash.
Status EedRefinedPrepare(const Image& image, const std::vector<uint8_t>& mask,
                         const EncodeOptions& options, Header* header) {
  SPIX_RETURN_IF_ERROR(EedPrepare(image, mask, options, header));
  SPIX_ASSIGN_OR_RETURN(header->weights_hash,
                        RefinerWeightsHash(options.models_dir));
  return OkStatus();
}

StatusOr<Image> RefineByG2(const Header& h, const std::vector<uint8_t>& mask,
                           const Image& reconstruction,
                           const DecodeOptions& options) {
  return RefineReconstruction(reconstruction, mask, h.weights_hash, options);
}

}  // namespace

const std::vector<Operator>& Operators() {
  static const std::vector<Operator> kTable = {
      {Inpainter::kWganGenerator, "learned", "wgan-generator",
       /*needs_weights=*/true, /*luma_preference=*/false,
       /*deferred_tonal=*/true, /*edge_aware_trees=*/false, nullptr,
       LearnedPrepare, LearnedColours, LearnedDecode, nullptr, nullptr, nullptr,
       Inpainter::kWganGenerator},
      {Inpainter::kHomogeneousDiffusion, "diffusion", "homogeneous-diffusion",
       /*needs_weights=*/false, /*luma_preference=*/true,
       /*deferred_tonal=*/false, /*edge_aware_trees=*/false, nullptr,
       NoPreparation, DiffusionColours, DiffusionReconstruct,
       DiffusionLumaPreferred, DiffusionTuneLumaPreferred, nullptr,
       Inpainter::kHomogeneousDiffusion},
      {Inpainter::kEdgeEnhancingDiffusion, "eed", "edge-enhancing-diffusion",
       /*needs_weights=*/false, /*luma_preference=*/true,
       /*deferred_tonal=*/true, /*edge_aware_trees=*/true, EedParameters,
       EedPrepare, EedColours, EedReconstruct, EedLumaPreferred,
       EedTuneLumaPreferred, nullptr, Inpainter::kEdgeEnhancingDiffusion},
      {Inpainter::kEedRefined, "eed-g", "edge-enhancing-diffusion+g2",
       /*needs_weights=*/true, /*luma_preference=*/true,
       /*deferred_tonal=*/true, /*edge_aware_trees=*/true, EedParameters,
       EedRefinedPrepare, EedColours, EedReconstruct, EedLumaPreferred,
       EedTuneLumaPreferred, RefineByG2, Inpainter::kEdgeEnhancingDiffusion},
  };
  return kTable;
}

StatusOr<const Operator*> FindOperator(Inpainter id) {
  for (const Operator& op : Operators()) {
    if (op.id == id) return &op;
  }
  return Unsupported("inpainting operator " + std::to_string(int(id)) +
                     " is not available in this build");
}

const Operator* FindOperator(const std::string& name) {
  for (const Operator& op : Operators()) {
    if (name == op.name) return &op;
  }
  return nullptr;
}

StatusOr<Image> Refine(const Operator& op, const Header& header,
                       const std::vector<uint8_t>& mask,
                       StatusOr<Image> reconstruction,
                       const DecodeOptions& options) {
  if (!reconstruction.ok() || op.refine == nullptr) return reconstruction;
  return op.refine(header, mask, *reconstruction, options);
}

std::vector<std::string> OperatorNames() {
  std::vector<std::string> names;
  for (const Operator& op : Operators()) names.push_back(op.name);
  return names;
}

}  // namespace spix
