#include "networks/training.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>

// pip's LibTorch ships c10d without Gloo's headers: such builds train in one
// process.
#if __has_include(<gloo/algorithm.h>)
#define SPIX_HAVE_GLOO 1
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

#include "baselines/random.h"
#include "bitstream/halftone.h"
#include "networks/modules.h"
#include "networks/train_util.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

constexpr char kGeneratorName[] = "inpaint-g";
constexpr char kMaskName[] = "mask-m";
constexpr char kCriticName[] = "critic-d";
constexpr double kValidationDensities[] = {0.05, 0.10, 0.20};

// Set by SIGINT / SIGTERM: the loop saves a checkpoint and returns, so an
// interrupted or time-limited run loses no work.
std::atomic<bool> stop_requested{false};
extern "C" void RequestStop(int) { stop_requested = true; }

class StopOnSignal {
 public:
  StopOnSignal() {
    stop_requested = false;
    previous_int_ = std::signal(SIGINT, RequestStop);
    previous_term_ = std::signal(SIGTERM, RequestStop);
  }
  ~StopOnSignal() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
  }

 private:
  void (*previous_int_)(int);
  void (*previous_term_)(int);
};

torch::Tensor RandomBatch(const std::vector<RgbImage>& images, int batch,
                          int crop, SplitMix64& rng,
                          const torch::Device& device) {
  torch::Tensor crops = torch::empty({batch, crop, crop, 3}, torch::kUInt8);
  uint8_t* out = crops.data_ptr<uint8_t>();
  for (int i = 0; i < batch; ++i) {
    const RgbImage& image = images[rng.Below(images.size())];
    const int x = int(rng.Below(uint64_t(image.width - crop + 1)));
    const int y = int(rng.Below(uint64_t(image.height - crop + 1)));
    CopyCrop(image, x, y, crop, rng.Next() & 1,
             out + size_t(i) * crop * crop * 3);
  }
  return CropsToFloat(crops, device);
}

torch::Tensor CentreBatch(const std::vector<RgbImage>& images, int crop,
                          const torch::Device& device) {
  const int64_t n = int64_t(images.size());
  torch::Tensor crops = torch::empty({n, crop, crop, 3}, torch::kUInt8);
  for (int64_t i = 0; i < n; ++i) {
    const RgbImage& image = images[size_t(i)];
    CopyCrop(image, (image.width - crop) / 2, (image.height - crop) / 2, crop,
             false, crops[i].data_ptr<uint8_t>());
  }
  return CropsToFloat(crops, device);
}

// Log-uniform densities, one per image.
torch::Tensor RandomDensities(int batch, double lo, double hi,
                              SplitMix64& rng) {
  torch::Tensor d = torch::empty({batch});
  for (int i = 0; i < batch; ++i) {
    d[i] =
        std::exp(std::log(lo) + Uniform(rng) * (std::log(hi) - std::log(lo)));
  }
  return d;
}

torch::Tensor RandomMasks(const torch::Tensor& densities, int crop,
                          SplitMix64& rng) {
  const int64_t batch = densities.size(0);
  torch::Tensor mask = torch::empty({batch, 1, crop, crop});
  float* out = mask.data_ptr<float>();
  for (int64_t i = 0; i < batch; ++i) {
    const double d = densities[i].item<double>();
    for (int p = 0; p < crop * crop; ++p) {
      *out++ = Uniform(rng) < d ? 1.0f : 0.0f;
    }
  }
  return mask;
}

// Windows of flat halftones (what `-m halftone` gives a whole image), each
// from a canvas four crops wide at its density.
torch::Tensor HalftoneMasks(const torch::Tensor& densities, int crop,
                            SplitMix64& rng) {
  const int64_t batch = densities.size(0);
  const int canvas = 4 * crop;
  torch::Tensor mask = torch::empty({batch, 1, crop, crop});
  float* out = mask.data_ptr<float>();
  for (int64_t i = 0; i < batch; ++i) {
    const double want = densities[i].item<double>() * canvas * canvas;
    const std::vector<uint8_t> halftone =
        FlatHalftone(canvas, canvas, uint64_t(std::max(1.0, std::round(want))));
    const uint64_t x0 = rng.Below(canvas - crop + 1),
                   y0 = rng.Below(canvas - crop + 1);
    for (int y = 0; y < crop; ++y) {
      for (int x = 0; x < crop; ++x) {
        *out++ = halftone[(y0 + y) * canvas + x0 + x];
      }
    }
  }
  return mask;
}

