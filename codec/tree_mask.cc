#include "codec/tree_mask.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "baselines/diffusion.h"
#include "baselines/eed.h"
#include "baselines/planar_image.h"

namespace spix {
namespace {

// The share of the leaves split per round: smaller shares follow the error
// more closely, at one more diffusion solve per round. On six Kodak images a
// quarter saved 2.2 % of the bits (BD-rate under EED) against a half, for
// about 1.5 s per image.
double SplitShare(int effort) {
  return effort <= 6 ? 0.5 : effort <= 8 ? 0.25 : 0.1;
}

// Leaves are ranked by their squared error times area^-1/4: between the
// total (which favours large cells) and the mean (which favours small ones
// on edges). On six Kodak images -1.3 % BD-rate against the total
// (benchmarks/results/kodak_tree_rounding).
double AreaWeight(const TreeCell& c) {
  return 1.0 /
         std::sqrt(std::sqrt(double(c.x1 - c.x0 + 1) * (c.y1 - c.y0 + 1)));
}

// The error growth ranks leaves by: the luma and its reconstruction.
class GrowthError {
 public:
  GrowthError(const Image& image, TreeError kind)
      : width_(image.width),
        height_(image.height),
        kind_(kind),
        luma_(LumaOf(image)) {}

  void Reconstruct(const std::vector<uint8_t>& mask) {
    if (kind_ == TreeError::kDiffusion) {
      if (u_.empty()) {
        u_ = luma_;
        InpaintDiffusion(width_, height_, mask.data(), u_.data(), 128.f);
        return;
      }
      // Diffusion is linear: the new reconstruction is the last one plus
      // the diffusion of its errors at the new points (zero at the old
      // ones), a small, local solve (half the CG steps of solving afresh).
      std::vector<float> correction(u_.size(), 0.f);
      for (size_t i = 0; i < mask.size(); ++i) {
        if (mask[i]) correction[i] = luma_[i] - u_[i];
      }
      InpaintDiffusion(width_, height_, mask.data(), correction.data(), 0.f);
      for (size_t i = 0; i < u_.size(); ++i) u_[i] += correction[i];
      return;
    }
    // The middle of the contrasts the encoder then chooses from, at its
    // usual smoothing scale (codec/inpainter.cc).
    EedOptions eed;
    eed.contrast = 2.f;
    eed.sigma = 0.625f;
    PlanarImage plane(width_, height_, 1);
    if (u_.empty()) {
      plane.data = luma_;
      InpaintEed(mask.data(), eed, &plane);
    } else {
      // Each round's mask holds the last one's points, so EED continues
      // from the last reconstruction: two lagged-diffusivity steps, not
      // homogeneous diffusion and six (0.5 s less on kodim23; with 30
      // tensor steps in the tonal optimisation +0.18 % BD-rate on Kodak for
      // a fifth less encode time, benchmarks/results/kodak_speed).
      plane.data = std::move(u_);
      for (size_t i = 0; i < mask.size(); ++i) {
        if (mask[i]) plane.data[i] = luma_[i];
      }
      eed.outer_iterations = 2;
      ContinueEed(mask.data(), eed, &plane);
    }
    u_ = std::move(plane.data);
  }

  double InCell(const TreeCell& c) const {
    double error = 0;
    for (int y = c.y0; y <= c.y1; ++y) {
      for (int x = c.x0; x <= c.x1; ++x) {
        const size_t i = size_t(y) * width_ + x;
        error += double(u_[i] - luma_[i]) * (u_[i] - luma_[i]);
      }
    }
    return error;
  }

 private:
  int width_, height_;
  TreeError kind_;
  std::vector<float> luma_, u_;
};

}  // namespace

void GrowTree(const Image& image, uint64_t target, int effort, TreeError error,
              BinaryTreeMask* tree, std::vector<uint32_t>* split_order) {
  GrowthError growth(image, error);
  std::vector<std::pair<double, uint32_t>> leaves;
  while (tree->count() < target) {
    growth.Reconstruct(tree->mask());
    leaves.clear();
    for (size_t k = 0; k < tree->cells().size(); ++k) {
      const TreeCell& c = tree->cells()[k];
      if (c.children >= 0 || !c.Splittable()) continue;
      leaves.push_back({growth.InCell(c) * AreaWeight(c), uint32_t(k)});
    }
    if (leaves.empty()) break;
    // Largest error first; ties (flat cells) by cell order, so every
    // platform grows the same tree.
    std::sort(leaves.begin(), leaves.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    const size_t splits =
        std::max<size_t>(1, size_t(double(leaves.size()) * SplitShare(effort)));
    for (size_t k = 0; k < splits && tree->count() < target; ++k) {
      tree->Split(leaves[k].second);
      if (split_order) split_order->push_back(leaves[k].second);
    }
  }
}

uint64_t EdgeEnhancingFinishStart(uint64_t target) { return target / 2; }

BinaryTreeMask GrowTreeMask(const Image& image, uint64_t target, int effort,
                            bool finish_with_eed,
                            std::vector<uint32_t>* split_order) {
  BinaryTreeMask tree(image.width, image.height);
  GrowTree(image, finish_with_eed ? EdgeEnhancingFinishStart(target) : target,
           effort, TreeError::kDiffusion, &tree, split_order);
  if (finish_with_eed) {
    GrowTree(image, target, effort, TreeError::kEdgeEnhancing, &tree,
             split_order);
  }
  return tree;
}

BinaryTreeMask ReplayTreeMask(int width, int height,
                              const std::vector<uint32_t>& split_order,
                              uint64_t target) {
  BinaryTreeMask tree(width, height);
  for (size_t k = 0; k < split_order.size() && tree.count() < target; ++k) {
    tree.Split(split_order[k]);
  }
  return tree;
}

}  // namespace spix
