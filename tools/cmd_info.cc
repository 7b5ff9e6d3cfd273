// spix info IN.spix: header fields and chunk sizes, like webpinfo.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "codec/image_io.h"
#include "codec/spix.h"
#include "tools/cli_util.h"

namespace spix {
namespace {

struct InfoArgs {
  std::string input;
  bool json = false;
};

int RunInfo(const InfoArgs& a) {
  StatusOr<std::vector<uint8_t>> bytes =
      ReadFileBytes(a.input, kMaxSpixFileBytes);
  if (!bytes.ok()) return ReportError(bytes.status());
  StatusOr<FileInfo> info = Inspect(bytes->data(), bytes->size());
  if (!info.ok()) return ReportError(info.status());
  const FileInfo& f = *info;
  const double pixels = double(f.width) * f.height;
  const double bpp = 8.0 * double(f.file_size) / pixels;
  if (a.json) {
    std::printf(
        "{\"file\": %s, \"version\": %d, \"width\": %d, \"height\": %d, "
        "\"channels\": %d, \"color_transform\": %s, \"inpainter\": %s, "
        "\"quant_step_luma\": %d, \"quant_step_chroma\": %d, "
        "\"weights_hash\": %s, \"noise_seed\": %u, \"known_pixels\": %llu, "
        "\"bytes\": %zu, \"bpp\": %.6f, \"chunks\": [",
        JsonString(a.input).c_str(), f.version, f.width, f.height, f.channels,
        JsonString(f.color_transform).c_str(), JsonString(f.inpainter).c_str(),
        f.quant_step_luma, f.quant_step_chroma,
        JsonString(f.weights_hash).c_str(), f.noise_seed,
        static_cast<unsigned long long>(f.known_pixels), f.file_size, bpp);
    for (size_t i = 0; i < f.chunks.size(); ++i) {
      std::printf("%s{\"tag\": %s, \"bytes\": %zu, \"what\": %s}",
                  i ? ", " : "", JsonString(f.chunks[i].tag).c_str(),
                  f.chunks[i].size, JsonString(f.chunks[i].what).c_str());
    }
    std::printf("]}\n");
    return kExitOk;
  }
  std::printf("File:            %s\n", a.input.c_str());
  std::printf("Format version:  %d\n", f.version);
  std::printf("Size:            %d x %d, %d channel%s\n", f.width, f.height,
              f.channels, f.channels == 1 ? "" : "s");
  std::printf("Colour transform: %s\n", f.color_transform.c_str());
  std::printf("Inpainter:       %s\n", f.inpainter.c_str());
  std::printf("Quant steps:     luma %d, chroma %d\n", f.quant_step_luma,
              f.quant_step_chroma);
  std::printf("Weights hash:    %s\n", f.weights_hash.c_str());
  std::printf("Noise seed:      %u\n", f.noise_seed);
  std::printf("Known pixels:    %llu (%.3f %%)\n",
              static_cast<unsigned long long>(f.known_pixels),
              100.0 * double(f.known_pixels) / pixels);
  std::printf("File size:       %zu bytes, %.4f bpp\n", f.file_size, bpp);
  std::printf("Chunks:\n");
  for (const auto& c : f.chunks) {
    std::printf("  %s  %zu bytes (%.4f bpp)  %s\n", c.tag.c_str(), c.size,
                8.0 * double(c.size) / pixels, c.what.c_str());
  }
  return kExitOk;
}

}  // namespace

CommandRunner AddInfoCommand(CLI::App& app) {
  auto args = std::make_shared<InfoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Print the header and chunk sizes of a .spix file.");
  cmd->add_option("input", args->input, "The .spix file")->required();
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  return [args] { return RunInfo(*args); };
}

}  // namespace spix
