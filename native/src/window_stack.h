// Every mapped top-level window with its frame on the screen, bottom to top: what the capture needs to
// paint private windows out. Read with XCB on the session's own connection, all requests of one kind
// sent before the first reply is read, so 50 windows cost a few round trips, not a few hundred; the
// caller holds a server grab around it and the pixel grab, so nothing moves between the two.
#pragma once

#include <X11/Xlib.h>

#include <string>
#include <vector>

#include "shm_grabber.h"
#include "window_info.h"

namespace worktrace {

struct StackAtoms {
  Atom clientListStacking, frameExtents, wmState;
  explicit StackAtoms(Display* display);
};

struct TopLevelWindow {
  unsigned long id = 0;  // the client window (what carries WM_CLASS), or the top-level one when none does
  Rect frame;            // root coordinates, the window manager's decorations included
  std::string title;     // UTF-8
  std::string instanceName;
  std::string className;
  long pid = -1;
};

// Viewable windows only (minimised ones and those on other desktops are unmapped): from the window
// manager's _NET_CLIENT_LIST_STACKING with _NET_FRAME_EXTENTS, else the root window's children in
// XQueryTree order (their geometry is the frame; the client inside gives the identity).
// Throws NativeError ERR_CAPTURE when the server does not answer.
std::vector<TopLevelWindow> ReadWindowStack(Display* display, const WindowAtoms& atoms, const StackAtoms& stackAtoms);

}  // namespace worktrace
