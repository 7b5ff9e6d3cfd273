// Decoder: container -> mask and values (integer only) -> inpainting.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>

#include "baselines/stopwatch.h"
#include "bitstream/container.h"
#include "bitstream/dec_mask.h"
#include "bitstream/dec_values.h"
#include "codec/border_lines.h"
#include "codec/inpainter.h"
#include "codec/luma_preference.h"
#include "codec/post_filter.h"
#include "codec/quantize.h"
#include "codec/spix.h"

namespace spix {
namespace {

StatusOr<const ChunkView*> RequireChunk(const ParsedContainer& c,
                                        const char* tag) {
  const ChunkView* chunk = FindChunk(c, tag);
  if (chunk == nullptr) {
    return CorruptData(std::string("missing required chunk '") + tag + "'");
  }
  return chunk;
}

StatusOr<std::vector<uint8_t>> ParseMask(
    const ParsedContainer& c, std::optional<DensityField>* field = nullptr) {
  SPIX_ASSIGN_OR_RETURN(const ChunkView* chunk, RequireChunk(c, kMaskChunkTag));
  return DecodeMask(chunk->data, chunk->size, int(c.header.width),
                    int(c.header.height), c.header.version, field);
}

// A file's border lines, if it has any; the header then takes the size of
// the image inside them, which every other chunk describes.
StatusOr<std::optional<BorderLines>> TakeBorderLines(ParsedContainer* c) {
  const ChunkView* chunk = FindChunk(*c, kBorderLinesChunkTag);
  if (chunk == nullptr) return std::optional<BorderLines>();
  Header& h = c->header;
  SPIX_ASSIGN_OR_RETURN(BorderLines lines,
                        ParseBorderLinesChunk(chunk->data, chunk->size,
                                              h.channels, h.width, h.height));
  h.width = uint32_t(lines.inner_width(int(h.width)));
  h.height = uint32_t(lines.inner_height(int(h.height)));
  return std::optional<BorderLines>(std::move(lines));
}

// Everything a file is checked for before inpainting: container, caps,
// mask and values. Decode and Inspect share it, so `spix info` accepts
// exactly the files `spix decode` parses.
struct ParsedFile {
  ParsedContainer container;
  const Operator* op = nullptr;
  std::vector<uint8_t> mask;
  std::vector<int32_t> values;  // without luma preference
  std::optional<LumaPreferredValues> luma_preferred;
  std::optional<PostFilter> post_filter;
  std::optional<BorderLines> border_lines;  // the header is the inner image's
};

StatusOr<ParsedFile> ParseFile(const uint8_t* data, size_t size,
                               bool verify_checksum, uint64_t max_pixels,
                               StageTimes* times) {
  ParsedFile file;
  SPIX_ASSIGN_OR_RETURN(file.container,
                        ParseContainer(data, size, verify_checksum));
  const Header& h = file.container.header;
  if (uint64_t(h.width) * h.height > max_pixels) {
    return ResourceExhausted("image " + std::to_string(h.width) + "x" +
                             std::to_string(h.height) +
                             " exceeds this decoder's pixel cap");
  }
  SPIX_ASSIGN_OR_RETURN(file.border_lines, TakeBorderLines(&file.container));
  const int width = int(h.width), height = int(h.height);
  if (const ChunkView* filt = FindChunk(file.container, kPostFilterChunkTag)) {
    SPIX_ASSIGN_OR_RETURN(
        file.post_filter,
        ParsePostFilterChunk(filt->data, filt->size, h.channels));
  }
  Stopwatch start;
  std::optional<DensityField> field;
  SPIX_ASSIGN_OR_RETURN(file.mask, ParseMask(file.container, &field));
  if (times) times->mask = start.Seconds();

  start = Stopwatch();
  SPIX_ASSIGN_OR_RETURN(const ChunkView* vals,
                        RequireChunk(file.container, kValuesChunkTag));
  SPIX_ASSIGN_OR_RETURN(file.op, FindOperator(h.inpainter));
  const ChunkView* chrm = FindChunk(file.container, kChromaChunkTag);
  const ChunkView* qmap = FindChunk(file.container, kStepMapChunkTag);
  if (qmap && !chrm) {
    return CorruptData("step map chunk without a chroma chunk");
  }
  if (chrm) {
    if (!file.op->luma_preference) {
      return CorruptData(std::string("chroma chunk in a file for the ") +
                         file.op->name + " inpainter");
    }
    StepMap step_map;
    if (qmap) {
      SPIX_ASSIGN_OR_RETURN(step_map,
                            ParseStepMapChunk(qmap->data, qmap->size));
    }
    SPIX_ASSIGN_OR_RETURN(
        file.luma_preferred,
        ParseLumaPreferred(h, file.mask, field, step_map, vals->data,
                           vals->size, chrm->data, chrm->size));
    if (times) times->values = start.Seconds();
    return file;
  }
  SPIX_ASSIGN_OR_RETURN(
      file.values, DecodeValues(vals->data, vals->size, file.mask.data(), width,
                                height, ValueParamsForHeader(h)));
  if (times) times->values = start.Seconds();
  return file;
}

// The operator's reconstruction from the parsed points.
StatusOr<Image> Reconstruct(const ParsedFile& file,
                            const DecodeOptions& options) {
  const Header& h = file.container.header;
  if (file.luma_preferred) {
    return ReconstructLumaPreferred(h, *file.op, file.mask,
                                    *file.luma_preferred, options.threads);
  }
  const int channels = h.channels;
  const size_t pixels = size_t(h.width) * h.height;
  std::vector<uint8_t> known(pixels * channels, 0);
  size_t next = 0;
  for (size_t i = 0; i < pixels; ++i) {
    if (!file.mask[i]) continue;
    DequantizePixel(h, &file.values[next], &known[i * channels]);
    next += channels;
  }
  return file.op->reconstruct(h, known, file.mask, options);
}

}  // namespace

StatusOr<Image> Decode(const uint8_t* data, size_t size,
                       const DecodeOptions& options, StageTimes* times) {
  SPIX_ASSIGN_OR_RETURN(ParsedFile file,
                        ParseFile(data, size, options.verify_checksum,
                                  options.max_pixels, times));

  // Everything above is integer; from here on only pixels are computed.
  Stopwatch start;
  StatusOr<Image> image = Refine(*file.op, file.container.header, file.mask,
                                 Reconstruct(file, options), options);
  if (image.ok() && file.post_filter) {
    ApplyPostFilter(*file.post_filter, &*image, options.threads);
  }
  if (image.ok() && file.border_lines) {
    image = FramedImage(*image, *file.border_lines);
  }
  if (times) times->inpaint = start.Seconds();
  return image;
}

StatusOr<FileInfo> Inspect(const uint8_t* data, size_t size) {
  SPIX_ASSIGN_OR_RETURN(ParsedFile file,
                        ParseFile(data, size, /*verify_checksum=*/true,
                                  DecodeOptions().max_pixels, nullptr));
  const ParsedContainer& container = file.container;
  const Header& h = container.header;
  FileInfo info;
  info.version = h.version;
  info.width = int(h.width);
  info.height = int(h.height);
  if (file.border_lines) {
    const BorderLines& lines = *file.border_lines;
    info.width +=
        lines.count(BorderLines::kLeft) + lines.count(BorderLines::kRight);
    info.height +=
        lines.count(BorderLines::kTop) + lines.count(BorderLines::kBottom);
  }
  info.channels = h.channels;
  info.color_transform =
      h.transform == ColorTransform::kYCoCgR ? "YCoCg-R" : "none";
  info.inpainter = file.op->long_name;
  if (file.op->describe_parameters) {
    info.inpainter += " (" + file.op->describe_parameters(h) + ")";
  }
  info.quant_step_luma = h.quant_step_luma;
  info.quant_step_chroma = h.quant_step_chroma;
  for (uint8_t b : h.weights_hash) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", b);
    info.weights_hash += hex;
  }
  info.noise_seed = h.noise_seed;
  info.file_size = container.file_size;
  for (uint8_t m : file.mask) info.known_pixels += m;
  if (file.luma_preferred) {
    const std::vector<uint8_t>& chroma = file.luma_preferred->chroma_mask;
    info.chroma_points = std::count(chroma.begin(), chroma.end(), 1);
  }
  for (const ChunkView& c : container.chunks) {
    std::string what = "unknown";
    if (c.tag == kMaskChunkTag) {
      // The chunk parsed, so its method (byte 4) is one of these.
      static const char* kMethods[] = {"context-coded positions", "zstd bitmap",
                                       "flat halftone", "density field",
                                       "binary tree"};
      static_assert(std::size(kMethods) == size_t(MaskMethod::kBinaryTree) + 1);
      what = "positions: " + std::string(kMethods[c.data[4]]);
    } else if (c.tag == kValuesChunkTag) {
      what = file.luma_preferred ? "luma values" : "values, every channel";
    } else if (c.tag == kChromaChunkTag) {
      what =
          "chroma values at " + std::to_string(info.chroma_points) + " points";
      const ChromaSpread& spread = file.luma_preferred->spread;
      if (spread.exponent != 0) {
        what += ", spread by luma point density (exponent " +
                std::to_string(spread.exponent) + "/16, window radius " +
                std::to_string(spread.radius) + ")";
      }
    } else if (c.tag == kBorderLinesChunkTag) {
      const BorderLines& lines = *file.border_lines;
      what = "border lines of one colour: top " +
             std::to_string(lines.count(BorderLines::kTop)) + ", bottom " +
             std::to_string(lines.count(BorderLines::kBottom)) + ", left " +
             std::to_string(lines.count(BorderLines::kLeft)) + ", right " +
             std::to_string(lines.count(BorderLines::kRight));
    } else if (c.tag == kPostFilterChunkTag) {
      what = "post-filter: " + DescribePostFilter(*file.post_filter);
    } else if (c.tag == kStepMapChunkTag) {
      // Parsed above: a luma-preferred file with steps at its luma points.
      uint8_t lo = 255, hi = 0;
      for (uint8_t step : file.luma_preferred->luma_steps) {
        if (step == 0) continue;
        lo = std::min(lo, step);
        hi = std::max(hi, step);
      }
      what = "luma steps " + std::to_string(lo) + ".." + std::to_string(hi) +
             " by point density (exponent " + std::to_string(c.data[0]) +
             "/16, window radius " + std::to_string(c.data[1]) + ")";
    }
    info.chunks.push_back({c.tag, c.size, what});
  }
  return info;
}

StatusOr<Image> DecodeKnownMask(const uint8_t* data, size_t size) {
  SPIX_ASSIGN_OR_RETURN(ParsedContainer container, ParseContainer(data, size));
  SPIX_ASSIGN_OR_RETURN(std::optional<BorderLines> lines,
                        TakeBorderLines(&container));
  SPIX_ASSIGN_OR_RETURN(std::vector<uint8_t> mask, ParseMask(container));
  Image image(int(container.header.width), int(container.header.height), 1);
  for (size_t i = 0; i < mask.size(); ++i) image.pixels[i] = mask[i] ? 255 : 0;
  if (!lines) return image;
  // The border lines are stored too.
  for (auto& side : lines->sides) {
    for (auto& colour : side) colour.fill(255);
  }
  return FramedImage(image, *lines);
}

}  // namespace spix
