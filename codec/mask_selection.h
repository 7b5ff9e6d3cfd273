// Encoder stage 1: which pixels to keep.
#ifndef SPIX_CODEC_MASK_SELECTION_H_
#define SPIX_CODEC_MASK_SELECTION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "bitstream/binary_tree.h"
#include "bitstream/density_field.h"
#include "codec/image.h"
#include "codec/spix.h"

namespace spix {

// A mask (1 = known pixel) and, for the density modes, the field the
// decoder redraws it from, or for tree masks the tree.
struct MaskChoice {
  std::vector<uint8_t> mask;
  std::optional<DensityField> field;
  std::optional<BinaryTreeMask> tree;
};

// The mask for `options.mask` at `options.density`. Fails only for learned
// masks whose weights cannot be loaded.
StatusOr<MaskChoice> SelectMask(const Image& image,
                                const EncodeOptions& options);

// The masks of one mode at any density, for rate control: PS runs once down
// to `min_density` and records its removal order, so every density above is
// a prefix of it; the learned mask halftones m's scores at `options.density`
// (computed once) to any density. NLPE (ps+nlpe) is left to Refine(), for the
// final mask.
class MaskFamily {
 public:
  MaskFamily(const Image& image, const EncodeOptions& options,
             double min_density);
  const Status& status() const { return status_; }  // check before At()
  MaskChoice At(double density) const;
  void Refine(MaskChoice* choice) const;

 private:
  const Image& image_;
  EncodeOptions options_;
  Status status_;
  std::vector<uint8_t> base_;  // the PS mask at min_density
  std::vector<uint32_t> removal_order_;
  std::vector<float> learned_scores_;
  std::vector<double> density_weights_;  // kDensity: analytic, refined
  std::vector<uint32_t> tree_splits_;    // kTree: the growth, in order
  uint64_t tree_grown_to_ = 0;           // points of the whole growth
};

// Number of known pixels for a density: round(density * pixels), at least 1.
uint64_t KnownPixelCount(int width, int height, double density);

// Exactly KnownPixelCount() pixels, uniformly at random from `seed`.
std::vector<uint8_t> RandomMask(int width, int height, double density,
                                uint64_t seed);

// Exactly KnownPixelCount() pixels spread by Floyd-Steinberg error diffusion
// over a density proportional to exp(scores): regular where the scores are
// flat, denser where they are high.
std::vector<uint8_t> HalftoneMask(const std::vector<float>& scores, int width,
                                  int height, double density);

// A regular lattice with spacing 1/sqrt(density), centred in the image.
std::vector<uint8_t> GridMask(int width, int height, double density);

}  // namespace spix

#endif  // SPIX_CODEC_MASK_SELECTION_H_
