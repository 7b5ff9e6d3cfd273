#include "codec/post_filter.h"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "baselines/parallel.h"
#include "bitstream/binary_model.h"
#include "bitstream/dec_arith.h"
#include "bitstream/enc_arith.h"
#include "bitstream/format.h"
#include "bitstream/value_model.h"

namespace spix {
namespace {

// How much the codec's distortion falls per relative rate: on the Kodak
// curve of the default (benchmarks/results/kodak_chroma_spread, 5 to 12 %
// density) ln(MSE) drops 0.84 for each unit of ln(bytes). Taps pay where
// they lower ln(MSE) more than that times the ln(bytes) they add.
constexpr double kDistortionPerRate = 0.84;
// The radii the encoder tries: luma gains up to 6 on Kodak, chroma little
// beyond 2 (fitted per image, 8 % density, unkept probe).
constexpr int kMaxFittedLumaRadius = 6;
constexpr int kMaxFittedChromaRadius = 3;
constexpr std::array<int, 3> kFittedFractionBits = {7, 8, 9};
// Each plane's share of the RGB squared error (RGB = planes / 4: the error
// of R^2 + G^2 + B^2 is (3 dP0^2 + 2 dP1^2 + 3 dP2^2 - 2 dP0 dP2) / 16).
constexpr std::array<double, 3> kColourPlaneWeights = {3. / 16, 2. / 16,
                                                       3. / 16};
constexpr double kGreyPlaneWeight = 1. / 16;
constexpr int kDirectionClasses = 5;

// Reflects an index into 0..n-1 about the edge pixels (-1 -> 1, n -> n - 2).
int Reflect(int i, int n) {
  if (n == 1) return 0;
  const int period = 2 * (n - 1);
  i %= period;
  if (i < 0) i += period;
  return i < n ? i : period - i;
}

using Plane = std::vector<int32_t>;

std::vector<Plane> ToPlanes(const Image& image) {
  const size_t n = image.num_pixels();
  std::vector<Plane> planes(size_t(image.channels), Plane(n));
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = &image.pixels[i * image.channels];
    if (image.channels == 1) {
      planes[0][i] = 4 * p[0];
      continue;
    }
    const int r = p[0], g = p[1], b = p[2];
    planes[0][i] = r + 2 * g + b;
    planes[1][i] = 2 * (r - b);
    planes[2][i] = 2 * g - r - b;
  }
  return planes;
}

uint8_t QuarterToByte(int64_t v) {
  return uint8_t(std::clamp<int64_t>(FloorDiv(v + 2, 4), 0, 255));
}

void FromPlanes(const std::vector<Plane>& planes, Image* image) {
  for (size_t i = 0; i < image->num_pixels(); ++i) {
    uint8_t* p = &image->pixels[i * image->channels];
    if (image->channels == 1) {
      p[0] = QuarterToByte(planes[0][i]);
      continue;
    }
    const int64_t y = planes[0][i], co = planes[1][i], cg = planes[2][i];
    p[0] = QuarterToByte(y - cg + co);
    p[1] = QuarterToByte(y + cg);
    p[2] = QuarterToByte(y - cg - co);
  }
}

// A plane with a reflected margin, so the filter's inner loop needs no
// bounds checks.
struct PaddedPlane {
  PaddedPlane(const Plane& plane, int width, int height, int margin)
      : stride(width + 2 * margin),
        margin(margin),
        samples(size_t(stride) * (height + 2 * margin)) {
    for (int y = -margin; y < height + margin; ++y) {
      const int32_t* row = &plane[size_t(Reflect(y, height)) * width];
      int32_t* out = &samples[size_t(y + margin) * stride];
      for (int x = -margin; x < width + margin; ++x) {
        out[x + margin] = row[Reflect(x, width)];
      }
    }
  }
  const int32_t* Row(int y) const {
    return &samples[size_t(y + margin) * stride + margin];
  }

