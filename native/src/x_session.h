// One X connection for the sampling work done on the JS thread: monitors, capture, active window, idle.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <string>

#include "shm_grabber.h"
#include "window_info.h"
#include "window_stack.h"

namespace worktrace {

class X11Session : public Napi::ObjectWrap<X11Session> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit X11Session(const Napi::CallbackInfo& info);
  ~X11Session() override;

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

  Display* Live(Napi::Env env);  // throws when closed or the server went away
  // `isPrivate`: undefined, or the decision function (see private_capture.h); then the frame is redacted.
  Napi::Object Frame(Napi::Env env, const MonitorInfo& where, int channels, const Napi::Value& isPrivate);
  // Grabs `rect` into `out`; with `windows`, also reads the window stack, both under one server grab.
  void Grab(Napi::Env env, const Rect& rect, uint8_t* out, int channels, std::vector<TopLevelWindow>* windows);
  MonitorInfo Area(Napi::Env env, bool primaryOnly);
  void Release();

  std::string name_;
  Display* display_ = nullptr;
  std::atomic<bool> dead_{false};
  int screen_ = 0;
  bool randr15_ = false;
  bool screenSaver_ = false;
  std::unique_ptr<WindowAtoms> atoms_;
  std::unique_ptr<StackAtoms> stackAtoms_;
  std::unique_ptr<ShmGrabber> grabber_;
  void* idleInfo_ = nullptr;  // XScreenSaverInfo*, allocated once
};

}  // namespace worktrace
