#include "networks/fill/prior_training.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "baselines/random.h"
#include "networks/fill/priors.h"
#include "networks/train_util.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

constexpr int kSampleGridSide = 8;

// Training images as one uint8 tensor (N, 3, 64, 64); other sizes are
// resized (area averaging).
StatusOr<torch::Tensor> LoadFaces(const PriorTrainingOptions& o) {
  std::vector<std::string> files = ListImages(o.data_dir);
  if (files.size() <= size_t(o.holdout)) {
    return InvalidArgument(o.data_dir + " has " + std::to_string(files.size()) +
                           " images, not more than the " +
                           std::to_string(o.holdout) + " held out");
  }
  files.resize(files.size() - size_t(o.holdout));
  if (o.max_images > 0 && files.size() > size_t(o.max_images))
    files.resize(size_t(o.max_images));
  const int s = kPriorImageSize;
  torch::Tensor faces =
      torch::empty({int64_t(files.size()), s, s, 3}, torch::kUInt8);
  for (size_t i = 0; i < files.size(); ++i) {
    cv::Mat bgr = cv::imread(files[i], cv::IMREAD_COLOR);
    if (bgr.empty()) return IoError("cannot read training image " + files[i]);
    if (bgr.cols != s || bgr.rows != s)
      cv::resize(bgr, bgr, cv::Size(s, s), 0, 0, cv::INTER_AREA);
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    std::memcpy(faces[int64_t(i)].data_ptr<uint8_t>(), rgb.data,
                size_t(s) * s * 3);
  }
  return faces.permute({0, 3, 1, 2}).contiguous();
}

// A random batch in [-1, 1], each image mirrored with probability 1/2.
torch::Tensor RealBatch(const torch::Tensor& faces, int batch,
                        SplitMix64& rng) {
  std::vector<torch::Tensor> images;
  for (int i = 0; i < batch; ++i) {
    torch::Tensor image = faces[int64_t(rng.Below(uint64_t(faces.size(0))))];
    if (rng.Next() & 1) image = image.flip({2});
    images.push_back(image);
  }
  return torch::stack(images).to(torch::kFloat32).div_(127.5).sub_(1.0);
}

struct Trainer {
  PriorArch arch;
  PriorGenerator g{nullptr};
  PriorCritic d{nullptr};
  std::unique_ptr<torch::optim::Optimizer> opt_g, opt_d;
};

Status SaveCheckpoint(Trainer& t, int64_t step, const fs::path& dir) {
  t.g->to(torch::kCPU);
  t.d->to(torch::kCPU);
  SPIX_RETURN_IF_ERROR(SaveModule(*t.g, PriorGeneratorName(t.arch),
                                  kPriorNetworksVersion,
                                  dir / PriorWeightsFile(t.arch, true)));
  SPIX_RETURN_IF_ERROR(SaveModule(*t.d, PriorCriticName(t.arch),
                                  kPriorNetworksVersion,
                                  dir / PriorWeightsFile(t.arch, false)));
  SPIX_RETURN_IF_ERROR(SaveOptimizer(*t.opt_g, dir / "optim-g.pt"));
  SPIX_RETURN_IF_ERROR(SaveOptimizer(*t.opt_d, dir / "optim-d.pt"));
  WriteStepFile(dir, step);
  return KeepInHistory(
      dir, step,
      {PriorWeightsFile(t.arch, true), PriorWeightsFile(t.arch, false)});
}

StatusOr<int64_t> LoadCheckpoint(Trainer& t, const fs::path& dir,
                                 const torch::Device& device) {
  const int64_t step = ReadStepFile(dir);
  if (step == 0) return step;
  SPIX_RETURN_IF_ERROR(LoadModule(t.g.get(), PriorGeneratorName(t.arch),
                                  kPriorNetworksVersion,
                                  dir / PriorWeightsFile(t.arch, true)));
  SPIX_RETURN_IF_ERROR(LoadModule(t.d.get(), PriorCriticName(t.arch),
                                  kPriorNetworksVersion,
                                  dir / PriorWeightsFile(t.arch, false)));
  SPIX_RETURN_IF_ERROR(LoadOptimizer(*t.opt_g, dir / "optim-g.pt", device));
  SPIX_RETURN_IF_ERROR(LoadOptimizer(*t.opt_d, dir / "optim-d.pt", device));
  return step;
}

// An 8x8 grid of samples from fixed latents.
void WriteSamples(PriorGenerator& g, const torch::Tensor& z,
                  const fs::path& path) {
  torch::NoGradGuard no_grad;
  g->eval();
  const torch::Tensor images = (g->forward(z).cpu() + 1) / 2;
  g->train();
  std::vector<torch::Tensor> rows;
  for (int r = 0; r < kSampleGridSide; ++r) {
    rows.push_back(torch::cat(
        images.slice(0, r * kSampleGridSide, (r + 1) * kSampleGridSide)
            .unbind(0),
        2));
  }
  WriteRgbPng(torch::cat(rows, 1), path);
}

