// Bits per mask pixel of the spix context coder against zstd and JBIG, and
// bits per stored pixel of the value coder against zstd, on Kodak images.
//   build/benchmarks/mask_coding_table > benchmarks/results/mask_coding.md
extern "C" {
#include <jbig.h>
}
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "baselines/random.h"
#include "benchmarks/bench_data.h"
#include "bitstream/container.h"
#include "bitstream/enc_mask.h"
#include "bitstream/enc_values.h"
#include "bitstream/mask_bitmap.h"
#include "codec/mask_selection.h"
#include "codec/quantize.h"

namespace spix {
namespace {

const char* const kImages[] = {"kodim01.png", "kodim05.png", "kodim15.png",
                               "kodim23.png"};
constexpr int kZstdLevel = 19;

// Known pixels drawn with probability proportional to the local gradient
// magnitude: clustered along edges, like optimised masks.
std::vector<uint8_t> EdgeMask(const Image& img, double density, uint64_t seed) {
  const int w = img.width, h = img.height;
  std::vector<double> g(img.num_pixels(), 0.0);
  double total = 0;
  auto luma = [&](int x, int y) {
    const uint8_t* p =
        img.pixel(std::clamp(x, 0, w - 1), std::clamp(y, 0, h - 1));
    return (p[0] + 2.0 * p[1] + p[2]) / 4.0;
  };
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double gx = luma(x + 1, y) - luma(x - 1, y);
      const double gy = luma(x, y + 1) - luma(x, y - 1);
      g[size_t(y) * w + x] = std::sqrt(gx * gx + gy * gy) + 1.0;
      total += g[size_t(y) * w + x];
    }
  }
  SplitMix64 rng(seed);
  std::vector<uint8_t> mask(g.size());
  const double scale = density * double(g.size()) / total;
  for (size_t i = 0; i < g.size(); ++i) {
    mask[i] = double(rng.Next() >> 11) / double(1ull << 53) < g[i] * scale;
  }
  return mask;
}

size_t ZstdSize(const void* data, size_t size) {
  std::vector<uint8_t> out(ZSTD_compressBound(size));
  return ZSTD_compress(out.data(), out.size(), data, size, kZstdLevel);
}

void CountBytes(unsigned char*, size_t len, void* total) {
  *static_cast<size_t*>(total) += len;
}

size_t JbigSize(const std::vector<uint8_t>& mask, int w, int h) {
  std::vector<uint8_t> packed = PackMask(mask.data(), w, h);
  unsigned char* planes[1] = {packed.data()};
  size_t total = 0;
  jbg_enc_state state;
  jbg_enc_init(&state, w, h, 1, planes, CountBytes, &total);
  jbg_enc_layers(&state, 0);
  jbg_enc_out(&state);
  jbg_enc_free(&state);
  return total;
}

double BinaryEntropy(double d) {
  if (d <= 0 || d >= 1) return 0;
  return -(d * std::log2(d) + (1 - d) * std::log2(1 - d));
}

struct Row {
  double density = 0, spix = 0, zstd = 0, jbig = 0, entropy = 0;
  double values_spix = 0, values_zstd = 0;
};

Row Measure(const std::string& kind, double density) {
  Row row;
  double pixels = 0, stored = 0;
  for (const char* name : kImages) {
    const Image img = LoadKodak(name);
    const int w = img.width, h = img.height;
    std::vector<uint8_t> mask;
    if (kind == "random") mask = RandomMask(w, h, density, 7);
    if (kind == "grid") mask = GridMask(w, h, density);
    if (kind == "edges") mask = EdgeMask(img, density, 7);
    size_t ones = 0;
    for (uint8_t m : mask) ones += m;
    row.density += double(ones);
    pixels += double(mask.size());
    row.spix += 8.0 * EncodeMask(mask.data(), w, h).size();
    const auto packed = PackMask(mask.data(), w, h);
    row.zstd += 8.0 * ZstdSize(packed.data(), packed.size());
    row.jbig += 8.0 * JbigSize(mask, w, h);

    Header header;
    header.channels = 3;
    header.transform = ColorTransform::kYCoCgR;
    header.quant_step_luma = 4;
    header.quant_step_chroma = 8;
    std::vector<int32_t> values;
    std::vector<int16_t> raw;
    for (size_t i = 0; i < mask.size(); ++i) {
      if (!mask[i]) continue;
      int32_t q[3];
      QuantizePixel(header, &img.pixels[i * 3], q);
      values.insert(values.end(), q, q + 3);
      raw.insert(raw.end(), q, q + 3);
    }
    auto coded =
        EncodeValues(mask.data(), w, h, values, ValueParamsForHeader(header));
    row.values_spix += 8.0 * coded->size();
    row.values_zstd += 8.0 * ZstdSize(raw.data(), raw.size() * sizeof(int16_t));
    stored += double(ones);
  }
  row.density /= pixels;
  row.entropy = BinaryEntropy(row.density);
  row.spix /= pixels;
  row.zstd /= pixels;
  row.jbig /= pixels;
  row.values_spix /= stored;
  row.values_zstd /= stored;
  return row;
}

}  // namespace
}  // namespace spix

int main() {
  using namespace spix;
  std::printf("# Mask and value coding\n\n");
  std::printf(
      "Made by `build/benchmarks/mask_coding_table > "
      "benchmarks/results/mask_coding.md` on Kodak kodim01, 05, 15, 23 "
      "(768x512).\n\n");
  std::printf(
      "Mask columns: bits per mask pixel (whole image), for the spix context "
      "coder (MASK chunk payload), zstd -%d on the 1-bit packed bitmap, JBIG "
      "(libjbig, one layer, default template) and the binary entropy H(d) "
      "of the measured density d (the i.i.d. bound; structured masks can go "
      "below it).\n",
      kZstdLevel);
  std::printf(
      "Value columns: bits per stored pixel (all three YCoCg-R channels, "
      "quantisation steps 4/8) for the spix value coder (VALS chunk) and "
      "zstd -%d on the same indices as 16-bit integers.\n\n",
      kZstdLevel);
  std::printf(
      "| mask | density | spix | zstd | JBIG | H(d) | values: spix | values: "
      "zstd |\n|---|---|---|---|---|---|---|---|\n");
  for (const char* kind : {"random", "grid", "edges"}) {
    for (double d : {0.01, 0.02, 0.05, 0.10}) {
      const Row r = Measure(kind, d);
      std::printf(
          "| %s | %.2f %% | %.4f | %.4f | %.4f | %.4f | %.2f | %.2f |\n", kind,
          100 * r.density, r.spix, r.zstd, r.jbig, r.entropy, r.values_spix,
          r.values_zstd);
    }
  }
  return 0;
}