// The masks g trains and is validated on besides m's.
torch::Tensor GeneratorMasks(const torch::Tensor& densities, int crop,
                             bool halftone, SplitMix64& rng) {
  return halftone ? HalftoneMasks(densities, crop, rng)
                  : RandomMasks(densities, crop, rng);
}

#if SPIX_HAVE_GLOO
// Averages gradients (and, once, parameters) across processes.
class DataParallel {
 public:
  static StatusOr<std::unique_ptr<DataParallel>> Connect(
      const CodecTrainingOptions& o) {
    const size_t colon = o.master.rfind(':');
    if (colon == std::string::npos) {
      return InvalidArgument("--master must be host:port, got " + o.master);
    }
    auto self = std::make_unique<DataParallel>();
    try {
      c10d::TCPStoreOptions store_options;
      store_options.port = uint16_t(std::stoi(o.master.substr(colon + 1)));
      store_options.isServer = o.rank == 0;
      store_options.numWorkers = size_t(o.world_size);
      store_options.timeout = std::chrono::minutes(5);
      const std::string host = o.master.substr(0, colon);
      auto store = c10::make_intrusive<c10d::TCPStore>(host, store_options);
      auto options = c10d::ProcessGroupGloo::Options::create();
      options->devices.push_back(
          c10d::ProcessGroupGloo::createDeviceForHostname(host));
      self->group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(
          store, o.rank, o.world_size, options);
    } catch (const std::exception& e) {
      return IoError("cannot join the training group at " + o.master + ": " +
                     e.what());
    }
    self->world_size_ = o.world_size;
    return self;
  }

  void Broadcast(const std::vector<torch::Tensor>& tensors) {
    torch::NoGradGuard no_grad;
    for (const torch::Tensor& t : tensors) {
      std::vector<torch::Tensor> one{t.data()};
      group_->broadcast(one)->wait();
    }
  }

  void AverageGradients(const std::vector<torch::Tensor>& params) {
    std::vector<torch::Tensor> grads;
    for (const torch::Tensor& p : params) {
      grads.push_back(p.grad().defined()
                          ? p.grad().reshape({-1})
                          : torch::zeros({p.numel()}, p.options()));
    }
    std::vector<torch::Tensor> flat{torch::cat(grads).div_(world_size_)};
    group_->allreduce(flat)->wait();
    int64_t offset = 0;
    for (const torch::Tensor& p : params) {
      if (p.grad().defined()) {
        p.mutable_grad().copy_(
            flat[0].slice(0, offset, offset + p.numel()).view_as(p));
      }
      offset += p.numel();
    }
  }

 private:
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
  int world_size_ = 1;
};

#else
class DataParallel {
 public:
  static StatusOr<std::unique_ptr<DataParallel>> Connect(
      const CodecTrainingOptions&) {
    return Unsupported(
        "this build has no Gloo (c10d) and trains in one process only");
  }
  void Broadcast(const std::vector<torch::Tensor>&) {}
  void AverageGradients(const std::vector<torch::Tensor>&) {}
};
#endif  // SPIX_HAVE_GLOO

struct Networks {
  InpaintingGenerator g;
  MaskGenerator m;
  Critic d;
  std::unique_ptr<torch::optim::Adam> opt_g, opt_m, opt_d;
};

// One step's data: images, target densities (CPU) and network noise.
struct StepBatch {
  torch::Tensor f, target, noise_g, noise_m;
};

void AverageGradients(DataParallel* parallel, torch::nn::Module& module) {
  if (parallel) parallel->AverageGradients(module.parameters());
}

