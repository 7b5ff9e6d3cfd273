// Test images for benchmarks: a Kodak image from ../shared/data when it is
// there (SPIX_DATA overrides the folder), a synthetic one otherwise.
#ifndef SPIX_BENCHMARKS_BENCH_DATA_H_
#define SPIX_BENCHMARKS_BENCH_DATA_H_

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "codec/image_io.h"

namespace spix {

inline std::string DataDir() {
  const char* env = std::getenv("SPIX_DATA");
  return env ? env : SPIX_DATA_DIR;
}

// "a,b,c" -> {"a", "b", "c"}: the list flags of the table benchmarks.
inline std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
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

// Centre crop of `size` x `size` (the paper tables' BSDS500 protocol).
inline Image CentreCrop(const Image& in, int size) {
  Image out(size, size, in.channels);
  const int x0 = (in.width - size) / 2, y0 = (in.height - size) / 2;
  for (int y = 0; y < size; ++y) {
    std::memcpy(out.pixel(0, y), in.pixel(x0, y0 + y),
                size_t(size) * in.channels);
  }
  return out;
}

}  // namespace spix

#endif  // SPIX_BENCHMARKS_BENCH_DATA_H_
