#include "tools/cli_util.h"

#include <cstdio>
#include <filesystem>

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

Status CheckOutputPath(const std::string& input, const std::string& output,
                       bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(output, ec)) return OkStatus();
  if (fs::equivalent(input, output, ec)) {
    return InvalidArgument("output '" + output + "' is the input file");
  }
  if (fs::is_directory(output, ec)) {
    return InvalidArgument("output '" + output + "' is a directory");
  }
  if (!force) {
    return InvalidArgument("output '" + output +
                           "' exists; use --force to replace it");
  }
  return OkStatus();
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