// A critic step (Eq. 2) and a generator step; in the joint phase, half of
// the batch gets masks from m, which learns from the same backward pass by
// the straight-through gradient. Returns the reconstruction error (mean
// |f - u|), the critic loss and the score spread.
std::array<double, 3> JointStep(Networks& n, const StepBatch& b, bool joint,
                                const CodecTrainingOptions& o, SplitMix64& rng,
                                DataParallel* parallel) {
  const torch::Device device = b.f.device();
  const int64_t batch = b.f.size(0), height = b.f.size(2), width = b.f.size(3);
  torch::Tensor mask =
      GeneratorMasks(b.target, height, o.halftone_masks, rng).to(device);
  torch::Tensor scores;
  if (joint) {
    // The other half keeps random masks so g stays a general inpainter.
    const int64_t half = batch / 2;
    scores = MaskScores(n.m->forward(b.f.slice(0, 0, half),
                                     b.noise_m.slice(0, 0, half),
                                     b.target.slice(0, 0, half).to(device)));
    const torch::Tensor gumbel =
        GumbelNoise(NoisePlane(half, height, width, rng.Next()).to(device));
    mask = torch::cat(
        {StraightThroughTopK(scores + gumbel, b.target.slice(0, 0, half)),
         mask.slice(0, half)});
  }
  const torch::Tensor u = Composite(
      n.g->forward(InpaintingGenerator::Impl::Features(b.f, mask, b.noise_g)),
      b.f, mask);

  // Critic: maximise d(f) - d(u).
  n.opt_d->zero_grad();
  const torch::Tensor critic_loss =
      n.d->forward(u.detach(), mask.detach()).mean() -
      n.d->forward(b.f, mask.detach()).mean();
  critic_loss.backward();
  AverageGradients(parallel, *n.d);
  n.opt_d->step();
  n.d->ProjectToUnitSpectralNorm();

  // Generator and mask: one backward pass serves both, so m (beta = 1) also
  // sees the small alpha term. Top-k masks have the target density by
  // construction, so the paper's density loss |mean(b) - D| is always zero
  // and left out.
  const torch::Tensor l1 = (b.f - u).abs().mean();
  n.opt_g->zero_grad();
  n.opt_m->zero_grad();
  (l1 - o.alpha * n.d->forward(u, mask).mean()).backward();
  AverageGradients(parallel, *n.g);
  n.opt_g->step();
  if (joint) {
    AverageGradients(parallel, *n.m);
    n.opt_m->step();
  }
  return {l1.item<double>(), critic_loss.item<double>(),
          joint ? scores.detach().std().item<double>() : 0.0};
}

// Draws of the mask per image in a --freeze-generator step.
constexpr int64_t kMaskDraws = 4;

// kMaskDraws Gumbel top-k masks per image from m's scores (batch x 1 x H x
// W, no gradient needed) and g's reconstruction error on each, per pixel
// (mean over the colours), image-major: draw j of image i is row
// i * kMaskDraws + j.
struct MaskDraws {
  torch::Tensor keys, targets, mask, error;
};

MaskDraws DrawMasks(Networks& n, const StepBatch& b,
                    const torch::Tensor& scores, SplitMix64& rng) {
  torch::NoGradGuard no_grad;
  const torch::Device device = b.f.device();
  const int64_t draws = b.f.size(0) * kMaskDraws, height = b.f.size(2),
                width = b.f.size(3);
  MaskDraws d;
  d.keys = scores.repeat_interleave(kMaskDraws, 0) +
           GumbelNoise(NoisePlane(draws, height, width, rng.Next()).to(device));
  d.targets = b.target.repeat_interleave(kMaskDraws, 0);
  d.mask = TopKMask(d.keys, d.targets);
  const torch::Tensor images = b.f.repeat_interleave(kMaskDraws, 0);
  const torch::Tensor u = Composite(
      n.g->forward(InpaintingGenerator::Impl::Features(
          images, d.mask, b.noise_g.repeat_interleave(kMaskDraws, 0))),
      images, d.mask);
  d.error = (images - u).abs().mean(1, true);
  return d;
}

