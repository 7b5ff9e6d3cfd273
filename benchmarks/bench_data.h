// Test images for benchmarks: a Kodak image from ../shared/data when it is
// there (SPIX_DATA overrides the folder), a synthetic one otherwise.
#ifndef SPIX_BENCHMARKS_BENCH_DATA_H_
#define SPIX_BENCHMARKS_BENCH_DATA_H_

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "codec/image_io.h"

namespace spix {

inline std::string DataDir() {
  const char* env = std::getenv("SPIX_DATA");
  return env ? env : SPIX_DATA_DIR;
}

inline Image LoadKodak(const std::string& name) {
  std::vector<std::string> warnings;
  auto image = ReadImage(DataDir() + "/kodak/" + name, &warnings);
  if (image.ok()) return *image;
  Image synthetic(768, 512, 3);
  for (int y = 0; y < 512; ++y) {
    for (int x = 0; x < 768; ++x) {
      uint8_t* p = synthetic.pixel(x, y);
      p[0] = uint8_t(128 + 100 * std::sin(x * 0.02) * std::cos(y * 0.03));
      p[1] = uint8_t((x ^ y) & 0xFF);
      p[2] = uint8_t(x * 255 / 767);
    }
  }
  return synthetic;
}

}  // namespace spix

#endif  // SPIX_BENCHMARKS_BENCH_DATA_H_
