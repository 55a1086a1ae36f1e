#include "x_session.h"

#include <X11/extensions/Xrandr.h>
#include <X11/extensions/scrnsaver.h>

#include "encode_worker.h"
#include "napi_util.h"
#include "pixel_buffer.h"
#include "private_capture.h"
#include "x_errors.h"

namespace worktrace {
namespace {

int ChannelsArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return 4;
  const int channels = info[index].As<Napi::Number>().Int32Value();
  if (channels != 3 && channels != 4) throw JsError(info.Env(), "ERR_INVALID_ARG", "channels must be 3 or 4");
  return channels;
}

Napi::Object MonitorObject(Napi::Env env, const MonitorInfo& m) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", m.name);
  o.Set("x", m.rect.x);
  o.Set("y", m.rect.y);
  o.Set("width", m.rect.width);
  o.Set("height", m.rect.height);
  o.Set("primary", m.primary);
  return o;
}

}  // namespace

Napi::Function X11Session::Define(Napi::Env env) {
  return DefineClass(env, "X11Session",
                     {
                         InstanceMethod("info", &X11Session::Info),
                         InstanceMethod("monitors", &X11Session::Monitors),
                         InstanceMethod("captureMonitors", &X11Session::CaptureMonitors),
                         InstanceMethod("captureComposite", &X11Session::CaptureComposite),
                         InstanceMethod("capturePrimary", &X11Session::CapturePrimary),
                         InstanceMethod("captureJpeg", &X11Session::CaptureJpeg),
                         InstanceMethod("activeWindow", &X11Session::ActiveWindow),
                         InstanceMethod("idleMs", &X11Session::IdleMs),
                         InstanceMethod("close", &X11Session::Close),
                     });
}

X11Session::X11Session(const Napi::CallbackInfo& info) : Napi::ObjectWrap<X11Session>(info) {
  Napi::Env env = info.Env();
  if (info.Length() > 0 && info[0].IsString()) name_ = info[0].As<Napi::String>().Utf8Value();
  Guard(env, [&] {
    display_ = OpenOwnedDisplay(name_.empty() ? nullptr : name_.c_str(), &dead_);
    return 0;
  });
  if (name_.empty()) name_ = DisplayString(display_);
  screen_ = DefaultScreen(display_);
  int event = 0, error = 0, major = 0, minor = 0;
  randr15_ = XRRQueryExtension(display_, &event, &error) && XRRQueryVersion(display_, &major, &minor) &&
             (major > 1 || (major == 1 && minor >= 5));
  screenSaver_ = XScreenSaverQueryExtension(display_, &event, &error);
  atoms_ = std::make_unique<WindowAtoms>(display_);
  stackAtoms_ = std::make_unique<StackAtoms>(display_);
  grabber_ = std::make_unique<ShmGrabber>(display_, screen_);
}

X11Session::~X11Session() { Release(); }

void X11Session::Release() {
  if (display_ == nullptr) return;
  if (dead_.load()) {
    grabber_.release();  // leak the few bytes rather than talk to a dead connection
  } else {
    grabber_.reset();
  }
  if (idleInfo_ != nullptr) XFree(idleInfo_);
  idleInfo_ = nullptr;
  CloseOwnedDisplay(display_);
  display_ = nullptr;
}

Display* X11Session::Live(Napi::Env env) {
  if (display_ == nullptr) throw JsError(env, "ERR_CLOSED", "the X session is closed");
  if (dead_.load()) throw JsError(env, "ERR_CONNECTION_LOST", "the connection to X display " + name_ + " was lost");
  return display_;
}

Napi::Value X11Session::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Display* d = Live(env);
  Napi::Object o = Napi::Object::New(env);
  o.Set("display", name_);
  o.Set("width", DisplayWidth(d, screen_));
  o.Set("height", DisplayHeight(d, screen_));
  o.Set("randr15", randr15_);
  o.Set("screenSaver", screenSaver_);
  o.Set("shm", static_cast<bool>(XShmQueryExtension(d)));
  return o;
}

Napi::Value X11Session::Monitors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Display* d = Live(env);
  auto monitors = QueryMonitors(d, RootWindow(d, screen_), randr15_);
  Live(env);
  Napi::Array list = Napi::Array::New(env, monitors.size());
  for (size_t i = 0; i < monitors.size(); ++i) list.Set(static_cast<uint32_t>(i), MonitorObject(env, monitors[i]));
  return list;
}

void X11Session::Grab(Napi::Env env, const Rect& rect, uint8_t* out, int channels, std::vector<TopLevelWindow>* windows) {
  try {
    Guard(env, [&] {
      if (windows == nullptr) {
        grabber_->Grab(rect, out, channels);
        return 0;
      }
      ServerGrab grab(display_, dead_);
      *windows = ReadWindowStack(display_, *atoms_, *stackAtoms_);
      grabber_->Grab(rect, out, channels);
      return 0;
    });
  } catch (const Napi::Error&) {
    Live(env);  // a capture that failed because the server went away says so
    throw;
  }
  Live(env);
}

Napi::Object X11Session::Frame(Napi::Env env, const MonitorInfo& where, int channels, const Napi::Value& isPrivate) {
  const size_t size = static_cast<size_t>(where.rect.width) * where.rect.height * channels;
  Napi::Buffer<uint8_t> pixels = Napi::Buffer<uint8_t>::New(env, size);
  const bool redact = isPrivate.IsFunction();
  std::vector<TopLevelWindow> windows;
  Grab(env, where.rect, pixels.Data(), channels, redact ? &windows : nullptr);
  // The buffer is reachable from JS only once returned: it is painted before that.
  const int hidden = redact ? RedactPrivateWindows(env, isPrivate.As<Napi::Function>(), windows, where.rect, pixels.Data(), channels) : 0;
  Napi::Object frame = MonitorObject(env, where);
  frame.Set("data", pixels);
  frame.Set("channels", channels);
  frame.Set("shm", grabber_->usingShm());
  if (redact) frame.Set("redactedWindows", hidden);
  return frame;
}