// `x` (batch x kMaskDraws x ...) minus the mean of the image's other draws.
torch::Tensor LeaveOneOut(const torch::Tensor& x) {
  return x - (x.sum(1, true) - x) / double(kMaskDraws - 1);
}

// One step of m against the fixed g by the score-function gradient: a mask
// whose reconstruction error is below the mean of the image's other draws
// becomes likelier. (The straight-through gradient raised the error with g
// fixed, docs/models.md.) Returns the mean error and the score spread.
std::array<double, 2> MaskStepByScoreFunction(Networks& n, const StepBatch& b,
                                              SplitMix64& rng,
                                              DataParallel* parallel) {
  const torch::Tensor scores =
      MaskScores(n.m->forward(b.f, b.noise_m, b.target.to(b.f.device())));
  const MaskDraws d = DrawMasks(n, b, scores.detach(), rng);
  const torch::Tensor advantage =
      LeaveOneOut(d.error.mean({1, 2, 3}).view({-1, kMaskDraws})).view({-1});
  n.opt_m->zero_grad();
  (advantage * TopKLogProbability(scores.repeat_interleave(kMaskDraws, 0),
                                  d.keys, d.targets))
      .mean()
      .backward();
  AverageGradients(parallel, *n.m);
  n.opt_m->step();
  return {d.error.mean().item<double>(), scores.detach().std().item<double>()};
}

// Side of the square over which a pixel's draws are credited with the
// reconstruction error around it.
constexpr int64_t kCreditWindow = 7;

// One step of m against the fixed g with local credit: a pixel's score
// rises when the draws that kept it reconstructed its neighbourhood better
// than the image's other draws did there. Unlike the score-function
// gradient of the whole mask, a pixel is not blamed for errors far from
// it, which cuts the noise by roughly the number of windows per image, at
// the price of ignoring long-range effects. Returns the mean error and the
// score spread.
std::array<double, 2> MaskStepByLocalCredit(Networks& n, const StepBatch& b,
                                            SplitMix64& rng,
                                            DataParallel* parallel) {
  const int64_t batch = b.f.size(0), height = b.f.size(2), width = b.f.size(3);
  const torch::Tensor scores =
      MaskScores(n.m->forward(b.f, b.noise_m, b.target.to(b.f.device())));
  const MaskDraws d = DrawMasks(n, b, scores.detach(), rng);
  const torch::Tensor local =
      torch::avg_pool2d(d.error, kCreditWindow, 1, kCreditWindow / 2,
                        /*ceil_mode=*/false, /*count_include_pad=*/false)
          .view({batch, kMaskDraws, height, width});
  // Leave-one-out advantages sum to zero over the draws, so weighting them
  // by b alone equals weighting by b minus its expectation.
  const torch::Tensor credit =
      (LeaveOneOut(local) * d.mask.view({batch, kMaskDraws, height, width}))
          .mean(1, true);
  n.opt_m->zero_grad();
  (credit * scores).sum({1, 2, 3}).mean().backward();
  AverageGradients(parallel, *n.m);
  n.opt_m->step();
  return {d.error.mean().item<double>(), scores.detach().std().item<double>()};
}

Status SaveCheckpoint(Networks& n, int64_t step, const fs::path& dir) {
  // Weights go first (to CPU copies); optimiser states and the step count
  // last, so a checkpoint with a step file is complete.
  n.g->to(torch::kCPU);
  n.m->to(torch::kCPU);
  n.d->to(torch::kCPU);
  const int v = kCodecNetworksVersion;
  SPIX_RETURN_IF_ERROR(
      SaveModule(*n.g, kGeneratorName, v, dir / "inpaint-g.safetensors"));
  SPIX_RETURN_IF_ERROR(
      SaveModule(*n.m, kMaskName, v, dir / "mask-m.safetensors"));
  SPIX_RETURN_IF_ERROR(
      SaveModule(*n.d, kCriticName, v, dir / "critic-d.safetensors"));
  SPIX_RETURN_IF_ERROR(SaveOptimizer(*n.opt_g, dir / "optim-g.pt"));
  SPIX_RETURN_IF_ERROR(SaveOptimizer(*n.opt_m, dir / "optim-m.pt"));
  SPIX_RETURN_IF_ERROR(SaveOptimizer(*n.opt_d, dir / "optim-d.pt"));
  WriteStepFile(dir, step);
  return KeepInHistory(dir, step,
                       {"inpaint-g.safetensors", "mask-m.safetensors"});
}

