#include "private_capture.h"

#include "napi_util.h"
#include "redaction.h"

namespace worktrace {
namespace {

Napi::Array WindowsToJs(Napi::Env env, const std::vector<TopLevelWindow>& windows) {
  Napi::Array list = Napi::Array::New(env, windows.size());
  for (size_t i = 0; i < windows.size(); ++i) {
    const TopLevelWindow& w = windows[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", static_cast<double>(w.id));
    o.Set("x", w.frame.x);
    o.Set("y", w.frame.y);
    o.Set("width", w.frame.width);
    o.Set("height", w.frame.height);
    o.Set("title", w.title);
    o.Set("instanceName", w.instanceName);
    o.Set("className", w.className);
    if (w.pid > 0) o.Set("pid", static_cast<double>(w.pid));
    list.Set(static_cast<uint32_t>(i), o);
  }
  return list;
}

}  // namespace

ServerGrab::ServerGrab(Display* display, const std::atomic<bool>& dead) : display_(display), dead_(dead) { XGrabServer(display_); }

ServerGrab::~ServerGrab() {
  if (dead_.load()) return;
  XUngrabServer(display_);
  XFlush(display_);
}

bool WantsRedaction(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return false;
  if (!info[index].IsFunction()) {
    throw JsError(info.Env(), "ERR_INVALID_ARG", "the private-window decision must be a function of the windows");
  }
  return true;
}

int RedactPrivateWindows(Napi::Env env, const Napi::Function& isPrivate, const std::vector<TopLevelWindow>& windows, const Rect& area,
                         uint8_t* pixels, int channels) {
  const Napi::Value answer = isPrivate.Call({WindowsToJs(env, windows)});
  if (!answer.IsArray() || answer.As<Napi::Array>().Length() != windows.size()) {
    throw JsError(env, "ERR_INVALID_ARG", "the private-window decision must return one boolean per window");
  }
  const Napi::Array flags = answer.As<Napi::Array>();
  std::vector<StackedWindow> stack(windows.size());
  for (size_t i = 0; i < windows.size(); ++i) {
    const Napi::Value flag = flags.Get(static_cast<uint32_t>(i));
    if (!flag.IsBoolean()) throw JsError(env, "ERR_INVALID_ARG", "the private-window decision must return one boolean per window");
    stack[i] = StackedWindow{windows[i].frame, flag.As<Napi::Boolean>().Value()};
  }
  const RedactionPlan plan = PlanRedaction(stack, area);
  PaintRedacted(pixels, area.width, area.height, channels, plan.paint);
  return plan.hiddenWindows;
}

}  // namespace worktrace
