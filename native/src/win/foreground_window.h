// The window the user works in: GetForegroundWindow, its title (GetWindowTextW, UTF-16 -> UTF-8), its
// class, and the owning process's pid and image path (QueryFullProcessImageNameW with only
// PROCESS_QUERY_LIMITED_INFORMATION, which elevated processes grant too; protected ones may still refuse,
// and then the path is empty rather than the sample lost).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace worktrace {

struct ForegroundWindow {
  uint64_t id = 0;  // the HWND's value
  std::string title;
  std::string className;
  uint32_t pid = 0;
  std::string processPath;  // "C:\Windows\System32\notepad.exe"; empty when the process would not say
};

// nullopt when no window has the focus (the desktop itself, a secure desktop, a window closing meanwhile).
std::optional<ForegroundWindow> ReadForegroundWindow();

}  // namespace worktrace
