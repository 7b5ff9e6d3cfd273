#include "baselines/openjpeg_codec.h"

#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "baselines/stopwatch.h"

namespace spix {
namespace {

// An in-memory stream for OpenJPEG: the JP2 writer seeks back to patch box
// lengths, the reader skips and seeks, so both need a position.
struct MemoryStream {
  std::vector<uint8_t> bytes;
  size_t pos = 0;
};

OPJ_SIZE_T Read(void* out, OPJ_SIZE_T n, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (s->pos >= s->bytes.size()) return OPJ_SIZE_T(-1);
  n = std::min<OPJ_SIZE_T>(n, s->bytes.size() - s->pos);
  std::memcpy(out, s->bytes.data() + s->pos, n);
  s->pos += n;
  return n;
}

OPJ_SIZE_T Write(void* in, OPJ_SIZE_T n, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (s->pos + n > s->bytes.size()) s->bytes.resize(s->pos + n);
  std::memcpy(s->bytes.data() + s->pos, in, n);
  s->pos += n;
  return n;
}

OPJ_OFF_T Skip(OPJ_OFF_T n, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (n < 0 && size_t(-n) > s->pos) return -1;
  s->pos += n;
  return n;
}

OPJ_BOOL Seek(OPJ_OFF_T to, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (to < 0) return OPJ_FALSE;
  s->pos = size_t(to);
  return OPJ_TRUE;
}

// opj_codec_t and opj_stream_t are both void, so each gets its own owner.
struct CodecDeleter {
  void operator()(opj_codec_t* c) const { opj_destroy_codec(c); }
};
struct StreamDeleter {
  void operator()(opj_stream_t* s) const { opj_stream_destroy(s); }
};
struct ImageDeleter {
  void operator()(opj_image_t* i) const { opj_image_destroy(i); }
};
using OwnedCodec = std::unique_ptr<opj_codec_t, CodecDeleter>;
using OwnedStream = std::unique_ptr<opj_stream_t, StreamDeleter>;
using OwnedImage = std::unique_ptr<opj_image_t, ImageDeleter>;

OwnedStream MakeStream(MemoryStream* s, bool input) {
  OwnedStream stream(opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE,
                                       input ? OPJ_TRUE : OPJ_FALSE));
  if (!stream) return stream;
  opj_stream_set_user_data(stream.get(), s, nullptr);
  if (input) {
    opj_stream_set_user_data_length(stream.get(), s->bytes.size());
    opj_stream_set_read_function(stream.get(), Read);
  } else {
    opj_stream_set_write_function(stream.get(), Write);
  }
  opj_stream_set_skip_function(stream.get(), Skip);
  opj_stream_set_seek_function(stream.get(), Seek);
  return stream;
}

void Quiet(const char*, void*) {}

void Silence(opj_codec_t* codec) {
  opj_set_info_handler(codec, Quiet, nullptr);
  opj_set_warning_handler(codec, Quiet, nullptr);
  opj_set_error_handler(codec, Quiet, nullptr);
}

StatusOr<std::vector<uint8_t>> EncodeJp2(double target_bpp,
                                         const uint8_t* pixels, int w, int h,
                                         int channels) {
  // opj_compress -r R -I: one quality layer at compression ratio R (raw
  // bits over coded bits), irreversible 9/7 wavelet, and opj_compress's
  // colour transform for three components; its other defaults (6
  // resolutions, 64x64 code-blocks, LRCP) come from the library.
  opj_cparameters_t params;
  opj_set_default_encoder_parameters(&params);
  params.tcp_numlayers = 1;
  params.tcp_rates[0] = float(8.0 * channels / target_bpp);
  params.cp_disto_alloc = 1;
  params.irreversible = 1;
  params.tcp_mct = channels == 3 ? 1 : 0;

  std::vector<opj_image_cmptparm_t> comps(channels);
  for (opj_image_cmptparm_t& c : comps) {
    std::memset(&c, 0, sizeof c);
    c.dx = c.dy = 1;
    c.w = OPJ_UINT32(w);
    c.h = OPJ_UINT32(h);
    c.prec = 8;
  }
  OwnedImage image(
      opj_image_create(OPJ_UINT32(channels), comps.data(),
                       channels == 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY));
  if (!image) return IoError("OpenJPEG cannot allocate the image");
  image->x1 = OPJ_UINT32(w);
  image->y1 = OPJ_UINT32(h);
  const size_t n = size_t(w) * h;
  for (int c = 0; c < channels; ++c) {
    OPJ_INT32* plane = image->comps[c].data;
    for (size_t i = 0; i < n; ++i) plane[i] = pixels[i * channels + c];
  }
  OwnedCodec codec(opj_create_compress(OPJ_CODEC_JP2));
  MemoryStream out;
  OwnedStream stream = MakeStream(&out, /*input=*/false);
  if (!codec || !stream) return IoError("OpenJPEG cannot start an encoder");
  Silence(codec.get());
  if (!opj_setup_encoder(codec.get(), &params, image.get()) ||
      !opj_start_compress(codec.get(), image.get(), stream.get()) ||
      !opj_encode(codec.get(), stream.get()) ||
      !opj_end_compress(codec.get(), stream.get())) {
    return IoError("OpenJPEG failed to encode");
  }
  return std::move(out.bytes);
}

StatusOr<std::vector<uint8_t>> DecodeJp2(std::vector<uint8_t> file, int w,
                                         int h, int channels) {
  opj_dparameters_t params;
  opj_set_default_decoder_parameters(&params);
  OwnedCodec codec(opj_create_decompress(OPJ_CODEC_JP2));
  MemoryStream in{std::move(file), 0};
  OwnedStream stream = MakeStream(&in, /*input=*/true);
  if (!codec || !stream) return IoError("OpenJPEG cannot start a decoder");
  Silence(codec.get());
  opj_image_t* raw = nullptr;
  const bool header = opj_setup_decoder(codec.get(), &params) &&
                      opj_read_header(stream.get(), codec.get(), &raw);
  OwnedImage image(raw);
  if (!header || !opj_decode(codec.get(), stream.get(), image.get()) ||
      !opj_end_decompress(codec.get(), stream.get())) {
    return CorruptData("OpenJPEG failed to decode its own file");
  }
  if (int(image->numcomps) != channels) {
    return CorruptData("OpenJPEG decoded a different number of components");
  }
  for (int c = 0; c < channels; ++c) {
    const opj_image_comp_t& comp = image->comps[c];
    if (int(comp.w) != w || int(comp.h) != h || comp.data == nullptr) {
      return CorruptData("OpenJPEG decoded a wrong-sized image");
    }
  }
  std::vector<uint8_t> pixels(size_t(w) * h * channels);
  for (int c = 0; c < channels; ++c) {
    const OPJ_INT32* plane = image->comps[c].data;
    for (size_t i = 0; i < size_t(w) * h; ++i) {
      pixels[i * channels + c] =
          uint8_t(std::clamp<OPJ_INT32>(plane[i], 0, 255));
    }
  }
  return pixels;
}

}  // namespace

std::string OpenJpegVersion() { return opj_version(); }

StatusOr<ClassicalResult> RunOpenJpeg(double target_bpp, const uint8_t* pixels,
                                      int width, int height, int channels) {
  if (!(target_bpp > 0) || target_bpp > 8.0 * channels) {
    return InvalidArgument("JPEG 2000 target bpp must be in (0, 8 x channels]");
  }
  ClassicalResult result;
  Stopwatch t0;
  SPIX_ASSIGN_OR_RETURN(std::vector<uint8_t> file,
                        EncodeJp2(target_bpp, pixels, width, height, channels));
  result.encode_seconds = t0.Seconds();
  result.file = file;
  t0 = Stopwatch();
  SPIX_ASSIGN_OR_RETURN(result.decoded,
                        DecodeJp2(std::move(file), width, height, channels));
  result.decode_seconds = t0.Seconds();
  return result;
}

}  // namespace spix
