// Edge-enhancing diffusion and the operator table.
#include "baselines/eed.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>

#include "baselines/diffusion.h"
#include "baselines/tonal_optimisation.h"
#include "bitstream/container.h"
#include "bitstream/enc_mask.h"
#include "bitstream/enc_values.h"
#include "codec/inpainter.h"
#include "codec/mask_selection.h"
#include "codec/quantize.h"
#include "codec/spix.h"

namespace spix {
namespace {

TEST(Eed, IdentityTensorReproducesTheHarmonicRamp) {
  // Known left and right columns, reflecting top and bottom: with D = I the
  // solution is linear in x, whatever the start.
  const int w = 61, h = 23;
  std::vector<uint8_t> mask(w * h, 0);
  std::vector<float> plane(w * h, 0.f);
  for (int y = 0; y < h; ++y) {
    mask[y * w] = mask[y * w + w - 1] = 1;
    plane[y * w] = 10.f;
    plane[y * w + w - 1] = 210.f;
  }
  const DiffusionTensorField identity(w, h);
  SolveTensorDiffusion(identity, mask.data(), plane.data(), nullptr, 1e-4f,
                       5000);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      ASSERT_NEAR(plane[y * w + x], 10.f + 200.f * x / (w - 1), 0.05f);
    }
  }
}

TEST(Eed, OperatorIsSymmetricAndPositiveOnEdgeTensors) {
  // CG and tonal optimisation's adjoint need A = A^T >= 0.
  const int w = 19, h = 13;
  std::mt19937 rng(3);
  PlanarImage image(w, h, 3);
  for (float& v : image.data) v = float(rng() % 256);
  const DiffusionTensorField field =
      DiffusionTensorField::Edges(image, 0.7f, 2.f, Diffusivity::kCharbonnier);
  std::vector<float> p(w * h), q(w * h), ap(w * h), aq(w * h);
  for (int trial = 0; trial < 5; ++trial) {
    for (int i = 0; i < w * h; ++i) {
      p[i] = float(rng() % 1000) / 10 - 50;
      q[i] = float(rng() % 1000) / 10 - 50;
    }
    field.Apply(p.data(), ap.data());
    field.Apply(q.data(), aq.data());
    double p_aq = 0, q_ap = 0, p_ap = 0;
    for (int i = 0; i < w * h; ++i) {
      p_aq += double(p[i]) * aq[i];
      q_ap += double(q[i]) * ap[i];
      p_ap += double(p[i]) * ap[i];
    }
    EXPECT_NEAR(p_aq, q_ap, 1e-3 * std::fabs(p_aq) + 1e-2);
    EXPECT_GT(p_ap, 0);
  }
}

// A vertical step edge known only at a sparse lattice of points that does
// not touch the edge: homogeneous diffusion ramps across it, EED keeps it.
TEST(Eed, KeepsAnEdgeSharpWhereHomogeneousDiffusionBlursIt) {
  const int w = 64, h = 64, edge = 30;  // columns < 30 dark, >= 30 bright
  auto truth = [&](int x) { return x < edge ? 40.f : 200.f; };
  std::vector<uint8_t> mask(w * h, 0);
  PlanarImage known(w, h, 1);
  for (int y = 2; y < h; y += 6) {
    for (int x = 3; x < w; x += 6) {
      mask[y * w + x] = 1;
      known.data[y * w + x] = truth(x);
    }
  }
  PlanarImage homogeneous = known;
  InpaintDiffusion(w, h, mask.data(), homogeneous.data.data(), 128.f);
  auto mean_error = [&](const PlanarImage& u) {
    double error = 0;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x)
        error += std::fabs(u.data[y * w + x] - truth(x));
    }
    return error / (w * h);
  };
  const double homogeneous_error = mean_error(homogeneous);
  EXPECT_GT(homogeneous_error, 6.0);  // measured: 7.9
  // Between the two known columns around the edge both ramp (the data do
  // not say where the edge is); beyond them EED is flat, homogeneous
  // diffusion blurs far into both sides. Either diffusivity.
  for (Diffusivity diffusivity :
       {Diffusivity::kCharbonnier, Diffusivity::kPeronaMalik}) {
    PlanarImage eed = known;
    EedOptions o;
    o.diffusivity = diffusivity;
    o.contrast = diffusivity == Diffusivity::kPeronaMalik ? 2.f : 1.f;
    o.sigma = 0.7f;
    InpaintEed(mask.data(), o, &eed);
    EXPECT_LT(mean_error(eed), 0.6 * homogeneous_error) << int(diffusivity);
  }
}

