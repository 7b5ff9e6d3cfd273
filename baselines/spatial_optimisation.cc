#include "baselines/spatial_optimisation.h"

#include <algorithm>
#include <cmath>

#include "baselines/diffusion.h"
#include "baselines/random.h"

namespace spix {
namespace {

// Solver settings: PS and the per-cycle NLPE check solve globally from a
// warm start; NLPE exchanges re-solve a window.
constexpr float kGlobalTolerance = 0.02f;
constexpr int kGlobalMaxIterations = 2000;
constexpr float kLocalTolerance = 0.002f;
constexpr int kLocalMaxIterations = 200;

// `u` gets the data on mask pixels and is solved (warm) elsewhere.
void Solve(const PlanarImage& f, const uint8_t* mask, PlanarImage* u) {
  for (int c = 0; c < f.channels; ++c) {
    RefineDiffusion(f.width, f.height, mask, u->plane(c), kGlobalTolerance,
                    kGlobalMaxIterations);
  }
}

float ErrorAt(const PlanarImage& f, const PlanarImage& u, size_t i,
              ErrorNorm norm) {
  float e = 0;
  for (int c = 0; c < f.channels; ++c) {
    e += PixelError(u.plane(c)[i], f.plane(c)[i], norm);
  }
  return e;
}

// A cold solution from the data on `mask`, converged tighter than Solve().
PlanarImage SolveFromScratch(const PlanarImage& f, const uint8_t* mask) {
  PlanarImage u = f;
  for (int c = 0; c < f.channels; ++c) {
    InpaintDiffusion(f.width, f.height, mask, u.plane(c), 128.f);
  }
  return u;
}

Region Around(size_t index, int width, int height, int radius) {
  const int x = int(index % width), y = int(index / width);
  return {std::max(x - radius, 0), std::max(y - radius, 0),
          std::min(x + radius + 1, width), std::min(y + radius + 1, height)};
}

bool Touch(const Region& a, const Region& b) {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

Region Union(const Region& a, const Region& b) {
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1),
          std::max(a.y1, b.y1)};
}

// Pixels of `list` indexed by position, with O(1) removal and insertion.
class IndexSet {
 public:
  IndexSet(const std::vector<uint8_t>& mask, uint8_t member)
      : slot_(mask.size(), 0) {
    for (size_t i = 0; i < mask.size(); ++i) {
      if (mask[i] == member) Insert(uint32_t(i));
    }
  }
  size_t size() const { return items_.size(); }
  uint32_t at(size_t k) const { return items_[k]; }
  void Insert(uint32_t i) {
    slot_[i] = uint32_t(items_.size());
    items_.push_back(i);
  }
  void Erase(uint32_t i) {
    const uint32_t k = slot_[i];
    items_[k] = items_.back();
    slot_[items_[k]] = k;
    items_.pop_back();
  }

 private:
  std::vector<uint32_t> items_;
  std::vector<uint32_t> slot_;
};

}  // namespace

double InpaintingError(const PlanarImage& image,
                       const std::vector<uint8_t>& mask, ErrorNorm norm) {
  const PlanarImage u = SolveFromScratch(image, mask.data());
  double total = 0;
  for (size_t i = 0; i < image.plane_size(); ++i) {
    total += ErrorAt(image, u, i, norm);
  }
  return total;
}

std::vector<uint8_t> ProbabilisticSparsification(
    const PlanarImage& f, uint64_t target, const SparsificationOptions& options,
    std::vector<uint32_t>* removal_order) {
  const size_t n = f.plane_size();
  std::vector<uint8_t> mask(n, 1);
  std::vector<uint32_t> known(n);
  for (size_t i = 0; i < n; ++i) known[i] = uint32_t(i);
  target = std::clamp<uint64_t>(target, 1, n);
  PlanarImage u = f;
  SplitMix64 rng(options.seed);
  std::vector<std::pair<float, uint32_t>> scored;
  while (known.size() > target) {
    const size_t excess = known.size() - target;
    const size_t tried = std::clamp<size_t>(
        size_t(std::lround(options.candidate_fraction * known.size())), 1,
        known.size());
    const size_t removed = std::clamp<size_t>(
        size_t(std::lround(options.removal_fraction * tried)), 1, excess);
    // Move a random candidate set to the end of `known`.
    for (size_t k = 0; k < tried; ++k) {
      const size_t last = known.size() - 1 - k;
      std::swap(known[last], known[rng.Below(last + 1)]);
    }
    const size_t first = known.size() - tried;
    for (size_t k = first; k < known.size(); ++k) mask[known[k]] = 0;
    Solve(f, mask.data(), &u);
    scored.clear();
    for (size_t k = first; k < known.size(); ++k) {
      scored.emplace_back(ErrorAt(f, u, known[k], options.norm), known[k]);
    }
    std::nth_element(scored.begin(), scored.begin() + removed, scored.end());
    if (removal_order) {
      // Within one step, the smaller error goes first.
      std::sort(scored.begin(), scored.begin() + removed);
      for (size_t k = 0; k < removed; ++k)
        removal_order->push_back(scored[k].second);
    }
    known.resize(first);
    for (size_t k = 0; k < scored.size(); ++k) {
      const uint32_t i = scored[k].second;
      if (k < removed) continue;  // stays removed
      mask[i] = 1;
      known.push_back(i);
      for (int c = 0; c < f.channels; ++c) u.plane(c)[i] = f.plane(c)[i];
    }
    if (options.progress) {
      options.progress(double(n - known.size()) / double(n - target));
    }
  }
  return mask;
}

