// InputRecorder (../input_recorder.h) on Windows: WH_KEYBOARD_LL and WH_MOUSE_LL hooks installed by a thread
// of the addon's own, which runs a message loop for them.
//
// Windows calls a low-level hook on the thread that installed it, from that thread's message loop, and
// removes the hook (silently, for good) when a callback takes longer than LowLevelHooksTimeout (about a
// second; 200 ms on some systems). So the callbacks only bump an atomic counter and return, the thread does
// nothing else, and the JS thread never hosts a hook: a busy event loop cannot cost the agent its input
// counts. As on X11 the JS thread only starts the thread, reads the counters and posts WM_QUIT to stop it;
// it never waits for it.
#include <windows.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "../input_recorder.h"
#include "../native_error.h"

namespace worktrace {

// One recording session, shared by the recorder (counters, status, stop) and its thread.
struct RecordSession {
  std::atomic<RecorderPhase> phase{RecorderPhase::kStarting};
  std::atomic<bool> stopRequested{false};
  std::atomic<DWORD> threadId{0};
  std::atomic<uint64_t> keys{0}, clicks{0}, wheel{0}, moves{0};
  mutable std::mutex failureMutex;
  std::string failureCode;
  std::string failureMessage;

  void Fail(const std::string& code, const std::string& message) {
    {
      std::lock_guard<std::mutex> lock(failureMutex);
      failureCode = code;
      failureMessage = message;
    }
    phase.store(RecorderPhase::kFailed);
  }

  void Run();
};

namespace {

// Hook callbacks carry no user data; they run only on the session's own thread, which sets this first.
thread_local RecordSession* t_session = nullptr;
// Where the pointer was at the last counted move. Windows also reports WM_MOUSEMOVE with the pointer where it
// was (a click injected with MOUSEEVENTF_MOVE, Wine's button events, "mouse jiggler" tools sending 0,0): that
// is not movement, and X11 (MotionNotify) would not count it either.
thread_local POINT t_lastPoint = {LONG_MIN, LONG_MIN};

LRESULT CALLBACK OnKeyboard(int code, WPARAM message, LPARAM data) {
  if (code == HC_ACTION && t_session != nullptr && (message == WM_KEYDOWN || message == WM_SYSKEYDOWN)) {
    t_session->keys.fetch_add(1, std::memory_order_relaxed);
  }
  return CallNextHookEx(nullptr, code, message, data);
}

LRESULT CALLBACK OnMouse(int code, WPARAM message, LPARAM data) {
  if (code == HC_ACTION && t_session != nullptr) {
    switch (message) {
      case WM_MOUSEMOVE: {
        const POINT at = reinterpret_cast<const MSLLHOOKSTRUCT*>(data)->pt;
        if (at.x != t_lastPoint.x || at.y != t_lastPoint.y) t_session->moves.fetch_add(1, std::memory_order_relaxed);
        t_lastPoint = at;
        break;
      }
      case WM_LBUTTONDOWN:
      case WM_RBUTTONDOWN:
      case WM_MBUTTONDOWN:
      case WM_XBUTTONDOWN:
        t_session->clicks.fetch_add(1, std::memory_order_relaxed);
        break;
      case WM_MOUSEWHEEL:
      case WM_MOUSEHWHEEL: {
        // One count per notch, as X11 counts buttons 4-7; a high-resolution wheel's smaller steps count once.
        const auto* info = reinterpret_cast<const MSLLHOOKSTRUCT*>(data);
        const int delta = std::abs(static_cast<int>(static_cast<short>(HIWORD(info->mouseData))));
        t_session->wheel.fetch_add(delta >= WHEEL_DELTA ? static_cast<uint64_t>(delta / WHEEL_DELTA) : 1,
                                   std::memory_order_relaxed);
        break;
      }
      default:
        break;
    }
  }
  return CallNextHookEx(nullptr, code, message, data);
}

HMODULE ThisModule() {
  HMODULE module = nullptr;
  GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                     reinterpret_cast<LPCWSTR>(&OnKeyboard), &module);
  return module;
}

std::string HookError(const char* which) {
  return std::string("SetWindowsHookEx(") + which + ") failed (Windows error " + std::to_string(GetLastError()) + ")";
}

}  // namespace

void RecordSession::Run() {
  t_session = this;
  MSG message;
  // Creates this thread's message queue, so that Stop()'s PostThreadMessage cannot be lost from here on.
  PeekMessageW(&message, nullptr, WM_USER, WM_USER, PM_NOREMOVE);
  threadId.store(GetCurrentThreadId());
  if (stopRequested.load()) {  // Stop() came before the queue existed: it could not post, so look here
    phase.store(RecorderPhase::kStopped);
    return;
  }
  HHOOK keyboard = SetWindowsHookExW(WH_KEYBOARD_LL, OnKeyboard, ThisModule(), 0);
  if (keyboard == nullptr) {
    Fail("ERR_HOOK", HookError("WH_KEYBOARD_LL"));
    return;
  }
  HHOOK mouse = SetWindowsHookExW(WH_MOUSE_LL, OnMouse, ThisModule(), 0);
  if (mouse == nullptr) {
    Fail("ERR_HOOK", HookError("WH_MOUSE_LL"));
    UnhookWindowsHookEx(keyboard);
    return;
  }
  RecorderPhase starting = RecorderPhase::kStarting;
  phase.compare_exchange_strong(starting, RecorderPhase::kRecording);  // unless Stop() already said stopping
  while (GetMessageW(&message, nullptr, 0, 0) > 0) DispatchMessageW(&message);
  UnhookWindowsHookEx(mouse);
  UnhookWindowsHookEx(keyboard);
  RecorderPhase current = phase.load();
  while (current != RecorderPhase::kFailed && !phase.compare_exchange_weak(current, RecorderPhase::kStopped)) {
  }
}

InputRecorder::InputRecorder(std::string displayName) : displayName_(std::move(displayName)) {}

// Only signals: the thread holds its own reference to the session.
InputRecorder::~InputRecorder() { Stop(); }

void InputRecorder::Start() {
  if (running()) throw NativeError("ERR_ALREADY_STARTED", "input recorder already started");
  auto session = std::make_shared<RecordSession>();
  try {
    std::thread([session] { session->Run(); }).detach();
  } catch (const std::system_error&) {
    throw NativeError("ERR_HOOK", "cannot start the input hook thread");
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
  if (session->stopRequested.exchange(true)) return;
  // Both sides store, then load (sequentially consistent): either the thread already published its id and
  // gets WM_QUIT, or it has not and will see stopRequested before it installs any hook.
  const DWORD thread = session->threadId.load();
  if (thread != 0) PostThreadMessageW(thread, WM_QUIT, 0, 0);
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
