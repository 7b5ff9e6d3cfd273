#include "codec/luma_preference.h"

#include <algorithm>
#include <cmath>

#include "baselines/planar_image.h"
#include "bitstream/byte_io.h"
#include "bitstream/dec_values.h"
#include "bitstream/enc_values.h"
#include "bitstream/halftone.h"
#include "codec/point_density.h"
#include "codec/quantize.h"

namespace spix {
namespace {

// The coding parameters of channels [first, first + count) of the header's.
ValueCodingParams ChannelParams(const Header& h, int first, int count) {
  const ValueCodingParams all = ValueParamsForHeader(h);
  ValueCodingParams p;
  p.channels = count;
  p.mixing = all.mixing;
  for (int c = 0; c < count; ++c) {
    p.lo[c] = all.lo[first + c];
    p.hi[c] = all.hi[first + c];
    p.initial[c] = all.initial[first + c];
  }
  return p;
}

// The coding parameters of the luma (VALS) payload: with a step map, luma
// is predicted in values and each point has its own step.
ValueCodingParams LumaParams(const Header& h, const StepMap& map,
                             const std::vector<uint8_t>& steps) {
  ValueCodingParams p = ChannelParams(h, 0, 1);
  if (map.exponent > 0) p.point_steps = steps.data();
  return p;
}

// YCoCg-R planes (Y, Co, Cg) of an RGB image, as floats.
PlanarImage YCoCgPlanes(const Image& image) {
  PlanarImage out(image.width, image.height, 3);
  const size_t n = out.plane_size();
  for (size_t i = 0; i < n; ++i) {
    int32_t v[3];
    RgbToYCoCgR(&image.pixels[i * 3], v);
    for (int c = 0; c < 3; ++c) out.plane(c)[i] = float(v[c]);
  }
  return out;
}

// The planes [first, first + count) of `all`.
PlanarImage Planes(const PlanarImage& all, int first, int count) {
  PlanarImage out(all.width, all.height, count);
  for (int c = 0; c < count; ++c) {
    std::copy(all.plane(first + c), all.plane(first + c) + all.plane_size(),
              out.plane(c));
  }
  return out;
}

// Quantisation indices of the stored values of `planes` (channels from
// `first` of the header) at the mask's points, raster order, interleaved.
std::vector<int32_t> Indices(const Header& h, const PlanarImage& planes,
                             int first, const std::vector<uint8_t>& mask) {
  std::vector<int32_t> out;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) continue;
    for (int c = 0; c < planes.channels; ++c) {
      const int32_t v = int32_t(std::lround(planes.plane(c)[i]));
      out.push_back(QuantizeValue(h, first + c, v));
    }
  }
  return out;
}

// Luma quantisation indices at the mask's points, each with its step.
std::vector<int32_t> LumaIndices(const PlanarImage& luma,
                                 const std::vector<uint8_t>& mask,
                                 const std::vector<uint8_t>& steps) {
  std::vector<int32_t> out;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) continue;
    out.push_back(
        QuantizeWithStep(int32_t(std::lround(luma.plane(0)[i])), steps[i]));
  }
  return out;
}

// Dequantised values at the mask's points of `planes`.
void Dequantize(const Header& h, const std::vector<int32_t>& indices, int first,
                const std::vector<uint8_t>& mask, PlanarImage* planes) {
  const int channels = planes->channels;
  size_t next = 0;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) continue;
    for (int c = 0; c < channels; ++c) {
      planes->plane(c)[i] = float(indices[next++] * QuantStep(h, first + c));
    }
  }
}

// The luma field with every level lowered by `drop` (at least 0).
DensityField LoweredField(DensityField field, int drop) {
  for (uint8_t& level : field.levels) {
    level = uint8_t(std::max(int(level) - drop, 0));
  }
  return field;
}

uint8_t ToByte(float v) {
  return uint8_t(std::clamp(std::round(v), 0.f, 255.f));
}

}  // namespace

