// spix decode IN.spix -o OUT.png
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>

#include "codec/image_io.h"
#include "codec/spix.h"
#include "networks/inference.h"
#include "tools/cli_util.h"

namespace spix {
namespace {

struct DecodeArgs {
  std::string input;
  std::string output;
  std::string mask_output;
  bool verbose = false;
  bool quiet = false;
  bool json = false;
  bool force = false;
  DecodeOptions options;
};

int RunDecode(const DecodeArgs& a) {
  StatusOr<std::vector<uint8_t>> bytes =
      ReadFileBytes(a.input, kMaxSpixFileBytes);
  if (!bytes.ok()) return ReportError(bytes.status());
  // No output may replace the .spix file or a weight file it decodes with.
  std::vector<std::string> inputs = FilesIn(
      a.options.models_dir.empty() ? DefaultModelsDir() : a.options.models_dir);
  inputs.push_back(a.input);
  Status st = CheckOutputPath(inputs, a.output, a.force);
  if (st.ok() && !a.mask_output.empty()) {
    st = a.mask_output == a.output
             ? InvalidArgument("--mask-out must differ from -o")
             : CheckOutputPath(inputs, a.mask_output, a.force);
  }
  if (!st.ok()) return ReportError(st);

  const auto start = std::chrono::steady_clock::now();
  StageTimes stages;
  StatusOr<Image> image =
      Decode(bytes->data(), bytes->size(), a.options, &stages);
  if (!image.ok()) return ReportError(image.status());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  st = WriteImage(a.output, *image,
                  a.force ? WriteMode::kReplace : WriteMode::kCreateNew);
  if (!st.ok()) return ReportError(st);
  if (!a.mask_output.empty()) {
    StatusOr<Image> mask = DecodeKnownMask(bytes->data(), bytes->size());
    if (!mask.ok()) return ReportError(mask.status());
    st = WriteImage(a.mask_output, *mask,
                    a.force ? WriteMode::kReplace : WriteMode::kCreateNew);
    if (!st.ok()) return ReportError(st);
  }

  if (a.json) {
    std::printf(
        "{\"input\": %s, \"output\": %s, \"width\": %d, \"height\": %d, "
        "\"channels\": %d, \"bytes\": %zu, \"decode_seconds\": %.4f}\n",
        JsonString(a.input).c_str(), JsonString(a.output).c_str(), image->width,
        image->height, image->channels, bytes->size(), seconds);
  } else if (!a.quiet) {
    std::printf("%s -> %s: %dx%d %s, decoded in %.3f s\n", a.input.c_str(),
                a.output.c_str(), image->width, image->height,
                image->channels == 3 ? "RGB" : "grey", seconds);
    if (a.verbose) {
      std::printf("  mask %.3f s, values %.3f s, inpainting %.3f s\n",
                  stages.mask, stages.values, stages.inpaint);
    }
  }
  return kExitOk;
}

}  // namespace

CommandRunner AddDecodeCommand(CLI::App& app) {
  auto args = std::make_shared<DecodeArgs>();
  CLI::App* cmd =
      app.add_subcommand("decode", "Rebuild an image from a .spix file.");
  cmd->add_option("input", args->input, "The .spix file")->required();
  cmd->add_option("-o,--output", args->output,
                  "Image to write: .png, .ppm/.pgm, .bmp or .tif")
      ->required();
  cmd->add_option("--mask-out", args->mask_output,
                  "Also write the known-pixel mask as a grey image (white = "
                  "known; with luma preference, where luma is stored)");
  cmd->add_option("--models", args->options.models_dir,
                  "Directory of the weight files (default: $SPIX_MODELS, "
                  "else the weights shipped in networks/weights)");
  AddThreadsOption(cmd, &args->options.threads);
  AddIntegerOption(cmd, "--max-pixels", &args->options.max_pixels, 1,
                   kMaxPixels, "Refuse files of more pixels than this");
  cmd->add_flag("-f,--force", args->force, "Replace an existing output file");
  cmd->add_flag("-v,--verbose", args->verbose, "Print per-stage times");
  cmd->add_flag("--quiet", args->quiet, "Print nothing on success");
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->footer("Example: spix decode photo.spix -o photo.png");
  return [args] { return RunDecode(*args); };
}

}  // namespace spix
