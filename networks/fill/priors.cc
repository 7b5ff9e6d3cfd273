#include "networks/fill/priors.h"

#include <cmath>

#include "baselines/random.h"
#include "networks/modules.h"
#include "networks/train_util.h"

namespace spix {
namespace {

namespace F = torch::nn::functional;

torch::nn::Conv2d Conv(int in, int out, int kernel, int stride, int padding) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                               .stride(stride)
                               .padding(padding));
}

torch::Tensor Upsample(const torch::Tensor& x) {
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .scale_factor(std::vector<double>{2, 2})
                               .mode(torch::kNearest));
}

// Radford et al.'s initialisation, N(0, 0.02) weights (BatchNorm N(1, 0.02)).
void DcganInit(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& item : module.named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor p = item.value();
    const bool norm = name.find("norm") != std::string::npos;
    if (name.size() >= 4 && name.substr(name.size() - 4) == "bias") {
      p.zero_();
    } else if (norm) {
      p.normal_(1.0, 0.02);
    } else {
      p.normal_(0.0, 0.02);
    }
  }
}

}  // namespace

const char* PriorArchName(PriorArch arch) {
  switch (arch) {
    case PriorArch::kDcgan:
      return "dcgan";
    case PriorArch::kWganGp:
      return "wgan-gp";
    case PriorArch::kWganClip:
      return "wgan-clip";
  }
  return "?";
}

StatusOr<PriorArch> ParsePriorArch(const std::string& name) {
  for (PriorArch arch :
       {PriorArch::kDcgan, PriorArch::kWganGp, PriorArch::kWganClip}) {
    if (name == PriorArchName(arch)) return arch;
  }
  return InvalidArgument("unknown prior architecture '" + name +
                         "' (dcgan, wgan-gp or wgan-clip)");
}

int DefaultLatentDim(PriorArch arch) {
  return arch == PriorArch::kWganGp ? 128 : 100;
}
bool GaussianLatent(PriorArch arch) { return arch == PriorArch::kWganGp; }
bool IsProbabilistic(PriorArch arch) { return arch == PriorArch::kDcgan; }

std::string PriorGeneratorName(PriorArch arch) {
  return std::string("prior-") + PriorArchName(arch) + "-g";
}
std::string PriorCriticName(PriorArch arch) {
  return std::string("prior-") + PriorArchName(arch) + "-d";
}
std::string PriorWeightsFile(PriorArch arch, bool generator) {
  return (generator ? PriorGeneratorName(arch) : PriorCriticName(arch)) +
         ".safetensors";
}

torch::Tensor SampleLatent(PriorArch arch, int64_t count, int latent_dim,
                           uint64_t seed) {
  torch::Tensor z = torch::empty({count, latent_dim});
  float* out = z.data_ptr<float>();
  SplitMix64 rng(seed);
  for (int64_t i = 0; i < count * latent_dim; ++i) {
    if (GaussianLatent(arch)) {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const double u = 1.0 - Uniform(rng), v = Uniform(rng);
      out[i] = float(std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v));
    } else {
      out[i] = float(2 * Uniform(rng) - 1);
    }
  }
  return z;
}

PriorGeneratorImpl::PriorGeneratorImpl(PriorArch arch, int latent_dim,
                                       int width)
    : residual_(arch == PriorArch::kWganGp),
      latent_dim_(latent_dim),
      width_(width) {
  project_ =
      register_module("project", torch::nn::Linear(latent_dim, 16 * 8 * width));
  // Channels per stage: 8w at 4x4, halving to w at 32x32 (residual: one more
  // block to 64x64), then a 3x3 convolution to RGB.
  std::vector<int> channels = {8 * width, 4 * width, 2 * width, width};
  if (residual_) channels.push_back(width);
  for (size_t i = 0; i + 1 < channels.size(); ++i) {
    const int in = channels[i], out = channels[i + 1];
    const std::string p = "up" + std::to_string(i) + "_";
    UpBlock b;
    if (residual_) {
      b.norm1 = register_module(p + "norm1", torch::nn::BatchNorm2d(in));
      b.conv1 = register_module(p + "conv1", Conv(in, out, 3, 1, 1));
      b.norm2 = register_module(p + "norm2", torch::nn::BatchNorm2d(out));
      b.conv2 = register_module(p + "conv2", Conv(out, out, 3, 1, 1));
      b.shortcut = register_module(p + "shortcut", Conv(in, out, 1, 1, 0));
    } else {
      b.conv1 = register_module(p + "conv1", Conv(in, out, 3, 1, 1));
      b.norm1 = register_module(p + "norm1", torch::nn::BatchNorm2d(out));
    }
    blocks_.push_back(b);
  }
  project_norm_ = register_module(
      "project_norm", torch::nn::BatchNorm2d(residual_ ? width : 8 * width));
  out_ = register_module("out", Conv(width, 3, 3, 1, 1));
  if (!residual_) DcganInit(*this);
}

