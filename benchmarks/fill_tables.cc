// Semantic-fill results on the held-out faces (the last 1,000 of
// ../shared/data/faces64 by name, never trained on):
//   1. Vitoria et al. Tables 1-2 analogue: MSE, PSNR, SSIM for the central
//      square and three-squares masks, Yeh's loss, Yeh's loss + gradient
//      term and Vitoria's loss over the (alpha, beta, eta) grid of the paper,
//      and Cooper's critic loss (only --loss's rows when it is given);
//   2. Yeh et al.'s masks (central block, random pattern, 80 % random, half);
//   3. Lahiri et al.: iterations to converge from random vs nearest-neighbour
//      latents, and temporal consistency of pseudo-sequences;
//   4. seconds to fill one face at the default settings (or at
//      --iterations N, --restarts N, --average-restarts 0 and --loss L
//      when given);
//   s. each system (a loss with its own prior) at its defaults.
// Metrics are over the whole 64x64 image after Poisson blending, MSE in
// squared grey levels (0..255), as in Vitoria et al.
//   build/benchmarks/fill_tables [--images N] [--iterations N]
//       [--restarts N] [--threads N] [--models DIR] [--sections 1234s]
//       [--sequences N] [--training-faces 1] [--prior P] [--loss L]
//       [--average-restarts 1] [--eta E] [--ensemble 1]
//       (sections also q, n)
// Each loss searches its own prior (codec/fill/fill.h) unless --prior names
// one for all. Section q is one line (central square, --loss or
// --ensemble, default weights or --eta) for picking checkpoints and
// settings;
// section n asks what a nearest-neighbour start buys at small iteration
// budgets and step sizes (central square, one restart).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "baselines/random.h"
#include "baselines/stopwatch.h"
#include "benchmarks/bench_data.h"
#include "codec/fill/fill.h"

namespace spix {
namespace {

constexpr int kSize = kFillImageSize;
constexpr int kHeldOut = 1000;

struct Args {
  int images = 100;
  int iterations = FillOptions().iterations;
  int restarts = 1;
  bool restarts_given = false;  // section 4 times the defaults unless given
  int threads = 2;
  int sequences = 20;
  std::string models;
  std::string prior;  // empty: each loss its own
  // Of sections 3, q and n, and 4 when given (2 and s go through the
  // losses; section 1 keeps only this loss's rows when given).
  FillLossKind loss = FillLossKind::kYeh;
  bool loss_given = false;
  std::string sections = "1234s";
  // Use the first training faces instead of the held-out ones: for picking
  // a checkpoint without looking at the evaluation set.
  bool training_faces = false;
  // The mean of the restarts' fills, or the best one's.
  bool average_restarts = FillOptions().average_restarts;
  double eta = -1;  // the prior term's weight; negative: the loss's default
  bool ensemble = false;  // section q: yeh + dcgan and vitoria + wgan-gp
};

std::vector<Image> Faces(int count, bool training) {
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::directory_iterator(DataDir() + "/faces64")) {
    if (e.path().extension() == ".jpg") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() < size_t(kHeldOut)) {
    std::fprintf(stderr, "fill_tables: faces64 not found under %s\n",
                 DataDir().c_str());
    std::exit(1);
  }
  std::vector<Image> faces;
  for (size_t i = training ? 0 : files.size() - kHeldOut;
       i < files.size() && faces.size() < size_t(count); ++i) {
    std::vector<std::string> warnings;
    StatusOr<Image> image = ReadImage(files[i], &warnings);
    if (!image.ok()) {
      std::fprintf(stderr, "fill_tables: cannot read %s\n", files[i].c_str());
      std::exit(1);
    }
    // One training file of faces64 is 792x264; every held-out one is 64x64.
    if (image->width != kSize || image->height != kSize) continue;
    faces.push_back(*image);
  }
  return faces;
}

// Hole masks: white (255) = hole.
Image Rectangles(const std::vector<std::array<int, 4>>& rects) {
  Image hole(kSize, kSize, 1);
  for (const auto& r : rects) {  // x, y, width, height
    for (int y = r[1]; y < r[1] + r[3]; ++y)
      for (int x = r[0]; x < r[0] + r[2]; ++x) hole.pixel(x, y)[0] = 255;
  }
  return hole;
}
Image CentralSquare() { return Rectangles({{16, 16, 32, 32}}); }
// Three separate rectangles over eyes, nose and mouth height.
Image ThreeSquares() {
  return Rectangles({{10, 14, 18, 14}, {38, 14, 18, 14}, {22, 38, 20, 16}});
}
Image LeftHalf() { return Rectangles({{0, 0, 32, 64}}); }
Image RandomPixels(double missing, uint64_t seed) {
  Image hole(kSize, kSize, 1);
  SplitMix64 rng(seed);
  for (uint8_t& v : hole.pixels)
    v = double(rng.Next() >> 11) * 0x1.0p-53 < missing ? 255 : 0;
  return hole;
}
// Yeh's "pattern": random blobs (here squares of side 4..12) until about a
// quarter of the image is missing.
Image RandomPattern(uint64_t seed) {
  Image hole(kSize, kSize, 1);
  SplitMix64 rng(seed);
  size_t missing = 0;
  while (missing < hole.pixels.size() / 4) {
    const int side = 4 + int(rng.Below(9));
    const int x0 = int(rng.Below(kSize - side + 1));
    const int y0 = int(rng.Below(kSize - side + 1));
    for (int y = y0; y < y0 + side; ++y) {
      for (int x = x0; x < x0 + side; ++x) {
        missing += hole.pixel(x, y)[0] == 0;
        hole.pixel(x, y)[0] = 255;
      }
    }
  }
  return hole;
}

double Mse(const Image& a, const Image& b) {
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    const double d = double(a.pixels[i]) - b.pixels[i];
    sum += d * d;
  }
  return sum / double(a.pixels.size());
}

