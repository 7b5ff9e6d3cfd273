#include "benchmarks/codec_spec.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace spix {
namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

bool ParseNumber(const std::string& text, double* out) {
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

// Applies one field (one value of it) to a point.
Status ApplyField(const std::string& codec, const std::string& field,
                  CodecPoint* p) {
  const std::string bad =
      "codec spec '" + codec + "': bad field '" + field + "'";
  if (codec == "jp2") {
    double bpp = 0;
    if (field.size() < 2 || field[0] != 'b' ||
        !ParseNumber(field.substr(1), &bpp) || !(bpp > 0) || bpp > 24) {
      return InvalidArgument(bad + " (expected b<target bpp in (0, 24]>)");
    }
    p->value = bpp;
    return OkStatus();
  }
  if (codec != "spix") {
    double q = 0;
    if (field.size() < 2 || field[0] != 'q' ||
        !ParseNumber(field.substr(1), &q)) {
      return InvalidArgument(bad + " (expected q<number>)");
    }
    // cjxl 0.7 refuses qualities below 5 (distances above 25).
    const int lo = codec == "avif" || codec == "webp" ? 0
                   : codec == "jxl"                   ? 5
                                                      : 1;
    const int hi = codec == "avif" ? 63 : 100;
    if (q < lo || q > hi || q != int(q)) {
      return InvalidArgument(bad + " (quality must be an integer in " +
                             std::to_string(lo) + ".." + std::to_string(hi) +
                             ")");
    }
    p->value = q;
    return OkStatus();
  }
  EncodeOptions& o = p->spix;
  if (field == "g") return OkStatus();  // applied first, see below
  if (field == "eed") {
    return o.inpainter = Inpainter::kEdgeEnhancingDiffusion, OkStatus();
  }
  if (field == "eed-g") return o.inpainter = Inpainter::kEedRefined, OkStatus();
  if (field == "learned") return o.mask = MaskMode::kLearned, OkStatus();
  if (field == "notonal") return o.tonal = false, OkStatus();
  if (field == "grid") return o.mask = MaskMode::kGrid, OkStatus();
  if (field == "halftone") return o.mask = MaskMode::kHalftone, OkStatus();
  if (field == "random") return o.mask = MaskMode::kRandom, OkStatus();
  if (field == "ps") return o.mask = MaskMode::kPs, OkStatus();
  if (field == "ps+nlpe") return o.mask = MaskMode::kPsNlpe, OkStatus();
  if (field == "density") return o.mask = MaskMode::kDensity, OkStatus();
  if (field == "ps-density") return o.mask = MaskMode::kPsDensity, OkStatus();
  if (field == "tree") return o.mask = MaskMode::kTree, OkStatus();
  if (field == "tonal") return o.tonal = true, OkStatus();
  if (field == "pf") return o.post_filter = true, OkStatus();
  if (field == "mse") return o.mask_error = MaskError::kMse, OkStatus();
  double v = 0;
  if (field.size() >= 2 && field[0] == 'd' &&
      ParseNumber(field.substr(1), &v) && v > 0 && v <= 1) {
    o.density = v;
    return OkStatus();
  }
  if (field.size() == 2 && field[0] == 'e' && field[1] >= '1' &&
      field[1] <= '9') {
    o.effort = field[1] - '0';
    return OkStatus();
  }
  if (field == "cfauto") return o.chroma_fraction = 0, OkStatus();
  if (field.size() >= 3 && field.compare(0, 2, "cf") == 0 &&
      ParseNumber(field.substr(2), &v) && v > 0 && v <= 1) {
    o.chroma_fraction = v;
    return OkStatus();
  }
  if (field.size() >= 2 && field[0] == 'c' &&
      ParseNumber(field.substr(1), &v) && v >= 0 && v <= 1000 && v == int(v)) {
    o.nlpe_cycles = int(v);
    return OkStatus();
  }
  if (field.size() >= 5 && field.compare(0, 4, "qmap") == 0 &&
      ParseNumber(field.substr(4), &v) && v >= 0 && v <= kMaxStepExponent &&
      v == int(v)) {
    o.luma_step_exponent = int(v);
    return OkStatus();
  }
  if (field == "qauto") {  // the steps per image, as spix encode's
    o.quant_step_luma = 0;
    o.quant_step_chroma = 0;
    return OkStatus();
  }
  if (field.size() >= 2 && field[0] == 'q') {
    const std::vector<std::string> steps = Split(field.substr(1), 'x');
    double luma = 0, chroma = 0;
    if ((steps.size() == 1 || steps.size() == 2) &&
        ParseNumber(steps[0], &luma) &&
        (steps.size() == 1 || ParseNumber(steps[1], &chroma))) {
      if (steps.size() == 1) chroma = std::min(2 * luma, 255.0);
      if (luma >= 1 && luma <= 255 && chroma >= 1 && chroma <= 255) {
        o.quant_step_luma = int(luma);
        o.quant_step_chroma = int(chroma);
        return OkStatus();
      }
    }
  }
  return InvalidArgument(bad);
}

}  // namespace

