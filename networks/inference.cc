#include "networks/inference.h"

#include <malloc.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "networks/modules.h"

namespace spix {
namespace {

namespace F = torch::nn::functional;

// Tiles: a core of up to kTileCore pixels per side, extended by kTileMargin
// of context on each side; neighbouring outputs are blended linearly over
// the 2 * kTileMargin pixels where their extended tiles overlap.
constexpr int kTileCore = 512;
constexpr int kTileMargin = 32;

struct Span {
  int core_begin, core_end;  // pixels this tile is responsible for
  int begin, end;            // pixels it reads (core plus margins)
};

std::vector<Span> Spans(int size) {
  std::vector<Span> spans;
  for (int c = 0; c < size; c += kTileCore) {
    const int e = std::min(size, c + kTileCore);
    spans.push_back(
        {c, e, std::max(0, c - kTileMargin), std::min(size, e + kTileMargin)});
  }
  return spans;
}

// Blend weights along one axis of a tile: rising over the overlap with the
// previous tile, falling over the overlap with the next one; neighbouring
// weights sum to one.
torch::Tensor Ramp(const Span& s, int size) {
  torch::Tensor w = torch::ones({s.end - s.begin});
  auto a = w.accessor<float, 1>();
  for (int p = s.begin; p < s.end; ++p) {
    float v = 1.f;
    if (s.core_begin > 0) {
      v *= std::clamp(
          (p - (s.core_begin - kTileMargin) + 0.5f) / (2 * kTileMargin), 0.f,
          1.f);
    }
    if (s.core_end < size) {
      v *= std::clamp(
          ((s.core_end + kTileMargin) - p - 0.5f) / (2 * kTileMargin), 0.f,
          1.f);
    }
    a[p - s.begin] = v;
  }
  return w;
}

torch::Tensor PlanesToTensor(const std::vector<float>& planes, int channels,
                             int width, int height) {
  return torch::from_blob(const_cast<float*>(planes.data()),
                          {1, channels, height, width}, torch::kFloat32);
}

torch::Tensor MaskToTensor(const std::vector<uint8_t>& mask, int width,
                           int height) {
  return torch::from_blob(const_cast<uint8_t*>(mask.data()),
                          {1, 1, height, width}, torch::kUInt8)
      .to(torch::kFloat32);
}

// Pads the last two dimensions with zeros up to multiples of the stride.
torch::Tensor PadToStride(const torch::Tensor& t) {
  const int64_t h = t.size(2), w = t.size(3);
  const int64_t ph =
      (kHourglassStride - h % kHourglassStride) % kHourglassStride;
  const int64_t pw =
      (kHourglassStride - w % kHourglassStride) % kHourglassStride;
  if (ph == 0 && pw == 0) return t;
  return F::pad(t, F::PadFuncOptions({0, pw, 0, ph}));
}

// Runs `tile_fn(x0, y0, w, h) -> (1, C, h, w)` on every tile and blends.
template <typename TileFn>
torch::Tensor RunTiled(int width, int height, int channels,
                       const TileFn& tile_fn) {
  torch::Tensor sum = torch::zeros({1, channels, height, width});
  torch::Tensor weight = torch::zeros({1, 1, height, width});
  for (const Span& sy : Spans(height)) {
    for (const Span& sx : Spans(width)) {
      const int w = sx.end - sx.begin, h = sy.end - sy.begin;
      const torch::Tensor out = tile_fn(sx.begin, sy.begin, w, h);
      const torch::Tensor blend =
          (Ramp(sy, height).view({h, 1}) * Ramp(sx, width).view({1, w}))
              .view({1, 1, h, w});
      sum.slice(2, sy.begin, sy.end).slice(3, sx.begin, sx.end) += out * blend;
      weight.slice(2, sy.begin, sy.end).slice(3, sx.begin, sx.end) += blend;
    }
  }
  return sum / weight;
}

std::vector<float> TensorToPlanes(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(),
                            c.data_ptr<float>() + c.numel());
}

// Reads `file` from `models_dir` into `module` (set to eval mode).
Status LoadNetwork(const std::string& models_dir, const char* file,
                   const std::string& network, torch::nn::Module* module,
                   Sha256Digest* digest) {
  const std::string path = models_dir + "/" + file;
  StatusOr<WeightFile> weights = ReadWeightFile(path, digest);
  if (!weights.ok()) {
    return Status(weights.status().code(),
                  weights.status().message() +
                      " (the learned codec needs it: pass --models DIR, "
                      "set SPIX_MODELS, or use --inpainter diffusion)");
  }
  Status status = LoadWeightFile(*weights, network, module);
  if (!status.ok()) {
    return Status(status.code(), path + ": " + status.message());
  }
  module->eval();
  return OkStatus();
}

}  // namespace

