// PS, NLPE and tonal optimisation on a 128x128 centre crop of a BSDS500
// test image at 5 % density, one core: the paper's Table 4 setting (PS
// 58.84 s, PS+NLPE 251.28 s on an i5-6660K). Goal: >= 100x faster.
#include <benchmark/benchmark.h>

#include <cstring>

#include "baselines/planar_image.h"
#include "baselines/spatial_optimisation.h"
#include "baselines/tonal_optimisation.h"
#include "benchmarks/bench_data.h"
#include "codec/mask_selection.h"

namespace spix {
namespace {

PlanarImage Crop128() {
  std::vector<std::string> warnings;
  auto full = ReadImage(DataDir() + "/bsds500/test/100007.jpg", &warnings);
  const Image source = full.ok() ? *full : LoadKodak("kodim01.png");
  Image crop(128, 128, 3);
  const int x0 = (source.width - 128) / 2, y0 = (source.height - 128) / 2;
  for (int y = 0; y < 128; ++y) {
    std::memcpy(crop.pixel(0, y), source.pixel(x0, y0 + y), 128 * 3);
  }
  return ToPlanar(crop.pixels.data(), 128, 128, 3);
}

const uint64_t kTarget = KnownPixelCount(128, 128, 0.05);

void BM_ProbabilisticSparsification(benchmark::State& state) {
  const PlanarImage f = Crop128();
  for (auto _ : state) {
    benchmark::DoNotOptimize(ProbabilisticSparsification(f, kTarget, {}));
  }
}
BENCHMARK(BM_ProbabilisticSparsification)->Unit(benchmark::kMillisecond);

void BM_NonLocalPixelExchange5Cycles(benchmark::State& state) {
  const PlanarImage f = Crop128();
  const std::vector<uint8_t> ps = ProbabilisticSparsification(f, kTarget, {});
  for (auto _ : state) {
    std::vector<uint8_t> mask = ps;
    NonLocalPixelExchange(f, &mask, {});
    benchmark::DoNotOptimize(mask.data());
  }
}
BENCHMARK(BM_NonLocalPixelExchange5Cycles)->Unit(benchmark::kMillisecond);

void BM_TonalOptimisation(benchmark::State& state) {
  const PlanarImage f = Crop128();
  const std::vector<uint8_t> mask = ProbabilisticSparsification(f, kTarget, {});
  for (auto _ : state) {
    benchmark::DoNotOptimize(OptimiseTonalValues(f, mask).data.data());
  }
}
BENCHMARK(BM_TonalOptimisation)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace spix

BENCHMARK_MAIN();
