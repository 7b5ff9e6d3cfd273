// spix fill IN --mask HOLE.png -o OUT.png
// spix fill --frames DIR --masks DIR -o OUTDIR
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "codec/fill/fill.h"
#include "codec/image_io.h"
#include "codec/inpainter.h"
#include "networks/inference.h"
#include "tools/cli_util.h"
#include "tools/progress.h"

namespace spix {
namespace {

namespace fs = std::filesystem;

struct FillArgs {
  std::string input, mask, output;
  std::string frames, masks;
  std::string loss;       // empty: the default two systems
  bool ensemble = false;  // --ensemble: the default, said explicitly
  std::string init = "random";
  std::string blend = "poisson";
  bool quiet = false, json = false, force = false;
  uint64_t max_pixels = kMaxPixels;
  FillOptions options;
};

StatusOr<Image> Read(const std::string& path, const FillArgs& a) {
  const bool quiet = a.quiet;
  std::vector<std::string> warnings;
  StatusOr<Image> image = ReadImage(path, &warnings, a.max_pixels);
  if (image.ok() && !quiet) {
    for (const std::string& w : warnings)
      std::fprintf(stderr, "spix: warning: %s: %s\n", path.c_str(), w.c_str());
  }
  return image;
}

// Image files of a directory, sorted by name.
StatusOr<std::vector<fs::path>> ListFrames(const std::string& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".ppm" ||
        ext == ".pgm" || ext == ".bmp" || ext == ".tif" || ext == ".tiff") {
      files.push_back(entry.path());
    }
  }
  if (ec) return IoError("cannot list " + dir + ": " + ec.message());
  if (files.empty()) return IoError("no images in " + dir);
  std::sort(files.begin(), files.end());
  return files;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

// The prior's weight files: no output may replace one of them.
std::vector<std::string> WeightFiles(const FillArgs& a) {
  return FilesIn(a.options.models_dir.empty() ? DefaultModelsDir()
                                              : a.options.models_dir);
}

int RunSingle(FillArgs& a, ProgressLine& progress) {
  // Checked before the work: the image, its mask and the weights are never
  // the output, and the output name must be writable.
  std::vector<std::string> inputs = WeightFiles(a);
  inputs.push_back(a.input);
  inputs.push_back(a.mask);
  Status st = CheckOutputPath(inputs, a.output, a.force);
  if (st.ok()) st = CheckImageOutputName(a.output);
  if (!st.ok()) return ReportError(st);
  StatusOr<Image> image = Read(a.input, a);
  if (!image.ok()) return ReportError(image.status());
  StatusOr<Image> hole = Read(a.mask, a);
  if (!hole.ok()) return ReportError(hole.status());
  const auto start = std::chrono::steady_clock::now();
  StatusOr<Image> filled = Fill(*image, *hole, a.options);
  progress.Finish();
  if (!filled.ok()) return ReportError(filled.status());
  const double seconds = Seconds(start);
  st = WriteImage(a.output, *filled,
                  a.force ? WriteMode::kReplace : WriteMode::kCreateNew);
  if (!st.ok()) return ReportError(st);
  if (a.json) {
    std::printf(
        "{\"input\": %s, \"mask\": %s, \"output\": %s, \"fill_seconds\": "
        "%.4f}\n",
        JsonString(a.input).c_str(), JsonString(a.mask).c_str(),
        JsonString(a.output).c_str(), seconds);
  } else if (!a.quiet) {
    std::printf("%s -> %s: filled in %.2f s\n", a.input.c_str(),
                a.output.c_str(), seconds);
  }
  return kExitOk;
}

int RunSequence(FillArgs& a, ProgressLine& progress) {
  StatusOr<std::vector<fs::path>> frame_files = ListFrames(a.frames);
  if (!frame_files.ok()) return ReportError(frame_files.status());
  StatusOr<std::vector<fs::path>> mask_files = ListFrames(a.masks);
  if (!mask_files.ok()) return ReportError(mask_files.status());
  if (frame_files->size() != mask_files->size()) {
    return ReportError(InvalidArgument(
        std::to_string(frame_files->size()) + " frames in " + a.frames +
        " but " + std::to_string(mask_files->size()) + " masks in " + a.masks));
  }
  std::error_code ec;
  if (fs::equivalent(a.output, a.frames, ec) ||
      fs::equivalent(a.output, a.masks, ec)) {
    return ReportError(InvalidArgument("output directory '" + a.output +
                                       "' is the frames or masks directory"));
  }
  std::vector<std::string> inputs = WeightFiles(a);
  for (const fs::path& f : *frame_files) inputs.push_back(f.string());
  for (const fs::path& f : *mask_files) inputs.push_back(f.string());
  std::vector<Image> frames, holes;
  std::vector<fs::path> outputs;
  for (size_t i = 0; i < frame_files->size(); ++i) {
    StatusOr<Image> frame = Read((*frame_files)[i].string(), a);
    if (!frame.ok()) return ReportError(frame.status());
    StatusOr<Image> hole = Read((*mask_files)[i].string(), a);
    if (!hole.ok()) return ReportError(hole.status());
    frames.push_back(std::move(*frame));
    holes.push_back(std::move(*hole));
    const fs::path out =
        fs::path(a.output) / (*frame_files)[i].stem().concat(".png");
    Status st = CheckOutputPath(inputs, out.string(), a.force);
    if (!st.ok()) return ReportError(st);
    outputs.push_back(out);
  }
  if (fs::exists(a.output, ec) && !fs::is_directory(a.output, ec)) {
    return ReportError(InvalidArgument("output '" + a.output +
                                       "' must be a directory for --frames"));
  }
  const auto start = std::chrono::steady_clock::now();
  StatusOr<std::vector<Image>> filled = FillSequence(frames, holes, a.options);
  progress.Finish();
  if (!filled.ok()) return ReportError(filled.status());
  const double seconds = Seconds(start);
  fs::create_directories(a.output, ec);
  if (ec) {
    return ReportError(
        IoError("cannot create " + a.output + ": " + ec.message()));
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    Status st =
        WriteImage(outputs[i].string(), (*filled)[i],
                   a.force ? WriteMode::kReplace : WriteMode::kCreateNew);
    if (!st.ok()) return ReportError(st);
  }
  if (a.json) {
    std::printf("{\"frames\": %zu, \"output\": %s, \"fill_seconds\": %.4f}\n",
                outputs.size(), JsonString(a.output).c_str(), seconds);
  } else if (!a.quiet) {
    std::printf("%zu frames -> %s: filled in %.2f s\n", outputs.size(),
                a.output.c_str(), seconds);
  }
  return kExitOk;
}

int RunFill(FillArgs& a) {
  const bool sequence = !a.frames.empty() || !a.masks.empty();
  if (sequence && (a.frames.empty() || a.masks.empty() || !a.input.empty() ||
                   !a.mask.empty())) {
    return ReportError(InvalidArgument(
        "a sequence takes --frames DIR and --masks DIR (and no IN or --mask)"));
  }
  if (!sequence && (a.input.empty() || a.mask.empty())) {
    return ReportError(InvalidArgument(
        "give an image and its hole mask: spix fill IN --mask HOLE.png -o "
        "OUT.png"));
  }
  FillLossKind loss;
  if (ParseFillLoss(a.loss, &loss)) a.options.loss = loss;  // CLI11 checked
  a.options.nn_init = a.init == "nn";
  a.options.poisson_blend = a.blend == "poisson";
  ProgressLine progress(!a.quiet && !a.json);
  if (a.options.method == "prior") {
    a.options.progress = [&progress](double done) {
      progress.Update("latent search", done);
    };
  }
  return sequence ? RunSequence(a, progress) : RunSingle(a, progress);
}

}  // namespace