torch::Tensor PriorGeneratorImpl::forward(const torch::Tensor& z) {
  torch::Tensor x = project_->forward(z).view({-1, 8 * width_, 4, 4});
  // DCGAN normalises the projection; the residual net normalises at the end
  // (pre-activation blocks), with the same module.
  if (!residual_) x = torch::relu(project_norm_->forward(x));
  for (UpBlock& b : blocks_) {
    if (residual_) {
      torch::Tensor h =
          b.conv1->forward(Upsample(torch::relu(b.norm1->forward(x))));
      h = b.conv2->forward(torch::relu(b.norm2->forward(h)));
      x = h + b.shortcut->forward(Upsample(x));
    } else {
      x = torch::relu(b.norm1->forward(b.conv1->forward(Upsample(x))));
    }
  }
  if (residual_) {
    x = torch::relu(project_norm_->forward(x));
  } else {
    x = Upsample(x);
  }
  return torch::tanh(out_->forward(x));
}

PriorCriticImpl::PriorCriticImpl(PriorArch arch, int width)
    : residual_(arch == PriorArch::kWganGp) {
  // A 4x4 stride-2 stem to 32x32 (DCGAN's first layer) for both: a
  // residual block at 64x64 cost the critic five times its time on the CPU,
  // the gradient penalty's double backward included.
  in_ = register_module("in", Conv(3, width, 4, 2, 1));
  for (int i = 0; i < 3; ++i) {
    const int in = width << i, out = width << (i + 1);
    const std::string p = "down" + std::to_string(i) + "_";
    DownBlock b;
    if (residual_) {
      // Layer normalisation over channels and positions with a scale and
      // offset per channel, as Gulrajani et al.'s code normalises its
      // critic: one group.
      b.norm1 = register_module(p + "norm1", torch::nn::GroupNorm(1, in));
      b.conv1 = register_module(p + "conv1", Conv(in, in, 3, 1, 1));
      b.norm2 = register_module(p + "norm2", torch::nn::GroupNorm(1, in));
      b.conv2 = register_module(p + "conv2", Conv(in, out, 3, 1, 1));
      b.shortcut = register_module(p + "shortcut", Conv(in, out, 1, 1, 0));
    } else {
      // DCGAN: 4x4 stride-2 convolutions, batch norm after the first.
      b.conv1 = register_module(p + "conv1", Conv(in, out, 4, 2, 1));
      b.batch_norm = register_module(p + "norm", torch::nn::BatchNorm2d(out));
    }
    blocks_.push_back(b);
  }
  top_ = register_module("top", Conv(8 * width, 1, 4, 1, 0));
  if (!residual_) DcganInit(*this);
}

torch::Tensor PriorCriticImpl::forward(const torch::Tensor& image) {
  torch::Tensor x = in_->forward(image);
  if (residual_) {
    for (DownBlock& b : blocks_) {
      torch::Tensor h = b.conv1->forward(torch::relu(b.norm1->forward(x)));
      h = b.conv2->forward(torch::relu(b.norm2->forward(h)));
      x = F::avg_pool2d(h, F::AvgPool2dFuncOptions(2)) +
          b.shortcut->forward(F::avg_pool2d(x, F::AvgPool2dFuncOptions(2)));
    }
    x = torch::relu(x);
  } else {
    x = torch::leaky_relu(x, 0.2);
    for (DownBlock& b : blocks_) {
      x = torch::leaky_relu(b.batch_norm->forward(b.conv1->forward(x)), 0.2);
    }
  }
  return top_->forward(x).view({-1});
}

StatusOr<LoadedPrior> LoadPrior(const std::string& dir, PriorArch arch) {
  const std::string g_path = dir + "/" + PriorWeightsFile(arch, true);
  const std::string d_path = dir + "/" + PriorWeightsFile(arch, false);
  SPIX_ASSIGN_OR_RETURN(WeightFile g_file, ReadWeightFile(g_path));
  SPIX_ASSIGN_OR_RETURN(WeightFile d_file, ReadWeightFile(d_path));
  auto shape_of = [](const WeightFile& f,
                     const std::string& name) -> std::vector<int64_t> {
    for (const NamedTensor& t : f.tensors)
      if (t.name == name) return t.shape;
    return {};
  };
  const std::vector<int64_t> project = shape_of(g_file, "project.weight");
  const std::vector<int64_t> stem = shape_of(d_file, "in.weight");
  if (project.size() != 2 || project[0] % 128 != 0 || project[0] == 0 ||
      project[1] < 1 || project[1] > 4096 || stem.size() != 4 || stem[0] < 1 ||
      stem[0] > 4096) {
    return CorruptData(g_path + " / " + d_path + ": not a " +
                       PriorArchName(arch) + " prior");
  }
  LoadedPrior prior{
      arch, PriorGenerator(arch, int(project[1]), int(project[0] / 128)),
      PriorCritic(arch, int(stem[0]))};
  Status status = LoadWeightFile(g_file, PriorGeneratorName(arch),
                                 prior.generator.get(), kPriorNetworksVersion);
  if (!status.ok())
    return Status(status.code(), g_path + ": " + status.message());
  status = LoadWeightFile(d_file, PriorCriticName(arch), prior.critic.get(),
                          kPriorNetworksVersion);
  if (!status.ok())
    return Status(status.code(), d_path + ": " + status.message());
  prior.generator->eval();
  prior.critic->eval();
  return prior;
}

}  // namespace spix
