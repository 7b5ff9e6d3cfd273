#include "networks/fill/latent_search.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "networks/fill/priors.h"

namespace spix {
namespace {

namespace F = torch::nn::functional;

constexpr int kSize = kPriorImageSize;

// Neighbour values along one axis (dim 3: x, dim 2: y), zero outside.
torch::Tensor Next(const torch::Tensor& t, int64_t dim) {
  const int64_t n = t.size(dim);
  std::vector<int64_t> pad = dim == 3 ? std::vector<int64_t>{0, 1, 0, 0}
                                      : std::vector<int64_t>{0, 0, 0, 1};
  return F::pad(t.slice(dim, 1, n), F::PadFuncOptions(pad));
}
torch::Tensor Previous(const torch::Tensor& t, int64_t dim) {
  const int64_t n = t.size(dim);
  std::vector<int64_t> pad = dim == 3 ? std::vector<int64_t>{1, 0, 0, 0}
                                      : std::vector<int64_t>{0, 0, 1, 0};
  return F::pad(t.slice(dim, 0, n - 1), F::PadFuncOptions(pad));
}

// Finite-difference coefficients per pixel and axis, from the mask: central
// differences where both neighbours are known, forward or backward ones
// where only one is, nothing where neither is (Vitoria et al., Eq. 7).
struct Stencil {
  torch::Tensor next[2], centre[2], previous[2];  // [0]: x, [1]: y
};

Stencil MakeStencil(const torch::Tensor& known) {
  Stencil s;
  for (int axis = 0; axis < 2; ++axis) {
    const int64_t dim = axis == 0 ? 3 : 2;
    const torch::Tensor kn = Next(known, dim), kp = Previous(known, dim);
    const torch::Tensor both = kn * kp, forward = kn * (1 - kp),
                        backward = kp * (1 - kn);
    s.next[axis] = 0.5 * both + forward;
    s.previous[axis] = -0.5 * both - backward;
    s.centre[axis] = backward - forward;
  }
  return s;
}

torch::Tensor Derivative(const torch::Tensor& v, const Stencil& s, int axis) {
  const int64_t dim = axis == 0 ? 3 : 2;
  return s.next[axis] * Next(v, dim) + s.centre[axis] * v +
         s.previous[axis] * Previous(v, dim);
}

torch::Tensor Weights(const torch::Tensor& known, int window) {
  const torch::Tensor hole_fraction =
      F::avg_pool2d(1 - known, F::AvgPool2dFuncOptions(window)
                                   .stride(1)
                                   .padding(window / 2)
                                   .count_include_pad(false));
  return known * hole_fraction;
}

// Per-image sums over channels and pixels.
torch::Tensor ContextLoss(const torch::Tensor& g, const torch::Tensor& y,
                          const torch::Tensor& w) {
  return (w * (g - y).abs()).sum({1, 2, 3});
}
torch::Tensor GradientLossT(const torch::Tensor& g, const torch::Tensor& y,
                            const torch::Tensor& w, const Stencil& s) {
  const torch::Tensor d = g - y;
  return (w * (Derivative(d, s, 0).abs() + Derivative(d, s, 1).abs()))
      .sum({1, 2, 3});
}

// Forward differences of masked images, for the nearest-neighbour match.
torch::Tensor StructureDistance(const torch::Tensor& a,
                                const torch::Tensor& b) {
  auto dx = [](const torch::Tensor& t) {
    return t.slice(3, 1, kSize) - t.slice(3, 0, kSize - 1);
  };
  auto dy = [](const torch::Tensor& t) {
    return t.slice(2, 1, kSize) - t.slice(2, 0, kSize - 1);
  };
  return (dx(a) - dx(b)).abs().sum({1, 2, 3}) +
         (dy(a) - dy(b)).abs().sum({1, 2, 3});
}

// Targets as tensors in the generator's range [-1, 1], each repeated
// `repeats` times (restarts are consecutive rows).
struct Batch {
  torch::Tensor y, known, weights;
  Stencil stencil;
};

Batch MakeBatch(const std::vector<LatentTarget>& targets, int repeats,
                int window) {
  std::vector<torch::Tensor> ys, ks;
  for (const LatentTarget& t : targets) {
    torch::Tensor y = torch::from_blob(const_cast<float*>(t.image.data()),
                                       {1, 3, kSize, kSize})
                              .clone() *
                          2 -
                      1;
    torch::Tensor k = torch::from_blob(const_cast<uint8_t*>(t.known.data()),
                                       {1, 1, kSize, kSize}, torch::kUInt8)
                          .to(torch::kFloat32);
    for (int r = 0; r < repeats; ++r) {
      ys.push_back(y);
      ks.push_back(k);
    }
  }
  Batch b;
  b.y = torch::cat(ys);
  b.known = torch::cat(ks);
  b.y = b.y * b.known;
  b.weights = Weights(b.known, window);
  b.stencil = MakeStencil(b.known);
  return b;
}

std::vector<float> ToPlanes(const torch::Tensor& image) {  // (3,H,W), [-1,1]
  const torch::Tensor t = ((image.detach() + 1) / 2).clamp(0, 1).contiguous();
  return std::vector<float>(t.data_ptr<float>(),
                            t.data_ptr<float>() + t.numel());
}

}  // namespace

// Pool images generated and scored at a time (bounds the memory of --pool).
constexpr int64_t kPoolChunk = 256;

struct GanPrior::Impl {
  // Modules are not const-callable; searching does not change them.
  mutable LoadedPrior prior;
  mutable std::mutex pool_mutex;
  // Pool latents and images by (pool size, seed).
  mutable std::map<std::pair<int, uint64_t>,
                   std::pair<torch::Tensor, torch::Tensor>>
      pools;