TEST(Eed, StaysFiniteAndInRangeOnRandomMasksAndExtremeParameters) {
  const int w = 48, h = 40;
  std::mt19937 rng(7);
  const float contrasts[] = {kEedContrastUnit, 1.f, 255 * kEedContrastUnit};
  const float sigmas[] = {0.f, 0.6f, 255 * kEedSigmaUnit};
  for (Diffusivity diffusivity :
       {Diffusivity::kCharbonnier, Diffusivity::kPeronaMalik}) {
    for (float contrast : contrasts) {
      for (float sigma : sigmas) {
        std::vector<uint8_t> mask(w * h);
        PlanarImage image(w, h, 3);
        for (int i = 0; i < w * h; ++i) {
          mask[i] = rng() % 25 == 0;
          for (int c = 0; c < 3; ++c) {
            image.plane(c)[i] = mask[i] ? float(rng() % 2 * 255) : 0.f;
          }
        }
        EedOptions o;
        o.diffusivity = diffusivity;
        o.contrast = contrast;
        o.sigma = sigma;
        InpaintEed(mask.data(), o, &image);
        for (float v : image.data) {
          ASSERT_TRUE(std::isfinite(v)) << contrast << " " << sigma;
          ASSERT_GE(v, 0.f) << contrast << " " << sigma;
          ASSERT_LE(v, 255.f) << contrast << " " << sigma;
        }
      }
    }
  }
}

// ContinueEed carries on where InpaintEed stopped: four steps and two more
// are the six of one call.
TEST(Eed, ContinuingAddsLaggedDiffusivitySteps) {
  const int w = 48, h = 40;
  std::mt19937 rng(3);
  std::vector<uint8_t> sparse(w * h), mask(w * h);
  PlanarImage truth(w, h, 1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * w + x;
      truth.data[i] = x + y < 44 ? 40.f + x : 200.f - y;  // an oblique edge
      sparse[i] = rng() % 20 == 0;
      mask[i] = sparse[i] || rng() % 20 == 0;
    }
  }
  auto with_data = [&](const std::vector<uint8_t>& m, PlanarImage start) {
    for (size_t i = 0; i < m.size(); ++i) {
      if (m[i]) start.data[i] = truth.data[i];
    }
    return start;
  };
  EedOptions six;
  PlanarImage whole = with_data(mask, truth);
  InpaintEed(mask.data(), six, &whole);
  EedOptions four = six, two = six;
  four.outer_iterations = 4;
  two.outer_iterations = 2;
  PlanarImage split = with_data(mask, truth);
  InpaintEed(mask.data(), four, &split);
  ContinueEed(mask.data(), two, &split);
  EXPECT_EQ(split.data, whole.data);

  // Continuing from the reconstruction of a sparser mask (the tree's
  // growth) stays finite and within the data's range.
  PlanarImage warm = with_data(sparse, truth);
  InpaintEed(sparse.data(), six, &warm);
  warm = with_data(mask, warm);
  ContinueEed(mask.data(), two, &warm);
  for (float v : warm.data) {
    ASSERT_TRUE(std::isfinite(v));
    ASSERT_GE(v, 40.f);
    ASSERT_LE(v, 200.f);
  }
}

TEST(Eed, TonalOptimisationThroughTheTensorLowersItsError) {
  const int w = 40, h = 32;
  PlanarImage original(w, h, 1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      original.data[y * w + x] =
          (x > y ? 180.f : 60.f) + 20 * std::sin(x * .3f);
    }
  }
  std::vector<uint8_t> mask(w * h, 0);
  for (int i = 0; i < w * h; i += 7) mask[i] = 1;
  PlanarImage settled = original;
  EedOptions o;
  const DiffusionTensorField tensor = EedTensor(mask.data(), o, &settled);
  auto error = [&](const PlanarImage& values) {
    PlanarImage u = values;
    for (int i = 0; i < w * h; ++i) {
      if (!mask[i]) u.data[i] = 0;
    }
    InpaintWithTensor(tensor, mask.data(), 0.f, &u);
    double e = 0;
    for (int i = 0; i < w * h; ++i) {
      e += std::pow(u.data[i] - original.data[i], 2);
    }
    return e;
  };
  TonalOptions tonal;
  tonal.iterations = 3;
  tonal.tensor = &tensor;
  const PlanarImage tuned = OptimiseTonalValues(original, mask, tonal);
  EXPECT_LT(error(tuned), 0.9 * error(original));  // measured: 0.86
}

