// spix train refiner-data / spix train refiner: the training set of the
// refinement network g2 (what the default codec decodes, next to the
// original) and g2's training loop.
#include "tools/cmd_train_refiner.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "codec/image_io.h"
#include "codec/spix.h"
#include "networks/refiner_training.h"
#include "tools/cli_util.h"

namespace spix {
namespace {

struct RefinerDataOptions {
  std::vector<std::string> image_dirs;
  std::string output;
  std::vector<double> densities = {0.03, 0.05, 0.08, 0.12, 0.18};
  int per_image = 2;
  int effort = 7;
  int jobs = 2;
  bool force = false;
};

std::vector<std::string> SortedImages(const std::string& dir) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// One training sample: original | decoded | mask, side by side as one RGB
// image of three times the width (the layout networks/refiner_training.h
// reads).
StatusOr<Image> MakeStrip(const Image& original, double density, int effort) {
  Image rgb = original;
  if (rgb.channels == 1) {
    rgb = Image(original.width, original.height, 3);
    for (size_t i = 0; i < original.num_pixels(); ++i) {
      std::fill_n(&rgb.pixels[3 * i], 3, original.pixels[i]);
    }
  }
  EncodeOptions encode;
  encode.density = density;
  encode.effort = effort;
  encode.threads = 1;
  SPIX_ASSIGN_OR_RETURN(const std::vector<uint8_t> file, Encode(rgb, encode));
  DecodeOptions decode;
  decode.threads = 1;
  SPIX_ASSIGN_OR_RETURN(const Image decoded,
                        Decode(file.data(), file.size(), decode));
  SPIX_ASSIGN_OR_RETURN(const Image mask,
                        DecodeKnownMask(file.data(), file.size()));
  const int w = rgb.width;
  Image strip(3 * w, rgb.height, 3);
  for (int y = 0; y < rgb.height; ++y) {
    std::memcpy(strip.pixel(0, y), rgb.pixel(0, y), size_t(w) * 3);
    std::memcpy(strip.pixel(w, y), decoded.pixel(0, y), size_t(w) * 3);
    for (int x = 0; x < w; ++x) {
      std::fill_n(strip.pixel(2 * w + x, y), 3, mask.pixel(x, y)[0]);
    }
  }
  return strip;
}

void AppendU32(uint32_t v, std::vector<uint8_t>* out) {
  for (int k = 0; k < 4; ++k) out->push_back(uint8_t(v >> (8 * k)));
}

int RunRefinerData(const RefinerDataOptions& o) {
  Status status = CheckOutputPath({}, o.output, o.force);
  if (!status.ok()) return ReportError(status);
  std::vector<std::string> paths;
  for (const std::string& dir : o.image_dirs) {
    for (std::string& p : SortedImages(dir)) paths.push_back(std::move(p));
  }
  if (paths.empty()) {
    return ReportError(InvalidArgument("no PNG or JPEG images in --images"));
  }
  // Densities cycle over the samples, so every image and density mix.
  const size_t samples = paths.size() * o.per_image;
  std::vector<Image> strips(samples);
  std::atomic<size_t> next{0}, done{0};
  std::mutex mutex;
  Status first_error = OkStatus();
  auto worker = [&] {
    for (size_t s; (s = next++) < samples;) {
      const std::string& path = paths[s / o.per_image];
      std::vector<std::string> warnings;
      StatusOr<Image> strip = ReadImage(path, &warnings);
      if (strip.ok()) {
        strip =
            MakeStrip(*strip, o.densities[s % o.densities.size()], o.effort);
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (!strip.ok()) {
        if (first_error.ok()) {
          first_error = Status(strip.status().code(),
                               path + ": " + strip.status().message());
        }
        next = samples;
        continue;
      }
      strips[s] = std::move(*strip);
      std::fprintf(stderr, "\rrefiner-data: %zu / %zu samples", ++done,
                   samples);
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < o.jobs; ++j) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  std::fprintf(stderr, "\n");
  if (!first_error.ok()) return ReportError(first_error);

  std::vector<uint8_t> pack = {'S', 'P', 'I', 'X', 'P', 'A', 'C', 'K'};
  for (const Image& strip : strips) {
    AppendU32(uint32_t(strip.width), &pack);
    AppendU32(uint32_t(strip.height), &pack);
    pack.insert(pack.end(), strip.pixels.begin(), strip.pixels.end());
  }
  status = WriteFileAtomic(o.output, pack);
  if (!status.ok()) return ReportError(status);
  std::printf("%zu samples from %zu images -> %s\n", samples, paths.size(),
              o.output.c_str());
  return kExitOk;
}

int RunTrainRefiner(const RefinerTrainingOptions& options) {
  RefinerTrainingOptions o = options;
  o.log = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  StatusOr<RefinerTrainingSummary> summary = TrainRefiner(o);
  if (!summary.ok()) return ReportError(summary.status());
  std::printf(
      "%lld steps; validation PSNR %.3f dB (decoded) -> %.3f dB (refined)\n",
      static_cast<long long>(summary->steps_run), summary->val_psnr_input,
      summary->val_psnr_refined);
  return kExitOk;
}

}  // namespace

std::function<int()> AddRefinerCommands(CLI::App* train) {
  auto data = std::make_shared<RefinerDataOptions>();
  CLI::App* data_cmd = train->add_subcommand(
      "refiner-data",
      "Make the training set of the refinement network (-i eed-g): encode "
      "and decode each image with the default codec at a few densities and "
      "pack original | decoded | mask strips into one image pack.");
  data_cmd
      ->add_option("--images", data->image_dirs,
                   "Directory of PNG/JPEG images; repeatable")
      ->required()
      ->check(CLI::ExistingDirectory);
  data_cmd->add_option("-o,--output", data->output, "The .pack file written")
      ->required();
  data_cmd
      ->add_option("--densities", data->densities,
                   "Densities the samples cycle through")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1.0));
  AddIntegerOption(data_cmd, "--per-image", &data->per_image, 1, 64,
                   "Samples (densities) per image");
  AddIntegerOption(data_cmd, "--effort", &data->effort, 1, 9,
                   "Encoder effort of the samples");
  AddIntegerOption(data_cmd, "-j,--jobs", &data->jobs, 1, 64,
                   "Images encoded at once (one thread each)");
  data_cmd->add_flag("-f,--force", data->force,
                     "Replace an existing output file");

