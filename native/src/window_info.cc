#include "window_info.h"

#include <X11/Xatom.h>
#include <X11/Xutil.h>

#include <cstring>
#include <vector>

#include "x_errors.h"

namespace worktrace {
namespace {

constexpr long kMaxTitleLongs = 4096;  // 16 KiB of title is more than any window shows

struct Property {
  Atom type = None;
  int format = 0;
  std::vector<unsigned char> bytes;  // for format 32, Xlib hands longs; see ReadLong
  unsigned long items = 0;
};

std::optional<Property> GetProperty(Display* display, Window window, Atom name, Atom type, long maxLongs) {
  Atom actualType = None;
  int format = 0;
  unsigned long items = 0, after = 0;
  unsigned char* data = nullptr;
  const int status =
      XGetWindowProperty(display, window, name, 0, maxLongs, False, type, &actualType, &format, &items, &after, &data);
  if (status != Success || actualType == None) {
    if (data != nullptr) XFree(data);
    return std::nullopt;
  }
  Property p;
  p.type = actualType;
  p.format = format;
  p.items = items;
  const size_t unit = format == 32 ? sizeof(long) : static_cast<size_t>(format / 8);
  if (data != nullptr) {
    p.bytes.assign(data, data + items * unit);
    XFree(data);
  }
  return p;
}

std::optional<long> ReadLong(const std::optional<Property>& p) {
  if (!p || p->format != 32 || p->items < 1) return std::nullopt;
  long value = 0;
  std::memcpy(&value, p->bytes.data(), sizeof value);
  return value;
}

std::string Latin1ToUtf8(const std::vector<unsigned char>& bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::string CompoundToUtf8(Display* display, Atom type, int format, const unsigned char* bytes, size_t length) {
  XTextProperty text{const_cast<unsigned char*>(bytes), type, format, static_cast<unsigned long>(length)};
  char** list = nullptr;
  int count = 0;
  if (Xutf8TextPropertyToTextList(display, &text, &list, &count) >= Success && count > 0 && list != nullptr) {
    std::string out(list[0]);
    XFreeStringList(list);
    return out;
  }
  return Latin1ToUtf8(std::vector<unsigned char>(bytes, bytes + length));  // best effort: the ASCII part is right
}

// The title the user sees: the EWMH UTF-8 name first, the ICCCM name (xterm, Xt apps) second.
void ReadTitle(Display* display, Window window, const WindowAtoms& atoms, WindowInfo& info) {
  auto net = GetProperty(display, window, atoms.netWmName, atoms.utf8String, kMaxTitleLongs);
  if (net && net->type == atoms.utf8String && net->format == 8) {
    info.title.assign(net->bytes.begin(), net->bytes.end());
    info.titleSource = "_NET_WM_NAME";
    return;
  }
  auto icccm = GetProperty(display, window, XA_WM_NAME, AnyPropertyType, kMaxTitleLongs);
  if (!icccm || icccm->format != 8) {
    info.titleSource = "none";
    return;
  }
  info.titleSource = "WM_NAME";
  info.title = IcccmTitleToUtf8(display, atoms, icccm->type, icccm->bytes.data(), icccm->bytes.size());
}

bool HasIdentity(Display* display, Window window) {
  auto name = GetProperty(display, window, XA_WM_CLASS, XA_STRING, 1);
  return name.has_value();
}

// Without an EWMH window manager the focus may sit on a child of the client: walk up to the window
// that carries WM_CLASS.
Window ClientOf(Display* display, Window window) {
  for (int depth = 0; depth < 16 && window != None; ++depth) {
    if (HasIdentity(display, window)) return window;
    Window root = None, parent = None, *children = nullptr;
    unsigned int count = 0;
    if (!XQueryTree(display, window, &root, &parent, &children, &count)) return None;
    if (children != nullptr) XFree(children);
    if (parent == root) return window;
    window = parent;
  }
  return window;
}

Window FocusedWindow(Display* display, const WindowAtoms& atoms) {
  const Window root = DefaultRootWindow(display);
  auto active = ReadLong(GetProperty(display, root, atoms.netActiveWindow, XA_WINDOW, 1));
  if (active) return static_cast<Window>(*active);  // 0 = the WM says nothing is focused
  Window focus = None;
  int revert = 0;
  XGetInputFocus(display, &focus, &revert);
  if (focus == None || focus == PointerRoot || focus == root) return None;
  return ClientOf(display, focus);
}

}  // namespace

std::string IcccmTitleToUtf8(Display* display, const WindowAtoms& atoms, Atom type, const unsigned char* bytes, size_t length) {
  if (type == atoms.utf8String) return std::string(reinterpret_cast<const char*>(bytes), length);
  if (type == atoms.compoundText) return CompoundToUtf8(display, type, 8, bytes, length);
  return Latin1ToUtf8(std::vector<unsigned char>(bytes, bytes + length));  // STRING is ISO Latin-1 by the ICCCM
}

WindowAtoms::WindowAtoms(Display* display) {
  const char* names[] = {"_NET_ACTIVE_WINDOW", "_NET_WM_NAME", "UTF8_STRING", "_NET_WM_PID", "COMPOUND_TEXT"};
  Atom atoms[5];
  XInternAtoms(display, const_cast<char**>(names), 5, False, atoms);
  netActiveWindow = atoms[0];
  netWmName = atoms[1];
  utf8String = atoms[2];
  netWmPid = atoms[3];
  compoundText = atoms[4];
}

std::optional<WindowInfo> ReadActiveWindow(Display* display, const WindowAtoms& atoms) {
  XErrorTrap trap(display);
  const Window window = FocusedWindow(display, atoms);
  if (window == None || trap.Failed()) return std::nullopt;

  WindowInfo info;
  info.id = window;
  ReadTitle(display, window, atoms, info);
  XClassHint hint{nullptr, nullptr};
  if (XGetClassHint(display, window, &hint)) {
    if (hint.res_name != nullptr) info.instanceName = hint.res_name;
    if (hint.res_class != nullptr) info.className = hint.res_class;
    if (hint.res_name != nullptr) XFree(hint.res_name);
    if (hint.res_class != nullptr) XFree(hint.res_class);
  }
  auto pid = ReadLong(GetProperty(display, window, atoms.netWmPid, XA_CARDINAL, 1));
  if (pid && *pid > 0) info.pid = *pid;
  // BadWindow here means it closed while we read it: that sample is unknown, not an error.
  if (trap.Failed()) return std::nullopt;
  return info;
}

}  // namespace worktrace
