#include "baselines/diffusion.h"

#include <algorithm>
#include <cmath>

#include "baselines/planar_image.h"

namespace spix {
namespace {

constexpr int kCoarsestSide = 24;

// out = -(Laplacian of p) on unknown pixels, 0 on known ones; Neumann border.
// Returns the dot product of p and out, fused here to save a pass over memory.
double ApplyOperator(const float* p, const float* unknown, int w, int h,
                     float* out) {
  double dot = 0;
  for (int y = 0; y < h; ++y) {
    const float* row = p + size_t(y) * w;
    const float* up = y > 0 ? row - w : nullptr;
    const float* down = y + 1 < h ? row + w : nullptr;
    const float* u = unknown + size_t(y) * w;
    float* o = out + size_t(y) * w;
    const float vertical_degree = float((up != nullptr) + (down != nullptr));
    auto at = [&](int x, float horizontal_sum, float horizontal_degree) {
      float s = horizontal_sum;
      if (up) s += up[x];
      if (down) s += down[x];
      o[x] = u[x] * ((horizontal_degree + vertical_degree) * row[x] - s);
    };
    if (w == 1) {
      at(0, 0.f, 0.f);
    } else {
      at(0, row[1], 1.f);
      if (up && down) {
        for (int x = 1; x < w - 1; ++x) {
          o[x] =
              u[x] * (4.f * row[x] - row[x - 1] - row[x + 1] - up[x] - down[x]);
        }
      } else {
        for (int x = 1; x < w - 1; ++x) at(x, row[x - 1] + row[x + 1], 2.f);
      }
      at(w - 1, row[w - 2], 1.f);
    }
    dot += Dot(row, o, size_t(w));
  }
  return dot;
}

// Plain CG on the unknowns of `x` (known entries are fixed data), solving
// -Laplace(x) = rhs there (rhs may be null for 0). Returns the iterations
// used; `residual_rms` gets the final RMS residual.
int ConjugateGradient(int w, int h, const uint8_t* mask, float* x,
                      const float* rhs, float tolerance, int max_iterations,
                      float* residual_rms) {
  const size_t n = size_t(w) * h;
  // Reused across calls: PS and NLPE call this thousands of times.
  thread_local std::vector<float> unknown, r, p, ap;
  for (auto* v : {&unknown, &r, &p, &ap}) v->resize(n);
  size_t unknowns = 0;
  for (size_t i = 0; i < n; ++i) {
    unknown[i] = mask[i] ? 0.f : 1.f;
    unknowns += !mask[i];
  }
  if (unknowns == 0) {
    *residual_rms = 0;
    return 0;
  }
  // r = b - A x: the masked Laplacian of the full x, plus the extra rhs.
  (void)ApplyOperator(x, unknown.data(), w, h, r.data());
  for (size_t i = 0; i < n; ++i) {
    r[i] = rhs ? unknown[i] * rhs[i] - r[i] : -r[i];
  }
  std::copy(r.begin(), r.begin() + n, p.begin());
  double rr = Dot(r.data(), r.data(), n);
  const double stop = double(tolerance) * tolerance * double(unknowns);
  int it = 0;
  while (it < max_iterations && rr > stop) {
    const double pap = ApplyOperator(p.data(), unknown.data(), w, h, ap.data());
    if (!(pap > 0)) break;
    const float alpha = float(rr / pap);
    double rr_next = 0;
    for (int y = 0; y < h; ++y) {
      const size_t row = size_t(y) * w;
      for (size_t i = row, end = row + w; i < end; ++i) {
        x[i] += alpha * p[i];
        r[i] -= alpha * ap[i];
      }
      rr_next += Dot(&r[row], &r[row], size_t(w));
    }
    const float beta = float(rr_next / rr);
    for (size_t i = 0; i < n; ++i) p[i] = r[i] + beta * p[i];
    rr = rr_next;
    ++it;
  }
  *residual_rms = float(std::sqrt(rr / double(unknowns)));
  return it;
}

// Bilinear upsampling of a coarse solution onto the unknowns of `fine`.
void Prolongate(const std::vector<float>& coarse, int cw, int ch, int w, int h,
                const uint8_t* mask, float* fine) {
  for (int y = 0; y < h; ++y) {
    const float fy = std::clamp((y + 0.5f) * 0.5f - 0.5f, 0.f, float(ch - 1));
    const int y0 = int(fy);
    const int y1 = std::min(y0 + 1, ch - 1);
    const float ty = fy - y0;
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * w + x;
      if (mask[i]) continue;
      const float fx = std::clamp((x + 0.5f) * 0.5f - 0.5f, 0.f, float(cw - 1));
      const int x0 = int(fx);
      const int x1 = std::min(x0 + 1, cw - 1);
      const float tx = fx - x0;
      const float top = coarse[size_t(y0) * cw + x0] * (1 - tx) +
                        coarse[size_t(y0) * cw + x1] * tx;
      const float bottom = coarse[size_t(y1) * cw + x0] * (1 - tx) +
                           coarse[size_t(y1) * cw + x1] * tx;
      fine[i] = top * (1 - ty) + bottom * ty;
    }
  }
}

// Solves -Laplace(x) = rhs (null: 0) on one level; `x` holds the data on
// known pixels and a starting guess elsewhere, replaced by the upsampled
// coarser solution unless this is the coarsest level. Unknown coarse pixels
// start at `mean`.
DiffusionStats SolveLevel(int w, int h, const uint8_t* mask, float* x,
                          const float* rhs, float mean, float tolerance,
                          int max_iterations, int depth) {
  DiffusionStats stats;
  if (std::min(w, h) > kCoarsestSide) {
    const int cw = (w + 1) / 2, ch = (h + 1) / 2;
    std::vector<uint8_t> coarse_mask(size_t(cw) * ch, 0);
    std::vector<float> coarse(size_t(cw) * ch, 0.f);
    std::vector<uint8_t> counts(size_t(cw) * ch, 0);
    // With twice the grid spacing the stencil scales by 4, so the coarse
    // right-hand side is the sum (4x the mean) of the fine one.
    std::vector<float> coarse_rhs(rhs ? coarse.size() : 0, 0.f);
    for (int y = 0; y < h; ++y) {
      for (int xx = 0; xx < w; ++xx) {
        const size_t i = size_t(y) * w + xx;
        const size_t c = size_t(y / 2) * cw + xx / 2;
        if (!mask[i]) {
          if (rhs) coarse_rhs[c] += rhs[i];
          continue;
        }
        coarse[c] += x[i];
        ++counts[c];
      }
    }
    for (size_t c = 0; c < coarse.size(); ++c) {
      if (counts[c]) {
        coarse_mask[c] = 1;
        coarse[c] /= counts[c];
      } else {
        coarse[c] = mean;
      }
    }
    // Coarse levels are cheap: solve them tighter than the fine one.
    stats = SolveLevel(cw, ch, coarse_mask.data(), coarse.data(),
                       rhs ? coarse_rhs.data() : nullptr, mean,
                       tolerance * 0.5f, max_iterations, depth + 1);
    Prolongate(coarse, cw, ch, w, h, mask, x);
  }
  stats.levels = std::max(stats.levels, depth + 1);
  stats.fine_iterations = ConjugateGradient(
      w, h, mask, x, rhs, tolerance, max_iterations, &stats.final_residual);
  return stats;
}

}  // namespace

