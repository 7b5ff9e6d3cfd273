#include "codec/fill/fill.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <utility>

#include "baselines/poisson_blend.h"
#include "bitstream/container.h"
#include "codec/inpainter.h"
#include "codec/planes.h"
#include "networks/fill/latent_search.h"
#include "networks/inference.h"
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
  if (!o.loss) return InvalidArgument("a latent search needs a loss");
  LatentSearchOptions s;
  switch (*o.loss) {
    case FillLossKind::kYeh:
      s.loss = FillLoss::kYeh;
      s.alpha = 1, s.beta = 0, s.eta = 0.003;
      break;
    case FillLossKind::kVitoria:
      s.loss = FillLoss::kVitoria;
      s.alpha = 0.5, s.beta = 0.5, s.eta = 0.5;
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
  s.average_restarts = o.average_restarts;
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

// A rectangle of pixels, [x0, x1) x [y0, y1).
struct Box {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int width() const { return x1 - x0; }
  int height() const { return y1 - y0; }
};

// The bounding box of the hole (known == 0) of a width x height mask.
Box HoleBox(const std::vector<uint8_t>& known, int width, int height) {
  Box box{width, height, 0, 0};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (known[size_t(y) * width + x]) continue;
      box.x0 = std::min(box.x0, x);
      box.y0 = std::min(box.y0, y);
      box.x1 = std::max(box.x1, x + 1);
      box.y1 = std::max(box.y1, y + 1);
    }
  }
  return box;
}

// `box` of an image and of its known mask, as an image and mask of their own.
void Crop(const Image& image, const std::vector<uint8_t>& known, const Box& box,
          Image* window, std::vector<uint8_t>* window_known) {
  *window = Image(box.width(), box.height(), image.channels);
  window_known->clear();
  for (int y = box.y0; y < box.y1; ++y) {
    std::copy(image.pixel(box.x0, y),
              image.pixel(box.x1 - 1, y) + image.channels,
              window->pixel(0, y - box.y0));
    const uint8_t* row = &known[size_t(y) * image.width];
    window_known->insert(window_known->end(), row + box.x0, row + box.x1);
  }
}

// The hole pixels of `window` (the crop `box` of `image`) written back.
void PasteHole(const Image& window, const std::vector<uint8_t>& window_known,
               const Box& box, Image* image) {
  for (int y = 0; y < window.height; ++y) {
    for (int x = 0; x < window.width; ++x) {
      if (window_known[size_t(y) * window.width + x]) continue;
      std::copy(window.pixel(x, y), window.pixel(x, y) + window.channels,
                image->pixel(box.x0 + x, box.y0 + y));
    }
  }
}

// Images of another size than the prior's are filled on a square window
// around the holes, resized to the prior's size and back. The window's side
// is twice the holes' bounding box (at least the prior's 64 pixels), so
// that the prior sees the hole at most 32x32 (the central square of
// benchmarks/results/fill_tables.md) with as much context around it.
constexpr int kWindowPerHole = 2;
// At most 8 image pixels per prior pixel: beyond that the fill is a blur of
// 8-pixel blocks (or the holes are far apart, better filled one by one).
constexpr int kMaxWindow = 8 * kFillImageSize;
// Below half the prior's size the window would be upscaled more than 2x.
constexpr int kMinWindow = kFillImageSize / 2;

// Where an image of another size than the prior's was cut for it.
struct PriorWindow {
  bool used = false;  // false: the image is the prior's size
  Box box;
  Image image;        // the window at full resolution
  LatentTarget full;  // its planes and known mask at full resolution
};

// The square window around the holes of a width x height mask, or why the
// prior cannot fill them.
StatusOr<Box> ChooseWindow(const std::vector<uint8_t>& known, int width,
                           int height, const std::string& which) {
  const Box hole = HoleBox(known, width, height);
  const int span = std::max(hole.width(), hole.height());
  const std::string holes = "the holes' bounding box is " +
                            std::to_string(hole.width()) + "x" +
                            std::to_string(hole.height()) + which;
  const std::string instead = "; fill with --method eed (any size)";
  if (kWindowPerHole * span > kMaxWindow) {
    return InvalidArgument(
        holes +
        ", too large for --method prior: the prior sees the holes in "
        "a square window of twice their side, at most " +
        std::to_string(kMaxWindow) + " pixels (" +
        std::to_string(kMaxWindow / kFillImageSize) +
        " pixels per pixel of its " + std::to_string(kFillImageSize) + "x" +
        std::to_string(kFillImageSize) + " view)" + instead +
        ", or fill far-apart holes one at a time");
  }
  const int fits = std::min(width, height);
  if (fits < kMinWindow) {
    return InvalidArgument(
        "the image is " + std::to_string(width) + "x" + std::to_string(height) +
        which +
        ", too small for --method prior (it needs a square window of at "
        "least " +
        std::to_string(kMinWindow) + " pixels)" + instead);
  }
  if (kWindowPerHole * span > fits) {
    return InvalidArgument(
        holes + ", more than half the largest square window of this " +
        std::to_string(width) + "x" + std::to_string(height) +
        " image: too large for --method prior, which needs context around "
        "the hole" +
        instead);
  }
  const int side =
      std::min(std::max(kWindowPerHole * span, kFillImageSize), fits);
  // Centred on the holes; shifted, not shrunk, at the image border.
  Box box;
  box.x0 = std::clamp((hole.x0 + hole.x1 - side) / 2, 0, width - side);
  box.y0 = std::clamp((hole.y0 + hole.y1 - side) / 2, 0, height - side);
  box.x1 = box.x0 + side;
  box.y1 = box.y0 + side;
  return box;
}

