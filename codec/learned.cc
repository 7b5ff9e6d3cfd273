#include "codec/learned.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "codec/planes.h"
#include "networks/inference.h"
#include "networks/torch_guard.h"

namespace spix {
namespace {

std::string ModelsDir(const std::string& dir) {
  return dir.empty() ? DefaultModelsDir() : dir;
}

// Loaded networks live for the process: rate control and benchmarks encode
// many times with the same weights.
template <typename Network>
StatusOr<const Network*> Shared(const std::string& models_dir) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Network>> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  const std::string dir = ModelsDir(models_dir);
  auto it = loaded.find(dir);
  if (it == loaded.end()) {
    SPIX_ASSIGN_OR_RETURN(std::unique_ptr<Network> network, Network::Load(dir));
    it = loaded.emplace(dir, std::move(network)).first;
  }
  return it->second.get();
}

std::array<uint8_t, 8> Prefix(const Sha256Digest& digest) {
  std::array<uint8_t, 8> prefix;
  std::copy(digest.begin(), digest.begin() + 8, prefix.begin());
  return prefix;
}

Status CheckWeights(const Sha256Digest& digest,
                    const std::array<uint8_t, 8>& wanted, const char* what,
                    const DecodeOptions& options) {
  const std::array<uint8_t, 8> have = Prefix(digest);
  if (have == wanted) return OkStatus();
  return Unsupported(std::string("this file needs ") + what + " weights " +
                     HexString(wanted.data(), 8) + ", but " +
                     ModelsDir(options.models_dir) + " has " +
                     HexString(have.data(), 8) +
                     "; pass --models DIR with the weights it was made with");
}

}  // namespace

StatusOr<std::vector<float>> LearnedMaskScores(const Image& image,
                                               const EncodeOptions& options,
                                               double density) {
  SetNetworkThreads(options.threads);
  SPIX_ASSIGN_OR_RETURN(const MaskNetwork* m,
                        Shared<MaskNetwork>(options.models_dir));
  return GuardTorch("the mask network", [&] {
    return m->Scores(
        ToPlanes(image.pixels.data(), image.channels, image.num_pixels()),
        image.width, image.height, density, options.seed);
  });
}

StatusOr<std::array<uint8_t, 8>> LearnedWeightsHash(
    const std::string& models_dir) {
  SPIX_ASSIGN_OR_RETURN(const InpaintingNetwork* g,
                        Shared<InpaintingNetwork>(models_dir));
  return Prefix(g->digest());
}

StatusOr<Image> LearnedTonalImage(const Image& image,
                                  const std::vector<uint8_t>& mask,
                                  const EncodeOptions& options) {
  SetNetworkThreads(options.threads);
  SPIX_ASSIGN_OR_RETURN(const InpaintingNetwork* g,
                        Shared<InpaintingNetwork>(options.models_dir));
  std::function<void(double)> progress;
  if (options.progress) {
    progress = [&options](double done) {
      options.progress("tonal optimisation", done);
    };
  }
  const size_t pixels = image.num_pixels();
  SPIX_ASSIGN_OR_RETURN(
      const std::vector<float> values, GuardTorch("tonal optimisation", [&] {
        return g->OptimiseKnown(
            ToPlanes(image.pixels.data(), image.channels, pixels), mask,
            image.width, image.height, options.seed, options.tonal_steps,
            progress);
      }));
  Image tuned = image;
  FromPlanes(values, pixels, image.channels, tuned.pixels.data());
  return tuned;
}

StatusOr<Image> LearnedReconstruct(const std::vector<uint8_t>& known,
                                   const std::vector<uint8_t>& mask, int width,
                                   int height, int channels,
                                   const std::array<uint8_t, 8>& weights_hash,
                                   uint32_t noise_seed,
                                   const DecodeOptions& options) {
  SetNetworkThreads(options.threads);
  SPIX_ASSIGN_OR_RETURN(const InpaintingNetwork* g,
                        Shared<InpaintingNetwork>(options.models_dir));
  SPIX_RETURN_IF_ERROR(
      CheckWeights(g->digest(), weights_hash, "inpainting", options));
  const size_t pixels = size_t(width) * height;
  SPIX_ASSIGN_OR_RETURN(const std::vector<float> planes,
                        GuardTorch("the inpainting network", [&] {
                          return g->Inpaint(
                              ToPlanes(known.data(), channels, pixels), mask,
                              width, height, noise_seed);
                        }));
  Image image(width, height, channels);
  FromPlanes(planes, pixels, channels, image.pixels.data());
  return image;
}

StatusOr<std::array<uint8_t, 8>> RefinerWeightsHash(
    const std::string& models_dir) {
  SPIX_ASSIGN_OR_RETURN(const RefinementNetwork* g2,
                        Shared<RefinementNetwork>(models_dir));
  return Prefix(g2->digest());
}

StatusOr<Image> RefineReconstruction(const Image& reconstruction,
                                     const std::vector<uint8_t>& mask,
                                     const std::array<uint8_t, 8>& weights_hash,
                                     const DecodeOptions& options) {
  SetNetworkThreads(options.threads);
  SPIX_ASSIGN_OR_RETURN(const RefinementNetwork* g2,
                        Shared<RefinementNetwork>(options.models_dir));
  SPIX_RETURN_IF_ERROR(
      CheckWeights(g2->digest(), weights_hash, "refinement", options));
  const size_t pixels = reconstruction.num_pixels();
  SPIX_ASSIGN_OR_RETURN(
      const std::vector<float> refined,
      GuardTorch("the refinement network", [&] {
        return g2->Refine(ToPlanes(reconstruction.pixels.data(),
                                   reconstruction.channels, pixels),
                          mask, reconstruction.width, reconstruction.height);
      }));
  Image out = reconstruction;
  FromPlanes(refined, pixels, out.channels, out.pixels.data());
  return out;
}

}  // namespace spix
