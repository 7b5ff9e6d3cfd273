// Rate control: bisection on the (log) density for each candidate
// quantisation, then the best candidate.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <tuple>
#include <utility>

#include "bitstream/container.h"
#include "codec/encoder.h"
#include "codec/inpainter.h"
#include "codec/mask_selection.h"
#include "codec/spix.h"

namespace spix {
namespace {

constexpr double kMinDensity = 0.002;
constexpr int kBisectionSteps = 10;
// NLPE and slow tonal optimisation (learned, EED) run after the search; if they
// break the target, the density is nudged this much and they rerun, at most
// kRefineRetries times.
constexpr double kRefineNudge = 0.03;
constexpr int kRefineRetries = 4;

struct Trial {
  std::vector<uint8_t> bytes;
  double density = 0;
  double psnr = 0;
};

class Search {
 public:
  // `on_trial` is called after every encode tried (may be empty). The
  // masks of `family` are those of `coded`: the image inside `lines`.
  Search(const Image& image, const Image& coded, const BorderLines& lines,
         const EncodeOptions& options, const RateTarget& target,
         const MaskFamily& family, std::function<void()> on_trial)
      : image_(image),
        coded_(coded),
        lines_(lines),
        options_(options),
        target_(target),
        family_(family),
        on_trial_(std::move(on_trial)) {}

  // Slow tonal optimisation (the operator table's deferred_tonal) waits for
  // Refine(): the search runs without it, the final encode with it.
  bool Deferred() const {
    return options_.mask == MaskMode::kPsNlpe || DeferredTonal();
  }

  StatusOr<Trial> Run(double density, const MaskChoice& mask,
                      bool final_encode = false) {
    Trial t;
    t.density = density;
    EncodeOptions o = options_;
    if (DeferredTonal() && !final_encode) o.tonal = false;
    SPIX_ASSIGN_OR_RETURN(t.bytes, EncodeWithMask(coded_, mask, o));
    if (!lines_.empty()) {
      SPIX_ASSIGN_OR_RETURN(
          t.bytes,
          AddBorderLines(t.bytes, lines_, image_.width, image_.height));
    }
    DecodeOptions decode;
    decode.models_dir = o.models_dir;
    decode.threads = o.threads;
    SPIX_ASSIGN_OR_RETURN(Image decoded,
                          Decode(t.bytes.data(), t.bytes.size(), decode));
    t.psnr = Psnr(image_, decoded);
    if (on_trial_) on_trial_();
    return t;
  }
  StatusOr<Trial> Run(double density) {
    return Run(density, family_.At(density));
  }

  bool Meets(const Trial& t) const {
    switch (target_.kind) {
      case RateTarget::Kind::kBpp:
        return 8.0 * double(t.bytes.size()) / double(image_.num_pixels()) <=
               target_.value;
      case RateTarget::Kind::kBytes:
        return double(t.bytes.size()) <= target_.value;
      case RateTarget::Kind::kPsnr:
        return t.psnr >= target_.value;
    }
    return false;
  }

  // Of two trials meeting the target: higher PSNR for size targets, fewer
  // bytes for PSNR targets.
  bool Better(const Trial& a, const Trial& b) const {
    return target_.kind == RateTarget::Kind::kPsnr
               ? a.bytes.size() < b.bytes.size()
               : a.psnr > b.psnr;
  }