StatusOr<int64_t> LoadCheckpoint(Networks& n, const fs::path& dir,
                                 const torch::Device& device) {
  const int64_t step = ReadStepFile(dir);
  if (step == 0) return step;  // nothing to resume
  const int v = kCodecNetworksVersion;
  SPIX_RETURN_IF_ERROR(
      LoadModule(n.g.get(), kGeneratorName, v, dir / "inpaint-g.safetensors"));
  SPIX_RETURN_IF_ERROR(
      LoadModule(n.m.get(), kMaskName, v, dir / "mask-m.safetensors"));
  SPIX_RETURN_IF_ERROR(
      LoadModule(n.d.get(), kCriticName, v, dir / "critic-d.safetensors"));
  SPIX_RETURN_IF_ERROR(LoadOptimizer(*n.opt_g, dir / "optim-g.pt", device));
  SPIX_RETURN_IF_ERROR(LoadOptimizer(*n.opt_m, dir / "optim-m.pt", device));
  SPIX_RETURN_IF_ERROR(LoadOptimizer(*n.opt_d, dir / "optim-d.pt", device));
  return step;
}

void SetLearningRate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
}

// Rows of [original | known pixels | reconstruction] for 8 validation crops
// with learned masks at 10 %.
void WriteSampleGrid(const torch::Tensor& images, const torch::Tensor& mask,
                     const torch::Tensor& reconstruction,
                     const fs::path& path) {
  const int64_t rows = std::min<int64_t>(8, images.size(0));
  std::vector<torch::Tensor> lines;
  for (int64_t i = 0; i < rows; ++i) {
    lines.push_back(
        torch::cat({images[i], images[i] * mask[i], reconstruction[i]}, 2));
  }
  WriteRgbPng(torch::cat(lines, 1), path);
}

}  // namespace

