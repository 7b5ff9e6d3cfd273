// Shared pieces of the spix subcommands: exit codes, error lines, output
// path checks, JSON string escaping.
#ifndef SPIX_TOOLS_CLI_UTIL_H_
#define SPIX_TOOLS_CLI_UTIL_H_

#include <cstdint>
#include <functional>
#include <string>

#include "bitstream/status.h"

namespace CLI {
class App;
}

namespace spix {

// Documented in README.md ("Exit codes").
enum ExitCode {
  kExitOk = 0,
  kExitUsage = 1,  // bad flags or arguments
  kExitData = 2,   // input unreadable as an image or .spix, corrupt, too big
  kExitIo = 3,     // a file could not be opened, read or written
};

// Prints "spix: error: <message>" on stderr, returns the matching exit code.
int ReportError(const Status& status);

// Refuses an output path that is the input itself, or an existing file
// unless `force`.
Status CheckOutputPath(const std::string& input, const std::string& output,
                       bool force);

std::string JsonString(const std::string& s);

// Largest .spix file any command reads.
inline constexpr uint64_t kMaxSpixFileBytes = uint64_t(1) << 30;

// Each subcommand adds itself to `app` and returns what runs it once parsed.
using CommandRunner = std::function<int()>;
CommandRunner AddEncodeCommand(CLI::App& app);
CommandRunner AddDecodeCommand(CLI::App& app);
CommandRunner AddInfoCommand(CLI::App& app);
CommandRunner AddBenchCommand(CLI::App& app);
CommandRunner AddTrainCommand(CLI::App& app);
CommandRunner AddFillCommand(CLI::App& app);

}  // namespace spix

#endif  // SPIX_TOOLS_CLI_UTIL_H_