int ChromaLevelDrop(double fraction) {
  if (!(fraction > 0) || fraction >= 1) return 0;
  const int drop = int(std::lround(-3.0 * std::log2(fraction)));
  return std::clamp(drop, 0, int(kMaxChromaLevelDrop));
}

std::vector<int> ChromaDropCandidates(int drop, const EncodeOptions& options) {
  if (options.chroma_fraction > 0 || !options.tonal ||
      options.effort < kChromaSearchEffort) {
    return {drop};
  }
  // Three levels are a factor 2 in points.
  return {drop, std::max(drop - 3, 1),
          std::min(drop + 3, int(kMaxChromaLevelDrop))};
}

uint64_t ChromaCount(const std::optional<DensityField>& luma_field,
                     uint64_t luma_count, int drop, int width, int height) {
  if (luma_field) {
    return DensityFieldCount(LoweredField(*luma_field, drop), width, height);
  }
  const double count = double(luma_count) * std::exp2(-drop / 3.0);
  return std::clamp<uint64_t>(uint64_t(std::llround(count)), 1, luma_count);
}

std::vector<uint8_t> ChromaMask(const std::optional<DensityField>& luma_field,
                                const std::vector<uint8_t>& luma_mask, int drop,
                                uint64_t count, const ChromaSpread& spread,
                                int width, int height) {
  if (luma_field) {
    return DensityFieldMask(LoweredField(*luma_field, drop), width, height,
                            count);
  }
  if (spread.exponent == 0) return FlatHalftone(width, height, count);
  // Each pixel's level, 2^(e/8) with e = l * exponent / 16 for l = 8 log2
  // of its window density (at least 2^-13, so that empty windows still get
  // points), relative to the highest level so it fits 16.16 fixed point;
  // `levels` holds e, then the weights 2^16 2^((e - highest) / 8), then the
  // levels.
  const WindowDensity density(luma_mask, width, height, spread.radius);
  const size_t n = size_t(width) * height;
  std::vector<int32_t> levels(n);
  int32_t highest = 0;
  constexpr uint64_t kLeastDensity = uint64_t(1) << 11;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int l = Log2Eighths(std::max(density.At(x, y), kLeastDensity));
      int32_t& e = levels[size_t(y) * width + x];
      e = l * spread.exponent / 16;
      highest = std::max(highest, e);
    }
  }
  uint64_t total = 0;
  for (int32_t& level : levels) {
    const int below = highest - level;
    const int octaves = (below + 7) / 8;
    level = int32_t(EighthPower(8 * octaves - below) >> octaves);
    total += uint64_t(level);
  }
  // Scaled to `count` points in all (the halftone keeps the count exactly);
  // weight * count * 2^20 <= 2^16 * 2^26 * 2^20 fits 64 bits.
  for (int32_t& level : levels) {
    const uint64_t scaled = uint64_t(level) * count * kHalftoneOne / total;
    level = int32_t(std::min<uint64_t>(scaled, kHalftoneOne));
  }
  return HalftoneLevels(std::move(levels), width, height, count);
}

