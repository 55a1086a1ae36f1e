// Turns NativeError into a JS Error carrying `code`, so JS can switch on codes instead of messages.
#pragma once

#include <napi.h>

#include "native_error.h"

namespace worktrace {

inline Napi::Error JsError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

// Runs `body`, rethrowing native failures as JS errors with their code.
template <typename Body>
auto Guard(Napi::Env env, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const NativeError& e) {
    throw JsError(env, e.code(), e.what());
  } catch (const std::bad_alloc&) {
    throw JsError(env, "ERR_NO_MEMORY", "out of memory");
  }
}

}  // namespace worktrace
