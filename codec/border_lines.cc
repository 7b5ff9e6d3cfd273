#include "codec/border_lines.h"

#include <algorithm>
#include <cmath>

#include "bitstream/byte_io.h"
#include "bitstream/container.h"
#include "bitstream/format.h"

namespace spix {
namespace {

// Smaller images keep every line in the inpainting.
constexpr int kMinSideForBorderLines = 16;

// The pixels of one line: `count` pixels from (x, y) in steps of (dx, dy).
struct LineSpan {
  int x, y, dx, dy, count;
};

// The line `index` (0 outermost) of a side, inside the lines of the sides
// before it (top and bottom span the width, left and right the rows
// between them).
LineSpan SpanOf(BorderLines::Side side, int index, int width, int height,
                int top, int bottom) {
  switch (side) {
    case BorderLines::kTop:
      return {0, index, 1, 0, width};
    case BorderLines::kBottom:
      return {0, height - 1 - index, 1, 0, width};
    case BorderLines::kLeft:
      return {index, top, 0, 1, height - top - bottom};
    case BorderLines::kRight:
      return {width - 1 - index, top, 0, 1, height - top - bottom};
  }
  return {};
}

template <typename F>
void ForEachPixel(const LineSpan& span, F f) {
  for (int i = 0; i < span.count; ++i) {
    f(span.x + i * span.dx, span.y + i * span.dy);
  }
}

// The mean colour of a line and its samples' squared error against it.
std::array<uint8_t, 3> MeanColour(const Image& image, const LineSpan& span,
                                  double* squared_error) {
  std::array<double, 3> sum{};
  ForEachPixel(span, [&](int x, int y) {
    const uint8_t* p = image.pixel(x, y);
    for (int c = 0; c < image.channels; ++c) sum[c] += p[c];
  });
  std::array<uint8_t, 3> colour{};
  for (int c = 0; c < image.channels; ++c) {
    colour[c] = uint8_t(std::lround(sum[c] / std::max(1, span.count)));
  }
  double error = 0;
  ForEachPixel(span, [&](int x, int y) {
    const uint8_t* p = image.pixel(x, y);
    for (int c = 0; c < image.channels; ++c) {
      const double d = double(p[c]) - colour[c];
      error += d * d;
    }
  });
  *squared_error = error;
  return colour;
}

constexpr BorderLines::Side kSides[] = {BorderLines::kTop, BorderLines::kBottom,
                                        BorderLines::kLeft,
                                        BorderLines::kRight};

}  // namespace

bool BorderLines::empty() const {
  return std::all_of(sides.begin(), sides.end(),
                     [](const auto& side) { return side.empty(); });
}

BorderLines FindBorderLines(const Image& image, double tolerance) {
  BorderLines lines;
  const int w = image.width, h = image.height;
  if (w < kMinSideForBorderLines || h < kMinSideForBorderLines) return lines;
  for (BorderLines::Side side : kSides) {
    const bool rows = side == BorderLines::kTop || side == BorderLines::kBottom;
    for (int k = 0; k < kMaxBorderLines; ++k) {
      const int taken = rows ? lines.count(BorderLines::kTop) +
                                   lines.count(BorderLines::kBottom)
                             : lines.count(BorderLines::kLeft) +
                                   lines.count(BorderLines::kRight);
      if (2 * (taken + 1) > (rows ? h : w)) break;
      const LineSpan span =
          SpanOf(side, k, w, h, lines.count(BorderLines::kTop),
                 lines.count(BorderLines::kBottom));
      double error = 0;
      const std::array<uint8_t, 3> colour = MeanColour(image, span, &error);
      const double samples = double(span.count) * image.channels;
      if (error > tolerance * tolerance * samples) break;
      lines.sides[side].push_back(colour);
    }
  }
  return lines;
}

Image InnerImage(const Image& image, const BorderLines& lines) {
  Image inner(lines.inner_width(image.width), lines.inner_height(image.height),
              image.channels);
  const int left = lines.count(BorderLines::kLeft);
  const int top = lines.count(BorderLines::kTop);
  const size_t row_bytes = size_t(inner.width) * image.channels;
  for (int y = 0; y < inner.height; ++y) {
    std::copy_n(image.pixel(left, top + y), row_bytes, inner.pixel(0, y));
  }
  return inner;
}

Image FramedImage(const Image& inner, const BorderLines& lines) {
  const int top = lines.count(BorderLines::kTop);
  const int bottom = lines.count(BorderLines::kBottom);
  const int left = lines.count(BorderLines::kLeft);
  Image image(inner.width + left + lines.count(BorderLines::kRight),
              inner.height + top + bottom, inner.channels);
  const size_t row_bytes = size_t(inner.width) * inner.channels;
  for (int y = 0; y < inner.height; ++y) {
    std::copy_n(inner.pixel(0, y), row_bytes, image.pixel(left, top + y));
  }
  for (BorderLines::Side side : kSides) {
    for (int k = 0; k < lines.count(side); ++k) {
      const std::array<uint8_t, 3>& colour = lines.sides[side][size_t(k)];
      ForEachPixel(SpanOf(side, k, image.width, image.height, top, bottom),
                   [&](int x, int y) {
                     std::copy_n(colour.begin(), image.channels,
                                 image.pixel(x, y));
                   });
    }
  }
  return image;
}

std::vector<uint8_t> BorderLinesChunk(const BorderLines& lines, int channels) {
  ByteWriter w;
  for (BorderLines::Side side : kSides) w.U8(uint8_t(lines.count(side)));
  for (BorderLines::Side side : kSides) {
    for (const std::array<uint8_t, 3>& colour : lines.sides[side]) {
      w.Bytes(colour.data(), size_t(channels));
    }
  }
  return std::move(w.bytes());
}

StatusOr<BorderLines> ParseBorderLinesChunk(const uint8_t* data, size_t size,
                                            int channels, uint32_t width,
                                            uint32_t height) {
  ByteReader r(data, size);
  std::array<uint8_t, 4> counts{};
  for (uint8_t& count : counts) {
    SPIX_RETURN_IF_ERROR(r.U8(&count, "border line count"));
    if (count > kMaxBorderLines) {
      return CorruptData("border lines: more than " +
                         std::to_string(kMaxBorderLines) + " on a side");
    }
  }
  if (uint32_t(counts[0]) + counts[1] >= height ||
      uint32_t(counts[2]) + counts[3] >= width) {
    return CorruptData("border lines leave no image inside them");
  }
  BorderLines lines;
  for (BorderLines::Side side : kSides) {
    lines.sides[side].resize(counts[side]);
    for (std::array<uint8_t, 3>& colour : lines.sides[side]) {
      for (int c = 0; c < channels; ++c) {
        SPIX_RETURN_IF_ERROR(r.U8(&colour[size_t(c)], "border line colour"));
      }
    }
  }
  if (r.remaining() != 0) {
    return CorruptData("border lines chunk has bytes left over");
  }
  return lines;
}

StatusOr<std::vector<uint8_t>> AddBorderLines(
    const std::vector<uint8_t>& inner_file, const BorderLines& lines, int width,
    int height) {
  SPIX_ASSIGN_OR_RETURN(const ParsedContainer inner,
                        ParseContainer(inner_file.data(), inner_file.size()));
  Header header = inner.header;
  header.version = std::max(header.version, kBorderLinesVersion);
  header.width = uint32_t(width);
  header.height = uint32_t(height);
  std::vector<Chunk> chunks;
  for (const ChunkView& view : inner.chunks) {
    chunks.push_back({view.tag, {view.data, view.data + view.size}});
  }
  chunks.push_back(
      {kBorderLinesChunkTag, BorderLinesChunk(lines, header.channels)});
  return WriteContainer(header, chunks);
}

}  // namespace spix
