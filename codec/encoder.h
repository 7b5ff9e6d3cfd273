// Encoder stages below the public API, for rate control and tests.
#ifndef SPIX_CODEC_ENCODER_H_
#define SPIX_CODEC_ENCODER_H_

#include <cstdint>
#include <vector>

#include "codec/border_lines.h"
#include "codec/mask_selection.h"
#include "codec/quantize.h"
#include "codec/spix.h"

namespace spix {

Status ValidateEncode(const Image& image, const EncodeOptions& options);

// The luma step chosen for `quant_step_luma = 0` under the operators with
// luma preference: kLumaStepPerRmsError times the RMS error of a
// homogeneous-diffusion inpainting of the luma from the mask with the
// original values, within 12..32. Where texture makes any reconstruction
// err, coarse steps cost little and free bits for points; smooth images
// need fine ones, the more so the denser the mask (measured under EED on
// Kodak: docs/baselines.md). The factor was 2 with one step for all points;
// with the step map (below) 2.4 beat 2 and 2.8 on six Kodak images.
inline constexpr double kLumaStepPerRmsError = 2.4;
int AdaptiveLumaStep(const Image& image, const std::vector<uint8_t>& mask);

// The chroma step chosen for `quant_step_chroma = 0` under those operators:
// the luma step, at most kMaxAdaptiveChromaStep. Smooth images gain from
// finer chroma as from finer luma; textured ones lose from chroma coarser
// than 24 (docs/baselines.md).
inline constexpr int kMaxAdaptiveChromaStep = 24;
int AdaptiveChromaStep(int luma_step);

// The share of chroma points for `chroma_fraction = 0` under luma
// preference: kDefaultChromaFraction, fewer (0.125) where the luma step is
// 28 or more, more (0.25) where it is 12 or less. Textured images spend
// their bits better on luma points, the smoothest on chroma.
double AdaptiveChromaFraction(int luma_step);

// The step map for `luma_step_exponent = -1`: exponent 4 (steps follow the
// fourth root of the local density), window radius about 0.67 mean point
// spacings (at least 2). On six Kodak images, against one step: -3.9 %
// BD-rate, every image gaining (benchmarks/results/kodak_point_steps).
inline constexpr int kDefaultLumaStepExponent = 4;
StepMap ChooseStepMap(const EncodeOptions& options, int luma_step,
                      double density);

// The border lines the encoder stores (codec/border_lines.h): none with
// `options.border_lines` off, only lines of exactly one colour where both
// steps are 1 (exact values asked for).
BorderLines ChooseBorderLines(const Image& image, const EncodeOptions& options);

// Everything after mask selection: stored colours, quantisation, entropy
// coding, container. `options.mask` and `options.density` are not used.
StatusOr<std::vector<uint8_t>> EncodeWithMask(const Image& image,
                                              const MaskChoice& choice,
                                              const EncodeOptions& options,
                                              StageTimes* times = nullptr);

}  // namespace spix

#endif  // SPIX_CODEC_ENCODER_H_
