// Small generated images for tests (no data set is copied into the repo).
#ifndef SPIX_TESTS_TEST_IMAGES_H_
#define SPIX_TESTS_TEST_IMAGES_H_

#include <cmath>
#include <cstdint>

#include "codec/image.h"

namespace spix {

// Smooth gradients, a disc and some texture: enough structure for the value
// predictor and the inpainting to matter.
inline Image SyntheticImage(int width, int height, int channels) {
  Image img(width, height, channels);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double dx = x - 0.6 * width, dy = y - 0.4 * height;
      const bool disc = dx * dx + dy * dy < 0.09 * width * height;
      const int v[3] = {int(255.0 * x / std::max(width - 1, 1)),
                        disc ? 210 : int(127 + 90 * std::sin(y * 0.21)),
                        int(60 + 40 * std::cos((x + 2 * y) * 0.13))};
      uint8_t* p = img.pixel(x, y);
      if (channels == 1) {
        p[0] = uint8_t((v[0] + 2 * v[1] + v[2]) / 4);
      } else {
        for (int c = 0; c < 3; ++c) p[c] = uint8_t(v[c]);
      }
    }
  }
  return img;
}

}  // namespace spix

#endif  // SPIX_TESTS_TEST_IMAGES_H_