struct Scores {
  double mse = 0, psnr = 0, ssim = 0;
};

Scores Score(const std::vector<Image>& truth, const std::vector<Image>& out) {
  Scores s;
  for (size_t i = 0; i < truth.size(); ++i) {
    s.mse += Mse(truth[i], out[i]);
    s.psnr += Psnr(truth[i], out[i]);
    s.ssim += Ssim(truth[i], out[i]);
  }
  const double n = double(truth.size());
  return {s.mse / n, s.psnr / n, s.ssim / n};
}

FillOptions BaseOptions(const Args& a) {
  FillOptions o;
  o.models_dir = a.models;
  o.prior = a.prior;
  o.loss = a.loss;
  o.iterations = a.iterations;
  o.restarts = a.restarts;
  o.average_restarts = a.average_restarts;
  o.eta = a.eta;
  o.threads = a.threads;
  return o;
}

std::vector<Image> FillAll(const std::vector<Image>& faces, const Image& hole,
                           const FillOptions& o,
                           std::vector<std::vector<float>>* traces = nullptr) {
  const std::vector<Image> holes(faces.size(), hole);
  StatusOr<std::vector<Image>> filled = FillBatch(faces, holes, o, traces);
  if (!filled.ok()) {
    std::fprintf(stderr, "fill_tables: %s\n",
                 filled.status().message().c_str());
    std::exit(1);
  }
  return *filled;
}

// Of a single system (`o.loss` set).
const char* PriorOf(const FillOptions& o) {
  return o.prior.empty() ? DefaultPrior(*o.loss) : o.prior.c_str();
}

std::string SystemName(const FillOptions& o) {
  if (!o.loss) return "mean of yeh + dcgan and vitoria + wgan-gp";
  return std::string(FillLossName(*o.loss)) + " loss, " + PriorOf(o) + " prior";
}

// Each loss with its own prior (or --prior) at the default weights: the
// central square and the three squares.
void Systems(const Args& a, const std::vector<Image>& faces) {
  std::printf(
      "\n### Each system at its defaults, %zu held-out faces, %d "
      "iterations, %d restart(s)\n\n"
      "| loss | prior | central square: PSNR (dB) / SSIM | three squares: "
      "PSNR (dB) / SSIM |\n|---|---|---|---|\n",
      faces.size(), a.iterations, a.restarts);
  for (FillLossKind loss :
       {FillLossKind::kYeh, FillLossKind::kVitoria, FillLossKind::kCritic}) {
    FillOptions o = BaseOptions(a);
    o.loss = loss;
    const Scores central = Score(faces, FillAll(faces, CentralSquare(), o));
    const Scores three = Score(faces, FillAll(faces, ThreeSquares(), o));
    std::printf("| %s | %s | %.2f / %.4f | %.2f / %.4f |\n", FillLossName(loss),
                PriorOf(o), central.psnr, central.ssim, three.psnr, three.ssim);
    std::fflush(stdout);
  }
}

