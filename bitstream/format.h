// Every constant of the .spix container in one place (docs/format.md is the
// prose version of this file; keep the two in step).
#ifndef SPIX_BITSTREAM_FORMAT_H_
#define SPIX_BITSTREAM_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace spix {

inline constexpr uint8_t kMagic[4] = {'S', 'P', 'I', 'X'};
// The newest version this code reads, and the one its encoder writes. What
// each version added: 2 density-field and tree masks, EED, the CHRM chunk;
// 3 the QMAP chunk; 4 EED's Perona-Malik diffusivity; 5 value residuals
// and binary-tree split flags coded with mixed models; 6 chroma points
// spread by the luma points' density; 7 the post-filter (FILT).
inline constexpr uint8_t kFormatVersion = 8;
inline constexpr uint8_t kOldestFormatVersion = 1;

inline constexpr size_t kHeaderSize = 32;
inline constexpr size_t kChunkHeaderSize = 8;  // 4-byte tag + u32 length
inline constexpr size_t kChecksumSize = 4;     // CRC-32 trailer

// Caps checked before anything is allocated. 4096x4096 must fit; 64 MP is
// the most a decoder will ever reconstruct.
inline constexpr uint32_t kMaxDimension = 1u << 15;
inline constexpr uint64_t kMaxPixels = 1ull << 26;
inline constexpr uint32_t kMaxChunks = 64;

enum class ColorTransform : uint8_t {
  kNone = 0,    // grey, or RGB stored as is
  kYCoCgR = 1,  // reversible integer lifting transform (luma, two chromas)
};

// The header's operator id; codec/inpainter.h holds the table of what each
// one does. Operator parameters (two header bytes, version 2) are zero
// unless the operator defines them.
enum class Inpainter : uint8_t {
  kHomogeneousDiffusion = 0,  // no weights: the weight hash is all zero
  kWganGenerator = 1,  // the learned generator g; the hash names its weights
  // Version 2: edge-enhancing diffusion; parameter 0 is the contrast
  // lambda in units of 1/8 grey level (1..255), parameter 1 the smoothing
  // scale sigma in units of 1/16 pixel. From version 4, parameter 0's top
  // bit (kEedPeronaMalik) selects the Perona-Malik diffusivity instead of
  // Charbonnier's and lambda is its low seven bits (1..127).
  kEdgeEnhancingDiffusion = 2,
  // Version 2: edge-enhancing diffusion as for 2 (same parameters), then
  // the refinement network g2 corrects the whole image; the hash names its
  // weights.
  kEedRefined = 3,
};
inline constexpr float kEedContrastUnit = 1.f / 8;
inline constexpr uint8_t kEedPeronaMalik = 0x80;
inline constexpr uint8_t kEedPeronaMalikVersion = 4;
inline constexpr float kEedSigmaUnit = 1.f / 16;

// Chunk tags. Upper-case first letter: critical (an unknown one is refused);
// lower-case first letter: ancillary (an unknown one is skipped).
inline constexpr char kMaskChunkTag[5] = "MASK";
inline constexpr char kValuesChunkTag[5] = "VALS";
// Version 2, luma preference: VALS holds luma only, CHRM the chroma.
inline constexpr char kChromaChunkTag[5] = "CHRM";
// Version 3, with CHRM only: the luma step of each point follows the local
// point density (codec/quantize.h).
inline constexpr char kStepMapChunkTag[5] = "QMAP";
// Version 7, optional: the post-filter's taps (codec/post_filter.h).
inline constexpr char kPostFilterChunkTag[5] = "FILT";
// Version 8, optional: border lines of one colour each (codec/border_lines.h).
inline constexpr char kBorderLinesChunkTag[5] = "BRDR";

