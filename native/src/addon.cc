// Worktrace's X11 core: exports X11Session (capture, active window, idle) and InputRecorder (XRecord).
#include <napi.h>

#include "recorder_wrap.h"
#include "x_errors.h"
#include "x_session.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  worktrace::InstallErrorHandlers();
  exports.Set("X11Session", worktrace::X11Session::Define(env));
  exports.Set("InputRecorder", worktrace::RecorderWrap::Define(env));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace

NODE_API_MODULE(worktrace_x11, Init)
