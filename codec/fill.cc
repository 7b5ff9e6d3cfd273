#include "codec/fill.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "baselines/poisson_blend.h"
#include "bitstream/container.h"
#include "codec/inpainter.h"
#include "codec/planes.h"
#include "networks/inference.h"
#include "networks/latent_search.h"
#include "networks/torch_guard.h"

namespace spix {
namespace {

constexpr int kMaxIterations = 100000;
constexpr int kMaxPool = 10000;
constexpr int kMaxRestarts = 256;

// Loaded priors live for the process (benchmarks fill many batches).
StatusOr<const GanPrior*> SharedPrior(const std::string& models_dir,
                                      const std::string& arch) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>,
                  std::unique_ptr<GanPrior>>
      loaded;
  std::lock_guard<std::mutex> lock(mutex);
  const std::string dir = models_dir.empty() ? DefaultModelsDir() : models_dir;
  auto it = loaded.find({dir, arch});
  if (it == loaded.end()) {
    SPIX_ASSIGN_OR_RETURN(std::unique_ptr<GanPrior> prior,
                          GanPrior::Load(dir, arch));
    it = loaded.emplace(std::make_pair(dir, arch), std::move(prior)).first;
  }
  return it->second.get();
}

bool Finite(double v) { return std::isfinite(v); }

StatusOr<LatentSearchOptions> SearchOptions(const FillOptions& o) {
  if (o.iterations < 1 || o.iterations > kMaxIterations)
    return InvalidArgument("iterations must be in 1.." +
                           std::to_string(kMaxIterations));
  if (o.restarts < 1 || o.restarts > kMaxRestarts)
    return InvalidArgument("restarts must be in 1.." +
                           std::to_string(kMaxRestarts));
  if (o.pool_size < 1 || o.pool_size > kMaxPool)
    return InvalidArgument("pool size must be in 1.." +
                           std::to_string(kMaxPool));
  if (o.nn_init && o.restarts > o.pool_size)
    return InvalidArgument(
        "nearest-neighbour initialisation needs a pool at "
        "least as large as the number of restarts");
  if (!(o.lr > 0) || !Finite(o.lr) || !(o.gamma >= 0) || !Finite(o.gamma) ||
      !Finite(o.alpha) || !Finite(o.beta) || !Finite(o.eta) ||
      !(o.group_weight >= 0) || !Finite(o.group_weight) || o.group_window < 1 ||
      o.threads < 1) {
    return InvalidArgument(
        "invalid fill options (learning rate, weights, "
        "window and threads must be positive and finite)");
  }
  LatentSearchOptions s;
  switch (o.loss) {
    case FillLossKind::kYeh:
      s.loss = FillLoss::kYeh;
      s.alpha = 1, s.beta = 0, s.eta = 0.003;
      break;
    case FillLossKind::kVitoria:
      s.loss = FillLoss::kVitoria;
      s.alpha = 0.1, s.beta = 0.9, s.eta = 0.5;
      break;
    case FillLossKind::kCritic:
      s.loss = FillLoss::kCritic;
      break;
  }
  if (o.alpha >= 0) s.alpha = o.alpha;
  if (o.beta >= 0) s.beta = o.beta;
  if (o.eta >= 0) s.eta = o.eta;
  s.iterations = o.iterations;
  s.restarts = o.restarts;
  s.lr = o.lr;
  s.nn_init = o.nn_init;
  s.pool_size = o.pool_size;
  s.gamma = o.gamma;
  s.group_window = o.group_window;
  s.group_weight = o.group_weight;
  s.seed = o.seed;
  s.progress = o.progress;
  return s;
}

// 1 where `hole` (same size as `image`) keeps the pixel, 0 in the hole.
StatusOr<std::vector<uint8_t>> KnownMask(const Image& image, const Image& hole,
                                         const std::string& which) {
  if (hole.width != image.width || hole.height != image.height) {
    return InvalidArgument("the hole mask is " + std::to_string(hole.width) +
                           "x" + std::to_string(hole.height) + ", the image " +
                           std::to_string(image.width) + "x" +
                           std::to_string(image.height) + which);
  }
  const size_t pixels = image.num_pixels();
  std::vector<uint8_t> known(pixels);
  size_t holes = 0;
  for (size_t i = 0; i < pixels; ++i) {
    const bool in_hole = hole.pixels[i * size_t(hole.channels)] >= 128;
    known[i] = in_hole ? 0 : 1;
    holes += in_hole;
  }
  if (holes == 0) {
    return InvalidArgument("the hole mask marks no pixel" + which +
                           " (white, >= 128, is the hole)");
  }
  if (holes == pixels) {
    return InvalidArgument("the hole mask covers the whole image" + which +
                           ": nothing is known to fill from");
  }
  return known;
}

StatusOr<LatentTarget> MakeTarget(const Image& image, const Image& hole,
                                  size_t index) {
  const std::string which =
      index == size_t(-1) ? "" : " (image " + std::to_string(index + 1) + ")";
  if (image.width != kFillImageSize || image.height != kFillImageSize) {
    return InvalidArgument("fill --method prior works on " +
                           std::to_string(kFillImageSize) + "x" +
                           std::to_string(kFillImageSize) +
                           " images, the prior's size; this one "
                           "is " +
                           std::to_string(image.width) + "x" +
                           std::to_string(image.height) + which +
                           " (crop or resize it around the hole first, or "
                           "fill with --method eed)");
  }
  LatentTarget t;
  SPIX_ASSIGN_OR_RETURN(t.known, KnownMask(image, hole, which));
  t.image = ToPlanes(image.pixels.data(), image.channels, image.num_pixels());
  return t;
}

// Context kept around the holes when an operator fills them: the
// diffusions see only the hole's border, g looks 32 pixels out.
constexpr int kOperatorContext = 32;

// `window` inpainted by `op` where known_mask is 0.
StatusOr<Image> InpaintWindow(const Operator& op, const Image& window,
                              const std::vector<uint8_t>& known_mask,
                              const FillOptions& options) {
  Header header;
  header.version = kFormatVersion;
  header.width = uint32_t(window.width);
  header.height = uint32_t(window.height);
  header.channels = uint8_t(window.channels);
  header.inpainter = op.id;
  EncodeOptions encode;
  encode.effort = 1;  // no parameter search against a hole without data
  encode.models_dir = options.models_dir;
  encode.threads = options.threads;
  SPIX_RETURN_IF_ERROR(op.prepare(window, known_mask, encode, &header));
  std::vector<uint8_t> known = window.pixels;
  for (size_t i = 0; i < known_mask.size(); ++i) {
    if (known_mask[i]) continue;
    for (int c = 0; c < window.channels; ++c) {
      known[i * window.channels + c] = 0;
    }
  }
  DecodeOptions decode;
  decode.models_dir = options.models_dir;
  decode.threads = options.threads;
  return Refine(op, header, known_mask,
                op.reconstruct(header, known, known_mask, decode), decode);
}

// The hole filled by one of the codec's inpainting operators: any size, the
// known pixels kept exactly. Only the holes' bounding box and its context
// are inpainted.
StatusOr<Image> FillWithOperator(const Image& image, const Image& hole,
                                 const FillOptions& options) {
  const Operator* op = FindOperator(options.method);
  if (op == nullptr) {
    return InvalidArgument("unknown fill method '" + options.method + "'");
  }
  if (image.channels != 1 && image.channels != 3) {
    return InvalidArgument("images must have 1 or 3 channels");
  }
  SPIX_ASSIGN_OR_RETURN(const std::vector<uint8_t> mask,
                        KnownMask(image, hole, ""));
  int x0 = image.width, y0 = image.height, x1 = 0, y1 = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      if (mask[size_t(y) * image.width + x]) continue;
      x0 = std::min(x0, x);
      y0 = std::min(y0, y);
      x1 = std::max(x1, x + 1);
      y1 = std::max(y1, y + 1);
    }
  }
  x0 = std::max(x0 - kOperatorContext, 0);
  y0 = std::max(y0 - kOperatorContext, 0);
  x1 = std::min(x1 + kOperatorContext, image.width);
  y1 = std::min(y1 + kOperatorContext, image.height);
  Image window(x1 - x0, y1 - y0, image.channels);
  std::vector<uint8_t> window_mask;
  for (int y = y0; y < y1; ++y) {
    std::copy(image.pixel(x0, y), image.pixel(x1 - 1, y) + image.channels,
              window.pixel(0, y - y0));
    window_mask.insert(window_mask.end(), &mask[size_t(y) * image.width + x0],
                       &mask[size_t(y) * image.width + x1 - 1] + 1);
  }
  SPIX_ASSIGN_OR_RETURN(const Image inpainted,
                        InpaintWindow(*op, window, window_mask, options));
  Image filled = image;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      if (mask[size_t(y) * image.width + x]) continue;
      std::copy(inpainted.pixel(x - x0, y - y0),
                inpainted.pixel(x - x0, y - y0) + image.channels,
                filled.pixel(x, y));
    }
  }
  return filled;
}

