// Luma preference (format version 2, CHRM chunk): luma is stored at every
// known point, chroma only at a sparser mask the decoder derives, and each
// channel of YCoCg is inpainted from its own mask. Chroma is far smoother
// than luma, so fewer chroma points cost little quality and save bits.
// For the operators whose table row supports it (codec/inpainter.h).
#ifndef SPIX_CODEC_LUMA_PREFERENCE_H_
#define SPIX_CODEC_LUMA_PREFERENCE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "bitstream/container.h"
#include "bitstream/density_field.h"
#include "codec/image.h"
#include "codec/inpainter.h"
#include "codec/mask_selection.h"
#include "codec/quantize.h"

namespace spix {

// Density levels that `fraction` (of the luma points) lies below the luma
// field: each level is a factor 2^(1/3). 0 means no luma preference.
int ChromaLevelDrop(double fraction);

// The level drops the encoder tries: `drop` and, when the fraction is the
// default and the effort at least kChromaSearchEffort (with tonal
// optimisation), also half and twice as many chroma points.
inline constexpr int kChromaSearchEffort = 8;
std::vector<int> ChromaDropCandidates(int drop, const EncodeOptions& options);

// The chroma point count the encoder stores: the dropped field's count, or
// for masks without a field the luma count scaled by 2^(-drop/3).
uint64_t ChromaCount(const std::optional<DensityField>& luma_field,
                     uint64_t luma_count, int drop, int width, int height);

// How the chroma points of a mask without a density field spread (CHRM,
// format version 6): exponent 0 draws the flat halftone of their count;
// otherwise the halftone of the luma points' window density
// (codec/point_density.h, window radius `radius`) to the power exponent/16,
// so chroma is kept denser where luma points cluster, at edges, and still
// reaches flat areas.
struct ChromaSpread {
  uint8_t exponent = 0;
  uint8_t radius = 0;
};

// What the encoder stores with binary-tree masks: on six Kodak images
// (spix bench, densities 2-18 %) the density^(4/16) of a 33x33 window saved
// 1.24 % of the bits (BD-rate) against flat chroma points, in trials
// exponent 0.5 in a 17x17 window 0.17 % and 0.3 in a 9x9 one 0.70 %; on all
// 24 Kodak images 0.68 % (benchmarks/results/kodak_chroma_spread).
inline constexpr ChromaSpread kTreeChromaSpread{4, 16};

// The chroma mask both sides draw (see kMaxChromaLevelDrop in format.h): the
// lowered luma field, or the spread halftone of `count` points.
std::vector<uint8_t> ChromaMask(const std::optional<DensityField>& luma_field,
                                const std::vector<uint8_t>& luma_mask, int drop,
                                uint64_t count, const ChromaSpread& spread,
                                int width, int height);

// The VALS (luma) and CHRM (chroma) payloads of a colour image; the stored
// values are tuned for the operator `op` when `options.tonal`. With more
// than one chroma level drop in `drops` (tonal optimisation on), each is
// tried and the one whose file promises the best PSNR at equal size is
// kept; `other_bytes` is what the rest of the file (mask, header) takes.
// Luma is quantised with the steps of `step_map` (its QMAP chunk, when the
// exponent is not 0, is the caller's to write).
struct LumaPreferredChunks {
  std::vector<uint8_t> luma, chroma;
};
StatusOr<LumaPreferredChunks> EncodeLumaPreferred(
    const Image& image, const MaskChoice& choice, const Header& header,
    const StepMap& step_map, const Operator& op, const std::vector<int>& drops,
    size_t other_bytes, const EncodeOptions& options);

// The QMAP chunk's payload, and back (checked).
std::vector<uint8_t> StepMapChunk(const StepMap& map);
StatusOr<StepMap> ParseStepMapChunk(const uint8_t* data, size_t size);

// Decoding, in two steps: both chunks parsed (integer only), then each
// channel inpainted from its own mask.
struct LumaPreferredValues {
  std::vector<int32_t> luma;        // at the luma mask
  std::vector<uint8_t> luma_steps;  // per pixel, as PointSteps()
  std::vector<uint8_t> chroma_mask;
  ChromaSpread spread;          // as stored (flat before version 6)
  std::vector<int32_t> chroma;  // two per point of chroma_mask
};
StatusOr<LumaPreferredValues> ParseLumaPreferred(
    const Header& header, const std::vector<uint8_t>& luma_mask,
    const std::optional<DensityField>& luma_field, const StepMap& step_map,
    const uint8_t* vals, size_t vals_size, const uint8_t* chrm,
    size_t chrm_size);
Image ReconstructLumaPreferred(const Header& header, const Operator& op,
                               const std::vector<uint8_t>& luma_mask,
                               const LumaPreferredValues& values, int threads);

}  // namespace spix

#endif  // SPIX_CODEC_LUMA_PREFERENCE_H_
