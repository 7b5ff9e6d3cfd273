#include "networks/modules.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "baselines/random.h"

namespace spix {

namespace F = torch::nn::functional;

CBlockImpl::CBlockImpl(int in_channels, int branch_channels) {
  for (int dilation : {1, 2, 5}) {
    branches_.push_back(
        register_module("conv" + std::to_string(dilation),
                        torch::nn::Conv2d(torch::nn::Conv2dOptions(
                                              in_channels, branch_channels, 5)
                                              .padding(2 * dilation)
                                              .dilation(dilation))));
  }
}

torch::Tensor CBlockImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> outputs;
  for (auto& conv : branches_) outputs.push_back(conv->forward(x));
  return torch::elu(torch::cat(outputs, 1));
}

HourglassImpl::HourglassImpl(int in_channels, int out_channels,
                             std::array<int, 4> branches) {
  int channels = in_channels;
  for (int level = 0; level < 4; ++level) {
    down_.push_back(register_module("down" + std::to_string(level),
                                    CBlock(channels, branches[level])));
    channels = 3 * branches[level];
  }
  for (int level = 2; level >= 0; --level) {
    up_.push_back(register_module(
        "up" + std::to_string(level),
        CBlock(channels + 3 * branches[level], branches[level])));
    channels = 3 * branches[level];
  }
  head_ = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(
                                      channels, out_channels, 1)));
}

torch::Tensor HourglassImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> skips;
  torch::Tensor y = x;
  for (size_t level = 0; level < down_.size(); ++level) {
    if (level > 0) y = torch::max_pool2d(y, 2);
    y = down_[level]->forward(y);
    skips.push_back(y);
  }
  for (size_t i = 0; i < up_.size(); ++i) {
    const torch::Tensor& skip = skips[skips.size() - 2 - i];
    y = F::interpolate(
        y, F::InterpolateFuncOptions()
               .size(std::vector<int64_t>{skip.size(2), skip.size(3)})
               .mode(torch::kNearest));
    y = up_[i]->forward(torch::cat({y, skip}, 1));
  }
  return head_->forward(y);
}

void HourglassImpl::ZeroHead() {
  torch::NoGradGuard no_grad;
  head_->weight.zero_();
  head_->bias.zero_();
}

torch::Tensor PushPull(const torch::Tensor& values, const torch::Tensor& mask) {
  std::vector<torch::Tensor> sums{values * mask}, weights{mask};
  while (sums.back().size(2) > 1 || sums.back().size(3) > 1) {
    auto pool = [](const torch::Tensor& t) {
      return F::avg_pool2d(t, F::AvgPool2dFuncOptions(2).ceil_mode(true));
    };
    sums.push_back(pool(sums.back()));
    weights.push_back(pool(weights.back()));
  }
  torch::Tensor fill = sums.back() / weights.back().clamp_min(1e-6);
  for (int level = int(sums.size()) - 2; level >= 0; --level) {
    const torch::Tensor& sum = sums[size_t(level)];
    const torch::Tensor& weight = weights[size_t(level)];
    torch::Tensor coarse = F::interpolate(
        fill, F::InterpolateFuncOptions()
                  .size(std::vector<int64_t>{sum.size(2), sum.size(3)})
                  .mode(torch::kBilinear)
                  .align_corners(false));
    // Confidence = number of known pixels in the cell, capped at one.
    torch::Tensor confidence = (weight * std::pow(4.0, level)).clamp(0.0, 1.0);
    fill =
        confidence * (sum / weight.clamp_min(1e-6)) + (1 - confidence) * coarse;
  }
  return fill;
}

InpaintingGeneratorImpl::InpaintingGeneratorImpl(std::array<int, 4> branches) {
  body_ = register_module("body", Hourglass(kInputChannels, 3, branches));
  // g starts as the interpolation itself: a random correction would push
  // pixels into the clamp, where no gradient flows.
  body_->ZeroHead();
}

