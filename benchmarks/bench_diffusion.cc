// Homogeneous diffusion inpainting of a Kodak image (768x512, all three
// channels) from a random mask. Goal: <= 0.3 s at 5 % density on one core.
#include <benchmark/benchmark.h>

#include "baselines/diffusion.h"
#include "benchmarks/bench_data.h"
#include "codec/mask_selection.h"
#include "codec/spix.h"

namespace spix {
namespace {

void BM_DiffusionKodak(benchmark::State& state) {
  const Image image = LoadKodak("kodim01.png");
  const double density = state.range(0) / 100.0;
  const auto mask = RandomMask(image.width, image.height, density, 1);
  const size_t n = image.num_pixels();
  std::vector<float> data(n * 3, 0.f);
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) {
      if (mask[i]) data[c * n + i] = image.pixels[i * 3 + c];
    }
  }
  int iterations = 0;
  for (auto _ : state) {
    std::vector<float> planes = data;
    for (int c = 0; c < 3; ++c) {
      iterations = InpaintDiffusion(image.width, image.height, mask.data(),
                                    &planes[c * n], 128.f)
                       .fine_iterations;
    }
    benchmark::DoNotOptimize(planes.data());
  }
  state.counters["fine_iterations"] = iterations;
  state.counters["MP/s"] = benchmark::Counter(
      double(n) * state.iterations() / 1e6, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DiffusionKodak)
    ->Arg(2)
    ->Arg(5)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond);

// The whole decoder: parse, entropy-decode, inpaint. `o` names what it
// measures: the defaults change (this was diffusion on a grid, then g, then
// EED).
void DecodeKodak(benchmark::State& state, EncodeOptions o) {
  const Image image = LoadKodak("kodim01.png");
  o.density = state.range(0) / 100.0;
  const auto bytes = Encode(image, o);
  for (auto _ : state) {
    auto decoded = Decode(bytes->data(), bytes->size());
    benchmark::DoNotOptimize(decoded);
  }
}

// The default codec: EED on a density field with luma preference, 2
// threads.
void BM_DecodeKodak(benchmark::State& state) {
  DecodeKodak(state, EncodeOptions());
}
BENCHMARK(BM_DecodeKodak)->Arg(5)->Unit(benchmark::kMillisecond);

// g on a flat halftone (the default until 2026-12-02), 2 LibTorch threads.
void BM_DecodeKodakLearned(benchmark::State& state) {
  EncodeOptions o;
  o.inpainter = Inpainter::kWganGenerator;
  o.mask = MaskMode::kHalftone;
  o.quant_step_luma = 12;
  DecodeKodak(state, o);
}
BENCHMARK(BM_DecodeKodakLearned)->Arg(5)->Unit(benchmark::kMillisecond);

// Diffusion on a grid mask (the default until 2026-11): one core.
void BM_DecodeKodakDiffusionGrid(benchmark::State& state) {
  EncodeOptions o;
  o.inpainter = Inpainter::kHomogeneousDiffusion;
  o.mask = MaskMode::kGrid;
  o.tonal = false;
  DecodeKodak(state, o);
}
BENCHMARK(BM_DecodeKodakDiffusionGrid)->Arg(5)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace spix

BENCHMARK_MAIN();
