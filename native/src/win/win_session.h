// JS class Win32Session: the Windows counterpart of X11Session, with the same methods (capture, active
// window, idle) so that the sensors in src/main/sensors/native serve both. Everything here runs on the JS
// thread and is quick (one BitBlt, a few user32 calls); the JPEG encoder runs on libuv's thread pool.
#pragma once

#include <napi.h>

namespace worktrace {

class Win32Session : public Napi::ObjectWrap<Win32Session> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Win32Session(const Napi::CallbackInfo& info);

 private:
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Monitors(const Napi::CallbackInfo& info);
  Napi::Value CaptureMonitors(const Napi::CallbackInfo& info);
  Napi::Value CaptureComposite(const Napi::CallbackInfo& info);
  Napi::Value CapturePrimary(const Napi::CallbackInfo& info);
  Napi::Value CaptureJpeg(const Napi::CallbackInfo& info);
  Napi::Value ActiveWindow(const Napi::CallbackInfo& info);
  Napi::Value IdleMs(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  void Live(Napi::Env env) const;  // throws ERR_CLOSED after close()

  bool closed_ = false;
};

}  // namespace worktrace
