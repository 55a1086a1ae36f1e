// UTF-16 (what every W function of Win32 speaks) to UTF-8 (what N-API strings take).
#pragma once

#include <windows.h>

#include <string>

namespace worktrace {

// Invalid UTF-16 (a lone surrogate in a window title) becomes U+FFFD rather than an error.
inline std::string Utf8FromWide(const wchar_t* text, int length) {
  if (text == nullptr || length <= 0) return std::string();
  const int bytes = WideCharToMultiByte(CP_UTF8, 0, text, length, nullptr, 0, nullptr, nullptr);
  if (bytes <= 0) return std::string();
  std::string out(static_cast<size_t>(bytes), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, length, out.data(), bytes, nullptr, nullptr);
  return out;
}

inline std::string Utf8FromWide(const std::wstring& text) { return Utf8FromWide(text.data(), static_cast<int>(text.size())); }

}  // namespace worktrace
