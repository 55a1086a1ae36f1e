#include "input_recorder.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "x_errors.h"

namespace worktrace {
namespace {

// How long the thread lets events pile up in the socket before reading them. Counts are drained about
// once a second, so a tenth of a second of latency costs nothing.
constexpr int kBatchMs = 100;

}  // namespace

InputRecorder::InputRecorder(std::string displayName) : displayName_(std::move(displayName)) {}

InputRecorder::~InputRecorder() { Stop(); }

void InputRecorder::Start() {
  if (running_.load() || thread_.joinable()) throw NativeError("ERR_ALREADY_STARTED", "input recorder already started");
  const char* name = displayName_.empty() ? nullptr : displayName_.c_str();
  controlDead_ = false;
  dataDead_ = false;
  control_ = OpenOwnedDisplay(name, &controlDead_);
  try {
    int major = 0, minor = 0;
    if (!XRecordQueryVersion(control_, &major, &minor)) {
      throw NativeError("ERR_NO_EXTENSION", "the X server has no RECORD extension: input activity cannot be counted");
    }
    data_ = OpenOwnedDisplay(name, &dataDead_);
    XRecordRange* range = XRecordAllocRange();
    if (range == nullptr) throw NativeError("ERR_RECORD", "XRecordAllocRange failed");
    range->device_events.first = KeyPress;
    range->device_events.last = MotionNotify;
    XRecordClientSpec clients = XRecordAllClients;
    XErrorTrap trap(control_);
    context_ = XRecordCreateContext(control_, 0, &clients, 1, &range, 1);
    XFree(range);
    if (context_ == 0 || trap.Failed()) {
      context_ = 0;
      throw NativeError("ERR_RECORD", "XRecordCreateContext failed");
    }
  } catch (...) {
    CloseConnections();
    throw;
  }
  {
    std::lock_guard<std::mutex> lock(failureMutex_);
    failure_.clear();
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    CloseConnections();
    throw NativeError("ERR_RECORD", "cannot create the recorder's wake-up pipe");
  }
  wakeRead_ = fds[0];
  wakeWrite_ = fds[1];
  if (!XRecordEnableContextAsync(data_, context_, &InputRecorder::OnRecord, reinterpret_cast<XPointer>(this))) {
    ClosePipe();
    CloseConnections();
    throw NativeError("ERR_RECORD", "XRecordEnableContextAsync failed");
  }
  XFlush(data_);
  stopping_ = false;
  endedByServer_ = false;
  running_ = true;
  thread_ = std::thread(&InputRecorder::Run, this);
}

void InputRecorder::Run() {
  pollfd fds[2] = {{ConnectionNumber(data_), POLLIN, 0}, {wakeRead_, POLLIN, 0}};
  while (!stopping_.load()) {
    fds[0].revents = fds[1].revents = 0;
    if (poll(fds, 2, -1) < 0) continue;  // EINTR
    if (fds[1].revents != 0) break;      // Stop()
    XRecordProcessReplies(data_);        // reads what is there, calls OnRecord per event
    if (dataDead_.load() || endedByServer_.load()) break;
    // Nap so that the next read takes a batch; a Stop() during the nap ends it at once.
    poll(&fds[1], 1, kBatchMs);
    if (fds[1].revents != 0) break;
  }
  if (!stopping_.load()) {
    // A server that shuts down or resets ends the context cleanly (EndOfData) before its socket closes.
    Fail(dataDead_.load() ? "the connection to the X server was lost"
                          : "the X server ended input recording (it shut down or reset)");
  }
  running_ = false;
}

void InputRecorder::OnRecord(XPointer self, XRecordInterceptData* data) {
  auto* recorder = reinterpret_cast<InputRecorder*>(self);
  if (data->category == XRecordEndOfData) recorder->endedByServer_.store(true);
  if (data->category == XRecordFromServer && data->data != nullptr && data->data_len > 0) {
    const unsigned char type = data->data[0] & 0x7F;
    const unsigned char detail = data->data[1];
    switch (type) {
      case KeyPress:
        recorder->keys_.fetch_add(1, std::memory_order_relaxed);
        break;
      case ButtonPress:
        if (detail >= 4 && detail <= 7) {
          recorder->wheel_.fetch_add(1, std::memory_order_relaxed);
        } else {
          recorder->clicks_.fetch_add(1, std::memory_order_relaxed);
        }
        break;
      case MotionNotify:
        recorder->moves_.fetch_add(1, std::memory_order_relaxed);
        break;
      default:
        break;  // releases: a press already counted the action
    }
  }
  XRecordFreeData(data);
}

void InputRecorder::Fail(const std::string& why) {
  std::lock_guard<std::mutex> lock(failureMutex_);
  failure_ = why;
}

std::string InputRecorder::failure() {
  std::lock_guard<std::mutex> lock(failureMutex_);
  return failure_;
}

InputCounts InputRecorder::Drain() {
  InputCounts counts;
  counts.keys = keys_.exchange(0, std::memory_order_relaxed);
  counts.clicks = clicks_.exchange(0, std::memory_order_relaxed);
  counts.wheel = wheel_.exchange(0, std::memory_order_relaxed);
  counts.moves = moves_.exchange(0, std::memory_order_relaxed);
  return counts;
}

void InputRecorder::Stop() {
  if (!thread_.joinable()) {
    CloseConnections();
    return;
  }
  stopping_ = true;
  const char wake = 1;
  (void)!write(wakeWrite_, &wake, 1);
  thread_.join();
  running_ = false;
  ClosePipe();
  if (!controlDead_.load() && !endedByServer_.load() && !dataDead_.load()) {
    XRecordDisableContext(control_, context_);
    XSync(control_, False);
  }
  CloseConnections();
}

void InputRecorder::ClosePipe() {
  if (wakeRead_ >= 0) close(wakeRead_);
  if (wakeWrite_ >= 0) close(wakeWrite_);
  wakeRead_ = wakeWrite_ = -1;
}

void InputRecorder::CloseConnections() {
  if (context_ != 0 && control_ != nullptr && !controlDead_.load()) {
    XRecordFreeContext(control_, context_);
    XSync(control_, False);
  }
  context_ = 0;
  CloseOwnedDisplay(data_);
  CloseOwnedDisplay(control_);
  data_ = nullptr;
  control_ = nullptr;
}

}  // namespace worktrace