  std::pair<torch::Tensor, torch::Tensor> Pool(int size, uint64_t seed) const {
    std::lock_guard<std::mutex> lock(pool_mutex);
    auto it = pools.find({size, seed});
    if (it == pools.end()) {
      torch::NoGradGuard no_grad;
      const torch::Tensor z =
          SampleLatent(prior.arch, size, prior.generator->latent_dim(), seed)
              .clamp(-1, 1);
      // In chunks: the generator's activations for a whole large pool at
      // once took gigabytes; only the 64x64 outputs are kept.
      std::vector<torch::Tensor> images;
      for (int64_t at = 0; at < size; at += kPoolChunk) {
        images.push_back(prior.generator->forward(
            z.slice(0, at, std::min<int64_t>(size, at + kPoolChunk))));
      }
      it = pools
               .emplace(std::make_pair(size, seed),
                        std::make_pair(z, torch::cat(images)))
               .first;
    }
    return it->second;
  }

  // Latents of the pool images nearest to each target (L_D + gamma L_S on
  // the known pixels), `count` per target, best first.
  torch::Tensor NearestIndices(const Batch& single, int count, int pool_size,
                               double gamma, uint64_t seed) const {
    const torch::Tensor images = Pool(pool_size, seed).second;
    std::vector<torch::Tensor> rows;
    for (int64_t t = 0; t < single.y.size(0); ++t) {
      const torch::Tensor k = single.known[t].unsqueeze(0);
      const torch::Tensor masked_target = single.y[t].unsqueeze(0);
      std::vector<torch::Tensor> scores;
      for (int64_t at = 0; at < images.size(0); at += kPoolChunk) {
        const torch::Tensor masked_pool =
            images.slice(0, at, std::min(images.size(0), at + kPoolChunk)) * k;
        scores.push_back((masked_pool - masked_target).abs().sum({1, 2, 3}) +
                         gamma * StructureDistance(masked_pool, masked_target));
      }
      const torch::Tensor score = torch::cat(scores);
      rows.push_back(std::get<1>(score.topk(count, 0, false, true)));
    }
    return torch::stack(rows);
  }

  torch::Tensor Losses(const torch::Tensor& z, const Batch& b,
                       const LatentSearchOptions& o) const {
    const torch::Tensor g = prior.generator->forward(z);
    if (o.loss == FillLoss::kCritic) {
      return -prior.critic->forward(b.known * b.y + (1 - b.known) * g);
    }
    torch::Tensor loss = o.alpha * ContextLoss(g, b.y, b.weights);
    if (o.beta != 0)
      loss = loss + o.beta * GradientLossT(g, b.y, b.weights, b.stencil);
    if (o.eta != 0) {
      const torch::Tensor s = prior.critic->forward(g);
      const bool log_term =
          o.loss == FillLoss::kYeh && IsProbabilistic(prior.arch);
      // log(1 - sigmoid(s)) = -softplus(s), stable for large s.
      loss = loss + o.eta * (log_term ? -torch::softplus(s) : -s);
    }
    return loss;
  }

