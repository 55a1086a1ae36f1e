// The one exception type of the native core, on every platform: a failure with a stable code that
// napi_util.h's Guard() turns into a JS Error carrying `code`.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace worktrace {

// A failure with a stable code ("ERR_NO_DISPLAY", ...), surfaced to JS as Error.code.
class NativeError : public std::runtime_error {
 public:
  NativeError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

}  // namespace worktrace
