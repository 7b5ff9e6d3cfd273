// The post-filter (format version 7, FILT chunk): after inpainting, each
// colour plane of the decoded image goes through a small symmetric FIR
// filter whose taps the encoder fitted to that very image by least squares
// (a Wiener filter, as video codecs' adaptive loop filters do) and stored.
// It corrects what an operator gets wrong the same way all over an image
// (too smooth between the points, the tuned values' spikes at them), for
// 25-218 bytes of taps on Kodak images. Integer arithmetic throughout, so every
// decoder produces the same pixels. docs/format.md specifies it.
#ifndef SPIX_CODEC_POST_FILTER_H_
#define SPIX_CODEC_POST_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bitstream/status.h"
#include "codec/image.h"

namespace spix {

// One plane's filter: out = p + sum_k taps[k] * (p[x + o_k] + p[x - o_k] -
// 2 p[x]) / 2^fraction_bits over the offsets o_k of PostFilterOffsets(radius),
// so flat areas pass unchanged; with 3 or 5 classes each pixel takes the tap
// set of its DirectionClass().
struct PostFilterPlane {
  int radius = 0;  // 0: the plane is left as decoded
  int fraction_bits = 0;
  int classes = 1;            // 1, 3 or 5
  std::vector<int32_t> taps;  // classes x radius * (radius + 1), class-major
};

// Planes: luma R + 2G + B, 2 (R - B) and 2G - R - B for colour images (the
// YCoCg planes at four times luma's scale, so that RGB is their sum / 4),
// four times the grey for grey ones.
struct PostFilter {
  std::vector<PostFilterPlane> planes;

  bool active() const;
};

// Half of the diamond |dy| + |dx| <= radius without its centre (each offset
// stands for itself and its mirror), nearest ring first, so a smaller
// radius's offsets are a prefix of a larger one's.
struct FilterOffset {
  int dy, dx;
};
std::vector<FilterOffset> PostFilterOffsets(int radius);

// How the luma plane varies around each pixel, from the sums over a 5x5
// window of its absolute second differences along x (H), along y (V), along
// x = y (D1) and along x = -y (D2): 1 where 2H > 3V, 2 where 2V > 3H, else
// 3 where 2 D1 > 3 D2, 4 where 2 D2 > 3 D1, else 0. With 3 classes, 3 and 4
// count as 0. One byte per pixel.
std::vector<uint8_t> DirectionClasses(const Image& image);

std::vector<uint8_t> PostFilterChunk(const PostFilter& filter);
StatusOr<PostFilter> ParsePostFilterChunk(const uint8_t* data, size_t size,
                                          int channels);
// For `spix info`, e.g. "luma radius 6, Co 2, Cg off".
std::string DescribePostFilter(const PostFilter& filter);

void ApplyPostFilter(const PostFilter& filter, Image* image, int threads);

// The encoder's side: the taps that bring `decoded` closest to `original`,
// per plane the radius and precision that pay for their bytes in a file of
// `file_bytes`, judged by the slope of the codec's rate-distortion curve.
// Inactive when no plane pays for the chunk.
PostFilter FitPostFilter(const Image& original, const Image& decoded,
                         size_t file_bytes, int threads);

}  // namespace spix

#endif  // SPIX_CODEC_POST_FILTER_H_
