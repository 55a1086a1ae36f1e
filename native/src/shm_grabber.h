// Grabs rectangles of the root window through MIT-SHM, reusing one shared segment between captures.
// Falls back to XGetImage (one extra copy inside Xlib) when the server refuses SHM, e.g. over the network.
#pragma once

#include <X11/Xlib.h>
#include <X11/extensions/XShm.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace worktrace {

struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

struct MonitorInfo {
  std::string name;
  Rect rect;
  bool primary = false;
};

// Active monitors from XRandR 1.5 (which includes `xrandr --setmonitor` layouts), clipped to the root
// window; the whole root window as one monitor when RandR cannot say.
std::vector<MonitorInfo> QueryMonitors(Display* display, Window root, bool haveRandr15);

// The smallest rectangle holding every monitor: what a "composite" capture grabs.
Rect BoundingBox(const std::vector<MonitorInfo>& monitors);

class ShmGrabber {
 public:
  ShmGrabber(Display* display, int screen);
  ~ShmGrabber();
  ShmGrabber(const ShmGrabber&) = delete;
  ShmGrabber& operator=(const ShmGrabber&) = delete;

  // Writes the rectangle as tightly packed RGBA (channels 4, alpha 255) or RGB (channels 3) into `out`,
  // which holds width * height * channels bytes. This conversion is the only copy of the pixels.
  void Grab(const Rect& rect, uint8_t* out, int channels);
  bool usingShm() const { return shmAttached_; }
  // Detaches the shared segment (a screen's worth of resident memory, 8 MB at 1920x1080). The next Grab
  // makes a new one: worth it for a screenshot every few minutes, not for a stream of captures.
  void ReleaseSegment();

 private:
  bool EnsureSegment(size_t bytes);

  Display* display_;
  Window root_;
  Visual* visual_;
  int depth_;
  XShmSegmentInfo shm_{};
  size_t shmSize_ = 0;
  bool shmAttached_ = false;
  bool shmRefused_ = false;
};

}  // namespace worktrace
