// X error handling that never ends the process.
//
// Xlib's default handlers print and call exit(). The addon installs handlers once: for connections it
// opened, protocol errors are recorded per thread (so the calling code can turn them into a JS error)
// and I/O errors (server gone) mark the connection dead instead of exiting. Errors on connections the
// addon does not own (Electron's, for instance) are passed to the handlers that were there before.
#pragma once

#include <X11/Xlib.h>

#include <atomic>
#include <string>

#include "native_error.h"

namespace worktrace {

// Installs the process-wide handlers (idempotent, thread-safe).
void InstallErrorHandlers();

// Opens a connection that the handlers treat as ours. `dead` is set when the connection hits an I/O error.
// Throws NativeError ERR_NO_DISPLAY when the display cannot be opened.
Display* OpenOwnedDisplay(const char* name, std::atomic<bool>* dead);
void CloseOwnedDisplay(Display* display);

// Collects protocol errors raised on this thread between construction and Check()/Failed().
// Usage: XErrorTrap trap(dpy); ...requests...; if (trap.Failed()) ...  (Failed() syncs first).
class XErrorTrap {
 public:
  explicit XErrorTrap(Display* display);
  ~XErrorTrap();
  // Round-trips to the server so that every error of the requests made so far has arrived.
  bool Failed();
  int errorCode() const;
  // Throws NativeError(code, "<what>: <X error text>") if an error was recorded.
  void ThrowIfFailed(const char* code, const char* what);

 private:
  Display* display_;
  int previousCode_;
};

}  // namespace worktrace
