// `spix train codec`: joint WGAN training of the inpainting generator g, the
// mask generator m and the critic d (Peter, section 3), on CPU or GPU, with
// checkpoints, resume and data-parallel training over c10d/Gloo.
#ifndef SPIX_NETWORKS_TRAINING_H_
#define SPIX_NETWORKS_TRAINING_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bitstream/status.h"

namespace spix {

struct CodecTrainingOptions {
  std::vector<std::string> data_dirs;  // training images (random crops)
  std::string val_dir;                 // validation images (centre crops)
  std::string checkpoint_dir;          // written by rank 0; resumed from
  int64_t steps = 20000;               // total, including pre-training
  int64_t pretrain_steps = 4000;       // g alone on random masks first
  int batch = 16;                      // per process
  int crop = 64;
  double lr = 5e-4;
  double mask_lr = 0;    // Adam learning rate of m; 0: lr
  double alpha = 0.005;  // weight of the adversarial term of g
  // Joint phase trains m alone against a fixed g (no critic step), every
  // image of the batch on learned masks, crediting each pixel with the
  // error around it (local_credit) or each mask with the image's error
  // (the score-function gradient).
  bool freeze_generator = false;
  bool local_credit = false;
  // g's masks: windows of flat halftones (`-m halftone`) instead of random.
  bool halftone_masks = false;
  double min_density = 0.02, max_density = 0.3;
  double checkpoint_minutes = 5;
  int val_images = 256;
  int max_images = 0;  // 0: every image of data_dirs
  uint64_t seed = 1;
  int threads = 2;
  bool cuda = false;
  // Data parallel: gradients are averaged over world_size processes.
  int world_size = 1;
  int rank = 0;
  std::string master = "127.0.0.1:29500";  // TCPStore of rank 0
  std::function<void(const std::string&)> log;
};

struct CodecTrainingSummary {
  int64_t steps_run = 0;
  // Mean |f - u| on the first validation batch with random masks, before
  // this run's first step and after its last.
  double val_l1_before = 0, val_l1_after = 0;
  double parameter_checksum = 0;  // sum of all parameters of g and m
};

StatusOr<CodecTrainingSummary> TrainCodec(const CodecTrainingOptions& options);

}  // namespace spix

#endif  // SPIX_NETWORKS_TRAINING_H_
