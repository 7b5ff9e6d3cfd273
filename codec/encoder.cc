// Encoder: mask selection -> quantised colours -> entropy coding -> container.
#include "codec/encoder.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "baselines/diffusion.h"
#include "baselines/stopwatch.h"
#include "bitstream/binary_tree.h"
#include "bitstream/container.h"
#include "bitstream/enc_mask.h"
#include "bitstream/enc_values.h"
#include "codec/inpainter.h"
#include "codec/luma_preference.h"
#include "codec/mask_selection.h"
#include "codec/post_filter.h"
#include "codec/quantize.h"
#include "codec/spix.h"

namespace spix {

Status ValidateEncode(const Image& image, const EncodeOptions& o) {
  if (image.channels != 1 && image.channels != 3) {
    return InvalidArgument("images must have 1 or 3 channels");
  }
  if (image.pixels.size() != image.num_pixels() * image.channels) {
    return InvalidArgument("image buffer does not match its dimensions");
  }
  if (!(o.density > 0.0 && o.density <= 1.0)) {
    return InvalidArgument("density must be in (0, 1], got " +
                           std::to_string(o.density));
  }
  if (o.nlpe_cycles < 0 || o.nlpe_cycles > 1000) {
    return InvalidArgument("NLPE cycles must be in 0..1000");
  }
  SPIX_ASSIGN_OR_RETURN(const Operator* op, FindOperator(o.inpainter));
  if (o.tonal_steps < 0 || o.tonal_steps > 10000) {
    return InvalidArgument("tonal steps must be in 0..10000");
  }
  if (o.threads < 1 || o.threads > 1024) {
    return InvalidArgument("threads must be in 1..1024");
  }
  if (!(o.chroma_fraction >= 0.0 && o.chroma_fraction <= 1.0)) {
    return InvalidArgument("chroma fraction must be in [0, 1] (0: default)");
  }
  if (o.effort < 1 || o.effort > 9) {
    return InvalidArgument("effort must be in 1..9");
  }
  if (o.luma_step_exponent < -1 || o.luma_step_exponent > kMaxStepExponent) {
    return InvalidArgument("luma step exponent must be in 0.." +
                           std::to_string(kMaxStepExponent) + " (-1: default)");
  }
  if (o.chroma_fraction > 0.0 && o.chroma_fraction < 1.0 &&
      !op->luma_preference) {
    std::string supported;
    for (const Operator& other : Operators()) {
      if (!other.luma_preference) continue;
      supported +=
          (supported.empty() ? "-i " : " or -i ") + std::string(other.name);
    }
    return InvalidArgument(
        std::string("luma preference (chroma fraction below 1) is not "
                    "available for the ") +
        op->name + " inpainter (use " + supported + ")");
  }
  if (o.quant_step_luma < 0 || o.quant_step_luma > 255 ||
      o.quant_step_chroma < 0 || o.quant_step_chroma > 255) {
    return InvalidArgument(
        "quantisation steps must be in 1..255 (0: chosen per image)");
  }
  return OkStatus();
}

// A refinement stays in the file only where it brings the decoded image
// closer to the original: elsewhere the file names the operator it refines
// (same values, no weights needed). On six Kodak images g2 moved EED's PSNR
// by -0.39 to +0.18 dB (docs/models.md).
StatusOr<std::vector<uint8_t>> KeepRefinementIfItPays(
    const Image& image, const std::vector<uint8_t>& mask, const Header& header,
    const std::vector<Chunk>& chunks, const Operator& op,
    const EncodeOptions& options) {
  Header unrefined_header = header;
  unrefined_header.inpainter = op.unrefined;
  unrefined_header.weights_hash = {};
  std::vector<uint8_t> unrefined_file =
      WriteContainer(unrefined_header, chunks);
  DecodeOptions decode;
  decode.models_dir = options.models_dir;
  decode.threads = options.threads;
  SPIX_ASSIGN_OR_RETURN(
      const Image unrefined,
      Decode(unrefined_file.data(), unrefined_file.size(), decode));
  SPIX_ASSIGN_OR_RETURN(const Image refined,
                        op.refine(header, mask, unrefined, decode));
  if (Psnr(image, refined) > Psnr(image, unrefined)) {
    return WriteContainer(header, chunks);
  }
  return unrefined_file;
}

// The file with a post-filter fitted to its decoded image, where one pays
// for its bytes (codec/post_filter.h).
StatusOr<std::vector<uint8_t>> AddPostFilterIfItPays(
    const Image& image, std::vector<uint8_t> file,
    const EncodeOptions& options) {
  DecodeOptions decode;
  decode.models_dir = options.models_dir;
  decode.threads = options.threads;
  SPIX_ASSIGN_OR_RETURN(const Image decoded,
                        Decode(file.data(), file.size(), decode));
  const PostFilter filter =
      FitPostFilter(image, decoded, file.size(), options.threads);
  if (!filter.active()) return file;
  SPIX_ASSIGN_OR_RETURN(const ParsedContainer parsed,
                        ParseContainer(file.data(), file.size()));
  std::vector<Chunk> chunks;
  for (const ChunkView& c : parsed.chunks) {
    chunks.push_back({c.tag, {c.data, c.data + c.size}});
  }
  chunks.push_back({kPostFilterChunkTag, PostFilterChunk(filter)});
  return WriteContainer(parsed.header, chunks);
}

// The learned generator's steps when none are asked for: 12/24 is what it
// was measured with (benchmarks/results/kodak_learned).
constexpr int kLearnedLumaStep = 12;
constexpr int kLearnedChromaStep = 24;

int AdaptiveLumaStep(const Image& image, const std::vector<uint8_t>& mask) {
  const std::vector<float> luma = LumaOf(image);
  std::vector<float> u = luma;
  InpaintDiffusion(image.width, image.height, mask.data(), u.data(), 128.f);
  double error = 0;
  for (size_t i = 0; i < u.size(); ++i) {
    error += double(u[i] - luma[i]) * (u[i] - luma[i]);
  }
  const double rms = std::sqrt(error / double(std::max<size_t>(u.size(), 1)));
  return int(std::clamp(std::lround(kLumaStepPerRmsError * rms), 12l, 32l));
}

double AdaptiveChromaFraction(int luma_step) {
  if (luma_step >= 28) return 0.125;
  if (luma_step <= 12) return 0.25;
  return kDefaultChromaFraction;
}

int AdaptiveChromaStep(int luma_step) {
  return std::min(luma_step, kMaxAdaptiveChromaStep);
}

StepMap ChooseStepMap(const EncodeOptions& options, int luma_step,
                      double density) {
  const int exponent = options.luma_step_exponent >= 0
                           ? options.luma_step_exponent
                       : luma_step > 1 ? kDefaultLumaStepExponent
                                       : 0;
  if (exponent == 0 || !(density > 0)) return {};
  const double radius = std::ceil(0.67 / std::sqrt(density));
  return {uint8_t(exponent),
          uint8_t(std::clamp(radius, 2.0, double(kMaxStepWindowRadius)))};
}

StatusOr<std::vector<uint8_t>> EncodeWithMask(const Image& image,
                                              const MaskChoice& choice,
                                              const EncodeOptions& requested,
                                              StageTimes* times) {
  const std::vector<uint8_t>& mask = choice.mask;
  SPIX_RETURN_IF_ERROR(ValidateEncode(image, requested));
  // The lowest efforts store the original colours: tuning them is most of
  // an encode's time.
  EncodeOptions options = requested;
  if (options.effort < kLowestTonalEffort) options.tonal = false;
  Header header;
  header.version = kFormatVersion;
  header.width = uint32_t(image.width);
  header.height = uint32_t(image.height);
  header.channels = uint8_t(image.channels);
  header.transform =
      image.channels == 3 ? ColorTransform::kYCoCgR : ColorTransform::kNone;
  header.noise_seed = options.seed;
  header.inpainter = options.inpainter;
  SPIX_ASSIGN_OR_RETURN(const Operator* op, FindOperator(options.inpainter));
  header.quant_step_luma =
      uint8_t(options.quant_step_luma > 0 ? options.quant_step_luma
              : op->luma_preference       ? AdaptiveLumaStep(image, mask)
                                          : kLearnedLumaStep);
  header.quant_step_chroma =
      uint8_t(options.quant_step_chroma > 0 ? options.quant_step_chroma
              : op->luma_preference ? AdaptiveChromaStep(header.quant_step_luma)
                                    : kLearnedChromaStep);
  Stopwatch start;
  SPIX_RETURN_IF_ERROR(op->prepare(image, mask, options, &header));
  SPIX_RETURN_IF_ERROR(ValidateHeader(header));
  if (times) times->values += start.Seconds();

  start = Stopwatch();
  std::vector<Chunk> chunks(2);
  chunks[0].tag = kMaskChunkTag;
  chunks[0].data = EncodeMask(mask.data(), image.width, image.height);
  // What the decoder will know of the mask: the field only if it is stored.
  MaskChoice stored_choice{mask, std::nullopt, std::nullopt};
  if (choice.tree && TreeFitsCellLimit(*choice.tree)) {
    std::vector<uint8_t> tree = EncodeBinaryTreeMask(*choice.tree);
    if (tree.size() < chunks[0].data.size()) {
      chunks[0].data.swap(tree);
      stored_choice.tree = choice.tree;
    }
  }
  if (choice.field) {
    // The field is the cheaper description unless a free list (or the flat
    // halftone) happens to code smaller.
    std::vector<uint8_t> field = EncodeDensityFieldMask(
        *choice.field, std::count(mask.begin(), mask.end(), 1));
    if (field.size() < chunks[0].data.size()) {
      chunks[0].data.swap(field);
      stored_choice.field = choice.field;
    }
  }
  if (times) times->mask += start.Seconds();

  start = Stopwatch();
  // The default luma preference, unless the steps ask for exact values.
  const bool exact =
      header.quant_step_luma == 1 && header.quant_step_chroma == 1;
  const double chroma_fraction =
      options.chroma_fraction > 0 ? options.chroma_fraction
      : op->luma_preference && !exact
          ? AdaptiveChromaFraction(header.quant_step_luma)
          : 1.0;
  const int drop = image.channels == 3 ? ChromaLevelDrop(chroma_fraction) : 0;
  if (drop > 0) {
    const uint64_t points = std::count(mask.begin(), mask.end(), 1);
    const StepMap step_map =
        ChooseStepMap(options, header.quant_step_luma,
                      double(points) / double(image.num_pixels()));
    SPIX_ASSIGN_OR_RETURN(
        LumaPreferredChunks stored,
        EncodeLumaPreferred(image, stored_choice, header, step_map, *op,
                            ChromaDropCandidates(drop, options),
                            chunks[0].data.size(), options));
    chunks[1].tag = kValuesChunkTag;
    chunks[1].data = std::move(stored.luma);
    chunks.push_back({kChromaChunkTag, std::move(stored.chroma)});
    if (step_map.exponent > 0) {
      chunks.push_back({kStepMapChunkTag, StepMapChunk(step_map)});
    }
  } else {
    SPIX_ASSIGN_OR_RETURN(std::vector<uint8_t> colours,
                          op->stored_colours(image, mask, header, options));
    std::vector<int32_t> values(colours.size());
    for (size_t k = 0; k < colours.size(); k += image.channels) {
      QuantizePixel(header, &colours[k], &values[k]);
    }
    chunks[1].tag = kValuesChunkTag;
    SPIX_ASSIGN_OR_RETURN(chunks[1].data,
                          EncodeValues(mask.data(), image.width, image.height,
                                       values, ValueParamsForHeader(header)));
  }
  if (times) times->values += start.Seconds();
  start = Stopwatch();
  std::vector<uint8_t> file;
  if (op->refine == nullptr) {
    file = WriteContainer(header, chunks);
  } else {
    SPIX_ASSIGN_OR_RETURN(file, KeepRefinementIfItPays(image, mask, header,
                                                       chunks, *op, options));
  }
  // Exact values asked for stay exact: the filter changes known pixels too.
  if (options.post_filter && options.effort >= kLowestPostFilterEffort &&
      !exact) {
    SPIX_ASSIGN_OR_RETURN(
        file, AddPostFilterIfItPays(image, std::move(file), options));
  }
  if (times) times->inpaint += start.Seconds();
  return file;
}

BorderLines ChooseBorderLines(const Image& image,
                              const EncodeOptions& options) {
  if (!options.border_lines) return {};
  const bool exact =
      options.quant_step_luma == 1 && options.quant_step_chroma == 1;
  return FindBorderLines(image, exact ? 0.0 : kBorderLineTolerance);
}

StatusOr<std::vector<uint8_t>> Encode(const Image& image,
                                      const EncodeOptions& options,
                                      StageTimes* times) {
  SPIX_RETURN_IF_ERROR(ValidateEncode(image, options));
  const BorderLines lines = ChooseBorderLines(image, options);
  const Image inner = lines.empty() ? Image() : InnerImage(image, lines);
  const Image& coded = lines.empty() ? image : inner;
  Stopwatch start;
  SPIX_ASSIGN_OR_RETURN(const MaskChoice choice, SelectMask(coded, options));
  if (times) times->mask = start.Seconds();
  SPIX_ASSIGN_OR_RETURN(std::vector<uint8_t> file,
                        EncodeWithMask(coded, choice, options, times));
  if (lines.empty()) return file;
  return AddBorderLines(file, lines, image.width, image.height);
}

}  // namespace spix