std::string DefaultModelsDir() {
  if (const char* env = std::getenv("SPIX_MODELS")) return env;
  return SPIX_DEFAULT_MODELS_DIR;
}

void SetNetworkThreads(int threads) {
  // LibTorch's CPU allocator returns every large buffer to glibc, which
  // hands it back to the kernel; the next forward pass then page-faults it
  // in again. Keeping up to 256 MB of freed heap (and mapping only buffers
  // above 64 MB separately) cut a Kodak decode and a 300-step fill by
  // 12-20 % (docs/models.md).
  static std::once_flag keep_heap;
  std::call_once(keep_heap, [] {
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
  });
  if (threads > 0) torch::set_num_threads(threads);
}

struct InpaintingNetwork::Impl {
  InpaintingGenerator g;

  // g on one tile: (1, 3, h, w) colours in, composite out.
  torch::Tensor Tile(const torch::Tensor& known, const torch::Tensor& mask,
                     uint64_t seed, int x0, int y0, int image_width) {
    const int64_t h = known.size(2), w = known.size(3);
    const torch::Tensor noise = NoiseTile(seed, x0, y0, w, h, image_width);
    const torch::Tensor features =
        PadToStride(InpaintingGenerator::Impl::Features(known, mask, noise));
    const torch::Tensor generated =
        g->forward(features).slice(2, 0, h).slice(3, 0, w);
    return Composite(generated, known, mask);
  }
};

InpaintingNetwork::InpaintingNetwork(std::unique_ptr<Impl> impl,
                                     Sha256Digest digest)
    : impl_(std::move(impl)), digest_(digest) {}
InpaintingNetwork::~InpaintingNetwork() = default;

StatusOr<std::unique_ptr<InpaintingNetwork>> InpaintingNetwork::Load(
    const std::string& models_dir) {
  auto impl = std::make_unique<Impl>();
  Sha256Digest digest;
  SPIX_RETURN_IF_ERROR(LoadNetwork(models_dir, kInpaintingWeightsFile,
                                   "inpaint-g", impl->g.get(), &digest));
  return std::unique_ptr<InpaintingNetwork>(
      new InpaintingNetwork(std::move(impl), digest));
}

std::vector<float> InpaintingNetwork::Inpaint(const std::vector<float>& known,
                                              const std::vector<uint8_t>& mask,
                                              int width, int height,
                                              uint64_t noise_seed) const {
  torch::InferenceMode inference;
  const torch::Tensor f = PlanesToTensor(known, 3, width, height);
  const torch::Tensor m = MaskToTensor(mask, width, height);
  const torch::Tensor u =
      RunTiled(width, height, 3, [&](int x0, int y0, int w, int h) {
        return impl_->Tile(f.slice(2, y0, y0 + h).slice(3, x0, x0 + w),
                           m.slice(2, y0, y0 + h).slice(3, x0, x0 + w),
                           noise_seed, x0, y0, width);
      });
  return TensorToPlanes(u.clamp(0.0, 1.0));
}

std::vector<float> InpaintingNetwork::OptimiseKnown(
    const std::vector<float>& image, const std::vector<uint8_t>& mask,
    int width, int height, uint64_t noise_seed, int steps,
    const std::function<void(double)>& progress) const {
  const torch::Tensor f = PlanesToTensor(image, 3, width, height);
  const torch::Tensor m = MaskToTensor(mask, width, height);
  torch::Tensor values = f.clone().requires_grad_(true);
  // Step size in [0, 1] units: a few quantisation steps over a run.
  torch::optim::Adam adam({values}, torch::optim::AdamOptions(0.01));
  const double pixels = double(width) * height;
  for (int step = 0; step < steps; ++step) {
    adam.zero_grad();
    for (const Span& sy : Spans(height)) {
      for (const Span& sx : Spans(width)) {
        auto crop = [&](const torch::Tensor& t) {
          return t.slice(2, sy.begin, sy.end).slice(3, sx.begin, sx.end);
        };
        const int w = sx.end - sx.begin, h = sy.end - sy.begin;
        const torch::Tensor blend =
            (Ramp(sy, height).view({h, 1}) * Ramp(sx, width).view({1, w}))
                .view({1, 1, h, w});
        const torch::Tensor u = impl_->Tile(crop(values), crop(m), noise_seed,
                                            sx.begin, sy.begin, width);
        ((u - crop(f)).pow(2) * blend).sum().div(pixels).backward();
      }
    }
    adam.step();
    {
      torch::NoGradGuard no_grad;
      values.clamp_(0.0, 1.0);
    }
    if (progress) progress(double(step + 1) / steps);
  }
  return TensorToPlanes(values.detach());
}

struct MaskNetwork::Impl {
  MaskGenerator m;

