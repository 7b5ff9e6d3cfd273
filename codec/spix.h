// The public API of spix: encode an image to .spix bytes, decode them back,
// inspect a file. Tools and applications need only this header (and
// image_io.h for files on disk).
#ifndef SPIX_CODEC_SPIX_H_
#define SPIX_CODEC_SPIX_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bitstream/format.h"
#include "bitstream/status.h"
#include "codec/image.h"

namespace spix {

enum class MaskMode {
  kLearned,   // m's scores halftoned to the exact density
  kGrid,      // regular lattice
  kHalftone,  // flat error-diffusion halftone: the decoder redraws it
  kRandom,    // uniformly random, seeded
  kPs,        // probabilistic sparsification for diffusion
  kPsNlpe,    // PS, then non-local pixel exchange
  // Density fields the decoder halftones (format version 2); positions cost
  // about 0.01 bpp instead of their entropy:
  kDensity,    // density from |Laplacian| of the smoothed image (fast)
  kPsDensity,  // the local density of a PS mask, redrawn by the halftone
  // R-EED-style binary tree (format version 2): cells split where the
  // reconstruction errs, their corners and centres known; one flag a cell.
  kTree,
};

// What PS and NLPE minimise.
enum class MaskError { kMae, kMse };

struct EncodeOptions {
  double density = 0.05;  // fraction of pixels kept, in (0, 1]
  // The decoder the file is made for (codec/inpainter.h lists them). The
  // default, edge-enhancing diffusion, needs no weights and is the best per
  // bit: on Kodak, with the defaults below, 44 % fewer bits than JPEG
  // (benchmarks/results/kodak_direction_classes) and 0.50 dB over homogeneous
  // diffusion on the same masks (benchmarks/results/kodak_tree). The
  // learned generator g (kWganGenerator) needs the weight files (see
  // models_dir) and, on flat halftones, 66 % more bits than JPEG.
  Inpainter inpainter = Inpainter::kEdgeEnhancingDiffusion;
  // Binary trees put the points where the reconstruction errs for about
  // 0.03 bpp of positions at 5 % (on Kodak 8.6 % fewer bits than density
  // fields under EED: benchmarks/results/kodak_tree); density fields cost
  // about 0.01 bpp; the flat halftone costs nothing and suits g; kLearned
  // (the mask network) pays ~0.3 bpp for its positions.
  MaskMode mask = MaskMode::kTree;
  MaskError mask_error = MaskError::kMae;  // PS / NLPE only
  int nlpe_cycles = 5;
  // Store the values that minimise the squared reconstruction error instead
  // of the original colours: `tonal_steps` Adam steps through g, or least
  // squares through the diffusion decoders.
  bool tonal = true;
  int tonal_steps = 10;
  // 1..9, like cwebp -m or cjxl -e: how hard the encoder searches (the
  // least-squares steps, EED's diffusivity and contrast candidates). Below
  // kLowestTonalEffort the original colours are stored (`tonal` is
  // ignored). On kodim23 at 5 % with 2 threads, 7 takes 7.1 s (2026-12-06),
  // 1 0.15 s (README).
  int effort = 7;
  std::string models_dir;  // empty: $SPIX_MODELS, else networks/weights
  int threads = 2;         // worker threads (and LibTorch threads)
  // 1..255; 1 keeps 8-bit values exactly. Coarse steps pay: on Kodak, 12/24
  // beats 4/8 by ~1 dB at equal bpp (benchmarks/results/quantisation.md).
  // 0 (the default): the encoder picks the step per image and density
  // (codec/encoder.h, AdaptiveLumaStep() and AdaptiveChromaStep(); 12 and
  // 24 for the learned operator). Chroma is used for colour images only.
  int quant_step_luma = 0;
  int quant_step_chroma = 0;
  // Luma preference (colour images, operators that support it): chroma is
  // stored at this fraction of the points, luma at all of them; 1 = off,
  // 0 = the default: AdaptiveChromaFraction() (codec/encoder.h, around
  // kDefaultChromaFraction) where the operator supports it,
  // unless both quantisation steps are 1 (exact values asked for).
  double chroma_fraction = 0;
  // Luma preference: the luma step of each point follows the local point
  // density to the power exponent / 16 (finer where points are sparse,
  // coarser in dense clusters; format version 3, codec/quantize.h), the
  // quantisation step above being that of a point of average density.
  // 0..16; 0 = one step for all; -1 (the default): kDefaultLumaStepExponent,
  // or 0 where the luma step is 1.
  int luma_step_exponent = -1;
  // From kLowestPostFilterEffort: fit a post-filter to the decoded image and
  // store it where it pays for its bytes (format version 7,
  // codec/post_filter.h); never when both quantisation steps are 1, as it
  // changes the known pixels too.
  bool post_filter = true;
  // Store the outermost rows and columns that hold one colour (a scanner's
  // frame, letterbox bars) as that colour, and code the image inside them
  // (format version 8, codec/border_lines.h).
  bool border_lines = true;
  uint32_t seed = 1;  // random mask positions; stored in the header
  // Called with (stage name, fraction done) during slow stages; may be empty.
  std::function<void(const char*, double)> progress;
};

inline constexpr int kLowestTonalEffort = 3;
inline constexpr int kLowestPostFilterEffort = 3;

// Chroma at 18 % of the points: on six Kodak images 0.125 was 1.6 points of
// BD-rate better and 0.25 2.7 points worse under homogeneous diffusion.
inline constexpr double kDefaultChromaFraction = 0.18;

struct DecodeOptions {
  // Only the fuzzer turns these off or down, to reach deeper code quickly.
  bool verify_checksum = true;
  uint64_t max_pixels = kMaxPixels;
  std::string models_dir;  // empty: $SPIX_MODELS, else networks/weights
  int threads = 2;         // LibTorch threads
};

// Where the time of an encode or decode went, in seconds.
struct StageTimes {
  double mask = 0;
  double values = 0;
  double inpaint = 0;
};

StatusOr<std::vector<uint8_t>> Encode(const Image& image,
                                      const EncodeOptions& options,
                                      StageTimes* times = nullptr);

// Rate control, like cwebp -size / -psnr: searches the density (and, with
// `search_quant`, the quantisation steps) for the best file that stays
// within a size (bpp or bytes: the file is never larger) or reaches a PSNR
// (the smallest file that does).
struct RateTarget {
  enum class Kind { kBpp, kBytes, kPsnr };
  Kind kind = Kind::kBpp;
  double value = 0;
};

struct RateControlResult {
  std::vector<uint8_t> bytes;
  double density = 0;
  int quant_step_luma = 0, quant_step_chroma = 0;
  double psnr = 0;
  bool reached = false;  // false: the closest file found is returned
  int trials = 0;        // encodes tried
};

StatusOr<RateControlResult> EncodeToTarget(const Image& image,
                                           const EncodeOptions& options,
                                           const RateTarget& target,
                                           bool search_quant);

StatusOr<Image> Decode(const uint8_t* data, size_t size,
                       const DecodeOptions& options = {},
                       StageTimes* times = nullptr);

// What `spix info` prints: header fields and chunk sizes. Parses the
// container and the mask (for the point count) but reconstructs nothing.
struct FileInfo {
  int version = 0;
  int width = 0;
  int height = 0;
  int channels = 0;
  std::string color_transform;
  std::string inpainter;
  int quant_step_luma = 0;
  int quant_step_chroma = 0;
  std::string weights_hash;  // hex
  uint32_t noise_seed = 0;
  uint64_t known_pixels = 0;
  uint64_t chroma_points = 0;  // luma preference: where chroma is stored
  size_t file_size = 0;
  struct ChunkInfo {
    std::string tag;
    size_t size = 0;
    std::string what;  // e.g. "positions (density field)", "luma values"
  };
  std::vector<ChunkInfo> chunks;
};

StatusOr<FileInfo> Inspect(const uint8_t* data, size_t size);

// The known-pixel mask of a file as a grey image (255 = known; with luma
// preference, where luma is known), to see where the points went.
StatusOr<Image> DecodeKnownMask(const uint8_t* data, size_t size);

}  // namespace spix

#endif  // SPIX_CODEC_SPIX_H_