// Pixels [lo, hi] of a side-long row that interpolation reads for pixel `i`
// of `size`: the area footprint when shrinking (cv::INTER_AREA), the two
// neighbours when enlarging (cv::INTER_LINEAR).
std::pair<int, int> Footprint(int i, int side, int size) {
  if (side >= size) {
    return {int(int64_t(i) * side / size),
            int((int64_t(i + 1) * side + size - 1) / size) - 1};
  }
  const int lo = int(std::floor((i + 0.5) * side / size - 0.5));
  return {std::max(lo, 0), std::min(lo + 1, side - 1)};
}

// The window resized to the prior's size. A pixel there is known only if
// every pixel it is interpolated from is known, so hole values never leak
// into the context the prior matches.
LatentTarget ShrinkWindow(const PriorWindow& window) {
  const int side = window.box.width(), size = kFillImageSize;
  const Image& image = window.image;
  cv::Mat small;
  cv::resize(cv::Mat(side, side, CV_8UC(image.channels),
                     const_cast<uint8_t*>(image.pixels.data())),
             small, cv::Size(size, size), 0, 0,
             side >= size ? cv::INTER_AREA : cv::INTER_LINEAR);
  LatentTarget t;
  t.image = ToPlanes(small.ptr<uint8_t>(), image.channels, size_t(size) * size);
  t.known.assign(size_t(size) * size, 1);
  for (int y = 0; y < size; ++y) {
    const auto [y0, y1] = Footprint(y, side, size);
    for (int x = 0; x < size; ++x) {
      const auto [x0, x1] = Footprint(x, side, size);
      for (int sy = y0; sy <= y1; ++sy) {
        for (int sx = x0; sx <= x1; ++sx) {
          if (!window.full.known[size_t(sy) * side + sx])
            t.known[size_t(y) * size + x] = 0;
        }
      }
    }
  }
  return t;
}

// What the prior searches for `image`: the image itself at the prior's
// size, else its window (described in `window`).
StatusOr<LatentTarget> MakeTarget(const Image& image, const Image& hole,
                                  size_t index, PriorWindow* window) {
  const std::string which =
      index == size_t(-1) ? "" : " (image " + std::to_string(index + 1) + ")";
  LatentTarget t;
  SPIX_ASSIGN_OR_RETURN(t.known, KnownMask(image, hole, which));
  if (image.width == kFillImageSize && image.height == kFillImageSize) {
    t.image = ToPlanes(image.pixels.data(), image.channels, image.num_pixels());
    return t;
  }
  if (image.channels != 1 && image.channels != 3) {
    return InvalidArgument("images must have 1 or 3 channels");
  }
  SPIX_ASSIGN_OR_RETURN(
      window->box, ChooseWindow(t.known, image.width, image.height, which));
  window->used = true;
  Crop(image, t.known, window->box, &window->image, &window->full.known);
  window->full.image = ToPlanes(window->image.pixels.data(), image.channels,
                                window->image.num_pixels());
  return ShrinkWindow(*window);
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
  Box box = HoleBox(mask, image.width, image.height);
  box.x0 = std::max(box.x0 - kOperatorContext, 0);
  box.y0 = std::max(box.y0 - kOperatorContext, 0);
  box.x1 = std::min(box.x1 + kOperatorContext, image.width);
  box.y1 = std::min(box.y1 + kOperatorContext, image.height);
  Image window;
  std::vector<uint8_t> window_mask;
  Crop(image, mask, box, &window, &window_mask);
  SPIX_ASSIGN_OR_RETURN(const Image inpainted,
                        InpaintWindow(*op, window, window_mask, options));
  Image filled = image;
  PasteHole(inpainted, window_mask, box, &filled);
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

// What FillBatch and FillSequence share: checked options, targets (with
// the windows of images not of the prior's size) and the loaded prior.
struct FillJob {
  LatentSearchOptions search;
  std::vector<LatentTarget> targets;
  std::vector<PriorWindow> windows;
  const GanPrior* prior = nullptr;
};

StatusOr<FillJob> Prepare(const std::vector<Image>& images,
                          const std::vector<Image>& holes,
                          const FillOptions& options) {
  FillJob job;
  SPIX_ASSIGN_OR_RETURN(job.search, SearchOptions(options));
  if (images.empty()) return InvalidArgument("no image to fill");
  if (images.size() != holes.size()) {
    return InvalidArgument(std::to_string(images.size()) + " images but " +
                           std::to_string(holes.size()) + " hole masks");
  }
  job.windows.resize(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    SPIX_ASSIGN_OR_RETURN(
        LatentTarget t,
        MakeTarget(images[i], holes[i], images.size() == 1 ? size_t(-1) : i,
                   &job.windows[i]));
    job.targets.push_back(std::move(t));
  }
  SetNetworkThreads(options.threads);
  SPIX_ASSIGN_OR_RETURN(
      job.prior, SharedPrior(options.models_dir,
                             options.prior.empty() ? DefaultPrior(*options.loss)
                                                   : options.prior));
  return job;
}

// Image `i` of the job with G(z*) in its hole. A window gets G(z*) resized
// to its side and is blended at full resolution: everything outside the
// hole is known, so blending the window equals blending the whole image.
Image Finish(const Image& image, const FillJob& job, size_t i,
             const std::vector<float>& generated, bool blend) {
  const PriorWindow& window = job.windows[i];
  if (!window.used) return Composite(image, job.targets[i], generated, blend);
  const int side = window.box.width(), size = kFillImageSize;
  const size_t pixels = size_t(side) * side;
  std::vector<float> resized(3 * pixels);
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(size, size, CV_32F,
                  const_cast<float*>(generated.data()) + c * size * size);
    cv::Mat out(side, side, CV_32F, resized.data() + c * pixels);
    cv::resize(plane, out, out.size(), 0, 0,
               side > size ? cv::INTER_CUBIC : cv::INTER_AREA);
  }
  const Image filled_window =
      Composite(window.image, window.full, resized, blend);
  Image filled = image;
  PasteHole(filled_window, window.full.known, window.box, &filled);
  return filled;
}

