#include "bitstream/halftone.h"

#include <algorithm>
#include <queue>

namespace spix {
namespace {

// SplitMix64's output function: a fixed, portable hash for the first-row
// offsets.
uint64_t Mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr uint64_t kFirstRowSeed = 0x5851F42D4C957F2Dull;

struct Tap {
  int dx, dy, weight;  // dx mirrors on right-to-left rows
};
constexpr Tap kTaps[] = {{1, 0, 7}, {-1, 1, 3}, {0, 1, 5}, {1, 1, 1}};

// Flips the `k` pixels whose mask is `from` that rank first by `first`, a
// strict total order, so the choice never depends on the sort algorithm.
template <typename Order>
void FlipFirst(std::vector<uint8_t>* mask, uint8_t from, uint64_t k,
               Order first) {
  // A heap of the k best so far with the worst on top: O(pixels log k).
  std::priority_queue<uint32_t, std::vector<uint32_t>, Order> best(first);
  for (uint32_t i = 0; i < mask->size(); ++i) {
    if ((*mask)[i] != from) continue;
    if (best.size() < k) {
      best.push(i);
    } else if (first(i, best.top())) {
      best.pop();
      best.push(i);
    }
  }
  for (; !best.empty(); best.pop()) (*mask)[best.top()] = !from;
}

}  // namespace

std::vector<uint8_t> HalftoneLevels(std::vector<int32_t> levels, int width,
                                    int height, uint64_t count) {
  std::vector<int32_t>& a = levels;  // each level plus the error it receives
  // Without help the first rows stay empty at low densities (errors only
  // flow downwards), so the first row starts from fixed pseudo-random
  // offsets in [-1/2, 1/2).
  for (int x = 0; x < width; ++x) {
    a[x] += int32_t(Mix64(kFirstRowSeed + uint64_t(x)) % kHalftoneOne) -
            kHalftoneOne / 2;
  }
  std::vector<uint8_t> mask(size_t(width) * height, 0);
  for (int y = 0; y < height; ++y) {
    const int step = y % 2 == 0 ? 1 : -1;  // serpentine rows
    for (int i = 0; i < width; ++i) {
      const int x = step > 0 ? i : width - 1 - i;
      const size_t at = size_t(y) * width + x;
      mask[at] = a[at] >= kHalftoneOne / 2;
      // Taps that fall outside the image give their share to the others,
      // so the count is kept up to the last pixel.
      int inside = 0, last = -1;
      for (int t = 0; t < 4; ++t) {
        const int nx = x + kTaps[t].dx * step, ny = y + kTaps[t].dy;
        if (nx >= 0 && nx < width && ny < height) {
          inside += kTaps[t].weight;
          last = t;
        }
      }
      const int64_t error = int64_t(a[at]) - (mask[at] ? kHalftoneOne : 0);
      int64_t given = 0;
      for (int t = 0; t <= last; ++t) {
        const int nx = x + kTaps[t].dx * step, ny = y + kTaps[t].dy;
        if (nx < 0 || nx >= width || ny >= height) continue;
        // Truncating shares; the last tap takes the rest, so none is lost.
        const int64_t share =
            t == last ? error - given : error * kTaps[t].weight / inside;
        a[size_t(ny) * width + nx] += int32_t(share);
        given += share;
      }
    }
  }
  // What truncation and the last pixel lose can leave the count a few off:
  // drop the least sure known pixels or add the surest unknown ones.
  const uint64_t known = std::count(mask.begin(), mask.end(), 1);
  if (known > count) {
    FlipFirst(&mask, 1, known - count, [&a](uint32_t i, uint32_t j) {
      return a[i] != a[j] ? a[i] < a[j] : i > j;
    });
  } else if (known < count) {
    FlipFirst(&mask, 0, count - known, [&a](uint32_t i, uint32_t j) {
      return a[i] != a[j] ? a[i] > a[j] : i < j;
    });
  }
  return mask;
}

std::vector<uint8_t> FlatHalftone(int width, int height, uint64_t count) {
  const uint64_t pixels = uint64_t(width) * height;
  const int32_t level = int32_t((count * kHalftoneOne + pixels / 2) / pixels);
  return HalftoneLevels(std::vector<int32_t>(pixels, level), width, height,
                        count);
}

}  // namespace spix