// Mask chunk: u32 point count, u8 method, then
//   kContextArithmetic: u8 horizontal and u8 vertical context offset
//     (0: unused), then the arithmetic-coded bilevel image;
//   kZstdBitmap: a zstd frame of the bitmap packed 8 pixels a byte, MSB
//     first, each row starting on a byte (wins on periodic masks);
//   kFlatHalftone: nothing; the mask is FlatHalftone() of the point count
//     (bitstream/halftone.h);
//   kDensityField (version 2): u8 block log2, then the arithmetic-coded
//     levels; the mask is the field's halftone (bitstream/density_field.h).
enum class MaskMethod : uint8_t {
  kContextArithmetic = 0,
  kZstdBitmap = 1,
  kFlatHalftone = 2,
  kDensityField = 3,
  kBinaryTree = 4,  // format version 2 (bitstream/binary_tree.h)
};
// A binary tree may hold at most this many cells per known pixel (plus 8):
// a decoder stops there, so no small chunk can make it allocate cells for a
// whole large image. Grown trees hold fewer cells than points.
inline constexpr uint64_t kMaxTreeCellsPerPoint = 8;
inline constexpr uint8_t kMaxMaskContextOffset = 64;
inline constexpr int kMaskZstdLevel = 19;

// Values chunk: u8 prediction radius, then the arithmetic-coded residuals.
inline constexpr uint8_t kMaxPredictionRadius = 64;

// From version 5 the bits of value residuals and binary-tree split flags
// are coded with mixed models (bitstream/logistic_mixing.h).
inline constexpr uint8_t kMixedModelsVersion = 5;

// Chroma chunk (luma preference, colour images): u8 level drop, u32 chroma
// point count, from version 6 u8 spread exponent and u8 spread radius, then
// a values payload (as VALS) of the two chroma channels at the chroma mask:
// the luma density field `drop` levels lower when the mask is a density
// field, else the halftone of the count, flat (exponent 0, radius 0) or
// following the luma points' window density to the power exponent/16
// (codec/luma_preference.h).
inline constexpr uint8_t kMaxChromaLevelDrop = 31;
inline constexpr uint8_t kChromaSpreadVersion = 6;
inline constexpr uint8_t kMaxChromaSpreadExponent = 16;
inline constexpr uint8_t kMaxChromaSpreadRadius = 32;

// Step-map chunk (version 3): u8 exponent g (1..kMaxStepExponent), u8
// window radius r (1..kMaxStepWindowRadius). The luma step of a known pixel
// is the header's, times the local point density (known pixels in the
// (2r+1)^2 window) relative to the points' mean, to the power g/16, in
// steps of 1/8 octave (codec/quantize.h), at most 2 octaves either way.
inline constexpr uint8_t kMaxStepExponent = 16;
inline constexpr uint8_t kMaxStepWindowRadius = 64;
inline constexpr int kMaxStepOctaves = 2;

// Post-filter chunk (version 7): u8 plane count (the header's channels),
// then per plane u8 radius (0: unfiltered, else at most kMaxPostFilterRadius)
// and, for a radius above 0, u8 fraction bits and u8 direction classes (1,
// 3 or 5); then one arithmetic-coded payload of every filtered plane's taps,
// class by class, each a zero flag, a sign and an Exp-Golomb magnitude
// below 2^kMaxPostFilterTapBits.
inline constexpr uint8_t kPostFilterVersion = 7;

// Border-lines chunk (version 8): u8 line counts of the top, bottom, left and
// right borders (each at most kMaxBorderLines), then one colour (channels
// bytes) per line: the top lines from the outermost in, then the bottom,
// left and right ones.
inline constexpr uint8_t kBorderLinesVersion = 8;
inline constexpr int kMaxBorderLines = 8;
inline constexpr int kMaxPostFilterRadius = 8;
inline constexpr int kMinPostFilterFractionBits = 4;
inline constexpr int kMaxPostFilterFractionBits = 12;
inline constexpr int kMaxPostFilterTapBits = 14;

}  // namespace spix

#endif  // SPIX_BITSTREAM_FORMAT_H_