void Tables12(const Args& a, const std::vector<Image>& faces) {
  struct Config {
    const char* name;
    FillLossKind loss;
    double alpha, beta, eta;
  };
  const double grid[4][3] = {
      {0.1, 0.9, 1.0}, {0.5, 0.5, 1.0}, {0.1, 0.9, 0.5}, {0.5, 0.5, 0.5}};
  std::vector<Config> configs = {
      {"Yeh et al.", FillLossKind::kYeh, 1, 0, 0.003}};
  for (const auto& g : grid)
    configs.push_back(
        {"Yeh + gradient loss", FillLossKind::kYeh, g[0], g[1], g[2]});
  for (const auto& g : grid)
    configs.push_back(
        {"Vitoria et al.", FillLossKind::kVitoria, g[0], g[1], g[2]});
  configs.push_back({"Cooper (critic)", FillLossKind::kCritic, 0, 0, 0});
  const std::pair<const char*, Image> masks[] = {
      {"central square (32x32)", CentralSquare()},
      {"three squares", ThreeSquares()}};
  for (const auto& [mask_name, hole] : masks) {
    std::printf(
        "\n### Vitoria Table %s analogue: %s, %zu held-out faces\n\n"
        "| loss | prior | alpha | beta | eta | MSE | PSNR (dB) | SSIM |\n"
        "|---|---|---|---|---|---|---|---|\n",
        hole.pixels == CentralSquare().pixels ? "1" : "2", mask_name,
        faces.size());
    for (const Config& c : configs) {
      if (a.loss_given && c.loss != a.loss) continue;
      FillOptions o = BaseOptions(a);
      o.loss = c.loss;
      o.alpha = c.alpha;
      o.beta = c.beta;
      o.eta = c.eta;
      const Scores s = Score(faces, FillAll(faces, hole, o));
      std::printf("| %s | %s | %.1f | %.1f | %.3g | %.1f | %.2f | %.4f |\n",
                  c.name, PriorOf(o), c.alpha, c.beta, c.eta, s.mse, s.psnr,
                  s.ssim);
      std::fflush(stdout);
    }
  }
}

void YehMasks(const Args& a, const std::vector<Image>& faces) {
  std::printf(
      "\n### Yeh et al.'s masks, %zu held-out faces, PSNR (dB) after "
      "blending\n\n"
      "| mask | missing | Yeh loss (%s) | Vitoria loss (%s) |\n"
      "|---|---|---|---|\n",
      faces.size(),
      a.prior.empty() ? DefaultPrior(FillLossKind::kYeh) : a.prior.c_str(),
      a.prior.empty() ? DefaultPrior(FillLossKind::kVitoria) : a.prior.c_str());
  const std::pair<const char*, Image> masks[] = {
      {"central block", CentralSquare()},
      {"random pattern", RandomPattern(3)},
      {"80 % random", RandomPixels(0.8, 5)},
      {"left half", LeftHalf()}};
  for (const auto& [name, hole] : masks) {
    size_t missing = 0;
    for (uint8_t v : hole.pixels) missing += v >= 128;
    double psnr[2];
    for (int k = 0; k < 2; ++k) {
      FillOptions o = BaseOptions(a);
      o.loss = k == 0 ? FillLossKind::kYeh : FillLossKind::kVitoria;
      psnr[k] = Score(faces, FillAll(faces, hole, o)).psnr;
    }
    std::printf("| %s | %.0f %% | %.2f | %.2f |\n", name,
                100.0 * double(missing) / double(hole.pixels.size()), psnr[0],
                psnr[1]);
    std::fflush(stdout);
  }
}

// The first iteration at which a trace is at or below `level`.
int FirstBelow(const std::vector<float>& trace, double level) {
  for (size_t k = 0; k < trace.size(); ++k)
    if (trace[k] <= level) return int(k);
  return int(trace.size());
}