void NonLocalPixelExchange(const PlanarImage& f, std::vector<uint8_t>* mask_ptr,
                           const ExchangeOptions& options) {
  std::vector<uint8_t>& mask = *mask_ptr;
  const int w = f.width, h = f.height;
  const size_t n = f.plane_size();
  IndexSet known(mask, 1), unknown(mask, 0);
  if (known.size() == 0 || unknown.size() == 0) return;
  const double density = double(known.size()) / double(n);
  // A few mean point spacings: far enough for a swap's effect to fade.
  const int radius =
      std::clamp(int(std::lround(3.0 / std::sqrt(density))), 6, 24);

  PlanarImage u = SolveFromScratch(f, mask.data());
  std::vector<float> err(n);
  double total = 0;
  for (size_t i = 0; i < n; ++i)
    total += err[i] = ErrorAt(f, u, i, options.norm);

  SplitMix64 rng(options.seed);
  PlanarImage saved_u(w, h, f.channels);
  std::vector<float> saved_err(n);
  for (int cycle = 0; cycle < options.cycles; ++cycle) {
    const std::vector<uint8_t> cycle_mask = mask;
    const double cycle_error = total;
    const size_t exchanges = known.size();
    for (size_t it = 0; it < exchanges; ++it) {
      uint32_t in = unknown.at(rng.Below(unknown.size()));
      for (int k = 1; k < options.candidates; ++k) {
        const uint32_t other = unknown.at(rng.Below(unknown.size()));
        if (err[other] > err[in]) in = other;
      }
      const uint32_t out = known.at(rng.Below(known.size()));
      Region regions[2] = {Around(out, w, h, radius), Around(in, w, h, radius)};
      int count = 2;
      if (Touch(regions[0], regions[1])) {
        regions[0] = Union(regions[0], regions[1]);
        count = 1;
      }
      auto for_each_pixel = [&](auto&& fn) {
        for (int r = 0; r < count; ++r) {
          for (int y = regions[r].y0; y < regions[r].y1; ++y) {
            for (int x = regions[r].x0; x < regions[r].x1; ++x) {
              fn(size_t(y) * w + x);
            }
          }
        }
      };
      double before = 0;
      for_each_pixel([&](size_t i) {
        before += err[i];
        saved_err[i] = err[i];
        for (int c = 0; c < f.channels; ++c)
          saved_u.plane(c)[i] = u.plane(c)[i];
      });
      mask[out] = 0;
      mask[in] = 1;
      for (int c = 0; c < f.channels; ++c) u.plane(c)[in] = f.plane(c)[in];
      for (int r = 0; r < count; ++r) {
        for (int c = 0; c < f.channels; ++c) {
          RefineDiffusionRegion(w, h, mask.data(), u.plane(c), regions[r],
                                kLocalTolerance, kLocalMaxIterations);
        }
      }
      double after = 0;
      for_each_pixel(
          [&](size_t i) { after += err[i] = ErrorAt(f, u, i, options.norm); });
      if (after < before) {
        total += after - before;
        known.Erase(out);
        unknown.Insert(out);
        unknown.Erase(in);
        known.Insert(in);
      } else {
        mask[out] = 1;
        mask[in] = 0;
        for_each_pixel([&](size_t i) {
          err[i] = saved_err[i];
          for (int c = 0; c < f.channels; ++c)
            u.plane(c)[i] = saved_u.plane(c)[i];
        });
      }
    }
    // Local solves are approximations: settle globally, and undo the cycle
    // should the true error have gone up.
    Solve(f, mask.data(), &u);
    total = 0;
    for (size_t i = 0; i < n; ++i)
      total += err[i] = ErrorAt(f, u, i, options.norm);
    if (total > cycle_error) {
      mask = cycle_mask;
      known = IndexSet(mask, 1);
      unknown = IndexSet(mask, 0);
      u = SolveFromScratch(f, mask.data());
      total = 0;
      for (size_t i = 0; i < n; ++i)
        total += err[i] = ErrorAt(f, u, i, options.norm);
    }
    if (options.progress) options.progress(double(cycle + 1) / options.cycles);
  }
}

}  // namespace spix