torch::Tensor InpaintingGeneratorImpl::Features(const torch::Tensor& known,
                                                const torch::Tensor& mask,
                                                const torch::Tensor& noise) {
  const torch::Tensor masked = known * mask;
  return torch::cat({masked, mask, PushPull(masked, mask), noise}, 1);
}

torch::Tensor InpaintingGeneratorImpl::forward(const torch::Tensor& features) {
  const torch::Tensor interpolation = features.slice(1, 4, 7);
  const torch::Tensor y = interpolation + body_->forward(features);
  // Hard sigmoid forward; identity gradient backward, so pixels pushed out
  // of range still learn their way back (a plain clamp leaves them dead).
  return y + (y.clamp(0.0, 1.0) - y).detach();
}

namespace {
// The body's dilations, repeated for deeper bodies: the reach grows
// quickly, and the last convolutions see the detail again.
constexpr int kRefinerDilations[] = {1, 2, 4, 8, 4, 2};
constexpr int kShuffle = 2;  // half resolution
}  // namespace

RefinerImpl::RefinerImpl(int width, int depth) {
  const int in_channels = 4 * kShuffle * kShuffle;  // RGB and mask
  in_ = register_module(
      "in", torch::nn::Conv2d(
                torch::nn::Conv2dOptions(in_channels, width, 3).padding(1)));
  for (int k = 0; k < depth; ++k) {
    const int dilation = kRefinerDilations[k % std::size(kRefinerDilations)];
    body_.push_back(register_module(
        "body" + std::to_string(k),
        torch::nn::Conv2d(torch::nn::Conv2dOptions(width, width, 3)
                              .padding(dilation)
                              .dilation(dilation))));
  }
  head_ = register_module(
      "head", torch::nn::Conv2d(
                  torch::nn::Conv2dOptions(width, 3 * kShuffle * kShuffle, 3)
                      .padding(1)));
  // He initialisation: LibTorch's default keeps a third of the variance per
  // layer, and after ten ReLU layers the head saw nothing (a first run
  // gained 0.006 dB in 1,800 steps).
  torch::NoGradGuard no_grad;
  auto he = [](torch::nn::Conv2d& conv) {
    torch::nn::init::kaiming_normal_(conv->weight, 0, torch::kFanIn,
                                     torch::kReLU);
    conv->bias.zero_();
  };
  he(in_);
  for (auto& conv : body_) he(conv);
  head_->weight.zero_();
  head_->bias.zero_();
}

torch::Tensor RefinerImpl::forward(const torch::Tensor& decoded,
                                   const torch::Tensor& mask) {
  torch::Tensor y =
      torch::pixel_unshuffle(torch::cat({decoded - 0.5, mask}, 1), kShuffle);
  y = torch::relu(in_->forward(y));
  for (auto& conv : body_) y = torch::relu(conv->forward(y));
  return decoded + torch::pixel_shuffle(head_->forward(y), kShuffle);
}

StatusOr<std::array<int, 2>> RefinerImpl::ShapeOf(const WeightFile& file) {
  int width = 0, depth = 0;
  for (const NamedTensor& t : file.tensors) {
    if (t.name == "in.weight" && !t.shape.empty()) width = int(t.shape[0]);
    if (t.name.rfind("body", 0) == 0 && t.name.size() > 7 &&
        t.name.substr(t.name.size() - 7) == ".weight") {
      ++depth;
    }
  }
  if (width <= 0 || width > 512 || depth <= 0 || depth > 32) {
    return CorruptData("weight file does not hold a " +
                       std::string(kRefinerNetworkName) + " network");
  }
  return std::array<int, 2>{width, depth};
}

torch::Tensor Composite(const torch::Tensor& generated,
                        const torch::Tensor& known, const torch::Tensor& mask) {
  return (1 - mask) * generated + mask * known;
}

MaskGeneratorImpl::MaskGeneratorImpl(std::array<int, 4> branches) {
  body_ = register_module("body", Hourglass(5, 1, branches));
  body_->ZeroHead();
}