namespace {

// YCoCg-R planes back to 8-bit RGB, as the decoder shows them.
Image ToRgb(const PlanarImage& luma, const PlanarImage& chroma) {
  Image image(luma.width, luma.height, 3);
  for (size_t i = 0; i < luma.plane_size(); ++i) {
    // YCoCg-R inverted in floating point; the lifting's floored halvings
    // are x / 2 - 1/4 on average over integers.
    const float y = luma.plane(0)[i], co = chroma.plane(0)[i],
                cg = chroma.plane(1)[i];
    const float t = y - (0.5f * cg - 0.25f);
    const float b = t - (0.5f * co - 0.25f);
    image.pixels[i * 3 + 0] = ToByte(b + co);
    image.pixels[i * 3 + 1] = ToByte(cg + t);
    image.pixels[i * 3 + 2] = ToByte(b);
  }
  return image;
}

// What a doubling of the file buys near the default's operating point: the
// mean slope of the default's Kodak curves between 3 and 8 % density, 2.19
// dB (1.5-3.3 per image; benchmarks/results/kodak_tree/per_image.csv).
constexpr double kDbPerRateDoubling = 2.2;

// The CHRM payload of a chroma candidate.
StatusOr<std::vector<uint8_t>> ChromaChunk(const Header& header,
                                           const ChromaCandidate& candidate,
                                           int drop, uint64_t count,
                                           const ChromaSpread& spread) {
  SPIX_ASSIGN_OR_RETURN(
      const std::vector<uint8_t> values,
      EncodeValues(candidate.mask.data(), candidate.planes.width,
                   candidate.planes.height,
                   Indices(header, candidate.planes, 1, candidate.mask),
                   ChannelParams(header, 1, 2)));
  ByteWriter writer;
  writer.U8(uint8_t(drop));
  writer.U32(uint32_t(count));
  if (header.version >= kChromaSpreadVersion) {
    writer.U8(spread.exponent);
    writer.U8(spread.radius);
  }
  writer.Bytes(values.data(), values.size());
  return std::move(writer.bytes());
}

}  // namespace

std::vector<uint8_t> StepMapChunk(const StepMap& map) {
  return {map.exponent, map.radius};
}

StatusOr<StepMap> ParseStepMapChunk(const uint8_t* data, size_t size) {
  if (size != 2 || data[0] == 0 || data[0] > kMaxStepExponent || data[1] == 0 ||
      data[1] > kMaxStepWindowRadius) {
    return CorruptData("step map chunk: bad size, exponent or window radius");
  }
  return StepMap{data[0], data[1]};
}

StatusOr<LumaPreferredChunks> EncodeLumaPreferred(
    const Image& image, const MaskChoice& choice, const Header& header,
    const StepMap& step_map, const Operator& op, const std::vector<int>& drops,
    size_t other_bytes, const EncodeOptions& options) {
  const int w = image.width, h = image.height;
  const uint64_t luma_count =
      std::count(choice.mask.begin(), choice.mask.end(), 1);
  const PlanarImage ycocg = YCoCgPlanes(image);
  PlanarImage luma = Planes(ycocg, 0, 1);
  const ChromaSpread spread =
      choice.tree && header.version >= kChromaSpreadVersion ? kTreeChromaSpread
                                                            : ChromaSpread{};
  std::vector<ChromaCandidate> candidates;
  std::vector<uint64_t> counts;
  for (int drop : drops) {
    counts.push_back(ChromaCount(choice.field, luma_count, drop, w, h));
    candidates.push_back({ChromaMask(choice.field, choice.mask, drop,
                                     counts.back(), spread, w, h),
                          Planes(ycocg, 1, 2)});
  }
  const std::vector<uint8_t> luma_steps =
      PointSteps(choice.mask, w, h, header.quant_step_luma, step_map);
  if (options.tonal) {
    op.tune_luma_preferred(header, options, choice.mask, luma_steps, &luma,
                           &candidates);
  }
  LumaPreferredChunks out;
  SPIX_ASSIGN_OR_RETURN(out.luma,
                        EncodeValues(choice.mask.data(), w, h,
                                     LumaIndices(luma, choice.mask, luma_steps),
                                     LumaParams(header, step_map, luma_steps)));
  // Each candidate's file scored by its PSNR at equal size, the slope of
  // the rate-distortion curve converting bytes to decibels; the tuned planes
  // hold the encoder's estimate of the reconstruction.
  double best_score = 0;
  for (size_t k = 0; k < candidates.size(); ++k) {
    SPIX_ASSIGN_OR_RETURN(
        std::vector<uint8_t> chroma,
        ChromaChunk(header, candidates[k], drops[k], counts[k], spread));
    double score = 0;
    if (candidates.size() > 1) {
      const double bytes =
          double(other_bytes + out.luma.size() + chroma.size());
      score = Psnr(image, ToRgb(luma, candidates[k].planes)) -
              kDbPerRateDoubling * std::log2(bytes);
    }
    if (k == 0 || score > best_score) {
      best_score = score;
      out.chroma = std::move(chroma);
    }
  }
  return out;
}

