#include "baselines/tonal_optimisation.h"

#include <algorithm>
#include <cmath>

#include "baselines/diffusion.h"
#include "baselines/eed.h"
#include "baselines/parallel.h"

namespace spix {
namespace {

// Tight solves: CGLS needs M and M^T far more accurate than its own steps.
// The solver's tolerance is absolute, so inputs are scaled to unit size.
constexpr float kTolerance = 1e-4f;
constexpr int kMaxIterations = 5000;

// Tensor solves refine the homogeneous solution they start from; this many
// preconditioned CG steps at most. On six Kodak images at 5 % (2026-12-04,
// the default encoder) 100 or 200 changed the size and PSNR by under 0.01
// dB at equal size, 20 lost 0.02 dB, 30 nothing measurable against 50 and
// took the luma tuning of kodim23 from 5.1 to 4.2 s.
constexpr int kMaxTensorIterations = 30;

// Before those tensor steps, the adjoint's homogeneous solve need only
// start them: its rhs (the residual) makes it the slowest solve of all at
// kTolerance. On six Kodak images at 2-18 % 1e-2 changed the BD-rate by
// -0.21 % (1e-3: -0.06 %) and cut a third of the homogeneous CG steps.
constexpr float kAdjointStartTolerance = 1e-2f;

class InpaintingOperator {
 public:
  InpaintingOperator(int width, int height, const std::vector<uint8_t>& mask,
                     const DiffusionTensorField* field)
      : w_(width),
        h_(height),
        mask_(mask),
        field_(field),
        z_(mask.size(), 0.f) {}

  // out = M g: g lives on the mask pixels of a full-size plane.
  void Apply(const std::vector<float>& g, std::vector<float>* out) const {
    const float scale = MaxAbs(g);
    *out = g;
    if (scale == 0) return;
    for (float& v : *out) v /= scale;
    InpaintDiffusion(w_, h_, mask_.data(), out->data(), 0.f,
                     {kTolerance, kMaxIterations});
    if (field_) {
      SolveTensorDiffusion(*field_, mask_.data(), out->data(), nullptr,
                           kTolerance, kMaxTensorIterations);
    }
    for (float& v : *out) v *= scale;
  }

  // out = M^T r, on the mask pixels (zero elsewhere). M g = [g; A^-1 B g]
  // gives M^T r = r_K + B^T A^-1 r_U, where A is the operator on the
  // unknowns (-Laplace, or the tensor's) and -B its coupling of each unknown
  // pixel to the known ones.
  void ApplyTranspose(const std::vector<float>& r, std::vector<float>* out) {
    const float scale = MaxAbs(r);
    out->assign(r.size(), 0.f);
    if (scale == 0) return;
    std::vector<float> rhs(r);
    for (float& v : rhs) v /= scale;
    SolveAdjoint(w_, h_, mask_.data(), rhs.data(), z_.data(),
                 field_ ? kAdjointStartTolerance : kTolerance, kMaxIterations);
    if (field_) {
      SolveTensorDiffusion(*field_, mask_.data(), z_.data(), rhs.data(),
                           kTolerance, kMaxTensorIterations);
      for (float& v : z_) v *= scale;
      // B^T z = -(A_full z) on the known pixels, as z is 0 there.
      std::vector<float> az(z_.size());
      field_->Apply(z_.data(), az.data());
      for (size_t i = 0; i < z_.size(); ++i) {
        (*out)[i] = mask_[i] ? r[i] - az[i] : 0.f;
      }
      return;
    }
    for (float& v : z_) v *= scale;
    for (int y = 0; y < h_; ++y) {
      for (int x = 0; x < w_; ++x) {
        const size_t i = size_t(y) * w_ + x;
        if (!mask_[i]) continue;
        float sum = r[i];
        if (x > 0 && !mask_[i - 1]) sum += z_[i - 1];
        if (x + 1 < w_ && !mask_[i + 1]) sum += z_[i + 1];
        if (y > 0 && !mask_[i - w_]) sum += z_[i - w_];
        if (y + 1 < h_ && !mask_[i + w_]) sum += z_[i + w_];
        (*out)[i] = sum;
      }
    }
  }