  auto o = std::make_shared<RefinerTrainingOptions>();
  CLI::App* refiner = train->add_subcommand(
      "refiner",
      "Train the refinement network g2 of -i eed-g on packs made by "
      "'spix train refiner-data' (mean squared error against the original). "
      "Re-running with the same --checkpoint-dir resumes.");
  refiner->add_option("--data", o->data, "Training pack (refiner-data)")
      ->required()
      ->check(CLI::ExistingFile);
  refiner->add_option("--val", o->val, "Validation pack (refiner-data)")
      ->required()
      ->check(CLI::ExistingFile);
  refiner
      ->add_option("--checkpoint-dir", o->checkpoint_dir,
                   "Where checkpoints and the weight file go")
      ->required();
  refiner
      ->add_option("--init", o->init,
                   "Weights to start from in a new --checkpoint-dir (e.g. "
                   "networks/weights/refine-g2.safetensors; --width and "
                   "--depth must match them)")
      ->check(CLI::ExistingFile);
  AddIntegerOption(refiner, "--steps", &o->steps, 1, 100000000,
                   "Total steps (the learning rate decays over them)");
  AddIntegerOption(refiner, "--batch", &o->batch, 1, 4096, "Crops per step");
  AddIntegerOption(refiner, "--crop", &o->crop, 16, 1024,
                   "Training crop size (even)");
  AddIntegerOption(refiner, "--width", &o->width, 4, 512,
                   "Channels of the network's body");
  AddIntegerOption(refiner, "--depth", &o->depth, 1, 32,
                   "Convolutions of the network's body");
  AddRealOption(refiner, "--lr", &o->lr, 0, 1, "Peak Adam learning rate",
                /*lo_open=*/true);
  AddRealOption(refiner, "--checkpoint-minutes", &o->checkpoint_minutes, 0,
                1440, "Minutes between checkpoints");
  AddIntegerOption(refiner, "--val-crops", &o->val_crops, 1, 100000,
                   "Validation crops (fixed, one per sample in turn)");
  AddIntegerOption(refiner, "--seed", &o->seed, 0, INT64_MAX,
                   "Seed of the crops");
  AddThreadsOption(refiner, &o->threads);
  refiner->footer(
      "Example (the shipped g2, see docs/models.md):\n"
      "  spix train refiner-data --images ../shared/data/bsds500/train \\\n"
      "    --per-image 3 -o runs/refiner-train.pack\n"
      "  spix train refiner-data --images ../shared/data/bsds500/val "
      "--per-image 1 \\\n"
      "    -o runs/refiner-val.pack\n"
      "  spix train refiner --data runs/refiner-train.pack \\\n"
      "    --val runs/refiner-val.pack --checkpoint-dir runs/refiner\n"
      "Continue from the shipped weights in a new --checkpoint-dir:\n"
      "  spix train refiner ... --init networks/weights/refine-g2.safetensors");
  return [data, data_cmd, o, refiner]() -> int {
    if (data_cmd->parsed()) return RunRefinerData(*data);
    if (refiner->parsed()) return RunTrainRefiner(*o);
    return -1;  // neither: another train subcommand
  };
}

}  // namespace spix
