// Counts keyboard and mouse events with the RECORD extension on a thread of its own.
//
// The thread enables the record context asynchronously on a private "data" connection and, per
// event, only increments an atomic counter: nothing crosses into JavaScript until JS drains the
// counters (about once a second). It wakes when the X socket has data and then naps kBatchMs before
// reading again, so a fast mouse (400-1000 events/s) costs ~10 wake-ups a second instead of one per
// event; the context switches, not the counting, were the cost. With no input it does not wake at all.
// Stop() wakes the thread through a pipe, joins it, then disables the context from the "control"
// connection.
#pragma once

#include <X11/Xlib.h>
#include <X11/extensions/record.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace worktrace {

struct InputCounts {
  uint64_t keys = 0;
  uint64_t clicks = 0;  // buttons 1-3 and 8+ (back/forward)
  uint64_t wheel = 0;   // buttons 4-7: one press per wheel notch, vertical and horizontal
  uint64_t moves = 0;   // MotionNotify events
};

class InputRecorder {
 public:
  explicit InputRecorder(std::string displayName);
  ~InputRecorder();
  InputRecorder(const InputRecorder&) = delete;
  InputRecorder& operator=(const InputRecorder&) = delete;

  // Throws NativeError ERR_NO_DISPLAY, ERR_NO_EXTENSION (no RECORD) or ERR_RECORD.
  void Start();
  void Stop();
  InputCounts Drain();
  bool running() const { return running_.load(); }
  // Why the recording thread ended on its own ("" while it runs or after a clean Stop()).
  std::string failure();

 private:
  static void OnRecord(XPointer self, XRecordInterceptData* data);
  void Run();
  void Fail(const std::string& why);
  void CloseConnections();
  void ClosePipe();

  std::string displayName_;
  Display* control_ = nullptr;
  Display* data_ = nullptr;
  std::atomic<bool> controlDead_{false};
  std::atomic<bool> dataDead_{false};
  XRecordContext context_ = 0;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> endedByServer_{false};
  int wakeRead_ = -1;
  int wakeWrite_ = -1;
  std::mutex failureMutex_;
  std::string failure_;
  std::atomic<uint64_t> keys_{0}, clicks_{0}, wheel_{0}, moves_{0};
};

}  // namespace worktrace