 private:
  static float MaxAbs(const std::vector<float>& v) {
    float m = 0;
    for (float x : v) m = std::max(m, std::fabs(x));
    return m;
  }

  int w_, h_;
  const std::vector<uint8_t>& mask_;
  const DiffusionTensorField* field_;
  std::vector<float> z_;
};

// CGLS on ||M x - f||^2 over the mask points that `fixed` does not hold
// (null: all of them), from the values in x. Returns M x (as f - r: the
// last step needs no further solve).
std::vector<float> Cgls(InpaintingOperator& m, const std::vector<float>& f,
                        const std::vector<uint8_t>* fixed, int iterations,
                        double relative_tolerance, std::vector<float>* x_io) {
  std::vector<float>& x = *x_io;
  const size_t n = f.size();
  std::vector<float> u, r(n), s, p, q;
  m.Apply(x, &u);
  for (size_t i = 0; i < n; ++i) r[i] = f[i] - u[i];
  auto gradient = [&] {
    m.ApplyTranspose(r, &s);
    if (fixed) {
      for (size_t i = 0; i < n; ++i) {
        if ((*fixed)[i]) s[i] = 0.f;
      }
    }
  };
  gradient();
  p = s;
  double gamma = Dot(s, s);
  const double stop = gamma * relative_tolerance * relative_tolerance;
  for (int it = 0; it < iterations && gamma > stop; ++it) {
    m.Apply(p, &q);
    const double qq = Dot(q, q);
    if (!(qq > 0)) break;
    const float alpha = float(gamma / qq);
    for (size_t i = 0; i < n; ++i) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
    }
    if (it + 1 == iterations) break;
    gradient();
    const double next = Dot(s, s);
    const float beta = float(next / gamma);
    for (size_t i = 0; i < n; ++i) p[i] = s[i] + beta * p[i];
    gamma = next;
  }
  for (size_t i = 0; i < n; ++i) u[i] = f[i] - r[i];
  return u;
}

}  // namespace

PlanarImage OptimiseTonalValues(const PlanarImage& image,
                                const std::vector<uint8_t>& mask,
                                const TonalOptions& options) {
  const size_t n = image.plane_size();
  PlanarImage result(image.width, image.height, image.channels);
  ParallelFor(image.channels, options.threads, [&](int c) {
    const std::vector<float> f(image.plane(c), image.plane(c) + n);
    InpaintingOperator m(image.width, image.height, mask, options.tensor);
    // Start from the original values; x holds g on the mask, 0 elsewhere.
    std::vector<float> x(n, 0.f);
    for (size_t i = 0; i < n; ++i) {
      if (mask[i]) x[i] = f[i];
    }
    std::vector<float> u =
        Cgls(m, f, nullptr, options.iterations, options.relative_tolerance, &x);
    if (options.quantise && options.quantise_groups > 1) {
      // By default group k holds every quantise_groups-th point in raster
      // order, from the k-th: spread evenly, so every free point has fixed
      // neighbours.
      const int groups = options.quantise_groups;
      std::vector<uint8_t> fixed(n, 0);
      for (int group = 0; group < groups; ++group) {
        size_t point = 0;
        for (size_t i = 0; i < n; ++i) {
          if (!mask[i]) continue;
          const int in = options.quantise_group ? options.quantise_group(i)
                                                : int(point % groups);
          ++point;
          if (in != group) continue;
          x[i] = options.quantise(c, i, group, x);
          fixed[i] = 1;
        }
        if (group + 1 < groups) {
          Cgls(m, f, &fixed, options.requantise_iterations, 0.0, &x);
        }
      }
      m.Apply(x, &u);
    }
    // The stored values exactly, not as the solves' scaling returns them.
    for (size_t i = 0; i < n; ++i) {
      if (mask[i]) u[i] = x[i];
    }
    std::copy(u.begin(), u.end(), result.plane(c));
  });
  return result;
}

}  // namespace spix
