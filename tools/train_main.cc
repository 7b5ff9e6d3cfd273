// spix-train: 'spix train codec' alone, for training machines without
// OpenCV (a GPU host with only LibTorch). Built with -DSPIX_TRAINER_ONLY=ON;
// it reads image packs (scripts/pack_images.py) instead of image files.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "tools/cli_util.h"

int main(int argc, char** argv) {
  CLI::App app("spix-train: trains the spix codec networks.", "spix-train");
  app.require_subcommand(1);
  const spix::CommandRunner run = spix::AddTrainCommand(app);
  spix::EnforceStrictNumbers(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "spix-train: error: %s (see 'spix-train --help')\n",
                 e.what());
    return spix::kExitUsage;
  }
  return run();
}
