// The spix command line: a thin layer over the public API in codec/.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "codec/spix.h"
#include "tools/cli_util.h"

int main(int argc, char** argv) {
  CLI::App app(
      "spix: an image codec that keeps a sparse set of pixels and rebuilds "
      "the rest by inpainting.",
      "spix");
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       "spix 0.1.0 (writes .spix format version " +
                           std::to_string(spix::kFormatVersion) + ", reads " +
                           std::to_string(spix::kOldestFormatVersion) + " to " +
                           std::to_string(spix::kFormatVersion) + ")");
  app.footer(
      "Run 'spix COMMAND --help' for the flags of a command.\n"
      "Exit codes: 0 success, 1 bad arguments, 2 bad or corrupt input data, "
      "3 file I/O error.");
  const std::vector<std::pair<std::string, spix::CommandRunner>> commands = {
      {"encode", spix::AddEncodeCommand(app)},
      {"decode", spix::AddDecodeCommand(app)},
      {"info", spix::AddInfoCommand(app)},
      {"fill", spix::AddFillCommand(app)},
      {"bench", spix::AddBenchCommand(app)},
      {"train", spix::AddTrainCommand(app)},
  };
  spix::EnforceStrictNumbers(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "spix: error: %s (see 'spix --help')\n", e.what());
    return spix::kExitUsage;
  }
  for (const auto& [name, run] : commands) {
    if (app.got_subcommand(name)) return run();
  }
  return spix::kExitUsage;
}
