// Channel-level parallelism for the inpainting solvers: channels are
// independent once a tensor is fixed, and there are as many as there are
// cores on the machines spix targets.
#ifndef SPIX_BASELINES_PARALLEL_H_
#define SPIX_BASELINES_PARALLEL_H_

#include <algorithm>
#include <thread>
#include <vector>

namespace spix {

// Runs f(c) for c in [0, count), on up to `threads` threads.
template <typename F>
void ParallelFor(int count, int threads, F f) {
  const int n = std::clamp(threads, 1, std::max(count, 1));
  std::vector<std::thread> workers;
  for (int t = 1; t < n; ++t) {
    workers.emplace_back([&f, t, n, count] {
      for (int c = t; c < count; c += n) f(c);
    });
  }
  for (int c = 0; c < count; c += n) f(c);
  for (std::thread& w : workers) w.join();
}

}  // namespace spix

#endif  // SPIX_BASELINES_PARALLEL_H_
