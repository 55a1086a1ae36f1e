#include "input_recorder.h"

#include <X11/Xlib.h>
#include <X11/extensions/record.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <system_error>
#include <thread>
#include <unordered_set>

#include "x_errors.h"

namespace worktrace {
namespace {

// How long the thread lets events pile up in the socket before reading them. Counts are drained about
// once a second, so a tenth of a second of latency costs nothing.
constexpr int kBatchMs = 100;
// After XRecordDisableContext the server answers with EndOfData on the data connection; until that is
// read, XCloseDisplay(data) would wait behind it. A server that does not send it within this long is
// treated as gone, and the connection's socket is closed without Xlib's goodbye.
constexpr int kEndOfDataMs = 5000;
// How long exit() waits for recording threads to leave Xlib (see ExitBarrier). A live server answers the
// goodbye in milliseconds; only a frozen one makes exit wait this long.
constexpr int kExitWaitMs = 2000;

}  // namespace

struct RecordSession;

// libX11 (1.8+) frees its global lock in a library destructor that runs inside exit(). A recording thread
// still in an Xlib call at that moment unlocks the freed (NULL) mutex and the exit ends in SIGSEGV (seen in
// about 1 in 100 exits while a session was starting). So, at exit, before any library destructor: every live
// session is asked to stop, no thread starts a new session, and exit waits (bounded) for the threads to say
// goodbye to their servers and leave Xlib. The barrier is never destroyed: it is used during exit itself.
class ExitBarrier {
 public:
  static ExitBarrier& Get() {
    static ExitBarrier* barrier = [] {
      auto* created = new ExitBarrier;
      std::atexit([] { Get().Exit(); });
      return created;
    }();
    return *barrier;
  }

  // False once the process is exiting: the session must not start.
  bool Enter(RecordSession* session) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (exiting_) return false;
    live_.insert(session);
    return true;
  }

  void Leave(RecordSession* session) {
    std::lock_guard<std::mutex> lock(mutex_);
    live_.erase(session);
    if (live_.empty()) left_.notify_all();
  }

 private:
  void Exit();

  std::mutex mutex_;
  std::condition_variable left_;
  std::unordered_set<RecordSession*> live_;
  bool exiting_ = false;
};

// One recording session, shared by the recorder (counters, status, stop signal) and its thread.
struct RecordSession {
  std::string displayName;
  std::atomic<RecorderPhase> phase{RecorderPhase::kStarting};
  std::atomic<bool> stopRequested{false};
  std::atomic<bool> endOfData{false};
  std::atomic<bool> controlDead{false};
  std::atomic<bool> dataDead{false};
  std::atomic<uint64_t> keys{0}, clicks{0}, wheel{0}, moves{0};
  int wakeRead = -1;
  int wakeWrite = -1;
  mutable std::mutex failureMutex;
  std::string failureCode;
  std::string failureMessage;
  // Touched only by the session's thread.
  Display* control = nullptr;
  Display* data = nullptr;
  XRecordContext context = 0;

  ~RecordSession() {
    if (wakeRead >= 0) close(wakeRead);
    if (wakeWrite >= 0) close(wakeWrite);
  }

  void Fail(const std::string& code, const std::string& message) {
    {
      std::lock_guard<std::mutex> lock(failureMutex);
      failureCode = code;
      failureMessage = message;
    }
    phase.store(RecorderPhase::kFailed);
  }

  bool WakeRequested() {
    char buffer[16];
    return read(wakeRead, buffer, sizeof buffer) > 0 || stopRequested.load();
  }

  static void OnRecord(XPointer self, XRecordInterceptData* record) {
    auto* session = reinterpret_cast<RecordSession*>(self);
    if (record->category == XRecordEndOfData) session->endOfData.store(true);
    if (record->category == XRecordFromServer && record->data != nullptr && record->data_len > 0) {
      const unsigned char type = record->data[0] & 0x7F;
      const unsigned char detail = record->data[1];
      switch (type) {
        case KeyPress:
          session->keys.fetch_add(1, std::memory_order_relaxed);
          break;
        case ButtonPress:
          if (detail >= 4 && detail <= 7) {
            session->wheel.fetch_add(1, std::memory_order_relaxed);
          } else {
            session->clicks.fetch_add(1, std::memory_order_relaxed);
          }
          break;
        case MotionNotify:
          session->moves.fetch_add(1, std::memory_order_relaxed);
          break;
        default:
          break;  // releases: a press already counted the action
      }
    }
    XRecordFreeData(record);
  }

