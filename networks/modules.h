// The LibTorch modules of the learned codec (Peter, sections 2-3): the
// inpainting generator g, the mask generator m and the critic d. Included
// only by networks/ sources: the rest of spix never sees torch headers.
#ifndef SPIX_NETWORKS_MODULES_H_
#define SPIX_NETWORKS_MODULES_H_

#include <torch/torch.h>

#include <array>
#include <string>
#include <vector>

#include "bitstream/status.h"
#include "networks/weights.h"

namespace spix {

// Architecture version stored in weight files; bump it when a module changes
// shape so that old files are refused instead of misread.
constexpr int kCodecNetworksVersion = 1;
// Spatial sizes must be multiples of this (three 2x2 poolings).
constexpr int kHourglassStride = 8;

// Three parallel 5x5 convolutions with dilation 1, 2 and 5, ELU, outputs
// concatenated: 3 * branch channels.
class CBlockImpl : public torch::nn::Module {
 public:
  CBlockImpl(int in_channels, int branch_channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  std::vector<torch::nn::Conv2d> branches_;
};
TORCH_MODULE(CBlock);

// U-shaped encoder/decoder: CBlocks with 2x2 max pooling on the way down,
// 2x nearest upsampling + skip concatenation + CBlock on the way up (a
// stride-1 transposed convolution is a convolution, and LibTorch's CPU
// ConvTranspose2d measured ~10x slower), then a 1x1 convolution.
class HourglassImpl : public torch::nn::Module {
 public:
  // `branches` holds the branch width of each of the four levels.
  HourglassImpl(int in_channels, int out_channels, std::array<int, 4> branches);
  torch::Tensor forward(const torch::Tensor& x);
  // Zero weights in the last layer: the network starts as the zero map.
  void ZeroHead();

 private:
  std::vector<CBlock> down_, up_;
  torch::nn::Conv2d head_{nullptr};
};
TORCH_MODULE(Hourglass);

// Push-pull interpolation of sparse values (normalised convolution over a
// 2x pyramid): a cheap classical inpainting that g refines.
torch::Tensor PushPull(const torch::Tensor& values, const torch::Tensor& mask);

// g(r, c, Cf). Input channels: known colours (zero elsewhere), mask,
// push-pull interpolation, noise; output in [0, 1] as a hard-sigmoid
// correction of the interpolation.
class InpaintingGeneratorImpl : public torch::nn::Module {
 public:
  static constexpr int kInputChannels = 8;
  explicit InpaintingGeneratorImpl(std::array<int, 4> branches = {4, 8, 12,
                                                                  16});
  // The network input for colours `known` (N,3,H,W), `mask` and `noise`
  // (N,1,H,W). Computed on the whole image so that tiles share it.
  static torch::Tensor Features(const torch::Tensor& known,
                                const torch::Tensor& mask,
                                const torch::Tensor& noise);
  // g on features (H, W multiples of kHourglassStride).
  torch::Tensor forward(const torch::Tensor& features);

 private:
  Hourglass body_{nullptr};
};
TORCH_MODULE(InpaintingGenerator);

// u = (1 - c) g + c f.
torch::Tensor Composite(const torch::Tensor& generated,
                        const torch::Tensor& known, const torch::Tensor& mask);

// m(r, f) with the target density as an extra input plane, so one network
// serves every density. Returns a raw score per pixel; the mask keeps the
// top round(D N) of MaskScores() + Gumbel noise (GumbelNoise), i.e. pixels
// drawn without replacement with probabilities proportional to exp(score). At
// the start (zero head) that is a uniform random mask, and the density is
// exact. (The paper's hard sigmoid, threshold 0.5 and density loss oscillated
// between 20 % and 90 % density in our first joint runs.)
class MaskGeneratorImpl : public torch::nn::Module {
 public:
  explicit MaskGeneratorImpl(std::array<int, 4> branches = {4, 8, 12, 16});
  torch::Tensor forward(const torch::Tensor& image, const torch::Tensor& noise,
                        const torch::Tensor& density);

