// `spix train refiner`: the refinement network g2 of `-i eed-g`, trained by
// mean squared error to correct what the default codec decodes. Samples come
// from image packs (networks/train_util.h) whose images are strips of three
// equal parts side by side: the original, the decoded image and the mask
// (white at known pixels), as `spix train refiner-data` writes them.
#ifndef SPIX_NETWORKS_REFINER_TRAINING_H_
#define SPIX_NETWORKS_REFINER_TRAINING_H_

#include <cstdint>
#include <functional>
#include <string>

#include "bitstream/status.h"

namespace spix {

struct RefinerTrainingOptions {
  std::string data;            // training pack
  std::string val;             // validation pack
  std::string checkpoint_dir;  // resumed from when it holds a checkpoint
  // Weights to start from in a new checkpoint dir (e.g. the shipped
  // refine-g2.safetensors, so training carries over across sessions).
  std::string init;
  int64_t steps = 20000;  // total; the learning rate decays over them
  int batch = 16;
  int crop = 96;
  int width = 64;  // channels of the body (half resolution)
  int depth = 8;   // 3x3 convolutions of the body
  double lr = 5e-4;
  double checkpoint_minutes = 5;
  int val_crops = 256;
  uint64_t seed = 1;
  int threads = 2;
  std::function<void(const std::string&)> log;
};

struct RefinerTrainingSummary {
  int64_t steps_run = 0;
  // On the validation crops after the last step: the decoded images' PSNR
  // and the refined ones'.
  double val_psnr_input = 0, val_psnr_refined = 0;
};

StatusOr<RefinerTrainingSummary> TrainRefiner(
    const RefinerTrainingOptions& options);

}  // namespace spix

#endif  // SPIX_NETWORKS_REFINER_TRAINING_H_
