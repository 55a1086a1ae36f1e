#include "shm_grabber.h"

#include <X11/extensions/Xrandr.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <algorithm>

#include "x_errors.h"

namespace worktrace {
namespace {

// X hands 24-bit TrueColor as 32-bit little-endian words 0xXXRRGGBB, i.e. bytes B,G,R,X in memory.
// sharp wants R,G,B(,A): swizzle while copying out of the shared segment, so this is the one copy.
void ConvertRows(const XImage* image, int width, int height, uint8_t* out, int channels) {
  for (int row = 0; row < height; ++row) {
    const auto* src = reinterpret_cast<const uint32_t*>(image->data + static_cast<size_t>(row) * image->bytes_per_line);
    if (channels == 4) {
      auto* dst = reinterpret_cast<uint32_t*>(out + static_cast<size_t>(row) * width * 4);
      for (int col = 0; col < width; ++col) {
        const uint32_t p = src[col];
        dst[col] = 0xFF000000u | ((p & 0xFFu) << 16) | (p & 0xFF00u) | ((p >> 16) & 0xFFu);
      }
    } else {
      uint8_t* dst = out + static_cast<size_t>(row) * width * 3;
      for (int col = 0; col < width; ++col) {
        const uint32_t p = src[col];
        dst[col * 3] = static_cast<uint8_t>(p >> 16);
        dst[col * 3 + 1] = static_cast<uint8_t>(p >> 8);
        dst[col * 3 + 2] = static_cast<uint8_t>(p);
      }
    }
  }
}

void CheckFormat(const XImage* image) {
  const bool bgrx = image->bits_per_pixel == 32 && image->byte_order == LSBFirst && image->red_mask == 0xFF0000 &&
                    image->green_mask == 0xFF00 && image->blue_mask == 0xFF;
  if (!bgrx) {
    throw NativeError("ERR_UNSUPPORTED_VISUAL", "screen format not supported (need 24/32-bit TrueColor, " +
                                                    std::to_string(image->bits_per_pixel) + " bpp found)");
  }
}

}  // namespace

std::vector<MonitorInfo> QueryMonitors(Display* display, Window root, bool haveRandr15) {
  XWindowAttributes rootAttrs;
  XGetWindowAttributes(display, root, &rootAttrs);
  std::vector<MonitorInfo> result;
  if (haveRandr15) {
    int count = 0;
    XRRMonitorInfo* monitors = XRRGetMonitors(display, root, True, &count);
    for (int i = 0; i < count; ++i) {
      const XRRMonitorInfo& m = monitors[i];
      Rect r{std::max(m.x, 0), std::max(m.y, 0), 0, 0};
      r.width = std::min(m.x + m.width, rootAttrs.width) - r.x;
      r.height = std::min(m.y + m.height, rootAttrs.height) - r.y;
      if (r.width <= 0 || r.height <= 0) continue;  // entirely off the root window
      char* name = m.name != None ? XGetAtomName(display, m.name) : nullptr;
      result.push_back({name != nullptr ? name : "monitor-" + std::to_string(i), r, m.primary != 0});
      if (name != nullptr) XFree(name);
    }
    if (monitors != nullptr) XRRFreeMonitors(monitors);
  }
  if (result.empty()) result.push_back({"screen", Rect{0, 0, rootAttrs.width, rootAttrs.height}, true});
  return result;
}

Rect BoundingBox(const std::vector<MonitorInfo>& monitors) {
  int left = monitors.front().rect.x, top = monitors.front().rect.y, right = left, bottom = top;
  for (const auto& m : monitors) {
    left = std::min(left, m.rect.x);
    top = std::min(top, m.rect.y);
    right = std::max(right, m.rect.x + m.rect.width);
    bottom = std::max(bottom, m.rect.y + m.rect.height);
  }
  return Rect{left, top, right - left, bottom - top};
}

ShmGrabber::ShmGrabber(Display* display, int screen)
    : display_(display),
      root_(RootWindow(display, screen)),
      visual_(DefaultVisual(display, screen)),
      depth_(DefaultDepth(display, screen)) {
  shmRefused_ = !XShmQueryExtension(display_);
}

ShmGrabber::~ShmGrabber() { ReleaseSegment(); }

void ShmGrabber::ReleaseSegment() {
  if (!shmAttached_) return;
  XShmDetach(display_, &shm_);
  XSync(display_, False);
  shmdt(shm_.shmaddr);
  shmAttached_ = false;
  shmSize_ = 0;
}

bool ShmGrabber::EnsureSegment(size_t bytes) {
  if (shmRefused_) return false;
  if (shmAttached_ && shmSize_ >= bytes) return true;
  ReleaseSegment();
  shm_ = XShmSegmentInfo{};
  shm_.shmid = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
  if (shm_.shmid < 0) {
    shmRefused_ = true;
    return false;
  }
  shm_.shmaddr = static_cast<char*>(shmat(shm_.shmid, nullptr, 0));
  shm_.readOnly = False;
  bool attached = false;
  if (shm_.shmaddr != reinterpret_cast<char*>(-1)) {
    XErrorTrap trap(display_);
    XShmAttach(display_, &shm_);
    attached = !trap.Failed();  // BadAccess when the server is on another machine
    if (!attached) shmdt(shm_.shmaddr);
  }
  // Marked for removal at once: the kernel frees it when both sides detach, even if we crash.
  shmctl(shm_.shmid, IPC_RMID, nullptr);
  if (!attached) {
    shmRefused_ = true;
    return false;
  }
  shmAttached_ = true;
  shmSize_ = bytes;
  return true;
}

void ShmGrabber::Grab(const Rect& rect, uint8_t* out, int channels) {
  const size_t bytes = static_cast<size_t>(rect.width) * rect.height * 4;
  if (EnsureSegment(bytes)) {
    XImage* image = XShmCreateImage(display_, visual_, depth_, ZPixmap, nullptr, &shm_, rect.width, rect.height);
    if (image == nullptr) throw NativeError("ERR_CAPTURE", "XShmCreateImage failed");
    image->data = shm_.shmaddr;
    XErrorTrap trap(display_);
    const Bool ok = XShmGetImage(display_, root_, image, rect.x, rect.y, AllPlanes);
    const bool failed = trap.Failed() || !ok;
    try {
      if (failed) throw NativeError("ERR_CAPTURE", "XShmGetImage failed");
      CheckFormat(image);
      ConvertRows(image, rect.width, rect.height, out, channels);
    } catch (...) {
      image->data = nullptr;  // the segment is ours, not Xlib's to free
      XDestroyImage(image);
      throw;
    }
    image->data = nullptr;
    XDestroyImage(image);
    return;
  }
  XErrorTrap trap(display_);
  XImage* image = XGetImage(display_, root_, rect.x, rect.y, rect.width, rect.height, AllPlanes, ZPixmap);
  if (image == nullptr || trap.Failed()) {
    if (image != nullptr) XDestroyImage(image);
    throw NativeError("ERR_CAPTURE", "XGetImage failed");
  }
  try {
    CheckFormat(image);
    ConvertRows(image, rect.width, rect.height, out, channels);
  } catch (...) {
    XDestroyImage(image);
    throw;
  }
  XDestroyImage(image);
}

}  // namespace worktrace
