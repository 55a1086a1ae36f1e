// Worktrace's Windows core: exports Win32Session (GDI capture, foreground window, idle), InputRecorder
// (low-level hooks on the addon's own thread; the same JS class as on X11) and encodeJpeg (the shared
// downscale and blur, then WIC), with the same shapes as the X11 addon so one set of sensors drives both.
#include <napi.h>

#include "../encode_worker.h"
#include "../recorder_wrap.h"
#include "win_session.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Win32Session", worktrace::Win32Session::Define(env));
  exports.Set("InputRecorder", worktrace::RecorderWrap::Define(env));
  exports.Set("encodeJpeg", Napi::Function::New(env, worktrace::EncodeJpegFunction, "encodeJpeg"));
  exports.Set("platform", Napi::String::New(env, "win32"));
  // The same numbering as the X11 addon: 2 = with the JPEG encoder.
  exports.Set("abiVersion", Napi::Number::New(env, 2));
  return exports;
}

}  // namespace

NODE_API_MODULE(worktrace_win32, Init)
