#include "networks/torch_guard.h"

#include <torch/torch.h>

#include <new>
#include <string>

namespace spix {
namespace {

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

}  // namespace

Status RunGuarded(const char* what, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const c10::Error& e) {
    return Unsupported(std::string("LibTorch failed in ") + what + ": " +
                       FirstLine(e.what_without_backtrace()));
  } catch (const std::bad_alloc&) {
    return ResourceExhausted(std::string("out of memory in ") + what);
  } catch (const std::exception& e) {
    return Unsupported(std::string("LibTorch failed in ") + what + ": " +
                       FirstLine(e.what()));
  }
  return OkStatus();
}

}  // namespace spix