void Lahiri(const Args& a, const std::vector<Image>& faces) {
  std::vector<std::vector<float>> random_traces, nn_traces;
  FillOptions o = BaseOptions(a);
  o.nn_init = false;
  const Scores random_scores =
      Score(faces, FillAll(faces, CentralSquare(), o, &random_traces));
  o.nn_init = true;
  const Scores nn_scores =
      Score(faces, FillAll(faces, CentralSquare(), o, &nn_traces));
  // Per image, the level random initialisation reaches at 95 % of its
  // descent; how long each start takes to get there.
  std::vector<int> random_iters, nn_iters;
  for (size_t i = 0; i < faces.size(); ++i) {
    const std::vector<float>& r = random_traces[i];
    const double level = r.back() + 0.05 * (r.front() - r.back());
    random_iters.push_back(FirstBelow(r, level));
    nn_iters.push_back(FirstBelow(nn_traces[i], level));
  }
  auto mean = [](const std::vector<int>& v) {
    double s = 0;
    for (int x : v) s += x;
    return s / double(v.size());
  };
  auto median = [](std::vector<int> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf(
      "\n### Lahiri et al.: random vs nearest-neighbour initialisation "
      "(central square, %s loss, %s prior, %zu faces, %d "
      "iterations)\n\n"
      "Iterations until the loss reaches the level random initialisation "
      "reaches at 95 %% of its descent (per image).\n\n"
      "| init | mean iterations | median | PSNR (dB) | SSIM |\n"
      "|---|---|---|---|---|\n"
      "| random | %.0f | %d | %.2f | %.4f |\n"
      "| nn (pool 300, gamma 0.01) | %.0f | %d | %.2f | %.4f |\n",
      FillLossName(*o.loss), PriorOf(o), faces.size(), a.iterations,
      mean(random_iters), median(random_iters), random_scores.psnr,
      random_scores.ssim, mean(nn_iters), median(nn_iters), nn_scores.psnr,
      nn_scores.ssim);
  std::fflush(stdout);

  // Pseudo-sequences: one face under five shifted holes. Consistency is the
  // mean PSNR between the filled frames of a sequence (Lahiri's eta).
  const int frames = 5;
  std::vector<Image> holes;
  for (int f = 0; f < frames; ++f)
    holes.push_back(Rectangles({{12 + 4 * f, 18, 28, 28}}));
  double consistency[3] = {0, 0, 0}, quality[3] = {0, 0, 0};
  const size_t count = std::min(faces.size(), size_t(a.sequences));
  for (size_t i = 0; i < count; ++i) {
    const std::vector<Image> sequence(frames, faces[i]);
    for (int method = 0; method < 3; ++method) {
      FillOptions m = BaseOptions(a);
      std::vector<Image> out;
      if (method == 0) {  // frame by frame, random starts (Yeh)
        m.nn_init = false;
        for (int f = 0; f < frames; ++f)
          out.push_back(FillAll({faces[i]}, holes[f], m)[0]);
      } else {  // z reuse (Re), then with the group loss (Re + G)
        m.group_weight = method == 1 ? 0 : m.group_weight;
        StatusOr<std::vector<Image>> sequence_out =
            FillSequence(sequence, holes, m);
        if (!sequence_out.ok()) std::exit(1);
        out = *sequence_out;
      }
      double eta = 0;
      int pairs = 0;
      for (int j = 0; j < frames; ++j) {
        quality[method] += Psnr(faces[i], out[j]) / frames;
        for (int k = j + 1; k < frames; ++k, ++pairs)
          eta += std::min(Psnr(out[j], out[k]), 99.0);
      }
      consistency[method] += eta / pairs;
    }
  }
  std::printf(
      "\n### Lahiri et al.: pseudo-sequences (%zu faces x %d frames, a 28x28 "
      "hole moving 4 px per frame)\n\n"
      "| method | consistency eta (dB) | PSNR to truth (dB) |\n|---|---|---|\n"
      "| frame by frame, random init | %.2f | %.2f |\n"
      "| z reuse (Re) | %.2f | %.2f |\n"
      "| z reuse + group loss (Re + G, W = 5, weight %.3g) | %.2f | %.2f |\n",
      count, frames, consistency[0] / count, quality[0] / count,
      consistency[1] / count, quality[1] / count, FillOptions().group_weight,
      consistency[2] / count, quality[2] / count);
  std::fflush(stdout);
}

// One line for checkpoint and settings selection: the central square,
// --loss (default yeh) or --ensemble.
void Quick(const Args& a, const std::vector<Image>& faces) {
  FillOptions o = BaseOptions(a);
  if (a.ensemble) o.loss.reset();
  const Scores s = Score(faces, FillAll(faces, CentralSquare(), o));
  std::printf("\ncentral square, %s%s: MSE %.1f, PSNR %.2f dB, SSIM %.4f\n",
              SystemName(o).c_str(),
              o.average_restarts ? ", restarts averaged" : "", s.mse, s.psnr,
              s.ssim);
}

void NearestStartBudgets(const Args& a, const std::vector<Image>& faces) {
  std::printf(
      "\n### Random vs nearest-neighbour start by budget (central square, "
      "%s loss, %s prior, %zu faces, 1 restart, pool 300, gamma "
      "0.01)\n\n"
      "| step | iterations | random: PSNR (dB) / SSIM | nn: PSNR (dB) / SSIM "
      "|\n|---|---|---|---|\n",
      FillLossName(a.loss), PriorOf(BaseOptions(a)), faces.size());
  for (double lr : {0.03, 0.01}) {
    for (int iterations : {30, 100, 300}) {
      FillOptions o = BaseOptions(a);
      o.restarts = 1;
      o.lr = lr;
      o.iterations = iterations;
      o.nn_init = false;
      const Scores random = Score(faces, FillAll(faces, CentralSquare(), o));
      o.nn_init = true;
      const Scores nn = Score(faces, FillAll(faces, CentralSquare(), o));
      std::printf("| %g | %d | %.2f / %.4f | %.2f / %.4f |\n", lr, iterations,
                  random.psnr, random.ssim, nn.psnr, nn.ssim);
      std::fflush(stdout);
    }
  }
}

void Timing(const Args& a, const std::vector<Image>& faces) {
  FillOptions o;  // the defaults of `spix fill`, or --loss / --prior
  o.models_dir = a.models;
  if (a.loss_given) o.loss = a.loss;
  o.prior = a.prior;
  o.threads = a.threads;
  o.iterations = a.iterations;
  o.average_restarts = a.average_restarts;
  if (a.restarts_given) o.restarts = a.restarts;
  FillAll({faces[0]}, CentralSquare(), o);  // loads the prior
  const int runs = 3;
  Stopwatch watch;
  for (int r = 0; r < runs; ++r) FillAll({faces[r]}, CentralSquare(), o);
  std::printf(
      "\n### Time to fill one 64x64 face at the defaults (%s, %d "
      "iterations, %d restarts%s, %s init, Poisson blending), %d "
      "thread(s)\n\n"
      "%.2f s per face (mean of %d)\n",
      SystemName(o).c_str(), o.iterations, o.restarts,
      o.average_restarts ? " averaged" : "", o.nn_init ? "nn" : "random",
      a.threads, watch.Seconds() / runs, runs);
}

}  // namespace
}  // namespace spix