  int stride, margin;
  std::vector<int32_t> samples;
};

std::vector<ptrdiff_t> Strides(const std::vector<FilterOffset>& offsets,
                               int stride) {
  std::vector<ptrdiff_t> out;
  for (const FilterOffset& o : offsets) {
    out.push_back(ptrdiff_t(o.dy) * stride + o.dx);
  }
  return out;
}

// A class of the five of DirectionClass() as `classes` counts them.
int ClassOf(uint8_t direction, int classes) {
  return classes == 1 ? 0 : classes == 3 && direction > 2 ? 0 : direction;
}

void FilterPlane(const PostFilterPlane& f, const std::vector<uint8_t>& classes,
                 int width, int height, Plane* plane, int threads) {
  if (f.radius == 0) return;
  const PaddedPlane in(*plane, width, height, f.radius);
  const std::vector<ptrdiff_t> strides =
      Strides(PostFilterOffsets(f.radius), in.stride);
  const int64_t half = int64_t(1) << (f.fraction_bits - 1);
  const int64_t unit = int64_t(1) << f.fraction_bits;
  ParallelFor(height, threads, [&](int y) {
    const int32_t* row = in.Row(y);
    int32_t* out = &(*plane)[size_t(y) * width];
    for (int x = 0; x < width; ++x) {
      const int32_t* p = row + x;
      const int32_t* taps =
          &f.taps[ClassOf(classes[size_t(y) * width + x], f.classes) *
                  strides.size()];
      const int32_t twice = 2 * p[0];
      int64_t sum = 0;
      for (size_t k = 0; k < strides.size(); ++k) {
        sum += int64_t(taps[k]) * (p[strides[k]] + p[-strides[k]] - twice);
      }
      out[x] = int32_t(p[0] + FloorDiv(sum + half, unit));
    }
  });
}

// The five classes of every pixel of plane 0 (DirectionClasses()). The
// window sums slide: five rows of second differences and their column sums
// are kept, so memory grows with the width only.
std::vector<uint8_t> ClassesOfPlane(const Plane& p0, int width, int height) {
  constexpr int kHalfWindow = 2, kWindow = 2 * kHalfWindow + 1;
  constexpr int kDirections = 4;  // x, y, x = y, x = -y
  const PaddedPlane in(p0, width, height, 1);
  const ptrdiff_t s = in.stride;
  const std::array<ptrdiff_t, kDirections> steps = {1, s, s + 1, s - 1};
  const size_t w = size_t(width);
  // |2 p - p[-o] - p[o]| <= 4080 and at most 25 of them: int32 suffices.
  std::array<std::vector<int32_t>, kDirections> rows, columns;
  for (int d = 0; d < kDirections; ++d) {
    rows[d].assign(kWindow * w, 0);
    columns[d].assign(w, 0);
  }
  const auto change_rows = [&](int y, int sign) {
    if (y < 0 || y >= height) return;
    int32_t* slot[kDirections];
    for (int d = 0; d < kDirections; ++d) {
      slot[d] = &rows[d][size_t(y % kWindow) * w];
    }
    const int32_t* row = in.Row(y);
    for (size_t x = 0; x < w; ++x) {
      const int32_t* p = row + x;
      for (int d = 0; d < kDirections; ++d) {
        if (sign > 0) {
          slot[d][x] = std::abs(2 * p[0] - p[-steps[d]] - p[steps[d]]);
        }
        columns[d][x] += sign * slot[d][x];
      }
    }
  };
  for (int y = 0; y < kHalfWindow; ++y) change_rows(y, +1);
  std::vector<uint8_t> classes(w * height);
  for (int y = 0; y < height; ++y) {
    change_rows(y - kHalfWindow - 1, -1);
    change_rows(y + kHalfWindow, +1);
    std::array<int32_t, kDirections> sum{};
    for (int x = 0; x < kHalfWindow && x < width; ++x) {
      for (int d = 0; d < kDirections; ++d) sum[d] += columns[d][x];
    }
    for (int x = 0; x < width; ++x) {
      for (int d = 0; d < kDirections; ++d) {
        if (x + kHalfWindow < width) sum[d] += columns[d][x + kHalfWindow];
        if (x - kHalfWindow - 1 >= 0) {
          sum[d] -= columns[d][x - kHalfWindow - 1];
        }
      }
      const int64_t h = sum[0], v = sum[1], d1 = sum[2], d2 = sum[3];
      classes[size_t(y) * w + x] = 2 * h > 3 * v     ? 1
                                   : 2 * v > 3 * h   ? 2
                                   : 2 * d1 > 3 * d2 ? 3
                                   : 2 * d2 > 3 * d1 ? 4
                                                     : 0;
    }
  }
  return classes;
}

// --- Tap coding -------------------------------------------------------------

using TapModel = BinaryModel<30>;

// Adaptive models of the taps' binarisation, apart for luma (or grey) and
// chroma planes: a zero flag by ring, a sign, the Exp-Golomb prefix bits.
struct TapModels {
  static constexpr int kRingBuckets = 4;
  static constexpr int kPrefixModels = 8;
  std::array<std::array<TapModel, kRingBuckets>, 2> zero;
  std::array<TapModel, 2> sign;
  std::array<std::array<TapModel, kPrefixModels>, 2> prefix;
};

int RingBucket(const FilterOffset& o) {
  return std::min(std::abs(o.dy) + std::abs(o.dx), TapModels::kRingBuckets) - 1;
}

void EncodeTaps(const PostFilterPlane& f, bool chroma, TapModels& m,
                ArithEncoder& enc) {
  const std::vector<FilterOffset> offsets = PostFilterOffsets(f.radius);
  for (size_t i = 0; i < f.taps.size(); ++i) {
    const int32_t tap = f.taps[i];
    enc.Encode(tap == 0,
               m.zero[chroma][RingBucket(offsets[i % offsets.size()])]);
    if (tap == 0) continue;
    enc.Encode(tap < 0, m.sign[chroma]);
    const uint32_t magnitude = uint32_t(std::abs(tap));
    int bits = 0;
    while ((magnitude >> (bits + 1)) != 0) ++bits;
    for (int j = 0; j <= bits; ++j) {
      enc.Encode(j < bits,
                 m.prefix[chroma][std::min(j, TapModels::kPrefixModels - 1)]);
    }
    if (bits > 0) enc.EncodeRaw(magnitude & ((1u << bits) - 1), bits);
  }
}

Status DecodeTaps(PostFilterPlane* f, bool chroma, TapModels& m,
                  ArithDecoder& dec) {
  const std::vector<FilterOffset> offsets = PostFilterOffsets(f->radius);
  f->taps.assign(size_t(f->classes) * offsets.size(), 0);
  for (size_t i = 0; i < f->taps.size(); ++i) {
    if (dec.Decode(m.zero[chroma][RingBucket(offsets[i % offsets.size()])])) {
      continue;
    }
    const bool negative = dec.Decode(m.sign[chroma]);
    int bits = 0;
    while (dec.Decode(
        m.prefix[chroma][std::min(bits, TapModels::kPrefixModels - 1)])) {
      if (++bits >= kMaxPostFilterTapBits) {
        return CorruptData("post-filter: tap out of range");
      }
    }
    const uint32_t magnitude = (1u << bits) | dec.DecodeRaw(bits);
    f->taps[i] = negative ? -int32_t(magnitude) : int32_t(magnitude);
  }
  return OkStatus();
}

// The bytes the coder's flush adds once per chunk.
size_t FlushBytes() { return ArithEncoder().Finish().size(); }

// The bytes of one plane's taps coded alone, less the flush: what the
// encoder weighs.
size_t TapBytes(const PostFilterPlane& f, bool chroma) {
  TapModels models;
  ArithEncoder enc;
  EncodeTaps(f, chroma, models, enc);
  return std::max(enc.Finish().size(), FlushBytes()) - FlushBytes();
}

// --- Fitting ----------------------------------------------------------------

// The normal equations of one plane's taps at the largest radius tried, per
// direction class (all five): the Gram matrix of the features (p[x + o] +
// p[x - o] - 2 p[x]) and their correlation with the error (original -
// decoded), over the class's pixels.
struct NormalEquations {
  Eigen::MatrixXd gram;
  Eigen::VectorXd correlation;

