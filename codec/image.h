// The image type of the public API: 8-bit samples, interleaved, RGB order.
#ifndef SPIX_CODEC_IMAGE_H_
#define SPIX_CODEC_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spix {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;  // 1 (grey) or 3 (RGB)
  std::vector<uint8_t> pixels;

  Image() = default;
  Image(int w, int h, int c)
      : width(w), height(h), channels(c), pixels(size_t(w) * h * c, 0) {}

  size_t num_pixels() const { return size_t(width) * height; }
  uint8_t* pixel(int x, int y) {
    return pixels.data() + (size_t(y) * width + x) * channels;
  }
  const uint8_t* pixel(int x, int y) const {
    return pixels.data() + (size_t(y) * width + x) * channels;
  }
};

// The luma the encoder's analyses look at: (R + 2G + B) / 4 of a colour
// image, the grey itself, one float per pixel.
inline std::vector<float> LumaOf(const Image& image) {
  std::vector<float> luma(image.num_pixels());
  for (size_t i = 0; i < luma.size(); ++i) {
    const uint8_t* p = &image.pixels[i * image.channels];
    luma[i] = image.channels == 1 ? p[0] : 0.25f * (p[0] + 2.f * p[1] + p[2]);
  }
  return luma;
}

// The sum of squared sample differences. Sizes must match.
double SquaredError(const Image& a, const Image& b);

// Peak signal-to-noise ratio over all samples (RGB PSNR for colour images);
// +infinity for identical images. Sizes must match.
double Psnr(const Image& a, const Image& b);

// Mean absolute error over all samples, in grey levels.
double MeanAbsoluteError(const Image& a, const Image& b);

// SSIM (Wang et al. 2004, Gaussian 11x11 window) and MS-SSIM (five scales,
// fewer for small images), averaged over the channels.
double Ssim(const Image& a, const Image& b);
double MsSsim(const Image& a, const Image& b);

}  // namespace spix

#endif  // SPIX_CODEC_IMAGE_H_