  // Size grows with density; for size targets we want the largest density
  // meeting the target, for PSNR targets the smallest.
  StatusOr<Trial> Bisect(bool* reached) {
    const bool size_target = target_.kind != RateTarget::Kind::kPsnr;
    double lo = std::log(kMinDensity), hi = 0;
    SPIX_ASSIGN_OR_RETURN(Trial low, Run(kMinDensity));
    SPIX_ASSIGN_OR_RETURN(Trial high, Run(1.0));
    if (size_target ? !Meets(low) : !Meets(high)) {
      *reached = false;
      return size_target ? low : high;
    }
    *reached = true;
    if (size_target ? Meets(high) : Meets(low)) return size_target ? high : low;
    Trial best = size_target ? low : high;
    for (int step = 0; step < kBisectionSteps; ++step) {
      const double mid = 0.5 * (lo + hi);
      SPIX_ASSIGN_OR_RETURN(Trial t, Run(std::exp(mid)));
      const bool ok = Meets(t);
      if (ok && Better(t, best)) best = t;
      // Size targets move up while met; PSNR targets move down while met.
      if (ok == size_target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return best;
  }

  // The deferred stages (NLPE, slow tonal optimisation) on the found
  // density; the result is kept only if it still meets the target, with
  // the density nudged otherwise.
  StatusOr<Trial> Refine(Trial found) {
    const bool size_target = target_.kind != RateTarget::Kind::kPsnr;
    double density = found.density;
    for (int k = 0; k < kRefineRetries; ++k) {
      MaskChoice mask = family_.At(density);
      family_.Refine(&mask);
      SPIX_ASSIGN_OR_RETURN(Trial t, Run(density, mask, /*final_encode=*/true));
      if (Meets(t)) return t;
      density *= size_target ? 1 - kRefineNudge : 1 + kRefineNudge;
    }
    return found;
  }

 private:
  bool DeferredTonal() const {
    const StatusOr<const Operator*> op = FindOperator(options_.inpainter);
    return options_.tonal && op.ok() && (*op)->deferred_tonal;
  }

  const Image& image_;
  const Image& coded_;
  const BorderLines& lines_;
  EncodeOptions options_;
  RateTarget target_;
  const MaskFamily& family_;
  std::function<void()> on_trial_;
};

// The steps a file of EncodeWithMask() stores (the encoder may have chosen
// them).
std::pair<int, int> StoredSteps(const std::vector<uint8_t>& file) {
  const StatusOr<ParsedContainer> parsed =
      ParseContainer(file.data(), file.size());
  if (!parsed.ok()) return {0, 0};
  return {parsed->header.quant_step_luma, parsed->header.quant_step_chroma};
}

}  // namespace

StatusOr<RateControlResult> EncodeToTarget(const Image& image,
                                           const EncodeOptions& options,
                                           const RateTarget& target,
                                           bool search_quant) {
  SPIX_RETURN_IF_ERROR(ValidateEncode(image, options));
  if (!(target.value > 0) || !std::isfinite(target.value)) {
    return InvalidArgument("rate target must be a positive number");
  }
  std::vector<std::pair<int, int>> quants = {
      {options.quant_step_luma, options.quant_step_chroma}};
  // The default (steps per image) and the coarser steps that win at low
  // rates with density masks and luma preference, and a fine pair for high
  // rates.
  if (search_quant) quants = {{4, 8}, {12, 24}, {0, 0}, {24, 32}};

  const BorderLines lines = ChooseBorderLines(image, options);
  const Image inner = lines.empty() ? Image() : InnerImage(image, lines);
  const Image& coded = lines.empty() ? image : inner;
  const MaskFamily family(coded, options, kMinDensity);
  SPIX_RETURN_IF_ERROR(family.status());
  RateControlResult result;
  Trial best;
  bool have = false;
  int trials = 0;
  // Progress counts encodes against the most a search can need.
  const double expected = double(quants.size()) * (2 + kBisectionSteps);
  auto on_trial = [&options, &trials, expected] {
    ++trials;
    if (options.progress) {
      options.progress("rate control", std::min(1.0, trials / expected));
    }
  };
  for (const auto& [luma, chroma] : quants) {
    EncodeOptions o = options;
    o.quant_step_luma = luma;
    o.quant_step_chroma = chroma;
    o.progress = nullptr;
    Search search(image, coded, lines, o, target, family, on_trial);
    bool reached = false;
    SPIX_ASSIGN_OR_RETURN(Trial t, search.Bisect(&reached));
    if (reached && search.Deferred()) {
      SPIX_ASSIGN_OR_RETURN(t, search.Refine(t));
    }
    // A met target beats an unmet one; among unmet, the closer wins.
    const bool better =
        !have || (reached && !result.reached) ||
        (reached == result.reached &&
         (reached ? search.Better(t, best)
                  : (target.kind == RateTarget::Kind::kPsnr
                         ? t.psnr > best.psnr
                         : t.bytes.size() < best.bytes.size())));
    if (better) {
      best = t;
      have = true;
      result.reached = reached;
      std::tie(result.quant_step_luma, result.quant_step_chroma) =
          StoredSteps(t.bytes);
    }
  }
  result.bytes = std::move(best.bytes);
  result.density = best.density;
  result.psnr = best.psnr;
  result.trials = trials;
  return result;
}

}  // namespace spix
