#include "x_errors.h"

#include <dlfcn.h>
#include <unistd.h>

#include <mutex>
#include <unordered_map>

namespace worktrace {
namespace {

std::once_flag installOnce;
// Never destroyed: a recording thread that is still closing its connections when the process exits
// must not find these torn down by static destructors.
std::mutex& ownedMutex = *new std::mutex;
// Our connections and the flag each one raises when its server goes away.
std::unordered_map<Display*, std::atomic<bool>*>& owned = *new std::unordered_map<Display*, std::atomic<bool>*>;

XErrorHandler previousErrorHandler = nullptr;
XIOErrorHandler previousIOErrorHandler = nullptr;

// The last protocol error code seen on this thread for one of our connections (0 = none).
thread_local int lastErrorCode = 0;

std::atomic<bool>* OwnedFlag(Display* display) {
  std::lock_guard<std::mutex> lock(ownedMutex);
  auto it = owned.find(display);
  return it == owned.end() ? nullptr : it->second;
}

int OnXError(Display* display, XErrorEvent* event) {
  if (OwnedFlag(display) != nullptr) {
    lastErrorCode = event->error_code;
    return 0;
  }
  return previousErrorHandler != nullptr ? previousErrorHandler(display, event) : 0;
}

int OnXIOError(Display* display) {
  std::atomic<bool>* dead = OwnedFlag(display);
  if (dead != nullptr) {
    dead->store(true);
    return 0;  // with an exit handler installed (libX11 >= 1.7) returning is allowed; see OpenOwnedDisplay
  }
  return previousIOErrorHandler != nullptr ? previousIOErrorHandler(display) : 0;
}

// libX11 >= 1.7: the per-connection exit handler runs after the I/O error handler; returning from it
// keeps the process alive (the connection stays unusable). Looked up at run time so that the addon
// still loads against an older libX11, where the only defence is not to provoke I/O errors.
using ExitHandler = void (*)(Display*, void*);
using SetExitHandlerFn = void (*)(Display*, ExitHandler, void*);

void OnXIOErrorExit(Display* display, void* data) { static_cast<std::atomic<bool>*>(data)->store(true); }

}  // namespace

void InstallErrorHandlers() {
  std::call_once(installOnce, [] {
    XInitThreads();  // the input recorder reads its own connection on another thread
    previousErrorHandler = XSetErrorHandler(OnXError);
    previousIOErrorHandler = XSetIOErrorHandler(OnXIOError);
  });
}

Display* OpenOwnedDisplay(const char* name, std::atomic<bool>* dead) {
  InstallErrorHandlers();
  const char* shown = name != nullptr ? name : getenv("DISPLAY");
  if (shown == nullptr || *shown == '\0') {
    throw NativeError("ERR_NO_DISPLAY", "no X display: DISPLAY is not set (Wayland-only session or no desktop)");
  }
  Display* display = XOpenDisplay(name);
  if (display == nullptr) {
    throw NativeError("ERR_NO_DISPLAY", std::string("cannot open X display ") + shown);
  }
  {
    std::lock_guard<std::mutex> lock(ownedMutex);
    owned[display] = dead;
  }
  auto setExit = reinterpret_cast<SetExitHandlerFn>(dlsym(RTLD_DEFAULT, "XSetIOErrorExitHandler"));
  if (setExit != nullptr) setExit(display, OnXIOErrorExit, dead);
  return display;
}

void CloseOwnedDisplay(Display* display) {
  if (display == nullptr) return;
  std::atomic<bool>* dead = OwnedFlag(display);
  if (dead != nullptr && dead->load()) {
    // After an I/O error Xlib's locks may be left mid-read, and XCloseDisplay can wait forever on
    // them. Close the socket and leave the Display struct (a few KiB, once per lost server).
    close(ConnectionNumber(display));
  } else {
    XCloseDisplay(display);
  }
  std::lock_guard<std::mutex> lock(ownedMutex);
  owned.erase(display);
}

XErrorTrap::XErrorTrap(Display* display) : display_(display), previousCode_(lastErrorCode) {
  XSync(display_, False);  // errors of earlier requests belong to someone else
  lastErrorCode = 0;
}

XErrorTrap::~XErrorTrap() { lastErrorCode = previousCode_; }

bool XErrorTrap::Failed() {
  XSync(display_, False);
  return lastErrorCode != 0;
}

int XErrorTrap::errorCode() const { return lastErrorCode; }

void XErrorTrap::ThrowIfFailed(const char* code, const char* what) {
  if (!Failed()) return;
  char text[256] = {0};
  XGetErrorText(display_, lastErrorCode, text, sizeof text - 1);
  throw NativeError(code, std::string(what) + ": " + text);
}

}  // namespace worktrace
