// The .spix container: a fixed 32-byte header, tagged length-prefixed chunks
// and a CRC-32 trailer over everything before it. See docs/format.md.
#ifndef SPIX_BITSTREAM_CONTAINER_H_
#define SPIX_BITSTREAM_CONTAINER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bitstream/format.h"
#include "bitstream/status.h"

namespace spix {

struct Header {
  uint8_t version = kOldestFormatVersion;
  uint32_t width = 0;
  uint32_t height = 0;
  uint8_t channels = 0;
  ColorTransform transform = ColorTransform::kNone;
  Inpainter inpainter = Inpainter::kHomogeneousDiffusion;
  uint8_t quant_step_luma = 1;
  uint8_t quant_step_chroma = 1;
  std::array<uint8_t, 2> operator_params{};  // see Inpainter in format.h
  std::array<uint8_t, 8> weights_hash{};     // all zero for diffusion
  uint32_t noise_seed = 0;
};

struct Chunk {
  std::string tag;  // exactly four ASCII characters
  std::vector<uint8_t> data;
};

// A chunk of a parsed file: points into the caller's buffer.
struct ChunkView {
  std::string tag;
  const uint8_t* data = nullptr;
  size_t size = 0;
};

struct ParsedContainer {
  Header header;
  std::vector<ChunkView> chunks;  // known chunks only, in file order
  size_t file_size = 0;
};

std::vector<uint8_t> WriteContainer(const Header& header,
                                    const std::vector<Chunk>& chunks);

// Checks magic, version, every header field against the caps, chunk bounds
// and (unless disabled, as the fuzzer does to reach deeper) the checksum.
StatusOr<ParsedContainer> ParseContainer(const uint8_t* data, size_t size,
                                         bool verify_checksum = true);

// Validates the header fields on their own (shared by writer and parser).
Status ValidateHeader(const Header& header);

const ChunkView* FindChunk(const ParsedContainer& container, const char* tag);

uint32_t Crc32(const uint8_t* data, size_t size);

}  // namespace spix

#endif  // SPIX_BITSTREAM_CONTAINER_H_
