// Reads the focused top-level window's title, class and owner pid straight from X properties
// (what active-win does with three child processes: xprop twice and xwininfo).
#pragma once

#include <X11/Xlib.h>

#include <cstddef>
#include <optional>
#include <string>

namespace worktrace {

struct WindowAtoms {
  Atom netActiveWindow, netWmName, utf8String, netWmPid, compoundText;
  explicit WindowAtoms(Display* display);
};

struct WindowInfo {
  unsigned long id = 0;
  std::string title;        // UTF-8
  std::string titleSource;  // "_NET_WM_NAME", "WM_NAME" or "none"
  std::string instanceName;  // WM_CLASS res_name
  std::string className;     // WM_CLASS res_class
  long pid = -1;             // -1: the window does not say (_NET_WM_PID absent)
};

// WM_NAME's bytes (format 8) as UTF-8: UTF8_STRING as is, COMPOUND_TEXT converted, STRING as ISO Latin-1.
std::string IcccmTitleToUtf8(Display* display, const WindowAtoms& atoms, Atom type, const unsigned char* bytes, size_t length);

// nullopt: no focused window, or it vanished while being read. Never throws for a vanished window.
std::optional<WindowInfo> ReadActiveWindow(Display* display, const WindowAtoms& atoms);

}  // namespace worktrace