torch::Tensor MaskGeneratorImpl::forward(const torch::Tensor& image,
                                         const torch::Tensor& noise,
                                         const torch::Tensor& density) {
  const torch::Tensor density_plane =
      density.view({-1, 1, 1, 1}).expand_as(noise);
  return body_->forward(torch::cat({image, noise, density_plane}, 1));
}

torch::Tensor TopKMask(const torch::Tensor& confidence,
                       const torch::Tensor& densities) {
  const int64_t n = confidence.size(0);
  const torch::Tensor flat = confidence.detach().reshape({n, -1});
  const int64_t pixels = flat.size(1);
  torch::Tensor mask = torch::zeros_like(flat);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = std::clamp<int64_t>(
        std::llround(densities[i].item<double>() * double(pixels)), 1, pixels);
    mask[i].scatter_(0, std::get<1>(flat[i].topk(k)), 1.0);
  }
  return mask.view_as(confidence);
}

torch::Tensor MaskScores(const torch::Tensor& raw) {
  return kMaskScoreBound * (raw - raw.mean({1, 2, 3}, true)).tanh();
}

torch::Tensor GumbelNoise(const torch::Tensor& uniform_noise) {
  const torch::Tensor u = ((uniform_noise + 1) * 0.5).clamp(1e-7, 1 - 1e-7);
  return -(-u.log()).log();
}

torch::Tensor TopKMask(const torch::Tensor& confidence, double density) {
  return TopKMask(confidence,
                  torch::full({confidence.size(0)}, density, torch::kFloat64));
}

torch::Tensor TopKLogProbability(const torch::Tensor& scores,
                                 const torch::Tensor& keys,
                                 const torch::Tensor& densities) {
  const int64_t n = scores.size(0);
  const torch::Tensor flat = scores.reshape({n, -1});
  const torch::Tensor flat_keys = keys.detach().reshape({n, -1});
  const int64_t pixels = flat.size(1);
  std::vector<torch::Tensor> log_p;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = std::clamp<int64_t>(
        std::llround(densities[i].item<double>() * double(pixels)), 1, pixels);
    // Drawn in key order: each pick's probability is exp(its score) over
    // the sum of exp(score) of the pixels not picked before it.
    const torch::Tensor picked =
        flat[i].gather(0, std::get<1>(flat_keys[i].topk(k)));
    const torch::Tensor weights = picked.exp();
    const torch::Tensor remaining =
        flat[i].exp().sum() - (weights.cumsum(0) - weights);
    log_p.push_back((picked - remaining.log()).sum());
  }
  return torch::stack(log_p);
}

torch::Tensor StraightThroughTopK(const torch::Tensor& confidence,
                                  const torch::Tensor& densities) {
  return TopKMask(confidence, densities) + confidence - confidence.detach();
}

CriticImpl::CriticImpl(int width) {
  int channels = 4;
  for (int i = 0; i < 4; ++i) {
    const int out = width << i;
    blocks_.push_back(register_module(
        "block" + std::to_string(i),
        torch::nn::Conv2d(
            torch::nn::Conv2dOptions(channels, out, 5).stride(2).padding(2))));
    channels = out;
  }
  head_ = register_module("head", torch::nn::Linear(channels, 1));
}

torch::Tensor CriticImpl::forward(const torch::Tensor& image,
                                  const torch::Tensor& mask) {
  torch::Tensor y = torch::cat({image, mask}, 1);
  for (auto& block : blocks_) y = torch::leaky_relu(block->forward(y), 0.2);
  return head_->forward(y.mean({2, 3})).view({-1});
}

