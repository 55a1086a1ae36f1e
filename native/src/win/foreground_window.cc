#include "foreground_window.h"

#include <windows.h>

#include <string>

#include "wide_text.h"

namespace worktrace {
namespace {

std::string ProcessImagePath(DWORD pid) {
  HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (process == nullptr) return std::string();
  std::wstring path(MAX_PATH, L'\0');
  DWORD length = static_cast<DWORD>(path.size());
  BOOL ok = QueryFullProcessImageNameW(process, 0, path.data(), &length);
  if (!ok && GetLastError() == ERROR_INSUFFICIENT_BUFFER) {
    path.assign(32768, L'\0');  // the longest path Windows has
    length = static_cast<DWORD>(path.size());
    ok = QueryFullProcessImageNameW(process, 0, path.data(), &length);
  }
  CloseHandle(process);
  return ok ? Utf8FromWide(path.data(), static_cast<int>(length)) : std::string();
}

}  // namespace

std::optional<ForegroundWindow> ReadForegroundWindow() {
  HWND window = GetForegroundWindow();
  if (window == nullptr || window == GetDesktopWindow()) return std::nullopt;
  ForegroundWindow result;
  result.id = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(window));
  // For another process's window GetWindowTextW reads the caption Windows keeps, without sending it a
  // message, so a hung application cannot block this call.
  const int length = GetWindowTextLengthW(window);
  if (length > 0) {
    std::wstring title(static_cast<size_t>(length) + 1, L'\0');
    const int copied = GetWindowTextW(window, title.data(), length + 1);
    result.title = Utf8FromWide(title.data(), copied);
  }
  wchar_t className[256];
  const int classLength = GetClassNameW(window, className, 256);
  result.className = Utf8FromWide(className, classLength);
  DWORD pid = 0;
  if (GetWindowThreadProcessId(window, &pid) == 0) return std::nullopt;  // the window closed while we read it
  result.pid = pid;
  result.processPath = ProcessImagePath(pid);
  return result;
}

}  // namespace worktrace
