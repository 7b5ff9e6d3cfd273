// The learned codec's networks at inference, behind a torch-free interface:
// the decoder's inpainting generator g and the encoder's mask generator m.
// Images are float planes in [0, 1] (3 planes of width * height, row-major);
// masks hold 1 for known pixels. Large images run in overlapping tiles, so
// memory stays bounded and no seams appear.
#ifndef SPIX_NETWORKS_INFERENCE_H_
#define SPIX_NETWORKS_INFERENCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bitstream/status.h"
#include "networks/weights.h"

namespace spix {

// The shipped weight files, looked up in a models directory.
inline constexpr char kInpaintingWeightsFile[] = "inpaint-g.safetensors";
inline constexpr char kMaskWeightsFile[] = "mask-m.safetensors";
inline constexpr char kRefinerWeightsFile[] = "refine-g2.safetensors";

// $SPIX_MODELS if set, else the repository's networks/weights (compiled in).
std::string DefaultModelsDir();

// Sets LibTorch's intra-op thread count (it may default to 1).
void SetNetworkThreads(int threads);

class InpaintingNetwork {
 public:
  static StatusOr<std::unique_ptr<InpaintingNetwork>> Load(
      const std::string& models_dir);
  ~InpaintingNetwork();

  const Sha256Digest& digest() const { return digest_; }

  // u = (1 - c) g + c f for known colours `known` (ignored where mask is 0).
  std::vector<float> Inpaint(const std::vector<float>& known,
                             const std::vector<uint8_t>& mask, int width,
                             int height, uint64_t noise_seed) const;

  // Tonal optimisation: the known colours that minimise the squared error
  // of Inpaint() against `image`, by Adam through g; starts from `image`.
  std::vector<float> OptimiseKnown(
      const std::vector<float>& image, const std::vector<uint8_t>& mask,
      int width, int height, uint64_t noise_seed, int steps,
      const std::function<void(double)>& progress) const;

 private:
  struct Impl;
  explicit InpaintingNetwork(std::unique_ptr<Impl> impl, Sha256Digest digest);
  std::unique_ptr<Impl> impl_;
  Sha256Digest digest_;
};

class MaskNetwork {
 public:
  static StatusOr<std::unique_ptr<MaskNetwork>> Load(
      const std::string& models_dir);
  ~MaskNetwork();

  // m's bounded per-pixel scores (higher = worth storing), without noise.
  std::vector<float> Scores(const std::vector<float>& image, int width,
                            int height, double density,
                            uint64_t noise_seed) const;

  // Per-pixel confidence of being worth storing at `density` (m's score
  // plus seeded Gumbel noise); the encoder keeps the top
  // round(density * pixels).
  std::vector<float> Confidence(const std::vector<float>& image, int width,
                                int height, double density,
                                uint64_t noise_seed) const;

 private:
  struct Impl;
  explicit MaskNetwork(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// g2, the refinement network of `-i eed-g`: corrects a decoded image.
class RefinementNetwork {
 public:
  static StatusOr<std::unique_ptr<RefinementNetwork>> Load(
      const std::string& models_dir);
  ~RefinementNetwork();

  const Sha256Digest& digest() const { return digest_; }

  // The corrected image (3 planes in [0, 1]) of `decoded` and its mask.
  std::vector<float> Refine(const std::vector<float>& decoded,
                            const std::vector<uint8_t>& mask, int width,
                            int height) const;

 private:
  struct Impl;
  RefinementNetwork(std::unique_ptr<Impl> impl, Sha256Digest digest);
  std::unique_ptr<Impl> impl_;
  Sha256Digest digest_;
};

}  // namespace spix

#endif  // SPIX_NETWORKS_INFERENCE_H_