  NormalEquations& operator+=(const NormalEquations& other) {
    gram += other.gram;
    correlation += other.correlation;
    return *this;
  }
};
using ClassEquations = std::array<NormalEquations, kDirectionClasses>;

ClassEquations Accumulate(const Plane& decoded, const Plane& original,
                          const std::vector<uint8_t>& classes, int width,
                          int height, int radius, int threads) {
  const PaddedPlane in(decoded, width, height, radius);
  const std::vector<ptrdiff_t> strides =
      Strides(PostFilterOffsets(radius), in.stride);
  const int n = int(strides.size());
  const int blocks = std::max(1, threads);
  ClassEquations zero;
  zero.fill({Eigen::MatrixXd::Zero(n, n), Eigen::VectorXd::Zero(n)});
  std::vector<ClassEquations> partial(size_t(blocks), zero);
  ParallelFor(blocks, threads, [&](int block) {
    std::vector<double> f(size_t(n), 0.0);
    for (int y = block * height / blocks; y < (block + 1) * height / blocks;
         ++y) {
      const int32_t* row = in.Row(y);
      for (int x = 0; x < width; ++x) {
        const size_t at = size_t(y) * width + x;
        NormalEquations& eq = partial[size_t(block)][classes[at]];
        const int32_t* p = row + x;
        const int32_t twice = 2 * p[0];
        for (int k = 0; k < n; ++k) {
          f[k] = double(p[strides[k]] + p[-strides[k]] - twice);
        }
        const double error = double(original[at] - p[0]);
        for (int i = 0; i < n; ++i) {
          const double fi = f[i];
          if (fi == 0) continue;
          eq.correlation[i] += fi * error;
          double* column = &eq.gram(0, i);
          for (int j = 0; j <= i; ++j) column[j] += fi * f[j];
        }
      }
    }
  });
  ClassEquations total = std::move(partial[0]);
  for (int b = 1; b < blocks; ++b) {
    for (int k = 0; k < kDirectionClasses; ++k) total[k] += partial[b][k];
  }
  for (NormalEquations& eq : total) {
    eq.gram = Eigen::MatrixXd(eq.gram.selfadjointView<Eigen::Upper>());
  }
  return total;
}

// The equations of each of `classes` classes (1, 3 or 5), merged from the
// five, for the first n taps.
std::vector<NormalEquations> MergeClasses(const ClassEquations& all,
                                          int classes, int n) {
  std::vector<NormalEquations> merged(
      size_t(classes), {Eigen::MatrixXd::Zero(n, n), Eigen::VectorXd::Zero(n)});
  for (int k = 0; k < kDirectionClasses; ++k) {
    merged[size_t(ClassOf(uint8_t(k), classes))] += NormalEquations{
        all[k].gram.topLeftCorner(n, n), all[k].correlation.head(n)};
  }
  return merged;
}

// The best filter of one plane: the classes, radius and precision whose
// taps lower the file's ln(MSE) most beyond what their bytes are worth,
// with `score` that net gain (0 and radius 0 where nothing pays).
struct PlaneChoice {
  PostFilterPlane filter;
  double score = 0;
};

PlaneChoice ChoosePlaneFilter(const ClassEquations& all, int max_radius,
                              bool chroma, double weight, double total_sse,
                              size_t file_bytes) {
  PlaneChoice best;
  const int32_t limit = (1 << kMaxPostFilterTapBits) - 1;
  for (int classes : {1, 3, 5}) {
    for (int radius = 1; radius <= max_radius; ++radius) {
      const int n = radius * (radius + 1);
      const std::vector<NormalEquations> eqs = MergeClasses(all, classes, n);
      std::vector<Eigen::VectorXd> solutions;
      for (const NormalEquations& eq : eqs) {
        Eigen::MatrixXd regularised = eq.gram;
        regularised.diagonal().array() += 1e-9 * eq.gram.trace() / n + 1e-12;
        solutions.push_back(regularised.ldlt().solve(eq.correlation));
      }
      for (int bits : kFittedFractionBits) {
        const double unit = std::ldexp(1.0, bits);
        PostFilterPlane filter{radius, bits, classes, {}};
        // The squared error the quantised taps remove from the plane.
        double removed = 0;
        for (int k = 0; k < classes; ++k) {
          Eigen::VectorXd q(n);
          for (int i = 0; i < n; ++i) {
            filter.taps.push_back(int32_t(std::clamp<double>(
                std::nearbyint(solutions[k][i] * unit), -limit, limit)));
            q[i] = filter.taps.back() / unit;
          }
          removed += 2 * q.dot(eqs[k].correlation) - q.dot(eqs[k].gram * q);
        }
        if (!(removed > 0)) continue;
        const double sse = std::max(total_sse - weight * removed, 1e-9);
        const double bytes = double(TapBytes(filter, chroma) + 3);
        const double score =
            std::log(total_sse / sse) -
            kDistortionPerRate * std::log1p(bytes / double(file_bytes));
        if (score > best.score) best = {std::move(filter), score};
      }
    }
  }
  return best;
}

PostFilter Unfiltered(int channels) {
  PostFilter filter;
  filter.planes.resize(size_t(channels));
  return filter;
}

}  // namespace