StatusOr<CodecTrainingSummary> TrainCodec(const CodecTrainingOptions& o) {
  if (o.data_dirs.empty()) return InvalidArgument("no training data directory");
  if (o.steps < 1 || o.pretrain_steps < 0 || o.batch < 1 || o.crop < 16 ||
      o.crop % kHourglassStride != 0 || o.threads < 1 || o.world_size < 1 ||
      o.rank < 0 || o.rank >= o.world_size || !(o.lr > 0) ||
      !(o.min_density > 0 && o.min_density <= o.max_density &&
        o.max_density < 1)) {
    return InvalidArgument("invalid training options");
  }
  auto log = [&](const std::string& line) {
    if (o.log && o.rank == 0) o.log(line);
  };
  torch::set_num_threads(o.threads);
  const torch::Device device =
      o.cuda && torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;

  SPIX_ASSIGN_OR_RETURN(std::vector<RgbImage> train,
                        LoadImages(o.data_dirs, o.crop, size_t(o.max_images)));
  std::vector<RgbImage> val;
  if (!o.val_dir.empty()) {
    SPIX_ASSIGN_OR_RETURN(
        val, LoadImages({o.val_dir}, o.crop, size_t(o.val_images)));
  } else {
    val.assign(train.begin(),
               train.begin() + std::min<size_t>(train.size(), 16));
  }
  log("training on " + std::to_string(train.size()) +
      " images, validating on " + std::to_string(val.size()) +
      (device.is_cuda() ? " (CUDA)" : " (CPU)"));

  Networks n{InpaintingGenerator(),
             MaskGenerator(),
             Critic(),
             nullptr,
             nullptr,
             nullptr};
  const auto adam = torch::optim::AdamOptions(o.lr).betas({0.5, 0.999});
  n.opt_g = std::make_unique<torch::optim::Adam>(n.g->parameters(), adam);
  const double mask_lr = o.mask_lr > 0 ? o.mask_lr : o.lr;
  n.opt_m = std::make_unique<torch::optim::Adam>(
      n.m->parameters(),
      torch::optim::AdamOptions(mask_lr).betas({0.5, 0.999}));
  n.opt_d = std::make_unique<torch::optim::Adam>(n.d->parameters(), adam);

  const fs::path dir = o.checkpoint_dir;
  int64_t step = 0;
  if (!o.checkpoint_dir.empty()) {
    SPIX_ASSIGN_OR_RETURN(const int64_t saved, OpenCheckpointDir(dir));
    if (saved > 0) {
      SPIX_ASSIGN_OR_RETURN(step, LoadCheckpoint(n, dir, device));
      log("resuming from step " + std::to_string(step));
      // The saved states hold the old learning rates; this run's flags win.
      SetLearningRate(*n.opt_g, o.lr);
      SetLearningRate(*n.opt_d, o.lr);
      SetLearningRate(*n.opt_m, mask_lr);
    }
  }
  n.g->to(device);
  n.m->to(device);
  n.d->to(device);

  std::unique_ptr<DataParallel> parallel;
  if (o.world_size > 1) {
    SPIX_ASSIGN_OR_RETURN(parallel, DataParallel::Connect(o));
    for (const auto& params :
         {n.g->parameters(), n.m->parameters(), n.d->parameters()})
      parallel->Broadcast(params);
    log("joined a group of " + std::to_string(o.world_size) + " processes");
  }

  // Fixed validation input: centre crops, g's masks, noise.
  const torch::Tensor val_images = CentreBatch(val, o.crop, device);
  const int64_t val_count = val_images.size(0);
  const torch::Tensor val_noise =
      NoisePlane(val_count, o.crop, o.crop, o.seed).to(device);
  auto validate_l1 = [&]() {
    torch::NoGradGuard no_grad;
    n.g->eval();
    SplitMix64 rng(o.seed);
    const torch::Tensor mask = GeneratorMasks(torch::full({val_count}, 0.1),
                                              o.crop, o.halftone_masks, rng)
                                   .to(device);
    const torch::Tensor u =
        Composite(n.g->forward(InpaintingGenerator::Impl::Features(
                      val_images, mask, val_noise)),
                  val_images, mask);
    n.g->train();
    return (u - val_images).abs().mean().item<double>();
  };
  auto validate_psnr = [&](bool write_grid) {
    torch::NoGradGuard no_grad;
    n.g->eval();
    n.m->eval();
    const std::string kind = o.halftone_masks ? "halftone" : "random";
    std::string line = "validation PSNR (push-pull on " + kind +
                       " mask / g on " + kind + " / g on learned):";
    for (double density : kValidationDensities) {
      SplitMix64 rng(o.seed + uint64_t(density * 1000));
      const torch::Tensor plain =
          GeneratorMasks(torch::full({val_count}, density), o.crop,
                         o.halftone_masks, rng)
              .to(device);
      const torch::Tensor learned = TopKMask(
          MaskScores(n.m->forward(val_images, val_noise,
                                  torch::full({val_count}, density, device))) +
              GumbelNoise(
                  NoisePlane(val_count, o.crop, o.crop, rng.Next()).to(device)),
          density);
      const torch::Tensor interpolation =
          Composite(PushPull(val_images * plain, plain), val_images, plain);
      double psnr[2];
      for (int k = 0; k < 2; ++k) {
        const torch::Tensor& mask = k == 0 ? plain : learned;
        const torch::Tensor u =
            Composite(n.g->forward(InpaintingGenerator::Impl::Features(
                          val_images, mask, val_noise)),
                      val_images, mask);
        psnr[k] = Psnr(u, val_images);
        if (write_grid && k == 1 && density == 0.10) {
          WriteSampleGrid(val_images, mask, u,
                          dir / ("samples-" + std::to_string(step) + ".png"));
        }
      }
      line += " " + std::to_string(int(density * 100)) + "% " +
              Fixed(Psnr(interpolation, val_images), 2) + " / " +
              Fixed(psnr[0], 2) + " / " + Fixed(psnr[1], 2);
    }
    n.g->train();
    n.m->train();
    return line;
  };

  CodecTrainingSummary summary;
  summary.val_l1_before = validate_l1();
  const auto start = std::chrono::steady_clock::now();
  auto last_checkpoint = start, last_log = start;
  const int64_t first_step = step;
  const StopOnSignal stop_on_signal;
  double l1_avg = 0, critic_avg = 0, spread_avg = 0;
  int averaged = 0;
  for (; step < o.steps; ++step) {
    // Every step draws from its own seed, so a resumed run sees the same
    // data as an uninterrupted one.
    SplitMix64 rng(o.seed * 0x9E3779B97F4A7C15ull + uint64_t(step) * 1000003 +
                   uint64_t(o.rank));
    const bool joint = step >= o.pretrain_steps;
    StepBatch b;
    b.f = RandomBatch(train, o.batch, o.crop, rng, device);
    b.target = RandomDensities(o.batch, o.min_density, o.max_density, rng);
    b.noise_g = NoisePlane(o.batch, o.crop, o.crop, rng.Next()).to(device);
    b.noise_m = NoisePlane(o.batch, o.crop, o.crop, rng.Next()).to(device);
    if (joint && o.freeze_generator) {
      const auto [l1, spread] =
          o.local_credit ? MaskStepByLocalCredit(n, b, rng, parallel.get())
                         : MaskStepByScoreFunction(n, b, rng, parallel.get());
      l1_avg += l1;
      spread_avg += spread;
    } else {
      const auto [l1, critic, spread] =
          JointStep(n, b, joint, o, rng, parallel.get());
      l1_avg += l1;
      critic_avg += critic;
      spread_avg += spread;
    }
    ++averaged;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    if (std::chrono::duration<double>(now - last_log).count() >= 10 ||
        step + 1 == o.steps) {
      const double per_step = elapsed / double(step + 1 - first_step);
      const double images_per_second = o.batch * o.world_size / per_step;
      log("step " + std::to_string(step + 1) + "/" + std::to_string(o.steps) +
          (joint ? " joint" : " pretrain") + "  " +
          Fixed(images_per_second, 1) + " img/s  l1 " +
          Fixed(l1_avg / averaged, 4) + "  critic " +
          Fixed(critic_avg / averaged, 4) + "  mask scores sd " +
          Fixed(spread_avg / averaged, 3) + "  ETA " +
          std::to_string(int(per_step * double(o.steps - step - 1) / 60)) +
          " min");
      l1_avg = critic_avg = spread_avg = 0;
      averaged = 0;
      last_log = now;
    }
    const bool checkpoint_due =
        std::chrono::duration<double>(now - last_checkpoint).count() >=
        60 * o.checkpoint_minutes;
    const bool stopping = stop_requested;
    if (!o.checkpoint_dir.empty() && o.rank == 0 &&
        (checkpoint_due || stopping || step + 1 == o.steps)) {
      ++step;  // the checkpoint holds the state after this step
      log(validate_psnr(true));
      Status status = SaveCheckpoint(n, step, dir);
      n.g->to(device);
      n.m->to(device);
      n.d->to(device);
      --step;
      if (!status.ok()) return status;
      log("checkpoint at step " + std::to_string(step + 1) + " in " +
          dir.string());
      last_checkpoint = std::chrono::steady_clock::now();
    }
    if (stopping) {
      log("stopped by a signal after step " + std::to_string(step + 1));
      ++step;
      break;
    }
  }
  summary.steps_run = step - first_step;
  summary.val_l1_after = validate_l1();
  torch::NoGradGuard no_grad;
  for (const auto& p : n.g->parameters())
    summary.parameter_checksum += p.sum().item<double>();
  for (const auto& p : n.m->parameters())
    summary.parameter_checksum += p.sum().item<double>();
  return summary;
}

}  // namespace spix
