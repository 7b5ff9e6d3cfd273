// spix encode IN -o OUT.spix
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "codec/image_io.h"
#include "codec/inpainter.h"
#include "codec/spix.h"
#include "networks/inference.h"
#include "tools/cli_util.h"
#include "tools/progress.h"

namespace spix {
namespace {

struct EncodeArgs {
  std::string input;
  std::string output;
  double density = EncodeOptions().density;
  std::string inpainter = "eed";
  std::string mask;  // empty: the operator's default
  int effort = EncodeOptions().effort;
  std::string models;
  int threads = EncodeOptions().threads;
  int tonal_steps = EncodeOptions().tonal_steps;
  std::string mask_error = "mae";
  int nlpe_cycles = EncodeOptions().nlpe_cycles;
  double chroma_fraction = EncodeOptions().chroma_fraction;
  int luma_step_exponent = EncodeOptions().luma_step_exponent;
  bool tonal = true;
  bool post_filter = true;
  bool border_lines = true;
  std::string quant;  // empty: the operator's default
  uint32_t seed = EncodeOptions().seed;
  uint64_t max_pixels = kMaxPixels;
  double target_bpp = 0;
  double target_size = 0;
  double target_psnr = 0;
  bool quant_given = false;
  bool psnr = false;
  bool verbose = false;
  bool quiet = false;
  bool json = false;
  bool force = false;
};

// "L" or "L,C" -> luma and chroma steps (chroma defaults to twice luma),
// each a whole number in 1..255 read by the shared strict parser.
Status ParseQuant(const std::string& text, EncodeOptions* o) {
  const size_t comma = text.find(',');
  SPIX_ASSIGN_OR_RETURN(const int64_t luma,
                        ParseInteger("--quant", text.substr(0, comma), 1, 255));
  int64_t chroma = std::min<int64_t>(2 * luma, 255);
  if (comma != std::string::npos) {
    SPIX_ASSIGN_OR_RETURN(
        chroma, ParseInteger("--quant", text.substr(comma + 1), 1, 255));
  }
  o->quant_step_luma = int(luma);
  o->quant_step_chroma = int(chroma);
  return OkStatus();
}

MaskMode ParseMaskMode(const std::string& name) {
  if (name == "learned") return MaskMode::kLearned;
  if (name == "random") return MaskMode::kRandom;
  if (name == "halftone") return MaskMode::kHalftone;
  if (name == "ps") return MaskMode::kPs;
  if (name == "ps+nlpe") return MaskMode::kPsNlpe;
  if (name == "density") return MaskMode::kDensity;
  if (name == "ps-density") return MaskMode::kPsDensity;
  if (name == "tree") return MaskMode::kTree;
  return MaskMode::kGrid;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

int RunEncode(const EncodeArgs& a) {
  EncodeOptions options;
  options.density = a.density;
  const Operator* op = FindOperator(a.inpainter);  // checked by the parser
  const bool learned = op->id == Inpainter::kWganGenerator;
  options.inpainter = op->id;
  // g was trained on spread-out masks; the diffusions want adaptive ones,
  // and the fastest efforts one that needs no inpainting to place.
  const char* adaptive = a.effort <= 2 ? "density" : "tree";
  options.mask = ParseMaskMode(
      a.mask.empty() ? (learned ? "halftone" : adaptive) : a.mask);
  options.effort = a.effort;
  options.mask_error =
      a.mask_error == "mse" ? MaskError::kMse : MaskError::kMae;
  options.nlpe_cycles = a.nlpe_cycles;
  options.tonal = a.tonal && (!learned || a.tonal_steps > 0);
  options.tonal_steps = a.tonal_steps;
  options.post_filter = a.post_filter;
  options.border_lines = a.border_lines;
  options.chroma_fraction = a.chroma_fraction;
  options.luma_step_exponent = a.luma_step_exponent;
  options.models_dir = a.models;
  options.threads = a.threads;
  ProgressLine progress(!a.quiet && !a.json);
  options.progress = [&progress](const char* stage, double done) {
    progress.Update(stage, done);
  };
  options.seed = a.seed;
  // Without --quant the library's defaults: steps the encoder picks (per
  // image, or 12,24 for the learned generator).
  Status st = a.quant_given ? ParseQuant(a.quant, &options) : OkStatus();
  if (!st.ok()) return ReportError(st);

  // No output may replace the image or a weight file it is coded with.
  std::vector<std::string> inputs =
      FilesIn(a.models.empty() ? DefaultModelsDir() : a.models);
  inputs.push_back(a.input);
  st = CheckOutputPath(inputs, a.output, a.force);
  if (!st.ok()) return ReportError(st);
  std::vector<std::string> warnings;
  StatusOr<Image> image = ReadImage(a.input, &warnings, a.max_pixels);
  if (!image.ok()) return ReportError(image.status());
  if (!a.quiet) {
    for (const auto& w : warnings)
      std::fprintf(stderr, "spix: warning: %s\n", w.c_str());
  }

  const auto start = std::chrono::steady_clock::now();
  StageTimes stages;
  std::vector<uint8_t> bytes;
  std::string rate_note;
  double psnr = 0, decode_seconds = 0;
  double density = a.density;
  const bool targeted =
      a.target_bpp > 0 || a.target_size > 0 || a.target_psnr > 0;
  if (targeted) {
    RateTarget target;
    target.kind = a.target_bpp > 0    ? RateTarget::Kind::kBpp
                  : a.target_size > 0 ? RateTarget::Kind::kBytes
                                      : RateTarget::Kind::kPsnr;
    target.value = a.target_bpp + a.target_size + a.target_psnr;
    StatusOr<RateControlResult> r =
        EncodeToTarget(*image, options, target, !a.quant_given);
    progress.Finish();
    if (!r.ok()) return ReportError(r.status());
    bytes = std::move(r->bytes);
    density = r->density;
    options.quant_step_luma = r->quant_step_luma;
    options.quant_step_chroma = r->quant_step_chroma;
    psnr = r->psnr;
    char note[160];
    std::snprintf(note, sizeof note,
                  "target %s after %d trials: density %.4f, quant %d,%d",
                  r->reached ? "reached" : "NOT reached, closest kept",
                  r->trials, density, r->quant_step_luma, r->quant_step_chroma);
    rate_note = note;
    if (!r->reached && !a.quiet)
      std::fprintf(stderr, "spix: warning: %s\n", note);
  } else {
    StatusOr<std::vector<uint8_t>> encoded = Encode(*image, options, &stages);
    progress.Finish();
    if (!encoded.ok()) return ReportError(encoded.status());
    bytes = std::move(*encoded);
  }
  const double encode_seconds = Seconds(start);
  // The steps the file holds (the encoder may have picked the luma step).
  if (StatusOr<FileInfo> info = Inspect(bytes.data(), bytes.size());
      info.ok()) {
    options.quant_step_luma = info->quant_step_luma;
    options.quant_step_chroma = info->quant_step_chroma;
  }
  // Without --force the name is created exclusively: of two encodes racing
  // to one new name, only one succeeds.
  st = WriteFileAtomic(a.output, bytes,
                       a.force ? WriteMode::kReplace : WriteMode::kCreateNew);
  if (!st.ok()) return ReportError(st);

  if (a.psnr && !targeted) {
    const auto dstart = std::chrono::steady_clock::now();
    DecodeOptions decode;
    decode.models_dir = options.models_dir;
    decode.threads = options.threads;
    StatusOr<Image> decoded = Decode(bytes.data(), bytes.size(), decode);
    if (!decoded.ok()) return ReportError(decoded.status());
    decode_seconds = Seconds(dstart);
    psnr = Psnr(*image, *decoded);
  }

  const double bpp = 8.0 * double(bytes.size()) / double(image->num_pixels());
  if (a.json) {
    std::printf(
        "{\"input\": %s, \"output\": %s, \"width\": %d, \"height\": %d, "
        "\"channels\": %d, \"bytes\": %zu, \"bpp\": %.6f, \"density\": %g, "
        "\"encode_seconds\": %.4f",
        JsonString(a.input).c_str(), JsonString(a.output).c_str(), image->width,
        image->height, image->channels, bytes.size(), bpp, density,
        encode_seconds);
    if (targeted) {
      std::printf(", \"quant_step_luma\": %d, \"quant_step_chroma\": %d",
                  options.quant_step_luma, options.quant_step_chroma);
    }
    if (a.psnr || targeted) {
      std::printf(", \"psnr\": %.4f, \"decode_seconds\": %.4f", psnr,
                  decode_seconds);
    }
    std::printf("}\n");
  } else if (!a.quiet) {
    std::printf("%s -> %s: %dx%d %s, %zu bytes, %.4f bpp, encoded in %.3f s",
                a.input.c_str(), a.output.c_str(), image->width, image->height,
                image->channels == 3 ? "RGB" : "grey", bytes.size(), bpp,
                encode_seconds);
    if (a.psnr && !targeted) {
      std::printf(", PSNR %.2f dB (decoded in %.3f s)", psnr, decode_seconds);
    } else if (targeted) {
      std::printf(", PSNR %.2f dB", psnr);
    }
    std::printf("\n");
    if (targeted) std::printf("  %s\n", rate_note.c_str());
    if (a.verbose) {
      std::printf("  mask %.3f s, values %.3f s; density %.4f, quant %d,%d\n",
                  stages.mask, stages.values, density, options.quant_step_luma,
                  options.quant_step_chroma);
    }
  }
  return kExitOk;
}

}  // namespace

CommandRunner AddEncodeCommand(CLI::App& app) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "encode",
      "Compress an image (PNG, JPEG, PPM/PGM, BMP, TIFF) into a .spix file.\n"
      "Keeps a sparse set of pixels (--density) and stores their quantised "
      "colours,\ntuned for the decoder; the decoder rebuilds the rest by "
      "edge-enhancing diffusion\n(default; -i eed-g refines it by a network "
      "where that pays), homogeneous diffusion or the "
      "learned WGAN generator.\nThe defaults are the best setting per bit "
      "measured on Kodak (-i eed -m tree,\nquantisation steps and chroma "
      "share per image, colours tuned by least squares).");
  cmd->add_option("input", args->input, "Image to compress")->required();
  cmd->add_option("-o,--output", args->output, "The .spix file to write")
      ->required();
  AddRealOption(cmd, "-d,--density", &args->density, 1e-6, 1.0,
                "Fraction of pixels kept, in [1e-6, 1]");
  cmd->add_option("-i,--inpainter", args->inpainter,
                  "Decoder the file is made for: eed (edge-enhancing "
                  "diffusion: keeps edges sharp from few points; the encoder "
                  "picks its diffusivity and contrast; 0.4-0.8 s to decode a "
                  "Kodak image), "
                  "eed-g (EED, then the network g2 corrects the whole image; "
                  "needs its weight file), "
                  "diffusion (homogeneous diffusion: fastest decode) or "
                  "learned (the WGAN generator g; needs its weight files; "
                  "best on halftone masks)")
      ->check(CLI::IsMember(OperatorNames()))
      ->capture_default_str();
  cmd->add_option(
         "-m,--mask", args->mask,
         "Which pixels: halftone (evenly spread by error diffusion; the "
         "decoder redraws it, so positions cost no bits), grid (regular "
         "lattice), random (seeded), ps "
         "(probabilistic sparsification, optimised for diffusion; about "
         "25 s per megapixel), ps+nlpe (PS, then non-local pixel exchange; "
         "slower, better), learned (the mask network's scores, "
         "halftoned; best with -i learned), density (adaptive: denser "
         "where the smoothed image curves; the file stores a coarse density "
         "field, about 0.01 bpp, that the decoder halftones), ps-density "
         "(the local density of a PS mask, stored the same way) or tree "
         "(R-EED's binary tree: cells split in half where the reconstruction "
         "errs, their corners and centres kept; one flag a cell, about 0.03 "
         "bpp at 5 %; best per bit). Default: tree (density at --effort 1 "
         "and 2, halftone with -i learned)")
      ->check(CLI::IsMember({"learned", "grid", "halftone", "random", "ps",
                             "ps+nlpe", "density", "ps-density", "tree"}));
  cmd->add_option("--models", args->models,
                  "Directory of the weight files (default: $SPIX_MODELS, "
                  "else the weights shipped in networks/weights)");
  AddThreadsOption(cmd, &args->threads);
  AddIntegerOption(cmd, "--tonal-steps", &args->tonal_steps, 0, 10000,
                   "Learned inpainter: Adam steps tuning the stored colours "
                   "through the generator (0: store the originals; a step "
                   "takes about as long as two decodes)");
  AddIntegerOption(cmd, "--max-pixels", &args->max_pixels, 1, kMaxPixels,
                   "Refuse input images of more pixels (read from the header "
                   "before decoding)");
  AddRealOption(cmd, "--chroma-fraction", &args->chroma_fraction, 1e-3, 1.0,
                "Luma preference (colour images, -i eed, eed-g or diffusion): "
                "chroma is stored at this fraction of the points, luma at "
                "all; 1 = off. Default: per image, 0.125 where the luma step "
                "is 28 or more, 0.25 where 12 or less, else 0.18 (1 with -i "
                "learned); from --effort 8 on, unset, also weighed against "
                "twice and half that")
      ->default_str("per image");
  cmd->add_option("--mask-error", args->mask_error,
                  "What PS and NLPE minimise: mae or mse")
      ->check(CLI::IsMember({"mae", "mse"}))
      ->capture_default_str();
  AddIntegerOption(cmd, "--nlpe-cycles", &args->nlpe_cycles, 0, 1000,
                   "NLPE cycles, each trying as many exchanges as mask pixels");
  cmd->add_flag("--tonal,!--no-tonal", args->tonal,
                "EED and diffusion inpainters: store least-squares optimal "
                "colours (the default) or, with --no-tonal, the originals");
  cmd->add_flag("--post-filter,!--no-post-filter", args->post_filter,
                "From --effort 3: fit filters that bring the decoded image "
                "closer to the original (per colour plane, one or one per "
                "direction of the luma's texture) and store their taps where "
                "they pay for their bytes (the default; format version 7; on "
                "Kodak 5.7 % fewer bits at equal PSNR); never with -q 1,1");
  cmd->add_flag("--border-lines,!--no-border-lines", args->border_lines,
                "Store the outermost rows and columns that hold one colour "
                "(within 8 grey levels; exactly with -q 1,1), such as a "
                "scanner's frame or letterbox bars, as that colour and code "
                "the image inside them (the default; format version 8)");
  AddIntegerOption(
      cmd, "--effort", &args->effort, 1, 9,
      "How hard the encoder searches, like cwebp -m: the least-squares "
      "steps, EED's diffusivity and contrast candidates, how closely the "
      "mask follows the error; from 8 on, the chroma fraction. 1 and 2 store "
      "the original colours on a density field (under 2 s for a Kodak "
      "image), 7 (default) 6.5-9.2 s on 2 threads, 9 slowest (about 14 s "
      "on kodim23)");
  CLI::Option* quant = cmd->add_option(
      "-q,--quant", args->quant,
      "Quantisation step of luma[,chroma] in 1..255 (chroma defaults "
      "to 2x luma); 1,1 keeps the kept pixels exact. Default: steps the "
      "encoder picks per image, luma from 12 where the image is smooth "
      "(more so at high densities) to 32 where texture makes any "
      "reconstruction err, chroma the same at most 24 (12,24 with -i "
      "learned). With luma preference the luma step is that of a point of "
      "average density (see --luma-step-exponent)");
  AddIntegerOption(
      cmd, "--luma-step-exponent", &args->luma_step_exponent, 0,
      kMaxStepExponent,
      "Luma preference: each luma point's step follows the local density "
      "of points to the power N/16, finer where points are sparse (each "
      "then shapes a larger area), coarser in dense clusters, within 4x "
      "either way; 0 = one step for all. Default: 4 (0 with a luma step "
      "of 1); on Kodak about 4 % fewer bits than one step")
      ->default_str("4");
  CLI::Option* bpp = AddRealOption(
      cmd, "--target-bpp", &args->target_bpp, 0, 64,
      "Search density (and quantisation, unless --quant is given) for the "
      "best file of at most this many bits per pixel",
      /*lo_open=*/true);
  CLI::Option* size =
      AddRealOption(cmd, "--target-size", &args->target_size, 0, 1e12,
                    "The same for a file of at most this many bytes",
                    /*lo_open=*/true);
  CLI::Option* target_psnr =
      AddRealOption(cmd, "--target-psnr", &args->target_psnr, 0, 200,
                    "The smallest file reaching this PSNR (dB)",
                    /*lo_open=*/true);
  bpp->excludes(size)->excludes(target_psnr);
  size->excludes(target_psnr);
  AddIntegerOption(cmd, "--seed", &args->seed, 0, UINT32_MAX,
                   "Seed of the random mask");
  cmd->add_flag("--psnr", args->psnr, "Also decode and print the PSNR");
  cmd->add_flag("-f,--force", args->force, "Replace an existing output file");
  cmd->add_flag("-v,--verbose", args->verbose, "Print per-stage times");
  cmd->add_flag("--quiet", args->quiet, "Print nothing on success");
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->footer(
      "Example: spix encode photo.png -o photo.spix --density 0.1 --psnr");
  return [args, quant] {
    args->quant_given = quant->count() > 0;
    return RunEncode(*args);
  };
}

}  // namespace spix