bool PostFilter::active() const {
  return std::any_of(planes.begin(), planes.end(),
                     [](const PostFilterPlane& p) { return p.radius > 0; });
}

std::vector<FilterOffset> PostFilterOffsets(int radius) {
  std::vector<FilterOffset> offsets;
  for (int ring = 1; ring <= radius; ++ring) {
    for (int dy = 0; dy <= ring; ++dy) {
      const int dx = ring - dy;
      offsets.push_back({dy, dy == 0 ? dx : -dx});
      if (dy > 0 && dx > 0) offsets.push_back({dy, dx});
    }
  }
  return offsets;
}

std::vector<uint8_t> PostFilterChunk(const PostFilter& filter) {
  std::vector<uint8_t> out = {uint8_t(filter.planes.size())};
  for (const PostFilterPlane& p : filter.planes) {
    out.push_back(uint8_t(p.radius));
    if (p.radius == 0) continue;
    out.push_back(uint8_t(p.fraction_bits));
    out.push_back(uint8_t(p.classes));
  }
  TapModels models;
  ArithEncoder enc;
  for (size_t c = 0; c < filter.planes.size(); ++c) {
    if (filter.planes[c].radius > 0) {
      EncodeTaps(filter.planes[c], c > 0, models, enc);
    }
  }
  const std::vector<uint8_t> taps = enc.Finish();
  out.insert(out.end(), taps.begin(), taps.end());
  return out;
}