DiffusionStats InpaintDiffusion(int width, int height, const uint8_t* mask,
                                float* plane, float empty_value,
                                const DiffusionOptions& options) {
  const size_t n = size_t(width) * height;
  double sum = 0;
  size_t known = 0;
  for (size_t i = 0; i < n; ++i) {
    if (mask[i]) {
      sum += plane[i];
      ++known;
    }
  }
  if (known == 0) {
    std::fill(plane, plane + n, empty_value);
    return {};
  }
  // The coarsest level starts from the mean of the data.
  const float mean = float(sum / double(known));
  for (size_t i = 0; i < n; ++i) {
    if (!mask[i]) plane[i] = mean;
  }
  return SolveLevel(width, height, mask, plane, nullptr, mean,
                    options.tolerance, options.max_iterations, 0);
}

int RefineDiffusion(int width, int height, const uint8_t* mask, float* plane,
                    float tolerance, int max_iterations) {
  float residual = 0;
  return ConjugateGradient(width, height, mask, plane, nullptr, tolerance,
                           max_iterations, &residual);
}

int RefineDiffusionRegion(int width, int height, const uint8_t* mask,
                          float* plane, const Region& region, float tolerance,
                          int max_iterations) {
  // The region plus a one-pixel frame of fixed data where the image goes on;
  // at the image border the frame is absent and the border stays reflecting.
  const int x0 = std::max(region.x0 - 1, 0), y0 = std::max(region.y0 - 1, 0);
  const int x1 = std::min(region.x1 + 1, width);
  const int y1 = std::min(region.y1 + 1, height);
  const int w = x1 - x0, h = y1 - y0;
  if (w <= 0 || h <= 0) return 0;
  std::vector<uint8_t> sub_mask(size_t(w) * h);
  std::vector<float> sub(size_t(w) * h);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const size_t i = size_t(y) * width + x;
      const size_t j = size_t(y - y0) * w + (x - x0);
      const bool inside =
          x >= region.x0 && x < region.x1 && y >= region.y0 && y < region.y1;
      sub_mask[j] = mask[i] || !inside;
      sub[j] = plane[i];
    }
  }
  float residual = 0;
  const int iterations =
      ConjugateGradient(w, h, sub_mask.data(), sub.data(), nullptr, tolerance,
                        max_iterations, &residual);
  for (int y = region.y0; y < region.y1; ++y) {
    for (int x = region.x0; x < region.x1; ++x) {
      plane[size_t(y) * width + x] = sub[size_t(y - y0) * w + (x - x0)];
    }
  }
  return iterations;
}

int SolveAdjoint(int width, int height, const uint8_t* mask, const float* rhs,
                 float* z, float tolerance, int max_iterations) {
  std::fill(z, z + size_t(width) * height, 0.f);
  return SolveLevel(width, height, mask, z, rhs, 0.f, tolerance, max_iterations,
                    0)
      .fine_iterations;
}

}  // namespace spix
