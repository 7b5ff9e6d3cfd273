#include "baselines/eed.h"

#include <algorithm>
#include <cmath>

#include "baselines/diffusion.h"
#include "baselines/parallel.h"

namespace spix {
namespace {

// Inner solves stop at this RMS residual (grey levels): far below what the
// lagged tensor is accurate to.
constexpr float kInnerTolerance = 0.01f;

// Separable Gaussian blur with mirrored borders; sigma <= 0 copies.
std::vector<float> GaussianBlur(const float* in, int w, int h, float sigma) {
  const size_t n = size_t(w) * h;
  std::vector<float> out(in, in + n);
  if (!(sigma > 0)) return out;
  const int radius = std::max(1, int(std::ceil(3 * sigma)));
  std::vector<float> kernel(radius + 1);
  float sum = 0;
  for (int k = 0; k <= radius; ++k) {
    kernel[k] = std::exp(-0.5f * k * k / (sigma * sigma));
    sum += k ? 2 * kernel[k] : kernel[k];
  }
  for (float& k : kernel) k /= sum;
  auto mirror = [](int i, int size) {
    while (i < 0 || i >= size) i = i < 0 ? -i - 1 : 2 * size - i - 1;
    return i;
  };
  std::vector<float> tmp(n);
  for (int y = 0; y < h; ++y) {
    const float* row = in + size_t(y) * w;
    for (int x = 0; x < w; ++x) {
      float s = kernel[0] * row[x];
      for (int k = 1; k <= radius; ++k) {
        s += kernel[k] * (row[mirror(x - k, w)] + row[mirror(x + k, w)]);
      }
      tmp[size_t(y) * w + x] = s;
    }
  }
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      float s = kernel[0] * tmp[size_t(y) * w + x];
      for (int k = 1; k <= radius; ++k) {
        s += kernel[k] * (tmp[size_t(mirror(y - k, h)) * w + x] +
                          tmp[size_t(mirror(y + k, h)) * w + x]);
      }
      out[size_t(y) * w + x] = s;
    }
  }
  return out;
}

// Clamps every channel to the range of its known values. The tensor stencil
// has negative weights across oblique edges, so it has no discrete maximum
// principle and overshoots near strong edges (a nonnegative diagonal
// stencil keeps the range, but lost 0.1-0.7 dB on three Kodak images in a
// trial by blurring oblique edges); values beyond the data are never right.
void ClampToData(const uint8_t* mask, PlanarImage* image) {
  const size_t n = image->plane_size();
  for (int c = 0; c < image->channels; ++c) {
    float* plane = image->plane(c);
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; ++i) {
      if (!mask[i]) continue;
      lo = std::min(lo, plane[i]);
      hi = std::max(hi, plane[i]);
    }
    if (lo > hi) continue;  // no known pixel
    for (size_t i = 0; i < n; ++i) plane[i] = std::clamp(plane[i], lo, hi);
  }
}

// Homogeneous diffusion of every channel: the starting point of EED.
void InpaintHomogeneous(const uint8_t* mask, float empty_value, int threads,
                        PlanarImage* image) {
  ParallelFor(image->channels, threads, [&](int c) {
    InpaintDiffusion(image->width, image->height, mask, image->plane(c),
                     empty_value);
  });
}

}  // namespace

DiffusionTensorField::DiffusionTensorField(int width, int height)
    : width_(width), height_(height) {
  const size_t cells = size_t(std::max(width - 1, 0)) * std::max(height - 1, 0);
  a_.assign(cells, 1.f);
  b_.assign(cells, 0.f);
  c_.assign(cells, 1.f);
}

