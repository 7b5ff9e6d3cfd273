// A float image stored channel after channel, the layout the inpainting
// solvers work on.
#ifndef SPIX_BASELINES_PLANAR_IMAGE_H_
#define SPIX_BASELINES_PLANAR_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spix {

struct PlanarImage {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> data;  // channels * height * width

  PlanarImage() = default;
  PlanarImage(int w, int h, int c)
      : width(w), height(h), channels(c), data(size_t(w) * h * c, 0.f) {}

  size_t plane_size() const { return size_t(width) * height; }
  float* plane(int c) { return data.data() + c * plane_size(); }
  const float* plane(int c) const { return data.data() + c * plane_size(); }
};

// Interleaved 8-bit samples <-> planar floats.
inline PlanarImage ToPlanar(const uint8_t* interleaved, int width, int height,
                            int channels) {
  PlanarImage out(width, height, channels);
  const size_t n = out.plane_size();
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < channels; ++c) {
      out.data[c * n + i] = interleaved[i * channels + c];
    }
  }
  return out;
}

// What the spatial and tonal optimisers minimise, summed over channels.
enum class ErrorNorm { kMae, kMse };

inline float PixelError(float a, float b, ErrorNorm norm) {
  const float d = a - b;
  return norm == ErrorNorm::kMae ? (d < 0 ? -d : d) : d * d;
}

// The dot product of two arrays, summed in double in eight interleaved
// lanes: one running sum would make every addition wait for the last (four
// times slower on the solvers' planes), and the lanes vectorise.
inline double Dot(const float* a, const float* b, size_t n) {
  double lane[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) lane[k] += double(a[i + k]) * b[i + k];
  }
  double tail = 0;
  for (; i < n; ++i) tail += double(a[i]) * b[i];
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
         ((lane[4] + lane[5]) + (lane[6] + lane[7])) + tail;
}

// The conjugate-gradient solvers' inner product of two equally long vectors.
inline double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  return Dot(a.data(), b.data(), a.size());
}

}  // namespace spix

#endif  // SPIX_BASELINES_PLANAR_IMAGE_H_
