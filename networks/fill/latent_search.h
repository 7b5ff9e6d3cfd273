// Semantic hole filling by latent search (Yeh et al.; Vitoria et al.;
// Lahiri et al.; Cooper) behind a torch-free interface: find the z whose
// G(z) best agrees with the known pixels of a 64x64 image, starting from
// random or nearest-neighbour latents, optimising several restarts at once.
// Images are 3 float planes in [0, 1] of 64 * 64 values each; masks hold 1
// for known pixels and 0 for the hole.
#ifndef SPIX_NETWORKS_FILL_LATENT_SEARCH_H_
#define SPIX_NETWORKS_FILL_LATENT_SEARCH_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bitstream/status.h"

namespace spix {

// Prior (realism) term of each loss, with s the discriminator's output:
//   kYeh      alpha Lc + beta Lg + eta log(1 - sigmoid(s(G(z)))); with a
//             Wasserstein prior -s(G(z)) as in Cooper. Defaults 1, 0, 0.003.
//   kVitoria  alpha Lc + beta Lg - eta s(G(z)). Defaults 0.1, 0.9, 0.5.
//   kCritic   -s(M y + (1 - M) G(z)), Cooper's critic on the composite.
// Lc is the importance-weighted L1 context loss, Lg the same on image
// gradients (central differences, one-sided at the hole border).
enum class FillLoss { kYeh, kVitoria, kCritic };

struct LatentSearchOptions {
  FillLoss loss = FillLoss::kVitoria;
  double alpha = 0.1, beta = 0.9, eta = 0.5;
  int window = 7;  // importance-weight window (Yeh: 7x7)
  int iterations = 1000;
  int restarts = 4;  // optimised together; the lowest final loss is kept
  // Instead of the best restart, the mean of all restarts' images (an
  // estimate of the posterior mean: less detail, lower error).
  bool average_restarts = false;
  double lr = 0.03;  // Adam, betas 0.9 / 0.999
  // Lahiri et al.: start from the latents of the pool images nearest to the
  // known pixels (L_D + gamma L_S) instead of random ones.
  bool nn_init = false;
  int pool_size = 300;
  double gamma = 0.01;
  // Sequences: z of one frame starts the next; frames are optimised in
  // groups of `group_window` with group_weight * sum |z_i - z_k|.
  int group_window = 5;
  double group_weight = 0.05;
  uint64_t seed = 1;
  std::function<void(double)> progress;  // fraction done; may be empty
};

struct LatentTarget {
  std::vector<float> image;    // 3 planes of 64x64, hole values ignored
  std::vector<uint8_t> known;  // 64x64, 1 = known
};

struct LatentResult {
  std::vector<float> generated;  // G(z*) as 3 planes in [0, 1]
  std::vector<float> latent;     // z* (of the best restart)
  double loss = 0;               // at z*
  // Per iteration, the loss of the best restart (before that step).
  std::vector<float> trace;
};

class GanPrior {
 public:
  // Reads prior-<arch>-g/-d.safetensors from `models_dir`.
  static StatusOr<std::unique_ptr<GanPrior>> Load(const std::string& models_dir,
                                                  const std::string& arch);
  ~GanPrior();

  // One result per target, each searched independently.
  std::vector<LatentResult> Search(const std::vector<LatentTarget>& targets,
                                   const LatentSearchOptions& options) const;

  // Frames of one sequence, in order (Lahiri et al., "Re + G").
  std::vector<LatentResult> SearchSequence(
      const std::vector<LatentTarget>& frames,
      const LatentSearchOptions& options) const;

  // The nearest-neighbour initialisation on its own: indices of the `count`
  // pool images (pool of `pool_size` latents drawn from `seed`) closest to
  // the target, best first; and the pool image itself, for tests.
  std::vector<int> NearestPool(const LatentTarget& target, int count,
                               int pool_size, double gamma,
                               uint64_t seed) const;
  std::vector<float> PoolImage(int index, int pool_size, uint64_t seed) const;

 private:
  struct Impl;
  explicit GanPrior(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The loss terms on their own (for tests), on one image of `width` x
// `height` with `channels` planes: Yeh's importance weights W (0 on the
// hole), and the weighted L1 gradient loss sum W |grad a - grad b| with the
// stencils described above.
std::vector<float> ImportanceWeights(const std::vector<uint8_t>& known,
                                     int width, int height, int window);
double GradientLoss(const std::vector<float>& a, const std::vector<float>& b,
                    const std::vector<uint8_t>& known,
                    const std::vector<float>& weights, int width, int height,
                    int channels);

}  // namespace spix

#endif  // SPIX_NETWORKS_FILL_LATENT_SEARCH_H_