StatusOr<PostFilter> ParsePostFilterChunk(const uint8_t* data, size_t size,
                                          int channels) {
  size_t pos = 0;
  const auto next = [&](uint8_t* v) {
    if (pos >= size) return false;
    *v = data[pos++];
    return true;
  };
  uint8_t planes = 0;
  if (!next(&planes) || planes != channels) {
    return CorruptData("post-filter chunk: plane count is not the channels'");
  }
  PostFilter filter;
  filter.planes.resize(planes);
  for (PostFilterPlane& p : filter.planes) {
    uint8_t radius = 0, bits = 0, classes = 0;
    if (!next(&radius) || radius > kMaxPostFilterRadius) {
      return CorruptData("post-filter chunk: truncated or radius too large");
    }
    p.radius = radius;
    if (radius == 0) continue;
    if (!next(&bits) || bits < kMinPostFilterFractionBits ||
        bits > kMaxPostFilterFractionBits) {
      return CorruptData("post-filter chunk: truncated or bad tap precision");
    }
    if (!next(&classes) || (classes != 1 && classes != 3 && classes != 5)) {
      return CorruptData("post-filter chunk: truncated or bad class count");
    }
    p.fraction_bits = bits;
    p.classes = classes;
  }
  if (!filter.active()) {
    return CorruptData("post-filter chunk filters no plane");
  }
  TapModels models;
  ArithDecoder dec(data + pos, size - pos);
  for (size_t c = 0; c < filter.planes.size(); ++c) {
    if (filter.planes[c].radius == 0) continue;
    SPIX_RETURN_IF_ERROR(DecodeTaps(&filter.planes[c], c > 0, models, dec));
  }
  if (dec.overran()) return CorruptData("post-filter chunk: taps truncated");
  if (dec.unread() != 0) {
    return CorruptData("post-filter chunk: stray bytes after the taps");
  }
  return filter;
}

