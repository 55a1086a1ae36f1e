// The capture with private windows painted out: the window stack and the pixels are read under one
// server grab (no window can move, open or close between the two), then JS says which windows are
// private (the matcher lives in src/shared, one place), then their visible parts are painted solid, all
// before the pixels go anywhere: downscale, blur, encode, or a Buffer handed to JS.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "shm_grabber.h"
#include "window_stack.h"

namespace worktrace {

// Holds the server grab for its lifetime (and never talks to a connection that died meanwhile).
class ServerGrab {
 public:
  ServerGrab(Display* display, const std::atomic<bool>& dead);
  ~ServerGrab();
  ServerGrab(const ServerGrab&) = delete;
  ServerGrab& operator=(const ServerGrab&) = delete;

 private:
  Display* display_;
  const std::atomic<bool>& dead_;
};

// The decision argument of a capture: undefined (no redaction) or a function
// (windows: { id, x, y, width, height, title, instanceName, className, pid? }[]) => boolean[].
// Throws ERR_INVALID_ARG for anything else.
bool WantsRedaction(const Napi::CallbackInfo& info, size_t index);

// Asks `isPrivate` about `windows` (bottom to top) and paints the visible part of each private one inside
// `area` in `pixels` (the capture of `area`). Returns how many private windows had pixels there. A decision
// that is not one boolean per window is ERR_INVALID_ARG; a decision that throws propagates: either way the
// caller drops the pixels, so nothing is captured unredacted.
int RedactPrivateWindows(Napi::Env env, const Napi::Function& isPrivate, const std::vector<TopLevelWindow>& windows, const Rect& area,
                         uint8_t* pixels, int channels);

}  // namespace worktrace