TEST(Operators, TableIsConsistentAndNamesRoundTrip) {
  std::set<int> ids;
  for (const Operator& op : Operators()) {
    EXPECT_TRUE(ids.insert(int(op.id)).second) << op.name;
    EXPECT_EQ(FindOperator(std::string(op.name)), &op);
    StatusOr<const Operator*> by_id = FindOperator(op.id);
    ASSERT_TRUE(by_id.ok());
    EXPECT_EQ(*by_id, &op);
    EXPECT_NE(op.prepare, nullptr);
    EXPECT_NE(op.stored_colours, nullptr);
    EXPECT_NE(op.reconstruct, nullptr);
    // Only the edge-enhancing operators need format version 2 (the
    // container's rule; the encoder always writes the newest version).
    Header v1;
    v1.version = 1;
    v1.width = v1.height = 8;
    v1.channels = 1;
    v1.inpainter = op.id;
    if (op.describe_parameters) v1.operator_params = {16, 10};
    if (op.needs_weights) v1.weights_hash = {1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_EQ(!ValidateHeader(v1).ok(),
              op.id == Inpainter::kEdgeEnhancingDiffusion ||
                  op.id == Inpainter::kEedRefined)
        << op.name;
    v1.version = 2;
    EXPECT_TRUE(ValidateHeader(v1).ok()) << op.name;
    EXPECT_EQ(op.luma_preference, op.inpaint_luma_preferred != nullptr);
    EXPECT_EQ(op.luma_preference, op.tune_luma_preferred != nullptr);
  }
  EXPECT_EQ(FindOperator(std::string("bogus")), nullptr);
  EXPECT_FALSE(FindOperator(Inpainter(200)).ok());
}

Header EedHeader() {
  Header h;
  h.version = 2;
  h.width = h.height = 8;
  h.channels = 1;
  h.inpainter = Inpainter::kEdgeEnhancingDiffusion;
  h.operator_params = {16, 10};
  return h;
}

TEST(Operators, HeaderParametersAreCheckedPerOperator) {
  EXPECT_TRUE(ValidateHeader(EedHeader()).ok());
  Header h = EedHeader();
  h.version = 1;
  EXPECT_FALSE(ValidateHeader(h).ok());
  h = EedHeader();
  h.operator_params[0] = 0;
  EXPECT_FALSE(ValidateHeader(h).ok());
  h = EedHeader();
  h.weights_hash[0] = 1;
  EXPECT_FALSE(ValidateHeader(h).ok());
  h = EedHeader();
  h.inpainter = Inpainter::kHomogeneousDiffusion;
  EXPECT_FALSE(ValidateHeader(h).ok());  // parameters must be zero
  h.operator_params = {0, 0};
  EXPECT_TRUE(ValidateHeader(h).ok());
  // From version 4 the top bit of the contrast byte is the diffusivity and
  // the contrast must not be 0 without it; before, the byte is all contrast.
  h = EedHeader();
  h.operator_params[0] = kEedPeronaMalik;
  EXPECT_TRUE(ValidateHeader(h).ok());
  h.version = kEedPeronaMalikVersion;
  EXPECT_FALSE(ValidateHeader(h).ok());
  h.operator_params[0] = kEedPeronaMalik | 1;
  EXPECT_TRUE(ValidateHeader(h).ok());
  // Written and parsed back.
  const std::vector<uint8_t> bytes = WriteContainer(EedHeader(), {});
  StatusOr<ParsedContainer> parsed = ParseContainer(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->header.operator_params, EedHeader().operator_params);
}

// Flat regions with sharp, oblique edges: a cartoon, where EED should win.
Image CartoonImage(int width, int height) {
  Image image(width, height, 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double dx = x - 0.35 * width, dy = y - 0.5 * height;
      const bool disc = dx * dx + dy * dy < 0.06 * width * height;
      const bool wedge = 2 * x + y > 1.4 * width + 0.3 * height;
      uint8_t* p = image.pixel(x, y);
      p[0] = disc ? 220 : wedge ? 30 : 120;
      p[1] = disc ? 60 : wedge ? 200 : 110;
      p[2] = uint8_t(disc ? 40 : 90 + y);
    }
  }
  return image;
}