StatusOr<LumaPreferredValues> ParseLumaPreferred(
    const Header& header, const std::vector<uint8_t>& luma_mask,
    const std::optional<DensityField>& luma_field, const StepMap& step_map,
    const uint8_t* vals, size_t vals_size, const uint8_t* chrm,
    size_t chrm_size) {
  const int w = int(header.width), h = int(header.height);
  if (header.channels != 3 || header.transform != ColorTransform::kYCoCgR) {
    return CorruptData("chroma chunk in an image without YCoCg-R chroma");
  }
  ByteReader r(chrm, chrm_size);
  uint8_t drop = 0;
  uint32_t chroma_count = 0;
  SPIX_RETURN_IF_ERROR(r.U8(&drop, "chroma level drop"));
  SPIX_RETURN_IF_ERROR(r.U32(&chroma_count, "chroma point count"));
  ChromaSpread spread;
  if (header.version >= kChromaSpreadVersion) {
    SPIX_RETURN_IF_ERROR(r.U8(&spread.exponent, "chroma spread exponent"));
    SPIX_RETURN_IF_ERROR(r.U8(&spread.radius, "chroma spread radius"));
  }
  const uint64_t luma_count = std::count(luma_mask.begin(), luma_mask.end(), 1);
  if (luma_count == 0) return CorruptData("chroma chunk without luma points");
  // As for the MASK chunk, only the count the encoder derives is valid.
  const bool count_ok =
      luma_field
          ? chroma_count == ChromaCount(luma_field, luma_count, drop, w, h)
          : chroma_count >= 1 && chroma_count <= luma_count;
  if (drop > kMaxChromaLevelDrop || !count_ok) {
    return CorruptData("chroma chunk: bad level drop or point count");
  }
  // One encoding per mask: a flat spread has radius 0, a density field none.
  const bool spread_ok =
      spread.exponent == 0
          ? spread.radius == 0
          : !luma_field && spread.exponent <= kMaxChromaSpreadExponent &&
                spread.radius >= 1 && spread.radius <= kMaxChromaSpreadRadius;
  if (!spread_ok) {
    return CorruptData("chroma chunk: bad spread exponent or radius");
  }
  LumaPreferredValues out;
  out.spread = spread;
  out.luma_steps =
      PointSteps(luma_mask, w, h, header.quant_step_luma, step_map);
  SPIX_ASSIGN_OR_RETURN(
      out.luma, DecodeValues(vals, vals_size, luma_mask.data(), w, h,
                             LumaParams(header, step_map, out.luma_steps)));
  out.chroma_mask =
      ChromaMask(luma_field, luma_mask, drop, chroma_count, spread, w, h);
  SPIX_ASSIGN_OR_RETURN(out.chroma, DecodeValues(r.cursor(), r.remaining(),
                                                 out.chroma_mask.data(), w, h,
                                                 ChannelParams(header, 1, 2)));
  return out;
}

Image ReconstructLumaPreferred(const Header& header, const Operator& op,
                               const std::vector<uint8_t>& luma_mask,
                               const LumaPreferredValues& values, int threads) {
  const int w = int(header.width), h = int(header.height);
  PlanarImage luma(w, h, 1), chroma(w, h, 2);
  size_t next = 0;
  for (size_t i = 0; i < luma_mask.size(); ++i) {
    if (luma_mask[i]) {
      luma.plane(0)[i] = float(values.luma[next++] * values.luma_steps[i]);
    }
  }
  Dequantize(header, values.chroma, 1, values.chroma_mask, &chroma);
  op.inpaint_luma_preferred(header, luma_mask, &luma, values.chroma_mask,
                            &chroma, threads);
  return ToRgb(luma, chroma);
}

}  // namespace spix