std::string DescribePostFilter(const PostFilter& filter) {
  static const char* kColourNames[] = {"luma", "Co", "Cg"};
  std::string out;
  for (size_t c = 0; c < filter.planes.size(); ++c) {
    const int radius = filter.planes[c].radius;
    if (!out.empty()) out += ", ";
    out += filter.planes.size() == 1 ? "grey" : kColourNames[c];
    if (radius == 0) {
      out += " off";
      continue;
    }
    out += " radius " + std::to_string(radius);
    const int classes = filter.planes[c].classes;
    if (classes > 1) out += " x" + std::to_string(classes) + " directions";
  }
  return out;
}

std::vector<uint8_t> DirectionClasses(const Image& image) {
  return ClassesOfPlane(ToPlanes(image)[0], image.width, image.height);
}

void ApplyPostFilter(const PostFilter& filter, Image* image, int threads) {
  std::vector<Plane> planes = ToPlanes(*image);
  const std::vector<uint8_t> classes =
      ClassesOfPlane(planes[0], image->width, image->height);
  for (size_t c = 0; c < planes.size() && c < filter.planes.size(); ++c) {
    FilterPlane(filter.planes[c], classes, image->width, image->height,
                &planes[c], threads);
  }
  FromPlanes(planes, image);
}

PostFilter FitPostFilter(const Image& original, const Image& decoded,
                         size_t file_bytes, int threads) {
  const double total_sse = SquaredError(original, decoded);
  PostFilter filter = Unfiltered(decoded.channels);
  if (!(total_sse > 0) || file_bytes == 0) return filter;
  const std::vector<Plane> target = ToPlanes(original);
  const std::vector<Plane> planes = ToPlanes(decoded);
  const std::vector<uint8_t> classes =
      ClassesOfPlane(planes[0], decoded.width, decoded.height);
  double score =
      -kDistortionPerRate *
      std::log1p(double(kChunkHeaderSize + 1 + FlushBytes()) / file_bytes);
  for (size_t c = 0; c < planes.size(); ++c) {
    const bool chroma = c > 0;
    const int max_radius =
        chroma ? kMaxFittedChromaRadius : kMaxFittedLumaRadius;
    const ClassEquations eqs =
        Accumulate(planes[c], target[c], classes, decoded.width, decoded.height,
                   max_radius, threads);
    PlaneChoice choice = ChoosePlaneFilter(
        eqs, max_radius, chroma,
        decoded.channels == 1 ? kGreyPlaneWeight : kColourPlaneWeights[c],
        total_sse, file_bytes);
    score += choice.score;
    filter.planes[c] = std::move(choice.filter);
  }
  if (!(score > 0)) return Unfiltered(decoded.channels);
  // The scores ignore the rounding of the output; the filtered image must
  // still come out closer to the original.
  Image filtered = decoded;
  ApplyPostFilter(filter, &filtered, threads);
  if (!(SquaredError(original, filtered) < total_sse)) {
    return Unfiltered(decoded.channels);
  }
  return filter;
}

}  // namespace spix
