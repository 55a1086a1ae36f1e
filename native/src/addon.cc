// Worktrace's X11 core: exports X11Session (capture, active window, idle), InputRecorder (XRecord) and
// encodeJpeg (the screenshot encoder, off the JS thread).
#include <napi.h>

#include "encode_worker.h"
#include "recorder_wrap.h"
#include "x_errors.h"
#include "x_session.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  worktrace::InstallErrorHandlers();
  exports.Set("X11Session", worktrace::X11Session::Define(env));
  exports.Set("InputRecorder", worktrace::RecorderWrap::Define(env));
  exports.Set("encodeJpeg", Napi::Function::New(env, worktrace::EncodeJpegFunction, "encodeJpeg"));
  // 2: encodeJpeg and X11Session.captureJpeg (libjpeg). 3: captures that paint private windows out
  // (the window stack read with the pixels). The install script rebuilds anything older.
  exports.Set("abiVersion", Napi::Number::New(env, 3));
  return exports;
}

}  // namespace

NODE_API_MODULE(worktrace_x11, Init)
