#include "screen_grabber.h"

#include <windows.h>

#include <string>

#include "../native_error.h"
#include "wide_text.h"

namespace worktrace {
namespace {

// DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2, spelled out: older SDK headers (and MinGW's, depending on
// _WIN32_WINNT) do not declare it.
const HANDLE kPerMonitorAwareV2 = reinterpret_cast<HANDLE>(static_cast<intptr_t>(-4));
using SetThreadDpiAwarenessContextFn = HANDLE(WINAPI*)(HANDLE);

// Looked up once: the function exists from Windows 10 1607 on; earlier systems keep the thread as it was.
SetThreadDpiAwarenessContextFn SetThreadAwareness() {
  static const SetThreadDpiAwarenessContextFn fn = [] {
    HMODULE user32 = GetModuleHandleW(L"user32.dll");
    FARPROC proc = user32 ? GetProcAddress(user32, "SetThreadDpiAwarenessContext") : nullptr;
    return reinterpret_cast<SetThreadDpiAwarenessContextFn>(reinterpret_cast<void*>(proc));
  }();
  return fn;
}

std::string LastErrorText(const char* what) {
  return std::string(what) + " failed (Windows error " + std::to_string(GetLastError()) + ")";
}

BOOL CALLBACK CollectMonitor(HMONITOR monitor, HDC, LPRECT, LPARAM data) {
  auto* list = reinterpret_cast<std::vector<DisplayMonitor>*>(data);
  MONITORINFOEXW info{};
  info.cbSize = sizeof(info);
  if (!GetMonitorInfoW(monitor, &info)) return TRUE;  // a monitor unplugged meanwhile: skip it
  const RECT& r = info.rcMonitor;
  list->push_back(DisplayMonitor{Utf8FromWide(info.szDevice, static_cast<int>(wcsnlen(info.szDevice, CCHDEVICENAME))),
                                 ScreenRect{r.left, r.top, r.right - r.left, r.bottom - r.top},
                                 (info.dwFlags & MONITORINFOF_PRIMARY) != 0});
  return TRUE;
}

// The GDI objects of one grab, released in reverse order whatever happens.
struct GdiGrab {
  HDC screen = nullptr;
  HDC memory = nullptr;
  HBITMAP bitmap = nullptr;
  HGDIOBJ previous = nullptr;
  ~GdiGrab() {
    if (previous != nullptr) SelectObject(memory, previous);
    if (bitmap != nullptr) DeleteObject(bitmap);
    if (memory != nullptr) DeleteDC(memory);
    if (screen != nullptr) ReleaseDC(nullptr, screen);
  }
};

}  // namespace

DpiAwareScope::DpiAwareScope() {
  if (SetThreadDpiAwarenessContextFn set = SetThreadAwareness()) previous_ = set(kPerMonitorAwareV2);
}

DpiAwareScope::~DpiAwareScope() {
  if (previous_ != nullptr) SetThreadAwareness()(previous_);
}

ScreenRect VirtualScreen() {
  return ScreenRect{GetSystemMetrics(SM_XVIRTUALSCREEN), GetSystemMetrics(SM_YVIRTUALSCREEN),
                    GetSystemMetrics(SM_CXVIRTUALSCREEN), GetSystemMetrics(SM_CYVIRTUALSCREEN)};
}

std::vector<DisplayMonitor> ListMonitors() {
  std::vector<DisplayMonitor> list;
  EnumDisplayMonitors(nullptr, nullptr, CollectMonitor, reinterpret_cast<LPARAM>(&list));
  if (list.empty()) list.push_back(DisplayMonitor{"screen", VirtualScreen(), true});  // say something usable
  return list;
}

void GrabScreen(const ScreenRect& rect, uint8_t* out, int channels) {
  if (rect.width <= 0 || rect.height <= 0) throw NativeError("ERR_CAPTURE", "the desktop has no area to capture");
  GdiGrab grab;
  grab.screen = GetDC(nullptr);
  if (grab.screen == nullptr) throw NativeError("ERR_CAPTURE", LastErrorText("GetDC of the desktop"));
  grab.memory = CreateCompatibleDC(grab.screen);
  if (grab.memory == nullptr) throw NativeError("ERR_CAPTURE", LastErrorText("CreateCompatibleDC"));
  BITMAPINFO info{};
  info.bmiHeader.biSize = sizeof(info.bmiHeader);
  info.bmiHeader.biWidth = rect.width;
  info.bmiHeader.biHeight = -rect.height;  // negative: top-down rows, as the encoder wants them
  info.bmiHeader.biPlanes = 1;
  info.bmiHeader.biBitCount = 32;
  info.bmiHeader.biCompression = BI_RGB;
  void* bits = nullptr;
  grab.bitmap = CreateDIBSection(grab.screen, &info, DIB_RGB_COLORS, &bits, nullptr, 0);
  if (grab.bitmap == nullptr || bits == nullptr) throw NativeError("ERR_CAPTURE", LastErrorText("CreateDIBSection"));
  grab.previous = SelectObject(grab.memory, grab.bitmap);
  // CAPTUREBLT: include layered (translucent) windows, which are not part of the screen DC's surface otherwise.
  if (!BitBlt(grab.memory, 0, 0, rect.width, rect.height, grab.screen, rect.x, rect.y, SRCCOPY | CAPTUREBLT)) {
    throw NativeError("ERR_CAPTURE", LastErrorText("BitBlt of the desktop"));
  }
  GdiFlush();  // the DIB's memory is complete only once GDI's batch is flushed
  const size_t pixels = static_cast<size_t>(rect.width) * rect.height;
  const auto* bgrx = static_cast<const uint8_t*>(bits);
  if (channels == 4) {
    for (size_t i = 0; i < pixels; ++i, bgrx += 4, out += 4) {
      out[0] = bgrx[2];
      out[1] = bgrx[1];
      out[2] = bgrx[0];
      out[3] = 255;
    }
  } else {
    for (size_t i = 0; i < pixels; ++i, bgrx += 4, out += 3) {
      out[0] = bgrx[2];
      out[1] = bgrx[1];
      out[2] = bgrx[0];
    }
  }
}

}  // namespace worktrace
