#include "input_recorder.h"

#include "x_errors.h"

namespace worktrace {

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
  stopping_ = false;
  running_ = true;
  thread_ = std::thread(&InputRecorder::Run, this);
}

void InputRecorder::Run() {
  // Blocks until XRecordDisableContext on the control connection (or the server goes away).
  const Status ok = XRecordEnableContext(data_, context_, &InputRecorder::OnRecord, reinterpret_cast<XPointer>(this));
  if (!stopping_.load()) {
    // A server that shuts down or resets ends the context cleanly (EndOfData) before its socket closes.
    Fail(dataDead_.load() ? "the connection to the X server was lost"
         : !ok           ? "XRecordEnableContext failed"
                         : "the X server ended input recording (it shut down or reset)");
  }
  running_ = false;
}

void InputRecorder::OnRecord(XPointer self, XRecordInterceptData* data) {
  auto* recorder = reinterpret_cast<InputRecorder*>(self);
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
  if (!controlDead_.load()) {
    XRecordDisableContext(control_, context_);
    XSync(control_, False);
  }
  thread_.join();
  running_ = false;
  CloseConnections();
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
