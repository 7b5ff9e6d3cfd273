// LibTorch reports failures by throwing (c10::Error, std::bad_alloc); the
// codec returns Status values. GuardTorch runs a forward pass and turns any
// exception into a one-line Status, so none escapes Decode, Encode or Fill.
// No LibTorch headers here: the codec calls this without them.
#ifndef SPIX_NETWORKS_TORCH_GUARD_H_
#define SPIX_NETWORKS_TORCH_GUARD_H_

#include <functional>
#include <optional>
#include <utility>

#include "bitstream/status.h"

namespace spix {

// Runs `fn`; an exception becomes Unsupported ("LibTorch failed in <what>:
// <first line>") or ResourceExhausted (out of memory).
Status RunGuarded(const char* what, const std::function<void()>& fn);

template <typename Fn>
auto GuardTorch(const char* what, Fn&& fn) -> StatusOr<decltype(fn())> {
  std::optional<decltype(fn())> result;
  SPIX_RETURN_IF_ERROR(RunGuarded(what, [&] { result.emplace(fn()); }));
  return std::move(*result);
}

}  // namespace spix

#endif  // SPIX_NETWORKS_TORCH_GUARD_H_
