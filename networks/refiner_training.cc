#include "networks/refiner_training.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "networks/modules.h"
#include "networks/train_util.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

constexpr char kWeightsFile[] = "refine-g2.safetensors";
constexpr char kOptimizerFile[] = "optim-g2.pt";
constexpr int kLogEvery = 100;
constexpr int kWarmupSteps = 200;

// Each pack image is original | decoded | mask; the width of one part.
int PartWidth(const RgbImage& strip) { return strip.width / 3; }

Status CheckStrips(const std::vector<RgbImage>& strips, int crop,
                   const std::string& path) {
  if (strips.empty()) return InvalidArgument(path + ": no samples");
  for (const RgbImage& s : strips) {
    if (s.width % 3 != 0 || PartWidth(s) < crop || s.height < crop) {
      return InvalidArgument(
          path + ": a " + std::to_string(s.width) + "x" +
          std::to_string(s.height) +
          " image is not a strip of three parts of at least the crop size");
    }
  }
  return OkStatus();
}

struct Batch {
  torch::Tensor original, decoded, mask;
};

// Crops at (x, y) of the three parts of each chosen strip.
struct CropSpec {
  const RgbImage* strip;
  int x, y;
  bool flip;
};

Batch MakeBatch(const std::vector<CropSpec>& specs, int crop) {
  const int64_t n = int64_t(specs.size());
  torch::Tensor parts[3];
  for (int k = 0; k < 3; ++k) {
    parts[k] = torch::empty({n, crop, crop, 3}, torch::kUInt8);
    for (int64_t i = 0; i < n; ++i) {
      const CropSpec& s = specs[i];
      const int x = s.x + k * PartWidth(*s.strip);
      CopyCrop(*s.strip, x, s.y, crop, s.flip,
               parts[k].data_ptr<uint8_t>() + i * crop * crop * 3);
    }
  }
  const torch::Device cpu(torch::kCPU);
  return {
      CropsToFloat(parts[0], cpu), CropsToFloat(parts[1], cpu),
      (CropsToFloat(parts[2], cpu).narrow(1, 0, 1) > 0.5).to(torch::kFloat32)};
}

double ToPsnr(double mse) { return 10 * std::log10(1 / std::max(mse, 1e-12)); }

// Cosine decay to 2 % of the peak after a linear warm-up.
double LearningRate(const RefinerTrainingOptions& o, int64_t step) {
  const int64_t warmup = std::min<int64_t>(kWarmupSteps, o.steps / 10);
  if (step < warmup) return o.lr * (step + 1) / warmup;
  const double t = std::min(1.0, double(step) / double(o.steps));
  return o.lr * (0.02 + 0.98 * 0.5 * (1 + std::cos(M_PI * t)));
}

}  // namespace