Napi::Value X11Session::CaptureMonitors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int channels = ChannelsArg(info, 0);
  Display* d = Live(env);
  auto monitors = QueryMonitors(d, RootWindow(d, screen_), randr15_);
  Live(env);
  Napi::Array frames = Napi::Array::New(env, monitors.size());
  for (size_t i = 0; i < monitors.size(); ++i) frames.Set(static_cast<uint32_t>(i), Frame(env, monitors[i], channels, env.Undefined()));
  Live(env);
  return frames;
}

Napi::Value X11Session::CaptureComposite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int channels = ChannelsArg(info, 0);
  const bool redact = WantsRedaction(info, 1);
  Display* d = Live(env);
  auto monitors = QueryMonitors(d, RootWindow(d, screen_), randr15_);
  Live(env);
  MonitorInfo all{"composite", BoundingBox(monitors), true};
  Napi::Object frame = Frame(env, all, channels, redact ? info[1] : env.Undefined());
  Live(env);
  return frame;
}

Napi::Value X11Session::CapturePrimary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int channels = ChannelsArg(info, 0);
  const bool redact = WantsRedaction(info, 1);
  Display* d = Live(env);
  auto monitors = QueryMonitors(d, RootWindow(d, screen_), randr15_);
  Live(env);
  const MonitorInfo* primary = &monitors.front();
  for (const auto& m : monitors) {
    if (m.primary) {
      primary = &m;
      break;
    }
  }
  Napi::Object frame = Frame(env, *primary, channels, redact ? info[1] : env.Undefined());
  Live(env);
  return frame;
}

MonitorInfo X11Session::Area(Napi::Env env, bool primaryOnly) {
  Display* d = Live(env);
  auto monitors = QueryMonitors(d, RootWindow(d, screen_), randr15_);
  Live(env);
  if (!primaryOnly) return MonitorInfo{"composite", BoundingBox(monitors), true};
  for (const auto& m : monitors) {
    if (m.primary) return m;
  }
  return monitors.front();
}

// captureJpeg(area: 'all' | 'primary', options?, isPrivate?) -> Promise<frame with data = JPEG bytes>.
// The grab stays on this thread (the X connection is used from here only; with MIT-SHM it is one round
// trip plus one pass over the pixels), and so does the redaction of private windows: the encoder on the
// thread pool only ever sees painted pixels. Everything after it runs in an EncodeWorker.
Napi::Value X11Session::CaptureJpeg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string area = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "all";
  if (area != "all" && area != "primary") throw JsError(env, "ERR_INVALID_ARG", "area must be 'all' or 'primary'");
  const EncodeOptions options = ReadEncodeOptions(info, 1);
  const bool redact = WantsRedaction(info, 2);
  const MonitorInfo where = Area(env, area == "primary");
  const int channels = 3;  // the encoder drops alpha anyway
  PixelBuffer pixels = Guard(env, [&] { return PixelBuffer(static_cast<size_t>(where.rect.width) * where.rect.height * channels); });
  std::vector<TopLevelWindow> windows;
  Grab(env, where.rect, pixels.data(), channels, redact ? &windows : nullptr);
  const bool shm = grabber_->usingShm();
  // Screenshots come minutes apart: do not keep a screen-sized shared segment resident in between.
  grabber_->ReleaseSegment();
  const int hidden = redact ? RedactPrivateWindows(env, info[2].As<Napi::Function>(), windows, where.rect, pixels.data(), channels) : 0;
  Napi::Object result = MonitorObject(env, where);
  result.Set("sourceWidth", where.rect.width);
  result.Set("sourceHeight", where.rect.height);
  result.Set("shm", shm);
  if (redact) result.Set("redactedWindows", hidden);
  auto* worker = new EncodeWorker(env, std::move(pixels), where.rect.width, where.rect.height, channels, options, result);
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // deletes itself once settled
  return promise;
}

Napi::Value X11Session::ActiveWindow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Display* d = Live(env);
  auto window = ReadActiveWindow(d, *atoms_);
  Live(env);  // the server may have gone during the read: then the answer is an error, not null
  if (!window) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", static_cast<double>(window->id));
  o.Set("title", window->title);
  o.Set("titleSource", window->titleSource);
  o.Set("instanceName", window->instanceName);
  o.Set("className", window->className);
  if (window->pid > 0) o.Set("pid", static_cast<double>(window->pid));
  return o;
}

Napi::Value X11Session::IdleMs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Display* d = Live(env);
  if (!screenSaver_) {
    throw JsError(env, "ERR_NO_EXTENSION", "the X server has no MIT-SCREEN-SAVER extension: idle time is unknown");
  }
  if (idleInfo_ == nullptr) idleInfo_ = XScreenSaverAllocInfo();
  auto* saver = static_cast<XScreenSaverInfo*>(idleInfo_);
  const Status ok = XScreenSaverQueryInfo(d, RootWindow(d, screen_), saver);
  Live(env);
  if (!ok) throw JsError(env, "ERR_IDLE", "XScreenSaverQueryInfo failed");
  return Napi::Number::New(env, static_cast<double>(saver->idle));
}

Napi::Value X11Session::Close(const Napi::CallbackInfo& info) {
  Release();
  return info.Env().Undefined();
}

}  // namespace worktrace
