// `spix train prior`: trains a GAN prior for semantic hole filling on 64x64
// face crops, with checkpoints, resume and sample grids.
#ifndef SPIX_NETWORKS_FILL_PRIOR_TRAINING_H_
#define SPIX_NETWORKS_FILL_PRIOR_TRAINING_H_

#include <cstdint>
#include <functional>
#include <string>

#include "bitstream/status.h"

namespace spix {

struct PriorTrainingOptions {
  std::string arch = "dcgan";  // dcgan | wgan-gp | wgan-clip
  std::string data_dir;        // 64x64 images, e.g. ../shared/data/faces64
  // The last `holdout` images (by file name) are never trained on: they are
  // the evaluation set of `spix fill` (benchmarks/fill_tables).
  int holdout = 1000;
  std::string checkpoint_dir;  // resumed from when it holds a checkpoint
  // A models directory whose prior-<arch>-g/-d weights a new checkpoint
  // directory starts from (widths and latent size from the files).
  std::string init_dir;
  int64_t steps = 20000;  // generator steps
  int batch = 64;
  int width = 16;        // channels of the last generator stage
  int critic_width = 0;  // channels of the critic's first stage; 0: width
  int latent_dim = 0;    // 0: the architecture's (100, or 128 for wgan-gp)
  // 0 picks the paper's value: dcgan Adam 2e-4 (0.5, 0.999), 1 critic step;
  // wgan-gp Adam 1e-4 (0, 0.9), 5 critic steps, penalty 10; wgan-clip
  // RMSprop 5e-5, 5 critic steps (100 at first and every 500 steps), clip
  // 0.01.
  double lr = 0;
  int critic_steps = 0;
  double gp_weight = 10;
  double clip = 0.01;
  double checkpoint_minutes = 5;
  int max_images = 0;  // 0: every training image
  uint64_t seed = 1;
  int threads = 2;
  bool cuda = false;
  std::function<void(const std::string&)> log;
};

struct PriorTrainingSummary {
  int64_t steps_run = 0;
  int64_t images = 0;  // training images used
  // Mean discriminator/critic loss over the first and the last 10 % of the
  // steps of this run.
  double critic_loss_first = 0, critic_loss_last = 0;
};

StatusOr<PriorTrainingSummary> TrainPrior(const PriorTrainingOptions& options);

}  // namespace spix

#endif  // SPIX_NETWORKS_FILL_PRIOR_TRAINING_H_
