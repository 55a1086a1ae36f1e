#include "win_session.h"

#include <windows.h>

#include "../encode_worker.h"
#include "../napi_util.h"
#include "../pixel_buffer.h"
#include "foreground_window.h"
#include "screen_grabber.h"

namespace worktrace {
namespace {

int ChannelsArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return 4;
  const int channels = info[index].IsNumber() ? info[index].As<Napi::Number>().Int32Value() : 0;
  if (channels != 3 && channels != 4) throw JsError(info.Env(), "ERR_INVALID_ARG", "channels must be 3 or 4");
  return channels;
}

Napi::Object MonitorObject(Napi::Env env, const DisplayMonitor& m) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", m.name);
  o.Set("x", m.rect.x);
  o.Set("y", m.rect.y);
  o.Set("width", m.rect.width);
  o.Set("height", m.rect.height);
  o.Set("primary", m.primary);
  return o;
}

DisplayMonitor Composite() { return DisplayMonitor{"composite", VirtualScreen(), true}; }

DisplayMonitor Primary() {
  const auto monitors = ListMonitors();
  for (const auto& m : monitors) {
    if (m.primary) return m;
  }
  return monitors.front();
}

Napi::Object Frame(Napi::Env env, const DisplayMonitor& where, int channels) {
  const size_t size = static_cast<size_t>(where.rect.width) * where.rect.height * channels;
  Napi::Buffer<uint8_t> pixels = Napi::Buffer<uint8_t>::New(env, size);
  Guard(env, [&] {
    GrabScreen(where.rect, pixels.Data(), channels);
    return 0;
  });
  Napi::Object frame = MonitorObject(env, where);
  frame.Set("data", pixels);
  frame.Set("channels", channels);
  frame.Set("shm", false);  // an X11 notion: GDI copies through a DIB section
  return frame;
}

}  // namespace

Napi::Function Win32Session::Define(Napi::Env env) {
  return DefineClass(env, "Win32Session",
                     {
                         InstanceMethod("info", &Win32Session::Info),
                         InstanceMethod("monitors", &Win32Session::Monitors),
                         InstanceMethod("captureMonitors", &Win32Session::CaptureMonitors),
                         InstanceMethod("captureComposite", &Win32Session::CaptureComposite),
                         InstanceMethod("capturePrimary", &Win32Session::CapturePrimary),
                         InstanceMethod("captureJpeg", &Win32Session::CaptureJpeg),
                         InstanceMethod("activeWindow", &Win32Session::ActiveWindow),
                         InstanceMethod("idleMs", &Win32Session::IdleMs),
                         InstanceMethod("close", &Win32Session::Close),
                     });
}

Win32Session::Win32Session(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Win32Session>(info) {}

void Win32Session::Live(Napi::Env env) const {
  if (closed_) throw JsError(env, "ERR_CLOSED", "the Windows session is closed");
}

Napi::Value Win32Session::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Live(env);
  DpiAwareScope dpi;
  const ScreenRect screen = VirtualScreen();
  Napi::Object o = Napi::Object::New(env);
  o.Set("x", screen.x);
  o.Set("y", screen.y);
  o.Set("width", screen.width);
  o.Set("height", screen.height);
  o.Set("monitors", static_cast<double>(ListMonitors().size()));
  o.Set("dpiAware", dpi.aware());
  return o;
}

Napi::Value Win32Session::Monitors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Live(env);
  DpiAwareScope dpi;
  const auto monitors = ListMonitors();
  Napi::Array list = Napi::Array::New(env, monitors.size());
  for (size_t i = 0; i < monitors.size(); ++i) list.Set(static_cast<uint32_t>(i), MonitorObject(env, monitors[i]));
  return list;
}

Napi::Value Win32Session::CaptureMonitors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int channels = ChannelsArg(info, 0);
  Live(env);
  DpiAwareScope dpi;
  const auto monitors = ListMonitors();
  Napi::Array frames = Napi::Array::New(env, monitors.size());
  for (size_t i = 0; i < monitors.size(); ++i) frames.Set(static_cast<uint32_t>(i), Frame(env, monitors[i], channels));
  return frames;
}

Napi::Value Win32Session::CaptureComposite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int channels = ChannelsArg(info, 0);
  Live(env);
  DpiAwareScope dpi;
  return Frame(env, Composite(), channels);
}

Napi::Value Win32Session::CapturePrimary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int channels = ChannelsArg(info, 0);
  Live(env);
  DpiAwareScope dpi;
  return Frame(env, Primary(), channels);
}

// captureJpeg(area: 'all' | 'primary', options?) -> Promise<frame with data = JPEG bytes>. The BitBlt stays
// on this thread (GDI DCs belong to a thread); downscale, blur and WIC run in an EncodeWorker on the pool.
Napi::Value Win32Session::CaptureJpeg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string area = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "all";
  if (area != "all" && area != "primary") throw JsError(env, "ERR_INVALID_ARG", "area must be 'all' or 'primary'");
  const EncodeOptions options = ReadEncodeOptions(info, 1);
  Live(env);
  DpiAwareScope dpi;
  const DisplayMonitor where = area == "primary" ? Primary() : Composite();
  const int channels = 3;  // the encoder drops alpha anyway
  PixelBuffer pixels;
  Guard(env, [&] {
    pixels = PixelBuffer(static_cast<size_t>(where.rect.width) * where.rect.height * channels);
    GrabScreen(where.rect, pixels.data(), channels);
    return 0;
  });
  Napi::Object result = MonitorObject(env, where);
  result.Set("sourceWidth", where.rect.width);
  result.Set("sourceHeight", where.rect.height);
  result.Set("shm", false);
  auto* worker = new EncodeWorker(env, std::move(pixels), where.rect.width, where.rect.height, channels, options, result);
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // deletes itself once settled
  return promise;
}

Napi::Value Win32Session::ActiveWindow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Live(env);
  const auto window = ReadForegroundWindow();
  if (!window) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", static_cast<double>(window->id));
  o.Set("title", window->title);
  o.Set("titleSource", "GetWindowTextW");
  o.Set("instanceName", "");
  o.Set("className", window->className);
  if (window->pid > 0) o.Set("pid", static_cast<double>(window->pid));
  o.Set("processPath", window->processPath);
  return o;
}

// Milliseconds since the last input this session received (GetLastInputInfo). Both ticks are 32-bit and
// wrap every 49.7 days; unsigned subtraction gives the right difference across a wrap.
Napi::Value Win32Session::IdleMs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Live(env);
  LASTINPUTINFO last{};
  last.cbSize = sizeof(last);
  if (!GetLastInputInfo(&last)) throw JsError(env, "ERR_IDLE", "GetLastInputInfo failed");
  const DWORD now = GetTickCount();
  return Napi::Number::New(env, static_cast<double>(static_cast<DWORD>(now - last.dwTime)));
}

Napi::Value Win32Session::Close(const Napi::CallbackInfo& info) {
  closed_ = true;  // nothing is held between calls: every GDI object lives for one call
  return info.Env().Undefined();
}

}  // namespace worktrace
