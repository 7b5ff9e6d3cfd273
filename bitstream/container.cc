#include "bitstream/container.h"

#include <zlib.h>

#include <cstring>

#include "bitstream/byte_io.h"

namespace spix {
namespace {

bool IsKnownChunk(const std::string& tag, uint8_t version) {
  return tag == kMaskChunkTag || tag == kValuesChunkTag ||
         (tag == kChromaChunkTag && version >= 2) ||
         (tag == kStepMapChunkTag && version >= 3) ||
         (tag == kPostFilterChunkTag && version >= kPostFilterVersion) ||
         (tag == kBorderLinesChunkTag && version >= kBorderLinesVersion);
}

bool IsPrintableTag(const uint8_t* p) {
  for (int i = 0; i < 4; ++i) {
    if (p[i] < 0x20 || p[i] > 0x7e) return false;
  }
  return true;
}

}  // namespace

uint32_t Crc32(const uint8_t* data, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; feed large buffers in pieces.
  while (size > 0) {
    const uInt piece = size > (1u << 30) ? (1u << 30) : uInt(size);
    crc = crc32(crc, data, piece);
    data += piece;
    size -= piece;
  }
  return uint32_t(crc);
}

Status ValidateHeader(const Header& h) {
  if (h.channels != 1 && h.channels != 3) {
    return CorruptData("header: channels must be 1 or 3, got " +
                       std::to_string(h.channels));
  }
  if (h.width == 0 || h.height == 0) {
    return CorruptData("header: zero image dimension " +
                       std::to_string(h.width) + "x" +
                       std::to_string(h.height));
  }
  if (h.width > kMaxDimension || h.height > kMaxDimension ||
      uint64_t(h.width) * h.height > kMaxPixels) {
    return ResourceExhausted("header: image " + std::to_string(h.width) + "x" +
                             std::to_string(h.height) +
                             " exceeds the decoder caps (" +
                             std::to_string(kMaxDimension) + " per side, " +
                             std::to_string(kMaxPixels) + " pixels)");
  }
  switch (h.transform) {
    case ColorTransform::kNone:
      break;
    case ColorTransform::kYCoCgR:
      if (h.channels != 3) {
        return CorruptData("header: YCoCg-R needs 3 channels");
      }
      break;
    default:
      return Unsupported("header: unknown colour transform " +
                         std::to_string(int(h.transform)));
  }
  const bool no_weights = h.inpainter != Inpainter::kWganGenerator &&
                          h.inpainter != Inpainter::kEedRefined;
  for (uint8_t b : h.weights_hash) {
    if (no_weights && b != 0) {
      return CorruptData(
          "header: only learned-decoder files carry a weight "
          "hash");
    }
  }
  switch (h.inpainter) {
    case Inpainter::kHomogeneousDiffusion:
    case Inpainter::kWganGenerator:
      if (h.operator_params[0] != 0 || h.operator_params[1] != 0) {
        return CorruptData("header: reserved bytes are not zero");
      }
      break;
    case Inpainter::kEdgeEnhancingDiffusion:
    case Inpainter::kEedRefined:
      if (h.version < 2) {
        return CorruptData("header: edge-enhancing diffusion needs version 2");
      }
      if (h.operator_params[0] == 0 ||
          (h.version >= kEedPeronaMalikVersion &&
           h.operator_params[0] == kEedPeronaMalik)) {
        return CorruptData("header: edge-enhancing diffusion with contrast 0");
      }
      break;
    default:
      return Unsupported("header: inpainting operator " +
                         std::to_string(int(h.inpainter)) +
                         " is not available in this decoder");
  }
  if (h.quant_step_luma == 0 || h.quant_step_chroma == 0) {
    return CorruptData("header: quantisation step 0");
  }
  return OkStatus();
}

std::vector<uint8_t> WriteContainer(const Header& h,
                                    const std::vector<Chunk>& chunks) {
  ByteWriter w;
  w.Bytes(kMagic, 4);
  w.U8(h.version);
  w.U8(h.channels);
  w.U8(uint8_t(h.transform));
  w.U8(uint8_t(h.inpainter));
  w.U32(h.width);
  w.U32(h.height);
  w.U8(h.quant_step_luma);
  w.U8(h.quant_step_chroma);
  w.U8(h.operator_params[0]);
  w.U8(h.operator_params[1]);
  w.Bytes(h.weights_hash.data(), h.weights_hash.size());
  w.U32(h.noise_seed);
  for (const Chunk& c : chunks) {
    w.Bytes(reinterpret_cast<const uint8_t*>(c.tag.data()), 4);
    w.U32(uint32_t(c.data.size()));
    w.Bytes(c.data.data(), c.data.size());
  }
  w.U32(Crc32(w.bytes().data(), w.bytes().size()));
  return std::move(w.bytes());
}

StatusOr<ParsedContainer> ParseContainer(const uint8_t* data, size_t size,
                                         bool verify_checksum) {
  if (size < 4 || std::memcmp(data, kMagic, 4) != 0) {
    return CorruptData("not a .spix file (wrong magic bytes)");
  }
  if (size < 5) return CorruptData("truncated file: no version byte");
  if (data[4] < kOldestFormatVersion || data[4] > kFormatVersion) {
    return Unsupported("unsupported .spix version " + std::to_string(data[4]) +
                       " (this decoder reads versions " +
                       std::to_string(kOldestFormatVersion) + " to " +
                       std::to_string(kFormatVersion) + ")");
  }
  if (size < kHeaderSize + kChecksumSize) {
    return CorruptData("truncated file: " + std::to_string(size) +
                       " bytes is shorter than a header and checksum");
  }
  const size_t body = size - kChecksumSize;
  if (verify_checksum) {
    ByteReader trailer(data + body, kChecksumSize);
    uint32_t stored = 0;
    SPIX_RETURN_IF_ERROR(trailer.U32(&stored, "checksum"));
    if (stored != Crc32(data, body)) {
      return CorruptData(
          "checksum mismatch: the file is corrupted or truncated");
    }
  }

  ParsedContainer out;
  out.file_size = size;
  Header& h = out.header;
  ByteReader r(data, body);
  uint8_t u8 = 0;
  SPIX_RETURN_IF_ERROR(r.Skip(4, "magic"));
  SPIX_RETURN_IF_ERROR(r.U8(&h.version, "version"));
  SPIX_RETURN_IF_ERROR(r.U8(&h.channels, "channels"));
  SPIX_RETURN_IF_ERROR(r.U8(&u8, "colour transform"));
  h.transform = ColorTransform(u8);
  SPIX_RETURN_IF_ERROR(r.U8(&u8, "inpainter"));
  h.inpainter = Inpainter(u8);
  SPIX_RETURN_IF_ERROR(r.U32(&h.width, "width"));
  SPIX_RETURN_IF_ERROR(r.U32(&h.height, "height"));
  SPIX_RETURN_IF_ERROR(r.U8(&h.quant_step_luma, "luma step"));
  SPIX_RETURN_IF_ERROR(r.U8(&h.quant_step_chroma, "chroma step"));
  SPIX_RETURN_IF_ERROR(r.U8(&h.operator_params[0], "operator parameter"));
  SPIX_RETURN_IF_ERROR(r.U8(&h.operator_params[1], "operator parameter"));
  for (uint8_t& b : h.weights_hash) {
    SPIX_RETURN_IF_ERROR(r.U8(&b, "weight hash"));
  }
  SPIX_RETURN_IF_ERROR(r.U32(&h.noise_seed, "noise seed"));
  SPIX_RETURN_IF_ERROR(ValidateHeader(h));

  uint32_t count = 0;
  while (r.remaining() > 0) {
    if (++count > kMaxChunks) return CorruptData("too many chunks");
    if (r.remaining() < kChunkHeaderSize) {
      return CorruptData("truncated file: partial chunk header");
    }
    const uint8_t* tag_bytes = r.cursor();
    if (!IsPrintableTag(tag_bytes)) {
      return CorruptData("chunk tag is not printable ASCII");
    }
    ChunkView chunk;
    chunk.tag.assign(reinterpret_cast<const char*>(tag_bytes), 4);
    SPIX_RETURN_IF_ERROR(r.Skip(4, "chunk tag"));
    uint32_t length = 0;
    SPIX_RETURN_IF_ERROR(r.U32(&length, "chunk length"));
    if (length > r.remaining()) {
      return CorruptData("chunk '" + chunk.tag + "' declares " +
                         std::to_string(length) + " bytes but only " +
                         std::to_string(r.remaining()) + " remain");
    }
    chunk.data = r.cursor();
    chunk.size = length;
    SPIX_RETURN_IF_ERROR(r.Skip(length, "chunk payload"));
    if (!IsKnownChunk(chunk.tag, h.version)) {
      const bool ancillary = chunk.tag[0] >= 'a' && chunk.tag[0] <= 'z';
      if (ancillary) continue;
      return Unsupported("unknown critical chunk '" + chunk.tag + "'");
    }
    if (FindChunk(out, chunk.tag.c_str()) != nullptr) {
      return CorruptData("duplicate chunk '" + chunk.tag + "'");
    }
    out.chunks.push_back(chunk);
  }
  return out;
}

const ChunkView* FindChunk(const ParsedContainer& container, const char* tag) {
  for (const ChunkView& c : container.chunks) {
    if (c.tag == tag) return &c;
  }
  return nullptr;
}

}  // namespace spix