void CriticImpl::ProjectToUnitSpectralNorm() {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> weights;
  for (auto& block : blocks_) weights.push_back(block->weight);
  weights.push_back(head_->weight);
  if (power_vectors_.empty()) {
    for (auto& w : weights) {
      power_vectors_.push_back(torch::ones({w.size(0)}, w.options()) /
                               std::sqrt(double(w.size(0))));
    }
  }
  for (size_t i = 0; i < weights.size(); ++i) {
    const torch::Tensor matrix = weights[i].view({weights[i].size(0), -1});
    torch::Tensor& u = power_vectors_[i];
    torch::Tensor v = matrix.t().mv(u);
    v /= v.norm().clamp_min(1e-12);
    u = matrix.mv(v);
    const double sigma = u.norm().item<double>();
    u /= std::max(sigma, 1e-12);
    if (sigma > 1.0) weights[i].div_(sigma);
  }
}

namespace {

// Parameters, then floating-point buffers (batch-norm statistics); integer
// buffers such as batch counters are training state and stay out.
std::vector<std::pair<std::string, torch::Tensor>> SavedTensors(
    torch::nn::Module& module) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& item : module.named_parameters())
    tensors.emplace_back(item.key(), item.value());
  for (const auto& item : module.named_buffers()) {
    if (item.value().is_floating_point())
      tensors.emplace_back(item.key(), item.value());
  }
  return tensors;
}

}  // namespace

WeightFile ToWeightFile(torch::nn::Module& module, const std::string& network,
                        int version) {
  WeightFile file;
  file.network = network;
  file.version = version;
  for (const auto& [name, value] : SavedTensors(module)) {
    const torch::Tensor t =
        value.detach().contiguous().to(torch::kFloat32).cpu();
    NamedTensor named;
    named.name = name;
    named.shape = t.sizes().vec();
    named.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    file.tensors.push_back(std::move(named));
  }
  return file;
}

Status LoadWeightFile(const WeightFile& file, const std::string& network,
                      torch::nn::Module* module, int version) {
  if (file.network != network) {
    return CorruptData("weight file holds network '" + file.network +
                       "', expected '" + network + "'");
  }
  if (file.version != version) {
    return Unsupported("weight file version " + std::to_string(file.version) +
                       " does not match this build's version " +
                       std::to_string(version));
  }
  const auto targets = SavedTensors(*module);
  if (file.tensors.size() != targets.size()) {
    return CorruptData(
        "weight file has " + std::to_string(file.tensors.size()) +
        " tensors, the network " + std::to_string(targets.size()));
  }
  torch::NoGradGuard no_grad;
  for (const NamedTensor& t : file.tensors) {
    auto it = std::find_if(targets.begin(), targets.end(),
                           [&](const auto& p) { return p.first == t.name; });
    if (it == targets.end() || it->second.sizes().vec() != t.shape) {
      return CorruptData("weight file tensor " + t.name +
                         " does not fit the network");
    }
    torch::Tensor target = it->second;
    target.copy_(torch::from_blob(const_cast<float*>(t.values.data()),
                                  target.sizes(), torch::kFloat32));
  }
  return OkStatus();
}

torch::Tensor NoiseTile(uint64_t seed, int64_t x0, int64_t y0, int64_t width,
                        int64_t height, int64_t image_width) {
  torch::Tensor noise = torch::empty({1, 1, height, width});
  float* out = noise.data_ptr<float>();
  const uint64_t base = seed * 0xD1B54A32D192ED03ull;
  for (int64_t y = 0; y < height; ++y) {
    for (int64_t x = 0; x < width; ++x) {
      SplitMix64 rng(base + uint64_t((y0 + y) * image_width + x0 + x));
      *out++ = float(double(rng.Next() >> 11) * 0x1.0p-52 - 1.0);
    }
  }
  return noise;
}

torch::Tensor NoisePlane(int64_t batch, int64_t height, int64_t width,
                         uint64_t seed) {
  std::vector<torch::Tensor> planes;
  for (int64_t b = 0; b < batch; ++b) {
    planes.push_back(NoiseTile(seed + uint64_t(b), 0, 0, width, height, width));
  }
  return torch::cat(planes);
}

}  // namespace spix
