// spix train codec --data DIR [--data DIR...] --checkpoint-dir DIR
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "networks/training.h"
#if !SPIX_TRAINER_ONLY
#include "networks/fill/prior_training.h"
#include "tools/cmd_train_refiner.h"
#endif
#include "tools/cli_util.h"

namespace spix {
namespace {

int RunTrainCodec(const CodecTrainingOptions& options) {
  CodecTrainingOptions o = options;
  o.log = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  StatusOr<CodecTrainingSummary> summary = TrainCodec(o);
  if (!summary.ok()) return ReportError(summary.status());
  std::printf(
      "rank %d: %lld steps, validation l1 %.5f -> %.5f, parameter checksum "
      "%.9g\n",
      o.rank, static_cast<long long>(summary->steps_run),
      summary->val_l1_before, summary->val_l1_after,
      summary->parameter_checksum);
  return kExitOk;
}

#if !SPIX_TRAINER_ONLY
int RunTrainPrior(const PriorTrainingOptions& options) {
  PriorTrainingOptions o = options;
  o.log = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  StatusOr<PriorTrainingSummary> summary = TrainPrior(o);
  if (!summary.ok()) return ReportError(summary.status());
  std::printf("%lld steps on %lld images, critic loss %.4f -> %.4f\n",
              static_cast<long long>(summary->steps_run),
              static_cast<long long>(summary->images),
              summary->critic_loss_first, summary->critic_loss_last);
  return kExitOk;
}

void AddPriorCommand(CLI::App* train, PriorTrainingOptions* o) {
  CLI::App* prior = train->add_subcommand(
      "prior",
      "Train a GAN prior of 64x64 images for 'spix fill' (Yeh et al. DCGAN, "
      "Vitoria et al. WGAN-GP, Cooper WGAN with weight clipping). "
      "Re-running with the same --checkpoint-dir resumes.");
  prior->add_option("--arch", o->arch, "dcgan, wgan-gp or wgan-clip")
      ->capture_default_str()
      ->check(CLI::IsMember({"dcgan", "wgan-gp", "wgan-clip"}));
  prior
      ->add_option("--data", o->data_dir,
                   "Directory of 64x64 training images (others are resized)")
      ->required()
      ->check(CLI::ExistingDirectory);
  prior
      ->add_option("--holdout", o->holdout,
                   "Last images (by name) kept out for evaluation")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000000));
  prior
      ->add_option("--checkpoint-dir", o->checkpoint_dir,
                   "Where checkpoints, weight files and sample grids go")
      ->required();
  prior->add_option("--steps", o->steps, "Total generator steps")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(100000000)));
  prior->add_option("--batch", o->batch, "Images per step")
      ->capture_default_str()
      ->check(CLI::Range(2, 4096));
  prior
      ->add_option("--width", o->width,
                   "Channels of the last generator stage (8x at 4x4)")
      ->capture_default_str()
      ->check(CLI::Range(1, 512));
  prior
      ->add_option("--init", o->init_dir,
                   "Directory of prior weights to start a new "
                   "--checkpoint-dir from (e.g. networks/weights: training "
                   "carried over from the shipped prior)")
      ->check(CLI::ExistingDirectory);
  prior
      ->add_option("--critic-width", o->critic_width,
                   "Channels of the critic's first stage (0: --width)")
      ->capture_default_str()
      ->check(CLI::Range(0, 512));
  prior->add_option("--latent", o->latent_dim, "Size of z (0: the paper's)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));
  prior->add_option("--lr", o->lr, "Learning rate (0: the paper's)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  prior
      ->add_option("--critic-steps", o->critic_steps,
                   "Critic steps per generator step (0: the paper's)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  prior
      ->add_option("--checkpoint-minutes", o->checkpoint_minutes,
                   "Minutes between checkpoints")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1440.0));
  prior
      ->add_option("--max-images", o->max_images,
                   "Use at most this many training images (0: all)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000000));
  prior->add_option("--seed", o->seed, "Seed of batches and latents")
      ->capture_default_str();
  prior->add_option("--threads", o->threads, "CPU threads of LibTorch")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  prior->add_flag("--cuda", o->cuda, "Train on the GPU when one is present");
  prior->footer(
      "Example (the shipped prior, see docs/models.md):\n"
      "  spix train prior --arch dcgan --data ../shared/data/faces64 \\\n"
      "    --checkpoint-dir runs/prior-dcgan");
}
#endif  // !SPIX_TRAINER_ONLY

}  // namespace