  // Adam on z with clamping to [-1, 1]; `anchor` (optional) holds fixed
  // latents that join the group consistency term. Returns the final z and
  // appends the per-group minimum loss of each iteration to `traces`.
  torch::Tensor Optimise(const Batch& b, torch::Tensor z, int group,
                         const torch::Tensor& anchor, double group_weight,
                         const LatentSearchOptions& o,
                         std::vector<std::vector<float>>* traces,
                         double progress_from, double progress_to) const {
    z = z.clone().requires_grad_(true);
    torch::optim::Adam adam(
        {z}, torch::optim::AdamOptions(o.lr).betas({0.9, 0.999}));
    const int64_t groups = z.size(0) / group;
    for (int it = 0; it < o.iterations; ++it) {
      // Cosine decay to a tenth of the step: the search settles instead of
      // circling its minimum, so fewer iterations reach the same loss.
      static_cast<torch::optim::AdamOptions&>(adam.param_groups()[0].options())
          .lr(o.lr * (0.1 + 0.45 * (1 + std::cos(M_PI * it / o.iterations))));
      adam.zero_grad();
      const torch::Tensor losses = Losses(z, b, o);
      torch::Tensor total = losses.sum();
      if (group_weight > 0) {
        torch::Tensor all = anchor.defined() ? torch::cat({anchor, z}) : z;
        total = total + group_weight *
                            (all.unsqueeze(0) - all.unsqueeze(1)).abs().sum() /
                            2;
      }
      total.backward();
      adam.step();
      {
        torch::NoGradGuard no_grad;
        z.clamp_(-1, 1);
      }
      if (traces) {
        const torch::Tensor best =
            std::get<0>(losses.detach().view({groups, group}).min(1));
        auto a = best.accessor<float, 1>();
        for (int64_t t = 0; t < groups; ++t) (*traces)[t].push_back(a[t]);
      }
      if (o.progress && (it % 10 == 0 || it + 1 == o.iterations)) {
        o.progress(progress_from + (progress_to - progress_from) *
                                       double(it + 1) / o.iterations);
      }
    }
    return z.detach();
  }

  // Picks the best restart of each target and fills in the results.
  std::vector<LatentResult> Finish(
      const Batch& b, const torch::Tensor& z, int restarts,
      const LatentSearchOptions& o,
      std::vector<std::vector<float>>& traces) const {
    torch::NoGradGuard no_grad;
    const torch::Tensor losses = Losses(z, b, o);
    const int64_t count = z.size(0) / restarts;
    std::vector<LatentResult> results(static_cast<size_t>(count));
    for (int64_t t = 0; t < count; ++t) {
      const torch::Tensor l = losses.slice(0, t * restarts, (t + 1) * restarts);
      const int64_t best = t * restarts + l.argmin().item<int64_t>();
      LatentResult& r = results[size_t(t)];
      r.loss = losses[best].item<double>();
      r.generated =
          o.average_restarts
              ? ToPlanes(
                    prior.generator
                        ->forward(z.slice(0, t * restarts, (t + 1) * restarts))
                        .mean(0))
              : ToPlanes(prior.generator->forward(z[best].unsqueeze(0))[0]);
      const torch::Tensor zb = z[best].contiguous();
      r.latent.assign(zb.data_ptr<float>(), zb.data_ptr<float>() + zb.numel());
      r.trace = std::move(traces[size_t(t)]);
    }
    return results;
  }