DiffusionTensorField DiffusionTensorField::Edges(const PlanarImage& image,
                                                 float sigma, float contrast,
                                                 Diffusivity diffusivity) {
  const int w = image.width, h = image.height;
  DiffusionTensorField field(w, h);
  if (w < 2 || h < 2) return field;
  const int cw = w - 1;
  // The structure tensor sum_c grad u_c grad u_c^T per cell.
  const size_t cells = field.a_.size();
  std::vector<float> structure(3 * cells, 0.f);
  float* j11 = structure.data();
  float* j12 = j11 + cells;
  float* j22 = j12 + cells;
  for (int ch = 0; ch < image.channels; ++ch) {
    const std::vector<float> s = GaussianBlur(image.plane(ch), w, h, sigma);
    for (int y = 0; y + 1 < h; ++y) {
      const float* top = s.data() + size_t(y) * w;
      const float* bottom = top + w;
      for (int x = 0; x < cw; ++x) {
        const float gx =
            0.5f * (top[x + 1] - top[x] + bottom[x + 1] - bottom[x]);
        const float gy =
            0.5f * (bottom[x] - top[x] + bottom[x + 1] - top[x + 1]);
        const size_t k = size_t(y) * cw + x;
        j11[k] += gx * gx;
        j12[k] += gx * gy;
        j22[k] += gy * gy;
      }
    }
  }
  const float inv_lambda2 = 1.f / (contrast * contrast);
  for (size_t k = 0; k < cells; ++k) {
    const float half_trace = 0.5f * (j11[k] + j22[k]);
    const float half_diff = 0.5f * (j11[k] - j22[k]);
    const float root = std::sqrt(half_diff * half_diff + j12[k] * j12[k]);
    const float mu = half_trace + root;  // dominant eigenvalue
    // Its eigenvector (cos, sin): across the edge.
    float vx = 1.f, vy = 0.f;
    if (root > 1e-12f) {
      vx = half_diff + root;
      vy = j12[k];
      if (half_diff < 0) {  // the other form is better conditioned
        vx = j12[k];
        vy = root - half_diff;
      }
      const float norm = std::sqrt(vx * vx + vy * vy);
      vx /= norm;
      vy /= norm;
    }
    const float g = diffusivity == Diffusivity::kPeronaMalik
                        ? 1.f / (1.f + mu * inv_lambda2)
                        : 1.f / std::sqrt(1.f + mu * inv_lambda2);
    // D = g v v^T + (I - v v^T) = I - (1 - g) v v^T.
    const float drop = 1.f - g;
    field.a_[k] = 1.f - drop * vx * vx;
    field.b_[k] = -drop * vx * vy;
    field.c_[k] = 1.f - drop * vy * vy;
  }
  return field;
}

void DiffusionTensorField::Apply(const float* p, float* out) const {
  const int w = width_, h = height_;
  std::fill(out, out + size_t(w) * h, 0.f);
  if (w < 2 || h < 2) {
    // A single row or column: the 1-D Laplacian (no cells to carry D).
    const int n = std::max(w, h);
    for (int i = 0; i + 1 < n; ++i) {
      const float d = p[i + 1] - p[i];
      out[i] -= d;
      out[i + 1] += d;
    }
    return;
  }
  // Each cell's four fluxes, then their sums per pixel, in separate loops
  // over the row so both vectorise (one loop adding into both neighbours
  // of a cell cannot).
  const int cw = w - 1;
  std::vector<float> sums(4 * size_t(cw));
  float* top_out = sums.data();        // into the cell's top-left pixel
  float* top_in = top_out + cw;        // into its top-right pixel
  float* bottom_out = top_in + cw;     // into its bottom-left pixel
  float* bottom_in = bottom_out + cw;  // into its bottom-right pixel
  for (int y = 0; y + 1 < h; ++y) {
    const float* top = p + size_t(y) * w;
    const float* bottom = top + w;
    const float* a = a_.data() + size_t(y) * cw;
    const float* b = b_.data() + size_t(y) * cw;
    const float* c = c_.data() + size_t(y) * cw;
    for (int x = 0; x < cw; ++x) {
      const float dx_top = top[x + 1] - top[x];
      const float dx_bottom = bottom[x + 1] - bottom[x];
      const float dy_left = bottom[x] - top[x];
      const float dy_right = bottom[x + 1] - top[x + 1];
      const float ux = 0.5f * (dx_top + dx_bottom);
      const float uy = 0.5f * (dy_left + dy_right);
      const float f_top = 0.5f * (a[x] * dx_top + b[x] * uy);
      const float f_bottom = 0.5f * (a[x] * dx_bottom + b[x] * uy);
      const float f_left = 0.5f * (c[x] * dy_left + b[x] * ux);
      const float f_right = 0.5f * (c[x] * dy_right + b[x] * ux);
      top_out[x] = -(f_top + f_left);
      top_in[x] = f_top - f_right;
      bottom_out[x] = f_left - f_bottom;
      bottom_in[x] = f_bottom + f_right;
    }
    float* out_top = out + size_t(y) * w;
    float* out_bottom = out_top + w;
    out_top[0] += top_out[0];
    out_bottom[0] += bottom_out[0];
    for (int x = 1; x < cw; ++x) {
      out_top[x] += top_out[x] + top_in[x - 1];
      out_bottom[x] += bottom_out[x] + bottom_in[x - 1];
    }
    out_top[cw] += top_in[cw - 1];
    out_bottom[cw] += bottom_in[cw - 1];
  }
}