void SetRequiresGrad(torch::nn::Module& module, bool requires) {
  for (auto& p : module.parameters()) p.set_requires_grad(requires);
}

}  // namespace

StatusOr<PriorTrainingSummary> TrainPrior(const PriorTrainingOptions& o) {
  SPIX_ASSIGN_OR_RETURN(const PriorArch arch, ParsePriorArch(o.arch));
  if (o.steps < 1 || o.batch < 2 || o.width < 1 || o.width > 512 ||
      o.critic_width < 0 || o.critic_width > 512 || o.latent_dim < 0 ||
      o.latent_dim > 4096 || o.threads < 1 || o.holdout < 0 ||
      o.critic_steps < 0 || !(o.lr >= 0) || !(o.gp_weight >= 0) ||
      !(o.clip > 0)) {
    return InvalidArgument("invalid prior training options");
  }
  auto log = [&](const std::string& line) {
    if (o.log) o.log(line);
  };
  torch::set_num_threads(o.threads);
  const torch::Device device =
      o.cuda && torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;
  SPIX_ASSIGN_OR_RETURN(torch::Tensor faces, LoadFaces(o));
  faces = faces.to(device);
  log("training a " + std::string(PriorArchName(arch)) + " prior on " +
      std::to_string(faces.size(0)) + " images (" + std::to_string(o.holdout) +
      " held out)" + (device.is_cuda() ? " (CUDA)" : " (CPU)"));

  Trainer t{arch, nullptr, nullptr, nullptr, nullptr};
  const bool resuming =
      !o.checkpoint_dir.empty() && ReadStepFile(o.checkpoint_dir) > 0;
  if (!resuming && !o.init_dir.empty()) {
    // Training carried over from shipped weights: their widths and latent
    // size, fresh optimiser states.
    SPIX_ASSIGN_OR_RETURN(LoadedPrior init, LoadPrior(o.init_dir, arch));
    t.g = init.generator;
    t.d = init.critic;
    log("starting from the prior in " + o.init_dir);
  } else {
    t.g = PriorGenerator(
        arch, o.latent_dim > 0 ? o.latent_dim : DefaultLatentDim(arch),
        o.width);
    t.d = PriorCritic(arch, o.critic_width > 0 ? o.critic_width : o.width);
  }
  const int latent = t.g->latent_dim();
  double lr = o.lr;
  int critic_steps = o.critic_steps;
  switch (arch) {
    case PriorArch::kDcgan:
      lr = lr > 0 ? lr : 2e-4;
      critic_steps = critic_steps > 0 ? critic_steps : 1;
      t.opt_g = std::make_unique<torch::optim::Adam>(
          t.g->parameters(), torch::optim::AdamOptions(lr).betas({0.5, 0.999}));
      t.opt_d = std::make_unique<torch::optim::Adam>(
          t.d->parameters(), torch::optim::AdamOptions(lr).betas({0.5, 0.999}));
      break;
    case PriorArch::kWganGp:
      lr = lr > 0 ? lr : 1e-4;
      critic_steps = critic_steps > 0 ? critic_steps : 5;
      t.opt_g = std::make_unique<torch::optim::Adam>(
          t.g->parameters(), torch::optim::AdamOptions(lr).betas({0.0, 0.9}));
      t.opt_d = std::make_unique<torch::optim::Adam>(
          t.d->parameters(), torch::optim::AdamOptions(lr).betas({0.0, 0.9}));
      break;
    case PriorArch::kWganClip:
      lr = lr > 0 ? lr : 5e-5;
      critic_steps = critic_steps > 0 ? critic_steps : 5;
      t.opt_g = std::make_unique<torch::optim::RMSprop>(
          t.g->parameters(), torch::optim::RMSpropOptions(lr).alpha(0.99));
      t.opt_d = std::make_unique<torch::optim::RMSprop>(
          t.d->parameters(), torch::optim::RMSpropOptions(lr).alpha(0.99));
      break;
  }

  const fs::path dir = o.checkpoint_dir;
  int64_t step = 0;
  if (!o.checkpoint_dir.empty()) {
    SPIX_ASSIGN_OR_RETURN(const int64_t saved, OpenCheckpointDir(dir));
    if (saved > 0) {
      SPIX_ASSIGN_OR_RETURN(step, LoadCheckpoint(t, dir, device));
      log("resuming from step " + std::to_string(step));
    }
  }
  t.g->to(device);
  t.d->to(device);
  t.g->train();
  t.d->train();
  const torch::Tensor sample_z =
      SampleLatent(arch, kSampleGridSide * kSampleGridSide, latent, o.seed)
          .to(device);

  PriorTrainingSummary summary;
  summary.images = faces.size(0);
  const int64_t first_step = step;
  const int64_t run_steps = o.steps - first_step;
  const int64_t tenth = std::max<int64_t>(1, run_steps / 10);
  int64_t first_count = 0, last_count = 0;
  const auto start = std::chrono::steady_clock::now();
  auto last_checkpoint = start, last_log = start;
  double d_avg = 0, g_avg = 0;
  int averaged = 0;
  int64_t images_seen = 0;
  for (; step < o.steps; ++step) {
    SplitMix64 rng(o.seed * 0x9E3779B97F4A7C15ull + uint64_t(step) * 1000003);
    // Cooper (after Arjovsky et al.): 100 critic steps for the first 25
    // generator steps and every 500th, so the critic stays near optimal.
    const int n_critic =
        arch == PriorArch::kWganClip && (step < 25 || step % 500 == 0)
            ? 100
            : critic_steps;
    SetRequiresGrad(*t.d, true);
    double d_loss_value = 0;
    for (int k = 0; k < n_critic; ++k) {
      const torch::Tensor real = RealBatch(faces, o.batch, rng).to(device);
      torch::Tensor fake;
      {
        torch::NoGradGuard no_grad;
        fake = t.g->forward(
            SampleLatent(arch, o.batch, latent, rng.Next()).to(device));
      }
      t.opt_d->zero_grad();
      const torch::Tensor real_score = t.d->forward(real);
      const torch::Tensor fake_score = t.d->forward(fake);
      torch::Tensor loss;
      if (arch == PriorArch::kDcgan) {
        // One-sided label smoothing (real target 0.9, Salimans et al.):
        // without it our first run collapsed to a few faces by step 2,600.
        loss = (0.9 * torch::softplus(-real_score) +
                0.1 * torch::softplus(real_score))
                   .mean() +
               torch::softplus(fake_score).mean();
      } else {
        loss = fake_score.mean() - real_score.mean();
      }
      if (arch == PriorArch::kWganGp) {
        // Gulrajani et al.: unit gradient norm on random interpolates.
        const torch::Tensor eps =
            torch::rand({o.batch, 1, 1, 1}, real.options());
        const torch::Tensor mixed =
            (eps * real + (1 - eps) * fake).requires_grad_(true);
        const torch::Tensor grad = torch::autograd::grad(
            {t.d->forward(mixed).sum()}, {mixed}, {}, true, true)[0];
        const torch::Tensor penalty =
            (grad.flatten(1).norm(2, 1) - 1).pow(2).mean();
        loss = loss + o.gp_weight * penalty;
      }
      loss.backward();
      t.opt_d->step();
      if (arch == PriorArch::kWganClip) {
        torch::NoGradGuard no_grad;
        for (auto& p : t.d->parameters()) p.clamp_(-o.clip, o.clip);
      }
      d_loss_value = loss.item<double>();
      images_seen += o.batch;
    }

    SetRequiresGrad(*t.d, false);
    t.opt_g->zero_grad();
    const torch::Tensor score = t.d->forward(t.g->forward(
        SampleLatent(arch, o.batch, latent, rng.Next()).to(device)));
    // Non-saturating loss for the GAN, -d(G(z)) for the Wasserstein critics.
    const torch::Tensor g_loss = arch == PriorArch::kDcgan
                                     ? torch::softplus(-score).mean()
                                     : -score.mean();
    g_loss.backward();
    t.opt_g->step();

    const int64_t index = step - first_step;
    if (index < tenth) {
      summary.critic_loss_first += d_loss_value;
      ++first_count;
    }
    if (index >= run_steps - tenth) {
      summary.critic_loss_last += d_loss_value;
      ++last_count;
    }
    d_avg += d_loss_value;
    g_avg += g_loss.item<double>();
    ++averaged;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    if (std::chrono::duration<double>(now - last_log).count() >= 10 ||
        step + 1 == o.steps) {
      const double per_step = elapsed / double(index + 1);
      log("step " + std::to_string(step + 1) + "/" + std::to_string(o.steps) +
          "  " + Fixed(double(images_seen) / elapsed, 1) + " real img/s  d " +
          Fixed(d_avg / averaged, 4) + "  g " + Fixed(g_avg / averaged, 4) +
          "  ETA " +
          std::to_string(int(per_step * double(o.steps - step - 1) / 60)) +
          " min");
      d_avg = g_avg = 0;
      averaged = 0;
      last_log = now;
    }
    const bool checkpoint_due =
        std::chrono::duration<double>(now - last_checkpoint).count() >=
        60 * o.checkpoint_minutes;
    if (!o.checkpoint_dir.empty() && (checkpoint_due || step + 1 == o.steps)) {
      WriteSamples(t.g, sample_z,
                   dir / ("samples-" + std::to_string(step + 1) + ".png"));
      Status status = SaveCheckpoint(t, step + 1, dir);
      t.g->to(device);
      t.d->to(device);
      if (!status.ok()) return status;
      log("checkpoint at step " + std::to_string(step + 1) + " in " +
          dir.string());
      last_checkpoint = std::chrono::steady_clock::now();
    }
  }
  summary.steps_run = step - first_step;
  if (first_count) summary.critic_loss_first /= double(first_count);
  if (last_count) summary.critic_loss_last /= double(last_count);
  return summary;
}

}  // namespace spix