CommandRunner AddFillCommand(CLI::App& app) {
  auto a = std::make_shared<FillArgs>();
  FillOptions& o = a->options;
  CLI::App* cmd = app.add_subcommand(
      "fill",
      "Fill a hole with GAN priors of faces: latent search for the z whose "
      "G(z) fits the known pixels, then Poisson blending; by default two "
      "systems search and their fills are averaged. Or, with --method "
      "eed|diffusion|learned, fill it with one of the codec's inpainting "
      "operators.");
  cmd->add_option("input", a->input, "Image with a hole");
  std::vector<std::string> methods = {"prior"};
  for (const std::string& name : OperatorNames()) methods.push_back(name);
  cmd->add_option("--method", o.method,
                  "prior (latent search in a GAN prior of faces) or an "
                  "inpainting operator of the codec: eed (keeps edges "
                  "sharp), diffusion (smooth), learned (g)")
      ->capture_default_str()
      ->check(CLI::IsMember(methods));
  cmd->add_option("--mask", a->mask,
                  "Hole mask, same size: white (>= 128) = hole, black = keep");
  cmd->add_option("-o,--output", a->output,
                  "Output image (.png, ...), or directory with --frames")
      ->required();
  CLI::Option* loss =
      cmd->add_option("--loss", a->loss,
                      "Search one system instead of the default two: yeh: "
                      "context + log(1 - D), the dcgan prior; vitoria: "
                      "context + gradient - D, the wgan-gp prior; critic: "
                      "-D(composite), the wgan-clip prior")
          ->check(CLI::IsMember({"yeh", "vitoria", "critic"}));
  cmd->add_option("--alpha", o.alpha,
                  "Weight of the context loss (default per --loss)")
      ->needs(loss)
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--beta", o.beta,
                  "Weight of the gradient loss (default per --loss)")
      ->needs(loss)
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--eta", o.eta,
                  "Weight of the prior loss (default per --loss)")
      ->needs(loss)
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--iterations", o.iterations,
                  "Adam steps on z (the step decays to a tenth over them)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--restarts", o.restarts,
                  "Latents searched at once, in all (the two default "
                  "systems split them); the fill is the mean of their images "
                  "(or the best one's, --best-restart)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--average-restarts,!--best-restart", o.average_restarts,
                "Fill with the mean of the restarts' images (default: closer "
                "to the truth), or with the image of the restart of lowest "
                "loss (--best-restart: sharper)");
  cmd->add_option("--lr", o.lr, "Adam learning rate on z")
      ->capture_default_str()
      ->check(CLI::Range(1e-6, 10.0));
  cmd->add_option("--init", a->init,
                  "random z, or nn: the nearest of a pool of generated images")
      ->capture_default_str()
      ->check(CLI::IsMember({"random", "nn"}));
  cmd->add_option("--pool", o.pool_size, "Pool size of --init nn")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--gamma", o.gamma,
                  "Weight of the structure term of --init nn")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--blend", a->blend,
                  "poisson: keep G's gradients, match the known pixels; none: "
                  "paste G into the hole")
      ->capture_default_str()
      ->check(CLI::IsMember({"poisson", "none"}));
  cmd->add_option("--prior", o.prior,
                  "Which prior: dcgan, wgan-gp, wgan-clip (default: the "
                  "loss's own: yeh dcgan, vitoria wgan-gp, critic wgan-clip)")
      ->needs(loss)
      ->check(CLI::IsMember({"dcgan", "wgan-gp", "wgan-clip"}));
  cmd->add_flag("--ensemble", a->ensemble,
                "The default without --loss: the mean of two systems' fills, "
                "yeh on dcgan and vitoria on wgan-gp (each its own weights), "
                "closer to the truth than either")
      ->excludes(loss);
  cmd->add_option("--frames", a->frames,
                  "Directory of frames of a sequence (sorted by name)");
  cmd->add_option("--masks", a->masks,
                  "Directory of their hole masks (same order)");
  cmd->add_option("--group-window", o.group_window,
                  "Sequences: frames per consistency group")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--group-weight", o.group_weight,
                  "Sequences: weight of the group consistency loss")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--models", o.models_dir,
                  "Directory of the prior's weight files (default: "
                  "$SPIX_MODELS, else networks/weights)");
  cmd->add_option("--seed", o.seed, "Seed of the latents")
      ->capture_default_str();
  AddThreadsOption(cmd, &o.threads);
  AddIntegerOption(cmd, "--max-pixels", &a->max_pixels, 1, kMaxPixels,
                   "Refuse input images of more pixels (read from the header "
                   "before decoding)");
  cmd->add_flag("-f,--force", a->force, "Replace existing output files");
  cmd->add_flag("--quiet", a->quiet, "Print nothing on success");
  cmd->add_flag("--json", a->json, "Print one JSON object instead of text");
  cmd->footer(
      "--method prior searches two systems by default (yeh's loss on "
      "the dcgan prior, vitoria's on the wgan-gp prior) and averages "
      "their fills; --loss searches one. It fills a 64x64 image (the "
      "prior's size) directly; in other sizes it fills a square window "
      "around the holes, twice their bounding box and at least 64 "
      "pixels, resized to 64x64 and blended back at full resolution. "
      "It refuses holes whose bounding box is wider or taller than 256 "
      "pixels or than half the image's shorter side, and images under "
      "32 pixels a side: fill those with --method eed (any size)."
      "\nExamples:\n"
      "  spix fill face.png --mask hole.png -o filled.png\n"
      "  spix fill portrait.jpg --mask eyes.png -o filled.png\n"
      "  spix fill photo.png --mask scratch.png -o fixed.png --method eed\n"
      "  spix fill face.png --mask hole.png -o f.png --loss yeh --init nn\n"
      "  spix fill face.png --mask hole.png -o f.png --loss vitoria "
      "--best-restart\n"
      "  spix fill --frames clip/ --masks clip_masks/ -o filled/");
  return [a] { return RunFill(*a); };
}

}  // namespace spix