std::vector<float> DiffusionTensorField::Diagonal() const {
  const int w = width_, h = height_;
  std::vector<float> diag(size_t(w) * h, 0.f);
  if (w < 2 || h < 2) {
    const int n = std::max(w, h);
    for (int i = 0; i < n; ++i) diag[i] = float((i > 0) + (i + 1 < n));
    return diag;
  }
  const int cw = w - 1;
  for (int y = 0; y + 1 < h; ++y) {
    for (int x = 0; x < cw; ++x) {
      const size_t k = size_t(y) * cw + x;
      const float plus = 0.5f * (a_[k] + c_[k] + b_[k]);
      const float minus = 0.5f * (a_[k] + c_[k] - b_[k]);
      const size_t i = size_t(y) * w + x;
      diag[i] += plus;
      diag[i + 1] += minus;
      diag[i + w] += minus;
      diag[i + w + 1] += plus;
    }
  }
  return diag;
}

int SolveTensorDiffusion(const DiffusionTensorField& field, const uint8_t* mask,
                         float* plane, const float* rhs, float tolerance,
                         int max_iterations) {
  const size_t n = size_t(field.width()) * field.height();
  std::vector<float> inverse_diag = field.Diagonal();
  size_t unknowns = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool unknown = !mask[i] && inverse_diag[i] > 0;
    inverse_diag[i] = unknown ? 1.f / inverse_diag[i] : 0.f;
    unknowns += unknown;
  }
  if (unknowns == 0) return 0;
  std::vector<float> r(n), z(n), p(n), ap(n);
  field.Apply(plane, ap.data());
  for (size_t i = 0; i < n; ++i) {
    r[i] = inverse_diag[i] > 0 ? (rhs ? rhs[i] : 0.f) - ap[i] : 0.f;
    z[i] = r[i] * inverse_diag[i];
  }
  p = z;
  double rz = Dot(r, z);
  double rr = Dot(r, r);
  const double stop = double(tolerance) * tolerance * double(unknowns);
  int it = 0;
  while (it < max_iterations && rr > stop) {
    field.Apply(p.data(), ap.data());
    for (size_t i = 0; i < n; ++i) ap[i] = inverse_diag[i] > 0 ? ap[i] : 0.f;
    const double pap = Dot(p, ap);
    if (!(pap > 0)) break;
    const float alpha = float(rz / pap);
    for (size_t i = 0; i < n; ++i) {
      plane[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
      z[i] = r[i] * inverse_diag[i];
    }
    const double rz_next = Dot(r, z);
    rr = Dot(r, r);
    const float beta = float(rz_next / rz);
    for (size_t i = 0; i < n; ++i) p[i] = z[i] + beta * p[i];
    rz = rz_next;
    ++it;
  }
  return it;
}

DiffusionTensorField EedTensor(const uint8_t* mask, const EedOptions& options,
                               PlanarImage* image) {
  InpaintEed(mask, options, image);
  return DiffusionTensorField::Edges(*image, options.sigma, options.contrast,
                                     options.diffusivity);
}

void InpaintEed(const uint8_t* mask, const EedOptions& options,
                PlanarImage* image) {
  InpaintHomogeneous(mask, 128.f, options.threads, image);
  ContinueEed(mask, options, image);
}

void ContinueEed(const uint8_t* mask, const EedOptions& options,
                 PlanarImage* image) {
  for (int outer = 0; outer < options.outer_iterations; ++outer) {
    const DiffusionTensorField field = DiffusionTensorField::Edges(
        *image, options.sigma, options.contrast, options.diffusivity);
    ParallelFor(image->channels, options.threads, [&](int c) {
      SolveTensorDiffusion(field, mask, image->plane(c), nullptr,
                           kInnerTolerance, options.inner_iterations);
    });
    ClampToData(mask, image);
  }
}

void InpaintWithTensor(const DiffusionTensorField& field, const uint8_t* mask,
                       float empty_value, PlanarImage* image, int threads) {
  InpaintHomogeneous(mask, empty_value, threads, image);
  ParallelFor(image->channels, threads, [&](int c) {
    SolveTensorDiffusion(field, mask, image->plane(c), nullptr, kInnerTolerance,
                         2000);
  });
  ClampToData(mask, image);
}

}  // namespace spix