// Known pixels from the image, the hole from G(z*), blended or pasted.
Image Composite(const Image& image, const LatentTarget& target,
                const std::vector<float>& generated, bool blend) {
  const size_t pixels = image.num_pixels();
  std::vector<float> planes(3 * pixels);
  for (int c = 0; c < 3; ++c) {
    const float* y = target.image.data() + c * pixels;
    const float* g = generated.data() + c * pixels;
    float* out = planes.data() + c * pixels;
    if (blend) {
      std::vector<float> y255(pixels), g255(pixels), blended(pixels);
      for (size_t i = 0; i < pixels; ++i) {
        y255[i] = 255 * y[i];
        g255[i] = 255 * g[i];
      }
      PoissonBlend(image.width, image.height, target.known.data(), y255.data(),
                   g255.data(), blended.data());
      for (size_t i = 0; i < pixels; ++i) out[i] = blended[i] / 255;
    } else {
      for (size_t i = 0; i < pixels; ++i)
        out[i] = target.known[i] ? y[i] : g[i];
    }
  }
  Image filled = image;
  FromPlanes(planes, pixels, image.channels, filled.pixels.data());
  // Known pixels are kept exactly, also for grey images.
  for (size_t i = 0; i < pixels; ++i) {
    if (!target.known[i]) continue;
    for (int c = 0; c < image.channels; ++c) {
      filled.pixels[i * image.channels + c] =
          image.pixels[i * image.channels + c];
    }
  }
  return filled;
}

