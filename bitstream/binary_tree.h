// Binary-tree masks (MASK method 4, format version 2), in the style of
// R-EED (Galic et al. 2008, Schmaltz et al. 2014): the image rectangle is
// split in half along its longer side, recursively, and the corners and
// centre of every cell are known pixels. The mask then costs one flag per
// cell that could be split, and its points still follow the image: the
// encoder splits where the reconstruction errs (codec/tree_mask.h).
// docs/format.md specifies the coding.
#ifndef SPIX_BITSTREAM_BINARY_TREE_H_
#define SPIX_BITSTREAM_BINARY_TREE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bitstream/status.h"

namespace spix {

// A rectangle with inclusive corners; two children share their middle line.
struct TreeCell {
  int32_t x0, y0, x1, y1;
  int32_t depth;
  int32_t children = -1;  // index of the first of two, -1 for a leaf

  // Its middle line would differ from both sides.
  bool Splittable() const { return x1 - x0 >= 2 || y1 - y0 >= 2; }
};

class BinaryTreeMask {
 public:
  BinaryTreeMask(int width, int height);

  int width() const { return width_; }
  int height() const { return height_; }
  const std::vector<TreeCell>& cells() const { return cells_; }
  const std::vector<uint8_t>& mask() const { return mask_; }  // 1 = known
  uint64_t count() const { return count_; }

  // Splits leaf `cell` (which must be splittable) along its longer side
  // (along x when square) and marks the children's points.
  void Split(size_t cell);

 private:
  void Mark(const TreeCell& cell);

  int width_, height_;
  std::vector<TreeCell> cells_;
  std::vector<uint8_t> mask_;
  uint64_t count_ = 0;
};

// Whether a file may hold the tree: at most kMaxTreeCellsPerPoint cells per
// point (plus 8).
bool TreeFitsCellLimit(const BinaryTreeMask& tree);

// The split flags of every splittable cell in pre-order, arithmetic-coded
// with one adaptive model per depth, or (`mixing`, format version 5) mixed
// models that also see the cell's elder sibling and neighbours; and back:
// truncation, stray bytes and trees of more than `max_points` points or
// more cells than the limit allows for them are refused, as soon as they
// appear.
std::vector<uint8_t> EncodeBinaryTree(const BinaryTreeMask& tree, bool mixing);
StatusOr<BinaryTreeMask> DecodeBinaryTree(const uint8_t* data, size_t size,
                                          int width, int height,
                                          uint64_t max_points, bool mixing);

}  // namespace spix

#endif  // SPIX_BITSTREAM_BINARY_TREE_H_
