// Codec specs for `spix bench`, in the style of libjxl's benchmark_xl:
//   spix:grid:d0.02/0.05/0.1,spix:ps+nlpe:c1:tonal:d0.05,jpeg:q10/30
// Items are separated by commas, fields by colons. One field may list
// values separated by '/': that sweep makes the item's rate-distortion curve.
//   spix fields (an item starts from diffusion, a grid mask, the original
//                colours, chroma at every point and steps 12/24): g (the
//                learned inpainting generator instead of diffusion; its tonal
//                optimisation is on unless notonal), eed (edge-enhancing
//                diffusion instead of homogeneous), eed-g (EED refined by
//                g2),
//                learned|grid|halftone|random|ps|ps+nlpe (mask), d<density>,
//                q<luma>[x<chroma>] (quantisation steps), c<NLPE cycles>,
//                cf<chroma fraction> (luma preference, diffusions only),
//                density|ps-density (density-field masks), tree (binary-tree
//                masks),
//                tonal, notonal, mse (PS/NLPE minimise MSE instead of MAE),
//                e<1..9> (encoder effort, default 7)
//   jpeg: q<quality 1..100>; webp: q<0..100>; jp2: b<target bits per pixel>;
//   avif: q<quantizer 0..63, lower is better>; jxl: q<quality 5..100>
#ifndef SPIX_BENCHMARKS_CODEC_SPEC_H_
#define SPIX_BENCHMARKS_CODEC_SPEC_H_

#include <string>
#include <vector>

#include "bitstream/status.h"
#include "codec/spix.h"

namespace spix {

struct CodecPoint {
  std::string setting;  // the swept field, e.g. "d0.05" or "q30"
  EncodeOptions spix;   // for codec == "spix"
  double value = 0;     // for the classical codecs: quality or target bpp
};

struct CodecCurve {
  std::string codec;  // spix, jpeg, webp, jp2, avif, jxl
  std::string label;  // the item without its swept values, e.g. "spix:grid"
  std::vector<CodecPoint> points;
};

StatusOr<std::vector<CodecCurve>> ParseCodecSpecs(const std::string& specs);

// What `spix bench` runs when no --codecs is given.
inline constexpr char kDefaultCodecSpecs[] =
    "spix:g:halftone:d0.02/0.05/0.1/0.2,"
    "spix:grid:d0.01/0.02/0.05/0.1/0.2,"
    "jpeg:q3/5/8/10/15/20/30/40/50/70/90,"
    "webp:q0/3/10/20/30/50/70/90,"
    "jp2:b0.06/0.1/0.15/0.25/0.4/0.6/1/2,"
    "avif:q60/56/50/44/38/30/22,"
    "jxl:q5/10/20/35/50/70/90";

}  // namespace spix

#endif  // SPIX_BENCHMARKS_CODEC_SPEC_H_
