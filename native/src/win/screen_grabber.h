// The Windows desktop's pixels and monitor layout, through GDI: BitBlt of the virtual screen (every monitor,
// in physical pixels) into a DIB section, then the same B,G,R,X -> R,G,B(,A) swizzle as the X11 grabber.
//
// Why BitBlt and not DXGI Desktop Duplication: BitBlt works on every Windows session (RDP, VMs without a
// GPU, Wine), costs one copy per screenshot every ten minutes, and sees what the user sees across monitors in
// one call. Desktop Duplication is per output, needs a D3D11 device, and is only faster for streams of frames.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace worktrace {

struct ScreenRect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

struct DisplayMonitor {
  std::string name;  // the GDI device name, "\\.\DISPLAY1"
  ScreenRect rect;   // in virtual-screen coordinates (may be negative left of / above the primary)
  bool primary = false;
};

// While alive, the calling thread sees physical pixels (per-monitor DPI awareness v2 where Windows has it,
// Windows 10 1607+): otherwise a DPI-unaware host gets scaled-down metrics and a blurry, cropped capture.
// Per thread, so the host process (Electron sets its own awareness) is left as it was.
class DpiAwareScope {
 public:
  DpiAwareScope();
  ~DpiAwareScope();
  DpiAwareScope(const DpiAwareScope&) = delete;
  DpiAwareScope& operator=(const DpiAwareScope&) = delete;
  // Whether the thread is per-monitor aware now (false on Windows before 10 1607, where it stays as it was).
  bool aware() const { return previous_ != nullptr; }

 private:
  void* previous_ = nullptr;
};

// The bounding box of all monitors.
ScreenRect VirtualScreen();
// Every monitor, primary first is not promised: GDI's order.
std::vector<DisplayMonitor> ListMonitors();
// Copies `rect` of the desktop into `out` (width * height * channels bytes, R,G,B or R,G,B,A with alpha
// 255). Throws NativeError ERR_CAPTURE when GDI refuses (e.g. the desktop is locked: a secure desktop).
void GrabScreen(const ScreenRect& rect, uint8_t* out, int channels);

}  // namespace worktrace
