// Wall-clock seconds since a start point, for the stage times every layer
// reports.
#ifndef SPIX_BASELINES_STOPWATCH_H_
#define SPIX_BASELINES_STOPWATCH_H_

#include <chrono>

namespace spix {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace spix

#endif  // SPIX_BASELINES_STOPWATCH_H_