  torch::Tensor InitialLatents(const std::vector<LatentTarget>& targets,
                               const LatentSearchOptions& o) const {
    const int latent = prior.generator->latent_dim();
    if (!o.nn_init) {
      const torch::Tensor z =
          SampleLatent(prior.arch, o.restarts, latent, o.seed).clamp(-1, 1);
      return z.repeat({int64_t(targets.size()), 1});
    }
    torch::NoGradGuard no_grad;
    const torch::Tensor index =
        NearestIndices(MakeBatch(targets, 1, o.window), o.restarts, o.pool_size,
                       o.gamma, o.seed);
    return Pool(o.pool_size, o.seed).first.index_select(0, index.view({-1}));
  }
};

GanPrior::GanPrior(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GanPrior::~GanPrior() = default;

StatusOr<std::unique_ptr<GanPrior>> GanPrior::Load(
    const std::string& models_dir, const std::string& arch) {
  SPIX_ASSIGN_OR_RETURN(const PriorArch parsed, ParsePriorArch(arch));
  StatusOr<LoadedPrior> prior = LoadPrior(models_dir, parsed);
  if (!prior.ok()) {
    return Status(prior.status().code(),
                  prior.status().message() +
                      " (spix fill needs a trained prior: pass --models DIR "
                      "or set SPIX_MODELS)");
  }
  for (auto& p : prior->generator->parameters()) p.set_requires_grad(false);
  for (auto& p : prior->critic->parameters()) p.set_requires_grad(false);
  auto impl = std::make_unique<Impl>();
  impl->prior = *prior;
  return std::unique_ptr<GanPrior>(new GanPrior(std::move(impl)));
}

std::vector<LatentResult> GanPrior::Search(
    const std::vector<LatentTarget>& targets,
    const LatentSearchOptions& o) const {
  if (targets.empty()) return {};
  const Batch b = MakeBatch(targets, o.restarts, o.window);
  std::vector<std::vector<float>> traces(targets.size());
  const torch::Tensor z =
      impl_->Optimise(b, impl_->InitialLatents(targets, o), o.restarts,
                      torch::Tensor(), 0, o, &traces, 0, 1);
  return impl_->Finish(b, z, o.restarts, o, traces);
}

std::vector<LatentResult> GanPrior::SearchSequence(
    const std::vector<LatentTarget>& frames,
    const LatentSearchOptions& o) const {
  std::vector<LatentResult> results;
  const int window = std::max(1, o.group_window);
  const size_t n = frames.size();
  torch::Tensor previous;  // z of the last frame done, (1, latent)
  for (size_t start = 0; start < n; start += size_t(window)) {
    const double from = double(start) / n;
    const double to = double(std::min(n, start + window)) / n;
    LatentSearchOptions pivot_options = o;
    pivot_options.progress = nullptr;
    // The pivot frame: a single-image search for the first group, later
    // ones start from the previous frame's z.
    std::vector<LatentTarget> pivot{frames[start]};
    LatentResult pivot_result;
    if (!previous.defined()) {
      pivot_result = Search(pivot, pivot_options)[0];
    } else {
      const Batch b = MakeBatch(pivot, 1, o.window);
      std::vector<std::vector<float>> traces(1);
      const torch::Tensor z = impl_->Optimise(b, previous, 1, torch::Tensor(),
                                              0, o, &traces, from, from);
      pivot_result = impl_->Finish(b, z, 1, o, traces)[0];
    }
    torch::Tensor pivot_z = torch::tensor(pivot_result.latent).view({1, -1});
    results.push_back(std::move(pivot_result));
    previous = pivot_z;
    // The rest of the group starts from the pivot and is held together.
    std::vector<LatentTarget> members(
        frames.begin() + long(start) + 1,
        frames.begin() + long(std::min(n, start + size_t(window))));
    if (!members.empty()) {
      const Batch b = MakeBatch(members, 1, o.window);
      std::vector<std::vector<float>> traces(members.size());
      const torch::Tensor z =
          impl_->Optimise(b, pivot_z.repeat({int64_t(members.size()), 1}), 1,
                          pivot_z, o.group_weight, o, &traces, from, to);
      for (LatentResult& r : impl_->Finish(b, z, 1, o, traces))
        results.push_back(std::move(r));
      previous = z[int64_t(members.size()) - 1].unsqueeze(0);
    }
    if (o.progress) o.progress(to);
  }
  return results;
}

std::vector<int> GanPrior::NearestPool(const LatentTarget& target, int count,
                                       int pool_size, double gamma,
                                       uint64_t seed) const {
  torch::NoGradGuard no_grad;
  const torch::Tensor index = impl_->NearestIndices(
      MakeBatch({target}, 1, 7), count, pool_size, gamma, seed)[0];
  std::vector<int> out;
  for (int64_t i = 0; i < index.size(0); ++i)
    out.push_back(int(index[i].item<int64_t>()));
  return out;
}

std::vector<float> GanPrior::PoolImage(int index, int pool_size,
                                       uint64_t seed) const {
  return ToPlanes(impl_->Pool(pool_size, seed).second[index]);
}

std::vector<float> ImportanceWeights(const std::vector<uint8_t>& known,
                                     int width, int height, int window) {
  const torch::Tensor k = torch::from_blob(const_cast<uint8_t*>(known.data()),
                                           {1, 1, height, width}, torch::kUInt8)
                              .to(torch::kFloat32);
  const torch::Tensor w = Weights(k, window).contiguous();
  return std::vector<float>(w.data_ptr<float>(),
                            w.data_ptr<float>() + w.numel());
}

double GradientLoss(const std::vector<float>& a, const std::vector<float>& b,
                    const std::vector<uint8_t>& known,
                    const std::vector<float>& weights, int width, int height,
                    int channels) {
  auto plane = [&](const std::vector<float>& v, int c) {
    return torch::from_blob(const_cast<float*>(v.data()),
                            {1, c, height, width});
  };
  const torch::Tensor k = torch::from_blob(const_cast<uint8_t*>(known.data()),
                                           {1, 1, height, width}, torch::kUInt8)
                              .to(torch::kFloat32);
  return GradientLossT(plane(a, channels), plane(b, channels),
                       plane(weights, 1), MakeStencil(k))
      .item<double>();
}

}  // namespace spix
