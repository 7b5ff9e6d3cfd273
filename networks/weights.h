// Versioned weight files in the safetensors layout: an 8-byte little-endian
// header length, a JSON header (tensor name -> dtype F32, shape, byte
// offsets; "__metadata__" with the network name and version), then raw
// little-endian float32 data. The file's SHA-256 identifies it; the first
// 8 bytes of that hash go into every .spix header made with it.
// No LibTorch here, so the codec and the tests can read files directly.
#ifndef SPIX_NETWORKS_WEIGHTS_H_
#define SPIX_NETWORKS_WEIGHTS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bitstream/status.h"

namespace spix {

struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

struct WeightFile {
  std::string network;  // e.g. "inpaint-g"
  int version = 0;      // architecture version the tensors belong to
  std::vector<NamedTensor> tensors;
};

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(const uint8_t* data, size_t size);
std::string HexString(const uint8_t* data, size_t size);

std::vector<uint8_t> SerializeWeights(const WeightFile& file);
StatusOr<WeightFile> ParseWeights(const uint8_t* data, size_t size);

// Reads and parses a file; `digest` (optional) receives its SHA-256.
StatusOr<WeightFile> ReadWeightFile(const std::string& path,
                                    Sha256Digest* digest = nullptr);
// Written atomically (temporary file, then rename).
Status WriteWeightFile(const std::string& path, const WeightFile& file);

}  // namespace spix

#endif  // SPIX_NETWORKS_WEIGHTS_H_
