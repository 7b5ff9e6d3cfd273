// Helpers shared by the training loops of networks/ (the codec networks and
// the semantic-fill priors): image loading, crops, weight-file checkpoints,
// sample grids, log formatting. Internal to networks/ (torch headers).
#ifndef SPIX_NETWORKS_TRAIN_UTIL_H_
#define SPIX_NETWORKS_TRAIN_UTIL_H_

#include <torch/torch.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "baselines/random.h"
#include "bitstream/status.h"

namespace spix {

// Uniform in [0, 1) from the project PRNG.
double Uniform(SplitMix64& rng);

// JPEG and PNG files of `dir`, sorted by name.
std::vector<std::string> ListImages(const std::string& dir);

// Decoded RGB images at least `crop` pixels on each side (smaller ones are
// skipped); at most `limit` (0: all).
StatusOr<std::vector<cv::Mat>> LoadImages(const std::vector<std::string>& dirs,
                                          int crop, size_t limit);

// A (3, crop, crop) float tensor in [0, 1], mirrored when `flip`.
torch::Tensor CropToTensor(const cv::Mat& image, int x, int y, int crop,
                           bool flip);

// PSNR of images in [0, 1].
double Psnr(const torch::Tensor& a, const torch::Tensor& b);

std::string Fixed(double v, int digits);

Status SaveModule(torch::nn::Module& module, const std::string& name,
                  int version, const std::filesystem::path& path);
Status LoadModule(torch::nn::Module* module, const std::string& name,
                  int version, const std::filesystem::path& path);

// Writes an optimiser state / reads it back, errors as values.
Status SaveOptimizer(torch::optim::Optimizer& optimizer,
                     const std::filesystem::path& path);
Status LoadOptimizer(torch::optim::Optimizer& optimizer,
                     const std::filesystem::path& path);

// Creates `dir` if needed and returns the step of the checkpoint in it
// (0 when there is none yet).
StatusOr<int64_t> OpenCheckpointDir(const std::filesystem::path& dir);

// The step file marks a complete checkpoint: written last, atomically.
void WriteStepFile(const std::filesystem::path& dir, int64_t step);
int64_t ReadStepFile(const std::filesystem::path& dir);  // 0 when absent

// A (3, H, W) RGB tensor in [0, 1] as a PNG.
void WriteRgbPng(const torch::Tensor& image, const std::filesystem::path& path);

}  // namespace spix

#endif  // SPIX_NETWORKS_TRAIN_UTIL_H_