 private:
  Hourglass body_{nullptr};
};
TORCH_MODULE(MaskGenerator);

// Exactly round(density * H * W) ones per image: the top confidences.
// `densities` holds one density per image (CPU).
torch::Tensor TopKMask(const torch::Tensor& confidence,
                       const torch::Tensor& densities);
torch::Tensor TopKMask(const torch::Tensor& confidence, double density);
// m's raw output of whole images -> sampling scores: centred per image (the
// top-k ignores a common shift, and the reconstruction loss pushes every
// score up alike) and bounded to +-kMaskScoreBound, so one pixel is at most
// e^(2 kMaskScoreBound) times likelier than another: a density-adaptive
// random mask. Unbounded scores grew to 1e7 within 200 steps of our first GPU
// run and the masks collapsed into clusters; with bound 3 the learned masks
// were still 1.4 dB below random ones after 400 joint steps (CPU run).
constexpr double kMaskScoreBound = 1.0;
torch::Tensor MaskScores(const torch::Tensor& raw);
// Gumbel(0, 1) noise made from uniform network noise in [-1, 1]
// (NoisePlane, NoiseTile).
torch::Tensor GumbelNoise(const torch::Tensor& uniform_noise);
// Log-probability per image that drawing round(D N) pixels one at a time,
// each with probability proportional to exp(score) among those left, picks
// the top `keys` in their order. With keys = scores + Gumbel noise that is
// the probability of the sampled order (Gumbel top-k trick), which gives a
// score-function gradient for the mask network.
torch::Tensor TopKLogProbability(const torch::Tensor& scores,
                                 const torch::Tensor& keys,
                                 const torch::Tensor& densities);
// TopKMask() forward, identity gradient backward (into the confidences).
torch::Tensor StraightThroughTopK(const torch::Tensor& confidence,
                                  const torch::Tensor& densities);

// d(u, c): 5x5 stride-2 convolutions with LeakyReLU, global mean, linear.
// Kept 1-Lipschitz by ProjectToUnitSpectralNorm() after every update.
class CriticImpl : public torch::nn::Module {
 public:
  explicit CriticImpl(int width = 8);
  torch::Tensor forward(const torch::Tensor& image, const torch::Tensor& mask);
  // Divides each weight by its largest singular value when that exceeds 1
  // (power iteration, vectors kept between calls).
  void ProjectToUnitSpectralNorm();

 private:
  std::vector<torch::nn::Conv2d> blocks_;
  torch::nn::Linear head_{nullptr};
  std::vector<torch::Tensor> power_vectors_;
};
TORCH_MODULE(Critic);

// g, version 2 (`-i eed-g`): a correction of the image the EED decoder
// reconstructed, given that image and the mask. Pixel-unshuffled to half
// resolution (a quarter of the cost per channel, twice the reach), a body of
// 3x3 convolutions with growing dilations and ReLU, pixel-shuffled back.
// The head starts at zero, so an untrained network is the identity.
constexpr int kRefinerVersion = 1;
inline constexpr char kRefinerNetworkName[] = "refine-g2";
class RefinerImpl : public torch::nn::Module {
 public:
  RefinerImpl(int width, int depth);
  // `decoded` (N,3,H,W) in [0, 1], `mask` (N,1,H,W); H and W even.
  torch::Tensor forward(const torch::Tensor& decoded,
                        const torch::Tensor& mask);
  // The body's width and depth of the network in `file`, read off its
  // tensor shapes, so that a weight file describes itself.
  static StatusOr<std::array<int, 2>> ShapeOf(const WeightFile& file);

 private:
  torch::nn::Conv2d in_{nullptr}, head_{nullptr};
  std::vector<torch::nn::Conv2d> body_;
};
TORCH_MODULE(Refiner);

// Conversions between modules and weight files.
// Parameters and floating-point buffers; `version` is the architecture
// version of the network family (a mismatch is refused on loading).
WeightFile ToWeightFile(torch::nn::Module& module, const std::string& network,
                        int version = kCodecNetworksVersion);
Status LoadWeightFile(const WeightFile& file, const std::string& network,
                      torch::nn::Module* module,
                      int version = kCodecNetworksVersion);

// Noise r from the project PRNG (uniform in [-1, 1]), never torch's. Each
// pixel's value depends only on the seed and its index y * image_width + x,
// so tiles of one image agree where they overlap.
torch::Tensor NoiseTile(uint64_t seed, int64_t x0, int64_t y0, int64_t width,
                        int64_t height, int64_t image_width);
// A batch of independent planes, seeds seed, seed + 1, ...
torch::Tensor NoisePlane(int64_t batch, int64_t height, int64_t width,
                         uint64_t seed);

}  // namespace spix

#endif  // SPIX_NETWORKS_MODULES_H_