  // Opens both connections, creates the context on the control connection and enables it on the data
  // connection. Throws NativeError; what was opened is closed by Close().
  void Open() {
    const char* name = displayName.empty() ? nullptr : displayName.c_str();
    control = OpenOwnedDisplay(name, &controlDead);
    int major = 0, minor = 0;
    if (!XRecordQueryVersion(control, &major, &minor)) {
      throw NativeError("ERR_NO_EXTENSION", "the X server has no RECORD extension: input activity cannot be counted");
    }
    data = OpenOwnedDisplay(name, &dataDead);
    XRecordRange* range = XRecordAllocRange();
    if (range == nullptr) throw NativeError("ERR_RECORD", "XRecordAllocRange failed");
    range->device_events.first = KeyPress;
    range->device_events.last = MotionNotify;
    XRecordClientSpec clients = XRecordAllClients;
    XErrorTrap trap(control);
    context = XRecordCreateContext(control, 0, &clients, 1, &range, 1);
    XFree(range);
    // Failed() round-trips on the control connection, so the server knows the context before the
    // data connection names it (two connections are not ordered with respect to each other).
    if (context == 0 || trap.Failed()) {
      context = 0;
      throw NativeError("ERR_RECORD", "XRecordCreateContext failed");
    }
    // Waits for StartOfData: only this thread waits.
    if (!XRecordEnableContextAsync(data, context, &RecordSession::OnRecord, reinterpret_cast<XPointer>(this))) {
      throw NativeError("ERR_RECORD", "XRecordEnableContextAsync failed");
    }
    XFlush(data);
  }

  // Reads recorded events until Stop() or the server ends the context.
  void Record() {
    pollfd fds[2] = {{ConnectionNumber(data), POLLIN, 0}, {wakeRead, POLLIN, 0}};
    while (!stopRequested.load()) {
      fds[0].revents = fds[1].revents = 0;
      if (poll(fds, 2, -1) < 0) continue;  // EINTR
      if (fds[1].revents != 0 && WakeRequested()) return;
      XRecordProcessReplies(data);  // reads what is there, calls OnRecord per event
      if (dataDead.load() || endOfData.load()) return;
      // Nap so that the next read takes a batch; a Stop() during the nap ends it at once.
      fds[1].revents = 0;
      if (poll(&fds[1], 1, kBatchMs) > 0 && WakeRequested()) return;
    }
  }

  // Disables the context from the control connection (the server ignores requests on the data
  // connection while it records), then reads the data connection until EndOfData so that nothing
  // is left pending on it when it closes.
  void Disable() {
    if (endOfData.load() || dataDead.load() || controlDead.load()) return;
    XRecordDisableContext(control, context);
    XSync(control, False);
    pollfd fd = {ConnectionNumber(data), POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kEndOfDataMs);
    while (!endOfData.load() && !dataDead.load()) {
      XRecordProcessReplies(data);
      if (endOfData.load() || dataDead.load()) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        dataDead.store(true);  // never XSync behind a reply that does not come: close the socket instead
        break;
      }
      fd.revents = 0;
      poll(&fd, 1, static_cast<int>(left.count()));
    }
  }

  void Close() {
    if (context != 0 && control != nullptr && !controlDead.load()) {
      XRecordFreeContext(control, context);
      XSync(control, False);
    }
    context = 0;
    CloseOwnedDisplay(data);
    CloseOwnedDisplay(control);
    data = control = nullptr;
  }

  // Asks the thread to finish: Record() returns at its next wake-up, or at once if it has not begun.
  void RequestStop() {
    if (!stopRequested.exchange(true)) {
      const char wake = 1;
      (void)!write(wakeWrite, &wake, 1);
    }
  }

  void Run() {
    try {
      Open();
    } catch (const NativeError& error) {
      Close();
      Fail(error.code(), error.what());
      return;
    }
    RecorderPhase expected = RecorderPhase::kStarting;
    phase.compare_exchange_strong(expected, RecorderPhase::kRecording);  // stays kStopping if asked meanwhile
    if (!stopRequested.load()) Record();
    const bool stoppedByUs = stopRequested.load();
    Disable();
    Close();
    if (stoppedByUs) {
      phase.store(RecorderPhase::kStopped);
    } else {
      // A server that shuts down or resets ends the context cleanly (EndOfData) before its socket closes.
      Fail("ERR_CONNECTION_LOST", dataDead.load() ? "the connection to the X server was lost"
                                                  : "the X server ended input recording (it shut down or reset)");
    }
  }
};

