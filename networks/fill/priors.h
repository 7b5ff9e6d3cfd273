// The GAN priors of semantic hole filling: a generator G(z) of 64x64 RGB
// images in [-1, 1] and its discriminator or critic, in three families:
//   dcgan      Yeh et al.: z uniform in [-1, 1]^100, standard GAN loss.
//   wgan-gp    Vitoria et al.: z ~ N(0, I) in R^128, residual blocks, layer
//              normalisation in the critic, gradient penalty.
//   wgan-clip  Cooper: DCGAN layout, Wasserstein loss, weights clipped.
// Included only by networks/ sources (torch headers).
#ifndef SPIX_NETWORKS_FILL_PRIORS_H_
#define SPIX_NETWORKS_FILL_PRIORS_H_

#include <torch/torch.h>

#include <string>
#include <vector>

#include "bitstream/status.h"

namespace spix {

// Architecture version stored in prior weight files.
constexpr int kPriorNetworksVersion = 1;
constexpr int kPriorImageSize = 64;

enum class PriorArch { kDcgan, kWganGp, kWganClip };

const char* PriorArchName(PriorArch arch);
StatusOr<PriorArch> ParsePriorArch(const std::string& name);
int DefaultLatentDim(PriorArch arch);
// z ~ N(0, I) (wgan-gp) rather than uniform in [-1, 1].
bool GaussianLatent(PriorArch arch);
// The discriminator's output is a logit (dcgan) rather than a critic score.
bool IsProbabilistic(PriorArch arch);

// Weight-file network names, e.g. "prior-dcgan-g" and "prior-dcgan-d".
std::string PriorGeneratorName(PriorArch arch);
std::string PriorCriticName(PriorArch arch);

// Latent samples from the architecture's distribution (not clamped).
torch::Tensor SampleLatent(PriorArch arch, int64_t count, int latent_dim,
                           uint64_t seed);

// Upsampling is nearest 2x + 3x3 convolution rather than a transposed
// convolution: the same receptive field and no checkerboard, and LibTorch's
// CPU ConvTranspose2d measured ~10x slower (networks/README.md).
class PriorGeneratorImpl : public torch::nn::Module {
 public:
  // `width`: channels of the last stage; 4x4 starts with 8 * width.
  PriorGeneratorImpl(PriorArch arch, int latent_dim, int width);
  torch::Tensor forward(const torch::Tensor& z);  // (N, 3, 64, 64)

  int latent_dim() const { return latent_dim_; }
  int width() const { return width_; }

 private:
  struct UpBlock {
    torch::nn::BatchNorm2d norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};
  };
  bool residual_;
  int latent_dim_, width_;
  torch::nn::Linear project_{nullptr};
  torch::nn::BatchNorm2d project_norm_{nullptr};
  std::vector<UpBlock> blocks_;
  torch::nn::Conv2d out_{nullptr};
};
TORCH_MODULE(PriorGenerator);

// A scalar per image: a logit (dcgan) or a critic score (wgan-*). The top is
// a 4x4 convolution to one channel, no fully connected layer.
class PriorCriticImpl : public torch::nn::Module {
 public:
  PriorCriticImpl(PriorArch arch, int width);
  torch::Tensor forward(const torch::Tensor& image);  // (N) from (N,3,64,64)

 private:
  struct DownBlock {
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};
    torch::nn::BatchNorm2d batch_norm{nullptr};
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};  // one group
  };
  bool residual_;
  torch::nn::Conv2d in_{nullptr};
  std::vector<DownBlock> blocks_;
  torch::nn::Conv2d top_{nullptr};
};
TORCH_MODULE(PriorCritic);

// Reads "<dir>/prior-<arch>-g.safetensors" and "-d"; the widths and the
// latent size come from the tensor shapes. Both modules in eval mode.
struct LoadedPrior {
  PriorArch arch;
  PriorGenerator generator{nullptr};
  PriorCritic critic{nullptr};
};
StatusOr<LoadedPrior> LoadPrior(const std::string& dir, PriorArch arch);
std::string PriorWeightsFile(PriorArch arch, bool generator);

}  // namespace spix

#endif  // SPIX_NETWORKS_FILL_PRIORS_H_
