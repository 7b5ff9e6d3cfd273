#include "bitstream/binary_tree.h"

#include <algorithm>
#include <array>

#include "bitstream/binary_model.h"
#include "bitstream/dec_arith.h"
#include "bitstream/enc_arith.h"
#include "bitstream/format.h"

namespace spix {
namespace {

// Split flags take one model per depth; deeper cells share the last.
constexpr int kDepthContexts = 32;
using SplitModels = std::array<BinaryModel<30>, kDepthContexts>;

BinaryModel<30>& ModelOf(SplitModels& models, const TreeCell& cell) {
  return models[std::min(cell.depth, kDepthContexts - 1)];
}

uint64_t CellLimit(uint64_t points) {
  return kMaxTreeCellsPerPoint * points + 8;
}

}  // namespace

bool TreeFitsCellLimit(const BinaryTreeMask& tree) {
  return tree.cells().size() <= CellLimit(tree.count());
}

BinaryTreeMask::BinaryTreeMask(int width, int height)
    : width_(width), height_(height), mask_(size_t(width) * height, 0) {
  cells_.push_back({0, 0, width - 1, height - 1, 0});
  Mark(cells_[0]);
}

void BinaryTreeMask::Split(size_t cell) {
  const TreeCell parent = cells_[cell];
  TreeCell first = parent, second = parent;
  first.depth = second.depth = parent.depth + 1;
  if (parent.x1 - parent.x0 >= parent.y1 - parent.y0) {
    first.x1 = second.x0 = (parent.x0 + parent.x1) / 2;
  } else {
    first.y1 = second.y0 = (parent.y0 + parent.y1) / 2;
  }
  cells_[cell].children = int32_t(cells_.size());
  cells_.push_back(first);
  cells_.push_back(second);
  Mark(first);
  Mark(second);
}

void BinaryTreeMask::Mark(const TreeCell& c) {
  const int32_t xs[5] = {c.x0, c.x1, c.x0, c.x1, (c.x0 + c.x1) / 2};
  const int32_t ys[5] = {c.y0, c.y0, c.y1, c.y1, (c.y0 + c.y1) / 2};
  for (int k = 0; k < 5; ++k) {
    uint8_t& known = mask_[size_t(ys[k]) * width_ + xs[k]];
    count_ += !known;
    known = 1;
  }
}

std::vector<uint8_t> EncodeBinaryTree(const BinaryTreeMask& tree) {
  SplitModels models;
  ArithEncoder enc;
  std::vector<int32_t> stack = {0};
  while (!stack.empty()) {
    const TreeCell& cell = tree.cells()[size_t(stack.back())];
    stack.pop_back();
    if (!cell.Splittable()) continue;
    const bool split = cell.children >= 0;
    enc.Encode(split, ModelOf(models, cell));
    if (split) {
      stack.push_back(cell.children + 1);
      stack.push_back(cell.children);
    }
  }
  return enc.Finish();
}

StatusOr<BinaryTreeMask> DecodeBinaryTree(const uint8_t* data, size_t size,
                                          int width, int height,
                                          uint64_t max_points) {
  BinaryTreeMask tree(width, height);
  SplitModels models;
  ArithDecoder dec(data, size);
  const uint64_t max_cells = CellLimit(max_points);
  std::vector<int32_t> stack = {0};
  uint64_t flags = 0;
  while (!stack.empty()) {
    const size_t k = size_t(stack.back());
    stack.pop_back();
    if (!tree.cells()[k].Splittable()) continue;
    if (dec.Decode(ModelOf(models, tree.cells()[k]))) {
      if (tree.cells().size() + 2 > max_cells) {
        return CorruptData("mask: binary tree has too many cells");
      }
      tree.Split(k);
      if (tree.count() > max_points) {
        return CorruptData("mask: more known pixels than declared");
      }
      const int32_t first = tree.cells()[k].children;
      stack.push_back(first + 1);
      stack.push_back(first);
    }
    if (++flags % 4096 == 0 && dec.overran()) {
      return CorruptData("mask: binary tree is truncated");
    }
  }
  if (dec.overran()) return CorruptData("mask: binary tree is truncated");
  if (dec.unread() != 0) {
    return CorruptData("mask: stray bytes after the binary tree");
  }
  return tree;
}

}  // namespace spix