// The codec end to end: an EED file decodes, says what it is, and beats
// homogeneous diffusion on the same mask and steps (with and without luma
// preference).
TEST(Operators, EedFilesRoundTripAndBeatHomogeneousDiffusion) {
  const Image image = CartoonImage(96, 64);
  for (double chroma_fraction : {1.0, 0.25}) {
    double psnr[2] = {0, 0};
    for (Inpainter id : {Inpainter::kHomogeneousDiffusion,
                         Inpainter::kEdgeEnhancingDiffusion}) {
      EncodeOptions o;
      o.inpainter = id;
      o.mask = MaskMode::kDensity;
      o.density = 0.08;
      o.chroma_fraction = chroma_fraction;
      o.quant_step_luma = 4;
      o.quant_step_chroma = 8;
      o.post_filter = false;  // the operators alone
      StatusOr<std::vector<uint8_t>> bytes = Encode(image, o);
      ASSERT_TRUE(bytes.ok()) << bytes.status().message();
      StatusOr<Image> decoded = Decode(bytes->data(), bytes->size());
      ASSERT_TRUE(decoded.ok()) << decoded.status().message();
      const bool eed = id == Inpainter::kEdgeEnhancingDiffusion;
      psnr[eed] = Psnr(image, *decoded);
      StatusOr<FileInfo> info = Inspect(bytes->data(), bytes->size());
      ASSERT_TRUE(info.ok());
      EXPECT_EQ(
          info->inpainter.rfind(
              eed ? "edge-enhancing-diffusion" : "homogeneous-diffusion", 0),
          0u)
          << info->inpainter;
    }
    std::printf("cf %.2f: diffusion %.2f dB, EED %.2f dB\n", chroma_fraction,
                psnr[0], psnr[1]);
    EXPECT_GT(psnr[1], psnr[0] + 0.3);
  }
}

// The contrast byte's top bit means Perona-Malik from version 4 on: an
// older file with the same byte decodes as before (Charbonnier, contrast
// 18), and `spix info` names the diffusivity each way. The files are built
// by hand, their values coded as each version codes them.
TEST(Operators, PeronaMalikIsAVersionFourParameter) {
  const Image colour = CartoonImage(96, 64);
  const int w = colour.width, h = colour.height;
  const std::vector<uint8_t> mask = RandomMask(w, h, 0.08, 5);
  Image decoded[3];
  int k = 0;
  for (uint8_t version : {uint8_t(3), kEedPeronaMalikVersion, kFormatVersion}) {
    Header header;
    header.version = version;
    header.width = uint32_t(w);
    header.height = uint32_t(h);
    header.channels = 1;
    header.inpainter = Inpainter::kEdgeEnhancingDiffusion;
    header.quant_step_luma = header.quant_step_chroma = 4;
    header.operator_params = {18 * 8, 10};  // 0x90: the top bit is set
    std::vector<int32_t> values;
    for (size_t i = 0; i < mask.size(); ++i) {
      if (mask[i])
        values.push_back(QuantizeValue(header, 0, colour.pixels[3 * i]));
    }
    StatusOr<std::vector<uint8_t>> vals =
        EncodeValues(mask.data(), w, h, values, ValueParamsForHeader(header));
    ASSERT_TRUE(vals.ok()) << vals.status().message();
    const std::vector<uint8_t> file =
        WriteContainer(header, {{kMaskChunkTag, EncodeMask(mask.data(), w, h)},
                                {kValuesChunkTag, *vals}});
    StatusOr<FileInfo> info = Inspect(file.data(), file.size());
    ASSERT_TRUE(info.ok()) << info.status().message();
    const bool pm = version >= kEedPeronaMalikVersion;
    EXPECT_NE(
        info->inpainter.find(pm ? "Perona-Malik diffusivity, contrast 2,"
                                : "Charbonnier diffusivity, contrast 18,"),
        std::string::npos)
        << info->inpainter;
    StatusOr<Image> image_back = Decode(file.data(), file.size());
    ASSERT_TRUE(image_back.ok()) << image_back.status().message();
    decoded[k++] = *image_back;
  }
  EXPECT_NE(decoded[0].pixels, decoded[1].pixels);
  EXPECT_EQ(decoded[1].pixels, decoded[2].pixels);

  // The encoder writes the newest version, whichever diffusivity it picks.
  StatusOr<std::vector<uint8_t>> bytes = Encode(colour, EncodeOptions());
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  StatusOr<ParsedContainer> parsed =
      ParseContainer(bytes->data(), bytes->size());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->header.version, kFormatVersion);
}

}  // namespace
}  // namespace spix