StatusOr<std::vector<CodecCurve>> ParseCodecSpecs(const std::string& specs) {
  std::vector<CodecCurve> curves;
  for (const std::string& item : Split(specs, ',')) {
    const std::vector<std::string> fields = Split(item, ':');
    if (fields.empty() || fields[0].empty()) {
      return InvalidArgument("empty codec spec in '" + specs + "'");
    }
    CodecCurve curve;
    curve.codec = fields[0];
    static const char* kCodecs[] = {"spix", "jpeg", "webp",
                                    "jp2",  "avif", "jxl"};
    if (std::find(std::begin(kCodecs), std::end(kCodecs), curve.codec) ==
        std::end(kCodecs)) {
      return InvalidArgument("unknown codec '" + curve.codec +
                             "' (spix, jpeg, webp, jp2, avif, jxl)");
    }
    curve.label = curve.codec;
    // The swept field: the one listing values, else the density (spix) or
    // the quality (the others).
    size_t swept = 0;
    for (size_t k = 1; k < fields.size(); ++k) {
      if (fields[k].find('/') == std::string::npos) continue;
      if (swept != 0) {
        return InvalidArgument("codec spec '" + item +
                               "': only one field may list several values");
      }
      swept = k;
    }
    const char sweep_letter = curve.codec == "spix"  ? 'd'
                              : curve.codec == "jp2" ? 'b'
                                                     : 'q';
    for (size_t k = 1; k < fields.size() && swept == 0; ++k) {
      // The letter and a number: "density" (a mask) is not "d0.05".
      const std::string& f = fields[k];
      if (f.size() >= 2 && f[0] == sweep_letter &&
          (std::isdigit(static_cast<unsigned char>(f[1])) || f[1] == '.')) {
        swept = k;
      }
    }
    if (swept == 0) {
      return InvalidArgument("codec spec '" + item + "' sets no " +
                             (curve.codec == "spix"  ? "density (d...)"
                              : curve.codec == "jp2" ? "target bpp (b...)"
                                                     : "quality (q...)"));
    }
    // A spix item starts from the diffusion codec on a grid with the
    // original colours, chroma everywhere, steps 12/24 and no post-filter,
    // so specs keep their meaning when the encoder's defaults change; g
    // starts from the learned codec with tonal steps.
    CodecPoint base;
    const bool g = std::find(fields.begin(), fields.end(), "g") != fields.end();
    base.spix.inpainter =
        g ? Inpainter::kWganGenerator : Inpainter::kHomogeneousDiffusion;
    base.spix.mask = MaskMode::kGrid;
    base.spix.tonal = g;
    base.spix.chroma_fraction = 1;
    base.spix.quant_step_luma = 12;
    base.spix.quant_step_chroma = 24;
    base.spix.post_filter = false;
    for (size_t k = 1; k < fields.size(); ++k) {
      if (k == swept) continue;
      SPIX_RETURN_IF_ERROR(ApplyField(curve.codec, fields[k], &base));
      curve.label += ":" + fields[k];
    }
    // Later values may omit the field's letters: d0.02/0.05 = d0.02/d0.05.
    std::vector<std::string> sweep;
    const std::string& first = fields[swept];
    size_t letters = 0;
    while (letters < first.size() &&
           std::isalpha(static_cast<unsigned char>(first[letters]))) {
      ++letters;
    }
    for (const std::string& v : Split(first, '/')) {
      const bool named =
          !v.empty() && std::isalpha(static_cast<unsigned char>(v[0]));
      sweep.push_back(named ? v : first.substr(0, letters) + v);
    }
    for (const std::string& value : sweep) {
      CodecPoint p = base;
      p.setting = value;
      SPIX_RETURN_IF_ERROR(ApplyField(curve.codec, value, &p));
      curve.points.push_back(p);
    }
    curves.push_back(curve);
  }
  if (curves.empty()) return InvalidArgument("no codec specs given");
  return curves;
}

}  // namespace spix