StatusOr<RefinerTrainingSummary> TrainRefiner(const RefinerTrainingOptions& o) {
  if (o.crop % 2 != 0) return InvalidArgument("--crop must be even");
  torch::set_num_threads(o.threads);
  torch::manual_seed(int64_t(o.seed));
  SPIX_ASSIGN_OR_RETURN(const std::vector<RgbImage> train,
                        ReadImagePack(o.data));
  SPIX_RETURN_IF_ERROR(CheckStrips(train, o.crop, o.data));
  SPIX_ASSIGN_OR_RETURN(const std::vector<RgbImage> val, ReadImagePack(o.val));
  SPIX_RETURN_IF_ERROR(CheckStrips(val, o.crop, o.val));

  Refiner net(o.width, o.depth);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(o.lr));
  const fs::path dir = o.checkpoint_dir;
  SPIX_ASSIGN_OR_RETURN(int64_t step, OpenCheckpointDir(dir));
  if (step > 0) {
    SPIX_RETURN_IF_ERROR(LoadModule(net.get(), kRefinerNetworkName,
                                    kRefinerVersion, dir / kWeightsFile));
    SPIX_RETURN_IF_ERROR(
        LoadOptimizer(adam, dir / kOptimizerFile, torch::Device(torch::kCPU)));
    if (o.log) o.log("resumed at step " + std::to_string(step));
  } else if (!o.init.empty()) {
    SPIX_RETURN_IF_ERROR(
        LoadModule(net.get(), kRefinerNetworkName, kRefinerVersion, o.init));
  }

  // Fixed validation crops: sample i % n, at a place that moves with i.
  std::vector<CropSpec> val_specs;
  for (int i = 0; i < o.val_crops; ++i) {
    const RgbImage& s = val[i % val.size()];
    const int round = i / int(val.size());
    val_specs.push_back(
        {&s, (PartWidth(s) - o.crop) * ((round * 7 + 3) % 11) / 10,
         (s.height - o.crop) * ((round * 5 + 5) % 11) / 10, false});
  }
  auto validate = [&](double* input_psnr, double* refined_psnr) {
    torch::NoGradGuard no_grad;
    net->eval();
    double input_se = 0, refined_se = 0, count = 0;
    for (size_t b = 0; b < val_specs.size(); b += o.batch) {
      const std::vector<CropSpec> specs(
          val_specs.begin() + b,
          val_specs.begin() + std::min(val_specs.size(), b + o.batch));
      const Batch batch = MakeBatch(specs, o.crop);
      const torch::Tensor refined =
          net->forward(batch.decoded, batch.mask).clamp(0, 1);
      input_se += (batch.decoded - batch.original).pow(2).sum().item<double>();
      refined_se += (refined - batch.original).pow(2).sum().item<double>();
      count += double(batch.original.numel());
    }
    net->train();
    *input_psnr = ToPsnr(input_se / count);
    *refined_psnr = ToPsnr(refined_se / count);
  };

  auto save = [&]() -> Status {
    SPIX_RETURN_IF_ERROR(SaveModule(*net, kRefinerNetworkName, kRefinerVersion,
                                    dir / kWeightsFile));
    SPIX_RETURN_IF_ERROR(SaveOptimizer(adam, dir / kOptimizerFile));
    WriteStepFile(dir, step);
    return OkStatus();
  };

  RefinerTrainingSummary summary;
  SplitMix64 rng(o.seed + uint64_t(step) * 0x9E3779B97F4A7C15ull);
  auto start = std::chrono::steady_clock::now();
  auto last_checkpoint = start;
  double loss_sum = 0;
  int64_t logged_since = 0;
  while (step < o.steps) {
    for (auto& group : adam.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options())
          .lr(LearningRate(o, step));
    }
    std::vector<CropSpec> specs;
    for (int i = 0; i < o.batch; ++i) {
      const RgbImage& s = train[rng.Below(train.size())];
      specs.push_back({&s, int(rng.Below(PartWidth(s) - o.crop + 1)),
                       int(rng.Below(s.height - o.crop + 1)),
                       (rng.Next() & 1) != 0});
    }
    const Batch batch = MakeBatch(specs, o.crop);
    const torch::Tensor loss = torch::mse_loss(
        net->forward(batch.decoded, batch.mask), batch.original);
    adam.zero_grad();
    loss.backward();
    adam.step();
    loss_sum += loss.item<double>();
    ++step;
    ++summary.steps_run;
    ++logged_since;

    const auto now = std::chrono::steady_clock::now();
    const bool checkpoint =
        std::chrono::duration<double>(now - last_checkpoint).count() >=
            60 * o.checkpoint_minutes ||
        step == o.steps;
    if (step % kLogEvery == 0 || checkpoint) {
      const double seconds = std::chrono::duration<double>(now - start).count();
      if (o.log) {
        o.log("step " + std::to_string(step) + "  train PSNR " +
              Fixed(ToPsnr(loss_sum / logged_since), 3) + " dB  lr " +
              Fixed(LearningRate(o, step), 6) + "  " +
              Fixed(summary.steps_run * o.batch / seconds, 1) + " crops/s");
      }
      loss_sum = 0;
      logged_since = 0;
    }
    if (checkpoint) {
      double input_psnr, refined_psnr;
      validate(&input_psnr, &refined_psnr);
      if (o.log) {
        o.log("step " + std::to_string(step) + "  validation PSNR " +
              Fixed(input_psnr, 3) + " -> " + Fixed(refined_psnr, 3) +
              " dB  (checkpoint)");
      }
      SPIX_RETURN_IF_ERROR(save());
      last_checkpoint = std::chrono::steady_clock::now();
    }
  }
  validate(&summary.val_psnr_input, &summary.val_psnr_refined);
  return summary;
}

}  // namespace spix