StatusOr<std::vector<LatentTarget>> MakeTargets(
    const std::vector<Image>& images, const std::vector<Image>& holes) {
  if (images.empty()) return InvalidArgument("no image to fill");
  if (images.size() != holes.size()) {
    return InvalidArgument(std::to_string(images.size()) + " images but " +
                           std::to_string(holes.size()) + " hole masks");
  }
  std::vector<LatentTarget> targets;
  for (size_t i = 0; i < images.size(); ++i) {
    SPIX_ASSIGN_OR_RETURN(
        LatentTarget t,
        MakeTarget(images[i], holes[i], images.size() == 1 ? size_t(-1) : i));
    targets.push_back(std::move(t));
  }
  return targets;
}

// What FillBatch and FillSequence share: checked options, targets and the
// loaded prior.
struct FillJob {
  LatentSearchOptions search;
  std::vector<LatentTarget> targets;
  const GanPrior* prior = nullptr;
};

StatusOr<FillJob> Prepare(const std::vector<Image>& images,
                          const std::vector<Image>& holes,
                          const FillOptions& options) {
  FillJob job;
  SPIX_ASSIGN_OR_RETURN(job.search, SearchOptions(options));
  SPIX_ASSIGN_OR_RETURN(job.targets, MakeTargets(images, holes));
  SetNetworkThreads(options.threads);
  SPIX_ASSIGN_OR_RETURN(job.prior,
                        SharedPrior(options.models_dir, options.prior));
  return job;
}

}  // namespace

StatusOr<std::vector<Image>> FillBatch(
    const std::vector<Image>& images, const std::vector<Image>& holes,
    const FillOptions& options, std::vector<std::vector<float>>* traces) {
  if (options.method != "prior") {
    if (images.size() != holes.size()) {
      return InvalidArgument("as many hole masks as images are needed");
    }
    std::vector<Image> filled;
    for (size_t i = 0; i < images.size(); ++i) {
      SPIX_ASSIGN_OR_RETURN(Image one,
                            FillWithOperator(images[i], holes[i], options));
      filled.push_back(std::move(one));
    }
    if (traces) traces->assign(images.size(), {});
    return filled;
  }
  SPIX_ASSIGN_OR_RETURN(FillJob job, Prepare(images, holes, options));
  SPIX_ASSIGN_OR_RETURN(std::vector<LatentResult> results,
                        GuardTorch("the latent search", [&] {
                          return job.prior->Search(job.targets, job.search);
                        }));
  std::vector<Image> filled;
  if (traces) traces->clear();
  for (size_t i = 0; i < images.size(); ++i) {
    filled.push_back(Composite(images[i], job.targets[i], results[i].generated,
                               options.poisson_blend));
    if (traces) traces->push_back(std::move(results[i].trace));
  }
  return filled;
}

StatusOr<Image> Fill(const Image& image, const Image& hole,
                     const FillOptions& options) {
  SPIX_ASSIGN_OR_RETURN(std::vector<Image> filled,
                        FillBatch({image}, {hole}, options));
  return std::move(filled[0]);
}

StatusOr<std::vector<Image>> FillSequence(const std::vector<Image>& frames,
                                          const std::vector<Image>& holes,
                                          const FillOptions& options) {
  // Operators have no latent to carry from frame to frame.
  if (options.method != "prior") return FillBatch(frames, holes, options);
  SPIX_ASSIGN_OR_RETURN(FillJob job, Prepare(frames, holes, options));
  SPIX_ASSIGN_OR_RETURN(const std::vector<LatentResult> results,
                        GuardTorch("the latent search", [&] {
                          return job.prior->SearchSequence(job.targets,
                                                           job.search);
                        }));
  std::vector<Image> filled;
  for (size_t i = 0; i < frames.size(); ++i) {
    filled.push_back(Composite(frames[i], job.targets[i], results[i].generated,
                               options.poisson_blend));
  }
  return filled;
}

}  // namespace spix