  // m's bounded scores (MaskScores) for the whole image, tile by tile.
  torch::Tensor Scores(const std::vector<float>& image, int width, int height,
                       double density, uint64_t noise_seed);
};

MaskNetwork::MaskNetwork(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MaskNetwork::~MaskNetwork() = default;

StatusOr<std::unique_ptr<MaskNetwork>> MaskNetwork::Load(
    const std::string& models_dir) {
  auto impl = std::make_unique<Impl>();
  SPIX_RETURN_IF_ERROR(LoadNetwork(models_dir, kMaskWeightsFile, "mask-m",
                                   impl->m.get(), nullptr));
  return std::unique_ptr<MaskNetwork>(new MaskNetwork(std::move(impl)));
}

torch::Tensor MaskNetwork::Impl::Scores(const std::vector<float>& image,
                                        int width, int height, double density,
                                        uint64_t noise_seed) {
  const torch::Tensor f = PlanesToTensor(image, 3, width, height);
  const torch::Tensor c =
      RunTiled(width, height, 1, [&](int x0, int y0, int w, int h) {
        const torch::Tensor tile =
            PadToStride(f.slice(2, y0, y0 + h).slice(3, x0, x0 + w));
        const torch::Tensor noise =
            PadToStride(NoiseTile(noise_seed, x0, y0, w, h, width));
        return m->forward(tile, noise, torch::full({1}, density))
            .slice(2, 0, h)
            .slice(3, 0, w);
      });
  return MaskScores(c);
}

std::vector<float> MaskNetwork::Scores(const std::vector<float>& image,
                                       int width, int height, double density,
                                       uint64_t noise_seed) const {
  torch::InferenceMode inference;
  return TensorToPlanes(
      impl_->Scores(image, width, height, density, noise_seed));
}

std::vector<float> MaskNetwork::Confidence(const std::vector<float>& image,
                                           int width, int height,
                                           double density,
                                           uint64_t noise_seed) const {
  torch::InferenceMode inference;
  // Its own noise stream: the mask is a sample, as in training.
  constexpr uint64_t kGumbelSeedSalt = 0x6A09E667F3BCC909ull;
  const torch::Tensor gumbel = GumbelNoise(
      NoiseTile(noise_seed ^ kGumbelSeedSalt, 0, 0, width, height, width));
  return TensorToPlanes(
      impl_->Scores(image, width, height, density, noise_seed) + gumbel);
}

struct RefinementNetwork::Impl {
  Refiner g2{nullptr};
};

RefinementNetwork::RefinementNetwork(std::unique_ptr<Impl> impl,
                                     Sha256Digest digest)
    : impl_(std::move(impl)), digest_(digest) {}
RefinementNetwork::~RefinementNetwork() = default;

StatusOr<std::unique_ptr<RefinementNetwork>> RefinementNetwork::Load(
    const std::string& models_dir) {
  const std::string path = models_dir + "/" + kRefinerWeightsFile;
  Sha256Digest digest;
  StatusOr<WeightFile> file = ReadWeightFile(path, &digest);
  if (!file.ok()) {
    return Status(file.status().code(),
                  file.status().message() +
                      " (-i eed-g needs it: pass --models DIR, set "
                      "SPIX_MODELS, or use -i eed)");
  }
  StatusOr<std::array<int, 2>> shape = RefinerImpl::ShapeOf(*file);
  if (!shape.ok())
    return Status(shape.status().code(),
                  path + ": " + shape.status().message());
  auto impl = std::make_unique<Impl>();
  impl->g2 = Refiner((*shape)[0], (*shape)[1]);
  Status status = LoadWeightFile(*file, kRefinerNetworkName, impl->g2.get(),
                                 kRefinerVersion);
  if (!status.ok())
    return Status(status.code(), path + ": " + status.message());
  impl->g2->eval();
  return std::unique_ptr<RefinementNetwork>(
      new RefinementNetwork(std::move(impl), digest));
}

std::vector<float> RefinementNetwork::Refine(const std::vector<float>& decoded,
                                             const std::vector<uint8_t>& mask,
                                             int width, int height) const {
  torch::InferenceMode inference;
  const torch::Tensor u = PlanesToTensor(decoded, 3, width, height);
  const torch::Tensor m = MaskToTensor(mask, width, height);
  const torch::Tensor refined =
      RunTiled(width, height, 3, [&](int x0, int y0, int w, int h) {
        auto crop = [&](const torch::Tensor& t) {
          return PadToStride(t.slice(2, y0, y0 + h).slice(3, x0, x0 + w));
        };
        return impl_->g2->forward(crop(u), crop(m))
            .slice(2, 0, h)
            .slice(3, 0, w);
      });
  return TensorToPlanes(refined.clamp(0.0, 1.0));
}

}  // namespace spix
