// Errors as values: every library call that can fail on user input returns a
// Status or a StatusOr<T>; nothing reachable from untrusted data aborts.
#ifndef SPIX_BITSTREAM_STATUS_H_
#define SPIX_BITSTREAM_STATUS_H_

#include <optional>
#include <string>
#include <utility>

namespace spix {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller asked for something impossible
  kCorruptData,        // the input is damaged or not what it claims to be
  kUnsupported,        // well-formed, but this build cannot handle it
  kResourceExhausted,  // the input asks for more than the caps allow
  kIoError,            // a file could not be read or written
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgument(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status CorruptData(std::string m) {
  return Status(StatusCode::kCorruptData, std::move(m));
}
inline Status Unsupported(std::string m) {
  return Status(StatusCode::kUnsupported, std::move(m));
}
inline Status ResourceExhausted(std::string m) {
  return Status(StatusCode::kResourceExhausted, std::move(m));
}
inline Status IoError(std::string m) {
  return Status(StatusCode::kIoError, std::move(m));
}

// Holds either a value or a non-ok Status.
template <typename T>
class StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT
  StatusOr(T value) : value_(std::move(value)) {}          // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace spix

#define SPIX_CONCAT_INNER(a, b) a##b
#define SPIX_CONCAT(a, b) SPIX_CONCAT_INNER(a, b)

#define SPIX_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::spix::Status spix_status_ = (expr);        \
    if (!spix_status_.ok()) return spix_status_; \
  } while (0)

#define SPIX_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#define SPIX_ASSIGN_OR_RETURN(lhs, expr) \
  SPIX_ASSIGN_OR_RETURN_IMPL(SPIX_CONCAT(spix_statusor_, __LINE__), lhs, expr)

#endif  // SPIX_BITSTREAM_STATUS_H_
