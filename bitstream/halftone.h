// Masks drawn by integer Floyd-Steinberg error diffusion. The flat halftone
// is a mask the decoder can redraw from its point count alone, so the MASK
// chunk's halftone method stores no positions; integers keep the drawing
// identical on every platform. docs/format.md specifies the algorithm.
#ifndef SPIX_BITSTREAM_HALFTONE_H_
#define SPIX_BITSTREAM_HALFTONE_H_

#include <cstdint>
#include <vector>

namespace spix {

// Inclusion levels are fixed-point: kHalftoneOne means "surely known".
inline constexpr int32_t kHalftoneOne = 1 << 20;

// Exactly `count` known pixels (1..width*height) spread by error diffusion
// over `levels` (width*height values in [0, kHalftoneOne]; the mask is
// regular where they are flat and denser where they are high).
std::vector<uint8_t> HalftoneLevels(std::vector<int32_t> levels, int width,
                                    int height, uint64_t count);

// The halftone of a flat level: `count` pixels spread evenly.
std::vector<uint8_t> FlatHalftone(int width, int height, uint64_t count);

}  // namespace spix

#endif  // SPIX_BITSTREAM_HALFTONE_H_
