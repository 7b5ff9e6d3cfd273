// A coarse field of point densities, one log-quantised level per block, that
// the decoder expands into the exact mask: the levels are interpolated
// bilinearly between block centres and halftoned by integer error diffusion
// (halftone.h). An adaptive mask then costs a few hundred bytes instead of
// its positions. Everything here is integer, so the mask is identical on
// every machine. docs/format.md specifies the coding.
#ifndef SPIX_BITSTREAM_DENSITY_FIELD_H_
#define SPIX_BITSTREAM_DENSITY_FIELD_H_

#include <cstdint>
#include <vector>

#include "bitstream/status.h"

namespace spix {

// Level k stands for density 2^((k - 31) / 3): 31 keeps every pixel, each
// step down divides the density by 2^(1/3), level 0 is about 1/1290.
inline constexpr int kDensityLevels = 32;
// The block side is 2^log2: 8 .. 64 pixels.
inline constexpr int kMinDensityBlockLog2 = 3;
inline constexpr int kMaxDensityBlockLog2 = 6;

struct DensityField {
  int block_log2 = 4;
  int cols = 0, rows = 0;       // ceil(width / block), ceil(height / block)
  std::vector<uint8_t> levels;  // rows x cols, each < kDensityLevels

  int block() const { return 1 << block_log2; }
};

// An all-zero field of the right shape for an image.
DensityField EmptyDensityField(int width, int height, int block_log2);

// The density of level k in halftone fixed point (kHalftoneOne = 1).
int32_t DensityLevelValue(int level);

// The nearest level to a density in (0, 1] (nearest in log).
int NearestDensityLevel(double density);

// Per-pixel inclusion levels: block levels bilinearly interpolated between
// block centres (clamped at the borders).
std::vector<int32_t> DensityFieldPixels(const DensityField& field, int width,
                                        int height);

// How many points the field asks for: its pixel levels' sum, rounded.
uint64_t DensityFieldCount(const DensityField& field, int width, int height);

// The mask the decoder draws: exactly `count` points halftoned from the
// field's pixel levels.
std::vector<uint8_t> DensityFieldMask(const DensityField& field, int width,
                                      int height, uint64_t count);

// The field's levels, coded (u8 block log2, then the arithmetic-coded
// levels), and back. Decode checks everything against the image size.
std::vector<uint8_t> EncodeDensityField(const DensityField& field);
StatusOr<DensityField> DecodeDensityField(const uint8_t* data, size_t size,
                                          int width, int height);

}  // namespace spix

#endif  // SPIX_BITSTREAM_DENSITY_FIELD_H_
