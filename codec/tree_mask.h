// Encoder side of binary-tree masks (MASK method 4): grows the tree where
// the reconstruction errs, so the points follow the image while their
// positions cost one flag per cell.
#ifndef SPIX_CODEC_TREE_MASK_H_
#define SPIX_CODEC_TREE_MASK_H_

#include <cstdint>
#include <vector>

#include "bitstream/binary_tree.h"
#include "codec/image.h"

namespace spix {

// Which reconstruction a growth round measures the error of. Homogeneous
// diffusion is fast and suits every decoder early on, when cells are large;
// a decoder that keeps edges (EED) errs elsewhere, so its trees finish
// growing under EED's own error (codec/inpainter.h marks those operators).
enum class TreeError { kDiffusion, kEdgeEnhancing };

// Grows `tree` on until it holds `target` points (or cannot split further).
// Each round inpaints the luma from the current points and splits the leaves
// with the largest squared error (weighted by area^-1/4), largest first: a
// half of them per round, a quarter from effort 7, a tenth at 9 (R-EED
// splits by an error threshold; ranking meets a point budget instead).
// `split_order`, when not null, receives the cells split, in order: under
// kDiffusion any prefix of it is the tree grown to a smaller target.
void GrowTree(const Image& image, uint64_t target, int effort, TreeError error,
              BinaryTreeMask* tree,
              std::vector<uint32_t>* split_order = nullptr);

// The point count from which a growth to `target` that finishes under EED
// measures EED's error: half the target.
uint64_t EdgeEnhancingFinishStart(uint64_t target);

// A tree grown from the root to `target`: under diffusion, then from
// EdgeEnhancingFinishStart() on under EED when `finish_with_eed`.
BinaryTreeMask GrowTreeMask(const Image& image, uint64_t target, int effort,
                            bool finish_with_eed,
                            std::vector<uint32_t>* split_order = nullptr);

// The tree of the first splits of `split_order` that reach `target` points.
BinaryTreeMask ReplayTreeMask(int width, int height,
                              const std::vector<uint32_t>& split_order,
                              uint64_t target);

}  // namespace spix

#endif  // SPIX_CODEC_TREE_MASK_H_
