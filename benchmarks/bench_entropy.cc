// Entropy coder throughput both ways on a Kodak image: the mask coder in mask
// pixels per second (reported as bytes = pixels), the value coder in stored
// pixels per second.
#include <benchmark/benchmark.h>

#include "benchmarks/bench_data.h"
#include "bitstream/container.h"
#include "bitstream/dec_mask.h"
#include "bitstream/dec_values.h"
#include "bitstream/enc_mask.h"
#include "bitstream/enc_values.h"
#include "codec/mask_selection.h"
#include "codec/quantize.h"

namespace spix {
namespace {

struct Fixture {
  Image image = LoadKodak("kodim23.png");
  std::vector<uint8_t> mask;
  std::vector<int32_t> values;
  ValueCodingParams params;

  explicit Fixture(double density) {
    mask = RandomMask(image.width, image.height, density, 1);
    Header h;
    h.channels = 3;
    h.transform = ColorTransform::kYCoCgR;
    h.quant_step_luma = 4;
    h.quant_step_chroma = 8;
    params = ValueParamsForHeader(h);
    for (size_t i = 0; i < mask.size(); ++i) {
      if (!mask[i]) continue;
      int32_t q[3];
      QuantizePixel(h, &image.pixels[i * 3], q);
      values.insert(values.end(), q, q + 3);
    }
  }
};

void BM_MaskEncode(benchmark::State& state) {
  Fixture f(state.range(0) / 100.0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        EncodeMask(f.mask.data(), f.image.width, f.image.height));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * f.mask.size());
}

void BM_MaskDecode(benchmark::State& state) {
  Fixture f(state.range(0) / 100.0);
  const auto coded = EncodeMask(f.mask.data(), f.image.width, f.image.height);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        DecodeMask(coded.data(), coded.size(), f.image.width, f.image.height));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * f.mask.size());
}

void BM_ValuesEncode(benchmark::State& state) {
  Fixture f(state.range(0) / 100.0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(EncodeValues(f.mask.data(), f.image.width,
                                          f.image.height, f.values, f.params));
  }
  state.counters["stored_px/s"] =
      benchmark::Counter(double(f.values.size() / 3) * state.iterations(),
                         benchmark::Counter::kIsRate);
}

void BM_ValuesDecode(benchmark::State& state) {
  Fixture f(state.range(0) / 100.0);
  const auto coded = EncodeValues(f.mask.data(), f.image.width, f.image.height,
                                  f.values, f.params);
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecodeValues(coded->data(), coded->size(),
                                          f.mask.data(), f.image.width,
                                          f.image.height, f.params));
  }
  state.counters["stored_px/s"] =
      benchmark::Counter(double(f.values.size() / 3) * state.iterations(),
                         benchmark::Counter::kIsRate);
}

BENCHMARK(BM_MaskEncode)->Arg(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MaskDecode)->Arg(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ValuesEncode)->Arg(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ValuesDecode)->Arg(5)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace spix

BENCHMARK_MAIN();
