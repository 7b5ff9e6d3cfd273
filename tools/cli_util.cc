#include "tools/cli_util.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace spix {

int ReportError(const Status& status) {
  std::fprintf(stderr, "spix: error: %s\n", status.message().c_str());
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kIoError:
      return kExitIo;
    default:
      return kExitData;
  }
}

Status CheckOutputPath(const std::vector<std::string>& inputs,
                       const std::string& output, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(output, ec)) return OkStatus();
  for (const std::string& input : inputs) {
    if (fs::equivalent(input, output, ec)) {
      return InvalidArgument("output '" + output + "' is the input file '" +
                             input + "'");
    }
  }
  if (fs::is_directory(output, ec)) {
    return InvalidArgument("output '" + output + "' is a directory");
  }
  if (!fs::is_regular_file(output, ec)) {
    return InvalidArgument("output '" + output +
                           "' is not a regular file (a device or FIFO); it is "
                           "never replaced");
  }
  if (!force) {
    return InvalidArgument("output '" + output +
                           "' exists; use --force to replace it");
  }
  return OkStatus();
}

StatusOr<int64_t> ParseInteger(const std::string& flag, const std::string& text,
                               int64_t lo, int64_t hi) {
  const std::string name = flag.empty() ? "" : flag + ": ";
  const std::string range = " (a whole number in " + std::to_string(lo) + ".." +
                            std::to_string(hi) + ")";
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || ec == std::errc::invalid_argument) {
    return InvalidArgument(name + "'" + text + "' is not a number" + range);
  }
  if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
    return InvalidArgument(name + text + " is out of range" + range);
  }
  return value;
}

StatusOr<double> ParseReal(const std::string& flag, const std::string& text,
                           double lo, double hi, bool lo_open) {
  const std::string name = flag.empty() ? "" : flag + ": ";
  char bound[96];
  std::snprintf(bound, sizeof bound, " (a number in %s%g, %g])",
                lo_open ? "(" : "[", lo, hi);
  // strtod also reads "inf", "nan" and hex; those are refused below or here.
  const bool plain =
      !text.empty() &&
      text.find_first_not_of("0123456789.eE+-") == std::string::npos;
  char* end = nullptr;
  errno = 0;
  const double value = plain ? std::strtod(text.c_str(), &end) : 0.0;
  if (!plain || end != text.c_str() + text.size()) {
    return InvalidArgument(name + "'" + text + "' is not a number" + bound);
  }
  if (errno == ERANGE || !std::isfinite(value) || value < lo || value > hi ||
      (lo_open && value == lo)) {
    return InvalidArgument(name + text + " is out of range" + bound);
  }
  return value;
}

CLI::Option* AddRealOption(CLI::App* cmd, const std::string& names,
                           double* target, double lo, double hi,
                           const std::string& help, bool lo_open) {
  CLI::Option* option = cmd->add_option(names)->description(help);
  option->each([target, lo, hi, lo_open](const std::string& text) {
    StatusOr<double> value = ParseReal("", text, lo, hi, lo_open);
    if (!value.ok()) throw CLI::ValidationError(value.status().message());
    *target = *value;
  });
  char shown[32];
  std::snprintf(shown, sizeof shown, "%g", *target);
  option->default_str(shown);
  return option;
}

void EnforceStrictNumbers(CLI::App* app) {
  for (CLI::Option* option : app->get_options()) {
    const std::string type = option->get_type_name();
    // The type name may carry validator text after it ("FLOAT:FLOAT in ...").
    const auto is = [&type](const char* name) {
      return type.rfind(name, 0) == 0;
    };
    if (is("INT") || is("UINT")) {
      const int64_t lo = is("UINT") ? 0 : INT64_MIN;
      option->each([lo](const std::string& text) {
        Status st = ParseInteger("", text, lo, INT64_MAX).status();
        if (!st.ok()) throw CLI::ValidationError(st.message());
      });
    } else if (is("FLOAT")) {
      option->each([](const std::string& text) {
        Status st = ParseReal("", text, -HUGE_VAL, HUGE_VAL).status();
        if (!st.ok()) throw CLI::ValidationError(st.message());
      });
    }
  }
  for (CLI::App* sub : app->get_subcommands({})) EnforceStrictNumbers(sub);
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
  }
  return files;
}

CLI::Option* AddThreadsOption(CLI::App* cmd, int* threads) {
  CLI::Option* option =
      cmd->add_option("--threads")
          ->description(
              "CPU threads: colour channels solved in parallel, the networks' "
              "threads (at most the hardware's)");
  option->each([threads](const std::string& text) {
    StatusOr<int64_t> value = ParseInteger("", text, 1, 1024);
    if (!value.ok()) throw CLI::ValidationError(value.status().message());
    const int64_t hardware = std::thread::hardware_concurrency();
    *threads = int(*value);
    if (hardware > 0 && *value > hardware) {
      std::fprintf(stderr,
                   "spix: notice: --threads %lld is more than the %lld "
                   "hardware threads; using %lld\n",
                   static_cast<long long>(*value),
                   static_cast<long long>(hardware),
                   static_cast<long long>(hardware));
      *threads = int(hardware);
    }
  });
  option->default_str(std::to_string(*threads));
  return option;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

}  // namespace spix