void ExitBarrier::Exit() {
  std::unique_lock<std::mutex> lock(mutex_);
  exiting_ = true;
  for (RecordSession* session : live_) session->RequestStop();
  left_.wait_for(lock, std::chrono::milliseconds(kExitWaitMs), [this] { return live_.empty(); });
}

InputRecorder::InputRecorder(std::string displayName) : displayName_(std::move(displayName)) {}

// Only signals: the thread holds its own reference to the session and closes what it opened.
InputRecorder::~InputRecorder() { Stop(); }

void InputRecorder::Start() {
  if (running()) throw NativeError("ERR_ALREADY_STARTED", "input recorder already started");
  // XInitThreads must run on this thread before the recording thread makes any Xlib call.
  InstallErrorHandlers();
  auto session = std::make_shared<RecordSession>();
  session->displayName = displayName_;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) throw NativeError("ERR_RECORD", "cannot create the recorder's wake-up pipe");
  session->wakeRead = fds[0];
  session->wakeWrite = fds[1];
  // Entered here, on the JS thread, so that an exit that begins before the thread runs still waits for it.
  ExitBarrier& barrier = ExitBarrier::Get();
  if (!barrier.Enter(session.get())) throw NativeError("ERR_RECORD", "the process is exiting");
  try {
    std::thread([session, &barrier] {
      session->Run();
      barrier.Leave(session.get());
    }).detach();
  } catch (const std::system_error&) {
    barrier.Leave(session.get());
    throw NativeError("ERR_RECORD", "cannot start the input recording thread");
  }
  session_ = std::move(session);
}

void InputRecorder::Stop() {
  const std::shared_ptr<RecordSession> session = session_;
  if (!session) return;
  RecorderPhase phase = session->phase.load();
  while ((phase == RecorderPhase::kStarting || phase == RecorderPhase::kRecording) &&
         !session->phase.compare_exchange_weak(phase, RecorderPhase::kStopping)) {
  }
  session->RequestStop();
}

InputCounts InputRecorder::Drain() {
  InputCounts counts;
  if (!session_) return counts;
  counts.keys = session_->keys.exchange(0, std::memory_order_relaxed);
  counts.clicks = session_->clicks.exchange(0, std::memory_order_relaxed);
  counts.wheel = session_->wheel.exchange(0, std::memory_order_relaxed);
  counts.moves = session_->moves.exchange(0, std::memory_order_relaxed);
  return counts;
}

RecorderStatus InputRecorder::status() const {
  RecorderStatus status;
  if (!session_) return status;
  status.phase = session_->phase.load();
  if (status.phase == RecorderPhase::kFailed) {
    std::lock_guard<std::mutex> lock(session_->failureMutex);
    status.code = session_->failureCode;
    status.message = session_->failureMessage;
  }
  return status;
}

bool InputRecorder::running() const {
  const RecorderPhase phase = session_ ? session_->phase.load() : RecorderPhase::kIdle;
  return phase == RecorderPhase::kStarting || phase == RecorderPhase::kRecording;
}

}  // namespace worktrace
