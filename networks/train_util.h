// Helpers shared by the training loops of networks/ (the codec networks and
// the semantic-fill priors): image loading, crops, weight-file checkpoints,
// sample grids, log formatting. Internal to networks/ (torch headers).
#ifndef SPIX_NETWORKS_TRAIN_UTIL_H_
#define SPIX_NETWORKS_TRAIN_UTIL_H_

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "baselines/random.h"
#include "bitstream/status.h"

namespace spix {

// Uniform in [0, 1) from the project PRNG.
double Uniform(SplitMix64& rng);

// JPEG and PNG files of `dir`, sorted by name.
std::vector<std::string> ListImages(const std::string& dir);

// 8-bit RGB, rows packed.
struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;
};

// Training images from `sources`: directories of JPEG/PNG files (builds with
// OpenCV) or image packs, files named *.pack (any build; see ReadImagePack).
// Images smaller than `crop` on a side are skipped; at most `limit` (0: all).
StatusOr<std::vector<RgbImage>> LoadImages(
    const std::vector<std::string>& sources, int crop, size_t limit);

// An image pack, for machines without OpenCV (scripts/pack_images.py writes
// them): the 8 bytes "SPIXPACK", then per image its width and height as
// little-endian uint32 and width * height * 3 bytes of RGB.
StatusOr<std::vector<RgbImage>> ReadImagePack(const std::string& path);

// The crop x..x+crop, y..y+crop of `image`, mirrored when `flip`, as
// crop * crop * 3 bytes (HWC) at `out`.
void CopyCrop(const RgbImage& image, int x, int y, int crop, bool flip,
              uint8_t* out);
// (N, crop, crop, 3) uint8 crops to (N, 3, crop, crop) floats in [0, 1] on
// `device`.
torch::Tensor CropsToFloat(const torch::Tensor& crops,
                           const torch::Device& device);

// PSNR of images in [0, 1].
double Psnr(const torch::Tensor& a, const torch::Tensor& b);

std::string Fixed(double v, int digits);

Status SaveModule(torch::nn::Module& module, const std::string& name,
                  int version, const std::filesystem::path& path);
Status LoadModule(torch::nn::Module* module, const std::string& name,
                  int version, const std::filesystem::path& path);

// Writes an optimiser state / reads it back onto `device` (a checkpoint
// saved on a GPU resumes on a CPU and back), errors as values.
Status SaveOptimizer(torch::optim::Optimizer& optimizer,
                     const std::filesystem::path& path);
Status LoadOptimizer(torch::optim::Optimizer& optimizer,
                     const std::filesystem::path& path,
                     const torch::Device& device);

// Creates `dir` if needed and returns the step of the checkpoint in it
// (0 when there is none yet).
StatusOr<int64_t> OpenCheckpointDir(const std::filesystem::path& dir);

// The step file marks a complete checkpoint: written last, atomically.
void WriteStepFile(const std::filesystem::path& dir, int64_t step);
int64_t ReadStepFile(const std::filesystem::path& dir);  // 0 when absent

// Copies `files` of a checkpoint into dir/history/STEP, so every checkpoint
// stays there to be picked from later.
Status KeepInHistory(const std::filesystem::path& dir, int64_t step,
                     const std::vector<std::string>& files);

// A (3, H, W) RGB tensor in [0, 1] as a PNG (as a binary PPM next to it,
// path.ppm, in builds without OpenCV).
void WriteRgbPng(const torch::Tensor& image, const std::filesystem::path& path);

}  // namespace spix

#endif  // SPIX_NETWORKS_TRAIN_UTIL_H_
