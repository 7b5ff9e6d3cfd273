// A one-line progress display on stderr for slow stages: redrawn in place
// on a terminal (at most 10 times a second), silent otherwise.
#ifndef SPIX_TOOLS_PROGRESS_H_
#define SPIX_TOOLS_PROGRESS_H_

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace spix {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled)
      : enabled_(enabled && isatty(fileno(stderr))),
        start_(std::chrono::steady_clock::now()) {}

  // `done` in [0, 1]; the ETA assumes the rest goes at the pace so far.
  void Update(const std::string& label, double done) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100) && done < 1) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const int width = 30;
    const int filled = int(done * width + 0.5);
    std::string bar(size_t(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%-16s [%s] %3.0f%%  %.0f s", label.c_str(),
                 bar.c_str(), 100 * done, elapsed);
    if (done > 0.01 && done < 1) {
      std::fprintf(stderr, ", ETA %.0f s  ", elapsed * (1 - done) / done);
    } else {
      std::fprintf(stderr, "           ");
    }
    drawn_ = true;
  }

  // Ends the line so later output starts on its own.
  void Finish() {
    if (drawn_) std::fprintf(stderr, "\n");
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace spix

#endif  // SPIX_TOOLS_PROGRESS_H_
