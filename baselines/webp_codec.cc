#include "baselines/webp_codec.h"

#include <webp/decode.h>
#include <webp/encode.h>

#include <memory>

#include "baselines/stopwatch.h"

namespace spix {

std::string WebpVersion() {
  const int v = WebPGetEncoderVersion();
  return std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff) + "." +
         std::to_string(v & 0xff);
}

StatusOr<ClassicalResult> RunWebp(int quality, const uint8_t* pixels, int width,
                                  int height, int channels) {
  WebPConfig config;
  if (!WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, float(quality))) {
    return IoError("libwebp version mismatch");
  }
  config.method = 6;
  if (!WebPValidateConfig(&config)) {
    return InvalidArgument("bad WebP quality " + std::to_string(quality));
  }
  const size_t n = size_t(width) * height;
  std::vector<uint8_t> rgb(pixels, pixels + n * channels);
  if (channels == 1) {
    rgb.resize(n * 3);
    for (size_t i = 0; i < n; ++i)
      rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = pixels[i];
  }
  WebPPicture picture;
  WebPMemoryWriter writer;
  if (!WebPPictureInit(&picture)) return IoError("libwebp version mismatch");
  WebPMemoryWriterInit(&writer);
  struct Cleanup {
    WebPPicture* picture;
    WebPMemoryWriter* writer;
    ~Cleanup() {
      WebPPictureFree(picture);
      WebPMemoryWriterClear(writer);
    }
  } cleanup{&picture, &writer};
  picture.width = width;
  picture.height = height;
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;
  ClassicalResult result;
  Stopwatch t0;
  if (!WebPPictureImportRGB(&picture, rgb.data(), 3 * width) ||
      !WebPEncode(&config, &picture)) {
    return IoError("libwebp failed to encode (error " +
                   std::to_string(picture.error_code) + ")");
  }
  result.encode_seconds = t0.Seconds();
  result.file.assign(writer.mem, writer.mem + writer.size);
  t0 = Stopwatch();
  int w = 0, h = 0;
  std::unique_ptr<uint8_t, void (*)(void*)> decoded(
      WebPDecodeRGB(writer.mem, writer.size, &w, &h), WebPFree);
  result.decode_seconds = t0.Seconds();
  if (!decoded || w != width || h != height) {
    return CorruptData("libwebp failed to decode its own file");
  }
  const uint8_t* rgb_out = decoded.get();
  result.decoded.resize(n * channels);
  for (size_t i = 0; i < n * channels; ++i) {
    result.decoded[i] = channels == 3
                            ? rgb_out[i]
                            : uint8_t((rgb_out[3 * i] + rgb_out[3 * i + 1] +
                                       rgb_out[3 * i + 2] + 1) /
                                      3);
  }
  return result;
}

}  // namespace spix
