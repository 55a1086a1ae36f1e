// Counts keyboard and mouse events with the RECORD extension on a thread of its own. (On Windows,
// win/hook_recorder.cc implements this same class with low-level hooks; recorder_wrap.cc serves both.)
//
// Every X call of a recording session runs on that thread: opening the two connections, creating and
// enabling the context, reading the recorded events, disabling the context, draining its EndOfData
// and closing. The JS thread only starts the thread, reads the atomic counters and signals stop
// through a pipe; it never waits on X. That is the point: a RECORD client is tied to the server's
// state (the data connection is ignored by the server while its context is enabled, and its pending
// replies must be consumed before XCloseDisplay's XSync can return), so any Xlib call on the JS thread
// that touched these connections could hold the agent's event loop hostage to the X server.
//
// Each Start() makes a fresh Session shared (shared_ptr) between the recorder and its detached thread,
// so a session that is still shutting down never blocks or confuses the next one, and destroying the
// JS object never joins anything.
//
// Per event the thread only increments an atomic counter: nothing crosses into JavaScript until JS
// drains the counters (about once a second). It wakes when the X socket has data and then naps
// kBatchMs before reading again, so a fast mouse costs ~10 wake-ups a second instead of one per event.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace worktrace {

struct InputCounts {
  uint64_t keys = 0;
  uint64_t clicks = 0;  // buttons 1-3 and 8+ (back/forward)
  uint64_t wheel = 0;   // buttons 4-7: one press per wheel notch, vertical and horizontal
  uint64_t moves = 0;   // MotionNotify events
};

// Where a session is. starting -> recording -> stopping -> stopped, or -> failed from any of them.
enum class RecorderPhase { kIdle, kStarting, kRecording, kStopping, kStopped, kFailed };

inline const char* PhaseName(RecorderPhase phase) {
  switch (phase) {
    case RecorderPhase::kIdle:
      return "idle";
    case RecorderPhase::kStarting:
      return "starting";
    case RecorderPhase::kRecording:
      return "recording";
    case RecorderPhase::kStopping:
      return "stopping";
    case RecorderPhase::kStopped:
      return "stopped";
    case RecorderPhase::kFailed:
      return "failed";
  }
  return "unknown";
}

struct RecorderStatus {
  RecorderPhase phase = RecorderPhase::kIdle;
  std::string code;     // "ERR_NO_DISPLAY", ... when failed
  std::string message;  // why, when failed
};

struct RecordSession;  // input_recorder.cc

class InputRecorder {
 public:
  explicit InputRecorder(std::string displayName);
  ~InputRecorder();
  InputRecorder(const InputRecorder&) = delete;
  InputRecorder& operator=(const InputRecorder&) = delete;

  // Launches a recording thread and returns at once; status() tells when it records or why it failed.
  // Throws NativeError ERR_ALREADY_STARTED while a session is starting or recording, ERR_RECORD when
  // the thread or its wake-up pipe cannot be created.
  void Start();
  // Asks the thread to disable the context and close; returns at once. Idempotent.
  void Stop();
  InputCounts Drain();
  RecorderStatus status() const;
  bool running() const;

 private:
  std::string displayName_;
  std::shared_ptr<RecordSession> session_;
};

}  // namespace worktrace