int main(int argc, char** argv) {
  spix::Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--images")
      a.images = std::atoi(value);
    else if (flag == "--iterations")
      a.iterations = std::atoi(value);
    else if (flag == "--restarts") {
      a.restarts = std::atoi(value);
      a.restarts_given = true;
    } else if (flag == "--threads")
      a.threads = std::atoi(value);
    else if (flag == "--sequences")
      a.sequences = std::atoi(value);
    else if (flag == "--models")
      a.models = value;
    else if (flag == "--prior")
      a.prior = value;
    else if (flag == "--loss") {
      if (!spix::ParseFillLoss(value, &a.loss)) {
        std::fprintf(stderr, "fill_tables: --loss yeh, vitoria or critic\n");
        return 1;
      }
      a.loss_given = true;
    } else if (flag == "--sections")
      a.sections = value;
    else if (flag == "--training-faces")
      a.training_faces = std::atoi(value) != 0;
    else if (flag == "--average-restarts")
      a.average_restarts = std::atoi(value) != 0;
    else if (flag == "--eta")
      a.eta = std::atof(value);
    else if (flag == "--ensemble")
      a.ensemble = std::atoi(value) != 0;
    else {
      std::fprintf(stderr, "fill_tables: unknown flag %s\n", flag.c_str());
      return 1;
    }
  }
  if (a.images < 1 || a.iterations < 1 || a.restarts < 1 || a.threads < 1) {
    std::fprintf(stderr, "fill_tables: counts must be positive\n");
    return 1;
  }
  const std::vector<spix::Image> faces =
      spix::Faces(a.images, a.training_faces);
  std::printf(
      "## Semantic fill on faces64 (%s faces)\n\n"
      "%zu faces, %d iterations, %d restart(s) per image unless "
      "stated.\n",
      a.training_faces ? "training" : "held-out", faces.size(), a.iterations,
      a.restarts);
  if (a.sections.find('1') != std::string::npos) spix::Tables12(a, faces);
  if (a.sections.find('2') != std::string::npos) spix::YehMasks(a, faces);
  if (a.sections.find('3') != std::string::npos) spix::Lahiri(a, faces);
  if (a.sections.find('4') != std::string::npos) spix::Timing(a, faces);
  if (a.sections.find('s') != std::string::npos) spix::Systems(a, faces);
  if (a.sections.find('q') != std::string::npos) spix::Quick(a, faces);
  if (a.sections.find('n') != std::string::npos) {
    spix::NearestStartBudgets(a, faces);
  }
  return 0;
}