// The systems averaged when FillOptions::loss is unset.
constexpr FillLossKind kEnsembleLosses[] = {FillLossKind::kYeh,
                                            FillLossKind::kVitoria};

// Runs `fill(options, first)` once per system of the ensemble, each with
// its share of the restarts, and returns the mean image; known pixels are
// the same in every fill, so they stay exact.
template <typename FillFn>
StatusOr<std::vector<Image>> MeanOfSystems(const FillOptions& options,
                                           FillFn fill) {
  if (!options.prior.empty() || options.alpha >= 0 || options.beta >= 0 ||
      options.eta >= 0) {
    return InvalidArgument(
        "the default fill searches two losses, each with its own prior and "
        "weights; name a loss to name a prior or weights");
  }
  constexpr int systems = int(std::size(kEnsembleLosses));
  std::vector<Image> mean;
  for (int k = 0; k < systems; ++k) {
    FillOptions o = options;
    o.loss = kEnsembleLosses[k];
    o.restarts = std::max(1, (options.restarts + systems - 1 - k) / systems);
    if (options.progress) {
      o.progress = [&options, k](double done) {
        options.progress((k + done) / systems);
      };
    }
    SPIX_ASSIGN_OR_RETURN(std::vector<Image> filled, fill(o, k == 0));
    if (mean.empty()) {
      mean = std::move(filled);
      continue;
    }
    // The running mean of k + 1 fills, rounded.
    for (size_t i = 0; i < mean.size(); ++i) {
      std::vector<uint8_t>& m = mean[i].pixels;
      const std::vector<uint8_t>& f = filled[i].pixels;
      for (size_t p = 0; p < m.size(); ++p)
        m[p] = uint8_t((m[p] * k + f[p] + (k + 1) / 2) / (k + 1));
    }
  }
  return mean;
}

}  // namespace

const char* FillLossName(FillLossKind loss) {
  switch (loss) {
    case FillLossKind::kYeh:
      return "yeh";
    case FillLossKind::kVitoria:
      return "vitoria";
    case FillLossKind::kCritic:
      return "critic";
  }
  return "?";
}

bool ParseFillLoss(const std::string& name, FillLossKind* loss) {
  for (FillLossKind kind :
       {FillLossKind::kYeh, FillLossKind::kVitoria, FillLossKind::kCritic}) {
    if (name == FillLossName(kind)) {
      *loss = kind;
      return true;
    }
  }
  return false;
}

const char* DefaultPrior(FillLossKind loss) {
  switch (loss) {
    case FillLossKind::kYeh:
      return "dcgan";
    case FillLossKind::kVitoria:
      return "wgan-gp";
    case FillLossKind::kCritic:
      return "wgan-clip";
  }
  return "dcgan";
}

StatusOr<std::vector<Image>> FillBatch(
    const std::vector<Image>& images, const std::vector<Image>& holes,
    const FillOptions& options, std::vector<std::vector<float>>* traces) {
  if (!options.loss && options.method == "prior") {
    return MeanOfSystems(options, [&](const FillOptions& o, bool first) {
      return FillBatch(images, holes, o, first ? traces : nullptr);
    });
  }
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
    filled.push_back(
        Finish(images[i], job, i, results[i].generated, options.poisson_blend));
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
  if (!options.loss && options.method == "prior") {
    return MeanOfSystems(options, [&](const FillOptions& o, bool) {
      return FillSequence(frames, holes, o);
    });
  }
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
    filled.push_back(
        Finish(frames[i], job, i, results[i].generated, options.poisson_blend));
  }
  return filled;
}

}  // namespace spix
