// Shared pieces of the spix subcommands: exit codes, error lines, output
// path checks, JSON string escaping.
#ifndef SPIX_TOOLS_CLI_UTIL_H_
#define SPIX_TOOLS_CLI_UTIL_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bitstream/status.h"

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

// Refuses an output path that is any of the files the user named (image,
// mask, frames, weights: `inputs`), anything but a regular file or a new
// name, or an existing file unless `force`.
Status CheckOutputPath(const std::vector<std::string>& inputs,
                       const std::string& output, bool force);

// The one strict number parser of every command: the whole string is a
// number of the type (no trailing junk, no exponent or fraction for an
// integer), finite, within [lo, hi]; `lo_open` excludes lo itself. `flag`
// (if not empty) names the option in the error; CLI11 adds it for options.
StatusOr<int64_t> ParseInteger(const std::string& flag, const std::string& text,
                               int64_t lo, int64_t hi);
StatusOr<double> ParseReal(const std::string& flag, const std::string& text,
                           double lo, double hi, bool lo_open = false);

// Adds an option read through ParseInteger / ParseReal; a bad value fails
// the command-line parse with a one-line message (exit 1).
template <typename Int>
CLI::Option* AddIntegerOption(CLI::App* cmd, const std::string& names,
                              Int* target, int64_t lo, int64_t hi,
                              const std::string& help);
CLI::Option* AddRealOption(CLI::App* cmd, const std::string& names,
                           double* target, double lo, double hi,
                           const std::string& help, bool lo_open = false);

// Every option of `app` and its subcommands that CLI11 reads as a number
// ("INT", "UINT", "FLOAT") goes through ParseInteger / ParseReal first, so no
// command accepts "nan", "inf", "1e1" for an integer or trailing junk.
void EnforceStrictNumbers(CLI::App* app);

// Regular files directly in `dir` (a weights folder), so that no output
// replaces one of them; empty if the folder cannot be read.
std::vector<std::string> FilesIn(const std::string& dir);

// --threads: 1..1024, then capped at the hardware's concurrency with a
// notice on stderr (more threads only slow LibTorch down).
CLI::Option* AddThreadsOption(CLI::App* cmd, int* threads);

std::string JsonString(const std::string& s);

template <typename Int>
CLI::Option* AddIntegerOption(CLI::App* cmd, const std::string& names,
                              Int* target, int64_t lo, int64_t hi,
                              const std::string& help) {
  CLI::Option* option = cmd->add_option(names)->description(help);
  option->each([target, lo, hi](const std::string& text) {
    StatusOr<int64_t> value = ParseInteger("", text, lo, hi);
    if (!value.ok()) throw CLI::ValidationError(value.status().message());
    *target = Int(*value);
  });
  option->default_str(std::to_string(*target));
  return option;
}

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