CommandRunner AddTrainCommand(CLI::App& app) {
  CLI::App* train = app.add_subcommand(
      "train", "Train the networks (checkpoints, resume, data parallel).");
  train->require_subcommand(1);
  auto o = std::make_shared<CodecTrainingOptions>();
  CLI::App* codec = train->add_subcommand(
      "codec",
      "Jointly train the inpainting generator, the mask generator and the "
      "critic (WGAN, Peter et al.). Pre-trains the generator on random masks "
      "first. Re-running with the same --checkpoint-dir resumes.");
  codec
      ->add_option("--data", o->data_dirs,
                   "Directory of training images (JPEG/PNG) or image pack "
                   "(FILE.pack, scripts/pack_images.py); repeatable")
      ->required()
      ->check(CLI::ExistingPath);
  codec
      ->add_option("--val", o->val_dir,
                   "Directory or image pack of validation images")
      ->check(CLI::ExistingPath);
  codec
      ->add_option("--checkpoint-dir", o->checkpoint_dir,
                   "Where checkpoints, weight files and sample grids go")
      ->required();
  codec->add_option("--steps", o->steps, "Total steps, pre-training included")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(100000000)));
  codec
      ->add_option("--pretrain-steps", o->pretrain_steps,
                   "Steps of generator-only training (on --train-masks)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(0), int64_t(100000000)));
  codec->add_option("--batch", o->batch, "Images per step and process")
      ->capture_default_str()
      ->check(CLI::Range(2, 4096));
  codec->add_option("--crop", o->crop, "Training crop size (multiple of 8)")
      ->capture_default_str()
      ->check(CLI::Range(16, 1024));
  codec->add_option("--lr", o->lr, "Adam learning rate of all three networks")
      ->capture_default_str()
      ->check(CLI::Range(1e-7, 1.0));
  codec
      ->add_option("--mask-lr", o->mask_lr,
                   "Adam learning rate of the mask network (0: --lr)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  codec->add_flag("--freeze-generator", o->freeze_generator,
                  "After pre-training, train only the mask network against "
                  "the fixed generator");
  codec
      ->add_option_function<std::string>(
          "--mask-credit",
          [o](const std::string& credit) {
            o->local_credit = credit == "local";
          },
          "With --freeze-generator, what a pixel is credited with: the error "
          "around it (local) or the whole image's (image, default: the "
          "score-function gradient)")
      ->check(CLI::IsMember({"local", "image"}));
  codec
      ->add_option_function<std::string>(
          "--train-masks",
          [o](const std::string& kind) {
            o->halftone_masks = kind == "halftone";
          },
          "The masks g trains on besides m's: random (default) or halftone "
          "(windows of the flat halftone of `encode -m halftone`)")
      ->check(CLI::IsMember({"random", "halftone"}));
  codec->add_option("--alpha", o->alpha, "Weight of the adversarial term")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  codec
      ->add_option("--checkpoint-minutes", o->checkpoint_minutes,
                   "Minutes between checkpoints")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1440.0));
  codec->add_option("--val-images", o->val_images, "Validation images used")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  codec
      ->add_option("--max-images", o->max_images,
                   "Use at most this many training images (0: all)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000000));
  codec->add_option("--seed", o->seed, "Seed of crops, masks and noise")
      ->capture_default_str();
  codec->add_option("--threads", o->threads, "CPU threads of LibTorch")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  codec->add_flag("--cuda", o->cuda, "Train on the GPU when one is present");
  codec
      ->add_option("--world-size", o->world_size,
                   "Processes in data-parallel training (c10d/Gloo)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  codec->add_option("--rank", o->rank, "This process's rank, 0..world-size-1")
      ->capture_default_str()
      ->check(CLI::Range(0, 1023));
  codec
      ->add_option("--master", o->master,
                   "host:port of rank 0's rendezvous store")
      ->capture_default_str();
  codec->footer(
      "Example (docs/models.md has the commands behind the shipped g):\n"
      "  spix train codec --data ../shared/data/natural64/train \\\n"
      "    --data ../shared/data/bsds500/train --val "
      "../shared/data/natural64/val \\\n"
      "    --checkpoint-dir runs/codec\n"
      "The mask network alone against a trained g (resumed at step S):\n"
      "  spix train codec ... --checkpoint-dir runs/codec --pretrain-steps S "
      "--freeze-generator --lr 2e-4\n"
      "Two processes on one machine:\n"
      "  spix train codec ... --world-size 2 --rank 0 --master 127.0.0.1:29500 "
      "&\n"
      "  spix train codec ... --world-size 2 --rank 1 --master "
      "127.0.0.1:29500");
#if SPIX_TRAINER_ONLY
  return
      [o, codec] { return codec->parsed() ? RunTrainCodec(*o) : kExitUsage; };
#else
  auto prior_options = std::make_shared<PriorTrainingOptions>();
  AddPriorCommand(train, prior_options.get());
  std::function<int()> refiner = AddRefinerCommands(train);
  return [o, codec, prior_options, train, refiner] {
    if (codec->parsed()) return RunTrainCodec(*o);
    if (train->got_subcommand("prior")) return RunTrainPrior(*prior_options);
    const int result = refiner();
    return result >= 0 ? result : int(kExitUsage);
  };
#endif
}

}  // namespace spix
