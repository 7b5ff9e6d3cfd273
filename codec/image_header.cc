#include "codec/image_header.h"

#include <cctype>
#include <cstring>

namespace spix {
namespace {

uint32_t Be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }
uint32_t Be32(const uint8_t* p) { return Be16(p) << 16 | Be16(p + 2); }
uint32_t Le16(const uint8_t* p) { return uint32_t(p[1]) << 8 | p[0]; }
uint32_t Le24(const uint8_t* p) { return Le16(p) | uint32_t(p[2]) << 16; }
uint32_t Le32(const uint8_t* p) { return Le16(p) | Le16(p + 2) << 16; }

bool StartsWith(const uint8_t* data, size_t size, const char* magic, size_t n) {
  return size >= n && std::memcmp(data, magic, n) == 0;
}

Status Truncated(const char* format) {
  return CorruptData(std::string(format) + " header is truncated or invalid");
}

StatusOr<ImageHeader> Make(const char* format, uint64_t w, uint64_t h) {
  ImageHeader header;
  header.format = format;
  header.width = w;
  header.height = h;
  return header;
}

StatusOr<ImageHeader> PeekPng(const uint8_t* b, size_t size) {
  if (size < 24 || std::memcmp(b + 12, "IHDR", 4) != 0) return Truncated("PNG");
  return Make("PNG", Be32(b + 16), Be32(b + 20));
}

StatusOr<ImageHeader> PeekJpeg(const uint8_t* b, size_t size) {
  size_t i = 2;
  while (i + 9 < size) {
    if (b[i] != 0xFF) break;
    const uint8_t marker = b[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
                     marker != 0xC8 && marker != 0xCC;
    if (sof) return Make("JPEG", Be16(b + i + 7), Be16(b + i + 5));
    i += 2 + Be16(b + i + 2);
  }
  return Truncated("JPEG");
}

// Skips whitespace and '#' comments of a PNM header.
void SkipPnmSpace(const uint8_t* b, size_t size, size_t* i) {
  while (*i < size && (std::isspace(b[*i]) || b[*i] == '#')) {
    if (b[*i] == '#') {
      while (*i < size && b[*i] != '\n') ++*i;
    } else {
      ++*i;
    }
  }
}

bool ReadPnmNumber(const uint8_t* b, size_t size, size_t* i, uint64_t* v) {
  SkipPnmSpace(b, size, i);
  if (*i >= size || !std::isdigit(b[*i])) return false;
  *v = 0;
  while (*i < size && std::isdigit(b[*i])) {
    if (*v > (uint64_t(1) << 40)) return false;
    *v = *v * 10 + (b[(*i)++] - '0');
  }
  return true;
}

StatusOr<ImageHeader> PeekPnm(const uint8_t* b, size_t size) {
  size_t i = 2;
  uint64_t w = 0, h = 0;
  if (!ReadPnmNumber(b, size, &i, &w) || !ReadPnmNumber(b, size, &i, &h)) {
    return Truncated("PNM");
  }
  return Make("PNM", w, h);
}

// PAM: "P7" then KEY value lines up to ENDHDR.
StatusOr<ImageHeader> PeekPam(const uint8_t* b, size_t size) {
  size_t i = 2;
  uint64_t w = 0, h = 0;
  while (i < size) {
    SkipPnmSpace(b, size, &i);
    size_t end = i;
    while (end < size && std::isalpha(b[end])) ++end;
    const std::string key(reinterpret_cast<const char*>(b + i), end - i);
    i = end;
    if (key == "ENDHDR") return Make("PAM", w, h);
    uint64_t value = 0;
    if (key == "WIDTH" || key == "HEIGHT") {
      if (!ReadPnmNumber(b, size, &i, &value)) break;
      (key == "WIDTH" ? w : h) = value;
    } else if (key.empty()) {
      break;
    } else {
      while (i < size && b[i] != '\n') ++i;  // DEPTH, MAXVAL, TUPLTYPE
    }
  }
  return Truncated("PAM");
}

StatusOr<ImageHeader> PeekBmp(const uint8_t* b, size_t size) {
  if (size < 26) return Truncated("BMP");
  if (Le32(b + 14) == 12) return Make("BMP", Le16(b + 18), Le16(b + 20));
  const int32_t w = int32_t(Le32(b + 18)), h = int32_t(Le32(b + 22));
  return Make("BMP", w < 0 ? -int64_t(w) : w, h < 0 ? -int64_t(h) : h);
}

// Classic TIFF: the first IFD's ImageWidth (256) and ImageLength (257).
StatusOr<ImageHeader> PeekTiff(const uint8_t* b, size_t size) {
  const bool le = b[0] == 'I';
  auto u16 = [&](size_t at) { return le ? Le16(b + at) : Be16(b + at); };
  auto u32 = [&](size_t at) { return le ? Le32(b + at) : Be32(b + at); };
  if (size < 8) return Truncated("TIFF");
  const uint64_t ifd = u32(4);
  if (ifd + 2 > size) return Truncated("TIFF");
  const uint64_t entries = u16(size_t(ifd));
  uint64_t w = 0, h = 0;
  for (uint64_t e = 0; e < entries; ++e) {
    const uint64_t at = ifd + 2 + 12 * e;
    if (at + 12 > size) return Truncated("TIFF");
    const uint32_t tag = u16(at), type = u16(at + 2);
    if (tag != 256 && tag != 257) continue;
    const uint64_t value = type == 3   ? u16(at + 8)
                           : type == 4 ? u32(at + 8)
                                       : 0;  // other types are invalid here
    (tag == 256 ? w : h) = value;
  }
  if (w == 0 || h == 0) return Truncated("TIFF");
  return Make("TIFF", w, h);
}

StatusOr<ImageHeader> PeekWebp(const uint8_t* b, size_t size) {
  if (size < 30) return Truncated("WebP");
  if (std::memcmp(b + 12, "VP8 ", 4) == 0) {
    if (b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a) {
      return Truncated("WebP");
    }
    return Make("WebP", Le16(b + 26) & 0x3fff, Le16(b + 28) & 0x3fff);
  }
  if (std::memcmp(b + 12, "VP8L", 4) == 0) {
    if (b[20] != 0x2f) return Truncated("WebP");
    const uint32_t bits = Le32(b + 21);
    return Make("WebP", (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  if (std::memcmp(b + 12, "VP8X", 4) == 0) {
    return Make("WebP", uint64_t(Le24(b + 24)) + 1, uint64_t(Le24(b + 27)) + 1);
  }
  return Truncated("WebP");
}

// A JPEG 2000 codestream's SIZ marker: image extent minus its offset. More
// than 4 components is refused: OpenJPEG allocates per component.
StatusOr<ImageHeader> PeekJ2kCodestream(const uint8_t* b, size_t size) {
  if (size < 42 || Be16(b) != 0xFF4F || Be16(b + 2) != 0xFF51) {
    return Truncated("JPEG 2000");
  }
  const uint64_t x = Be32(b + 8), y = Be32(b + 12);
  const uint64_t x0 = Be32(b + 16), y0 = Be32(b + 20);
  const uint32_t components = Be16(b + 40);
  if (x0 >= x || y0 >= y) return Truncated("JPEG 2000");
  if (components < 1 || components > 4) {
    return Unsupported("JPEG 2000 image with " + std::to_string(components) +
                       " components (1 to 4 are read)");
  }
  return Make("JPEG 2000", x - x0, y - y0);
}

// JP2: boxes up to the contiguous codestream box 'jp2c', whose SIZ is what
// the decoder will allocate for.
StatusOr<ImageHeader> PeekJp2(const uint8_t* b, size_t size) {
  size_t at = 0;
  while (at + 8 <= size) {
    uint64_t length = Be32(b + at);
    size_t header = 8;
    if (length == 1) {
      if (at + 16 > size) break;
      length = uint64_t(Be32(b + at + 8)) << 32 | Be32(b + at + 12);
      header = 16;
    } else if (length == 0) {
      length = size - at;
    }
    if (length < header || length > size - at) break;
    if (std::memcmp(b + at + 4, "jp2c", 4) == 0) {
      return PeekJ2kCodestream(b + at + header, size_t(length) - header);
    }
    at += size_t(length);
  }
  return Truncated("JP2");
}

}  // namespace

StatusOr<ImageHeader> PeekImageHeader(const uint8_t* b, size_t size) {
  static const char kPng[] = "\x89PNG\r\n\x1a\n";
  static const char kJp2[] = "\0\0\0\x0cjP  \r\n\x87\n";
  if (StartsWith(b, size, kPng, 8)) return PeekPng(b, size);
  if (size >= 3 && b[0] == 0xFF && b[1] == 0xD8) return PeekJpeg(b, size);
  if (size >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') {
    return PeekPnm(b, size);
  }
  if (StartsWith(b, size, "P7", 2)) return PeekPam(b, size);
  if (StartsWith(b, size, "BM", 2)) return PeekBmp(b, size);
  if (StartsWith(b, size, "II*\0", 4) || StartsWith(b, size, "MM\0*", 4)) {
    return PeekTiff(b, size);
  }
  if (StartsWith(b, size, "II+\0", 4) || StartsWith(b, size, "MM\0+", 4)) {
    return Unsupported("BigTIFF images are not read");
  }
  if (size >= 12 && StartsWith(b, size, "RIFF", 4) &&
      std::memcmp(b + 8, "WEBP", 4) == 0) {
    return PeekWebp(b, size);
  }
  if (StartsWith(b, size, kJp2, 12)) return PeekJp2(b, size);
  if (StartsWith(b, size, "\xFF\x4F\xFF\x51", 4)) {
    return PeekJ2kCodestream(b, size);
  }
  if (StartsWith(b, size, "\x59\xa6\x6a\x95", 4)) {
    if (size < 12) return Truncated("Sun raster");
    return Make("Sun raster", Be32(b + 4), Be32(b + 8));
  }
  if (StartsWith(b, size, "PF", 2) || StartsWith(b, size, "Pf", 2) ||
      StartsWith(b, size, "#?", 2) ||
      StartsWith(b, size, "\x76\x2f\x31\x01", 4)) {
    return Unsupported(
        "floating-point images (PFM, Radiance HDR, OpenEXR) are not read; "
        "convert to 8-bit first");
  }
  return Unsupported(
      "not a PNG, JPEG, PNM, BMP, TIFF, WebP, JPEG 2000 or Sun raster image");
}

}  // namespace spix
