// The table of inpainting operators, keyed by the format's operator id. The
// encoder, decoder, rate control, `spix info`, the CLI and the bench look an
// operator up here, so adding one is its module, one row in inpainter.cc,
// its docs and its tests.
#ifndef SPIX_CODEC_INPAINTER_H_
#define SPIX_CODEC_INPAINTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "baselines/planar_image.h"
#include "bitstream/container.h"
#include "bitstream/status.h"
#include "codec/image.h"
#include "codec/spix.h"

namespace spix {

// Luma preference, encoder: one way to store the chroma, the two YCoCg-R
// chroma planes and the mask of the points that keep them.
struct ChromaCandidate {
  std::vector<uint8_t> mask;
  PlanarImage planes;
};

struct Operator {
  Inpainter id;
  const char* name;       // on the command line and in bench specs
  const char* long_name;  // in `spix info`
  bool needs_weights;     // the header's hash names g's weight file
  bool luma_preference;   // can decode a CHRM chunk
  // Tonal optimisation is the slow part of an encode: rate control searches
  // without it and runs it on the final encode only.
  bool deferred_tonal;
  // The decoder keeps edges: binary-tree masks finish growing where EED errs
  // (codec/tree_mask.h).
  bool edge_aware_trees;

  // The header's operator parameters in words, for `spix info` (null: none).
  std::string (*describe_parameters)(const Header& header);
  // Encoder: the header fields the operator owns (weight hash, operator
  // parameters), chosen for `image` and its mask.
  Status (*prepare)(const Image& image, const std::vector<uint8_t>& mask,
                    const EncodeOptions& options, Header* header);
  // Encoder: the colours to store at the mask's points (interleaved, raster
  // order), before quantisation.
  StatusOr<std::vector<uint8_t>> (*stored_colours)(
      const Image& image, const std::vector<uint8_t>& mask,
      const Header& header, const EncodeOptions& options);
  // Decoder: every pixel from the known ones (`known` interleaved 8-bit,
  // valid where mask is 1).
  StatusOr<Image> (*reconstruct)(const Header& header,
                                 const std::vector<uint8_t>& known,
                                 const std::vector<uint8_t>& mask,
                                 const DecodeOptions& options);
  // Luma preference (null where unsupported): inpaints the luma plane from
  // its mask and the two chroma planes from theirs (YCoCg-R values).
  void (*inpaint_luma_preferred)(const Header& header,
                                 const std::vector<uint8_t>& luma_mask,
                                 PlanarImage* luma,
                                 const std::vector<uint8_t>& chroma_mask,
                                 PlanarImage* chroma, int threads);
  // Luma preference, encoder: replaces the luma plane and each candidate's
  // chroma planes by the values worth storing for this operator at their
  // masks (tonal optimisation) and the encoder's estimate of their
  // inpainting elsewhere; `luma_steps` holds the step of each luma point
  // (codec/quantize.h), the chroma ones are the header's.
  void (*tune_luma_preferred)(const Header& header,
                              const EncodeOptions& options,
                              const std::vector<uint8_t>& luma_mask,
                              const std::vector<uint8_t>& luma_steps,
                              PlanarImage* luma,
                              std::vector<ChromaCandidate>* chroma);
  // Decoder, after either reconstruction (null: none): a correction of the
  // whole image, given the mask of the points stored.
  StatusOr<Image> (*refine)(const Header& header,
                            const std::vector<uint8_t>& mask,
                            const Image& reconstruction,
                            const DecodeOptions& options);
  // With a refinement: the operator whose reconstruction it refines, which
  // the encoder names instead where the refinement does not pay.
  Inpainter unrefined;
};

// What the decoder shows: `reconstruction` refined by the operator's
// refinement, if it has one.
StatusOr<Image> Refine(const Operator& op, const Header& header,
                       const std::vector<uint8_t>& mask,
                       StatusOr<Image> reconstruction,
                       const DecodeOptions& options);

// Every operator, in the order help texts list them.
const std::vector<Operator>& Operators();

// The row of `id`; files name operators this build may not have.
StatusOr<const Operator*> FindOperator(Inpainter id);
// The row called `name` on the command line, or null.
const Operator* FindOperator(const std::string& name);
// Every operator's name, in table order: for the CLI and errors.
std::vector<std::string> OperatorNames();

}  // namespace spix

#endif  // SPIX_CODEC_INPAINTER_H_
