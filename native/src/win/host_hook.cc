// For the MinGW cross-build only (node-gyp's MSVC build links its own win_delay_load_hook.cc, which does the
// same). The import library names node.exe as the provider of the napi_* functions, but Electron's
// executable is not called node.exe: resolved plainly, Windows would look for a node.exe file, find none
// (or a wrong one on PATH) and refuse to load the addon. node.exe is therefore delay-loaded, and this hook
// answers "the running executable" for it, whatever that executable is called.
#include <windows.h>
#include <delayimp.h>

namespace {

FARPROC WINAPI ResolveHost(unsigned event, PDelayLoadInfo info) {
  if (event == dliNotePreLoadLibrary && lstrcmpiA(info->szDll, "node.exe") == 0) {
    return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
  }
  return nullptr;
}

}  // namespace

// MinGW's delayimp.h declares the hook variable without const (MSVC's with it), so it is defined to match.
extern "C" PfnDliHook __pfnDliNotifyHook2;
PfnDliHook __pfnDliNotifyHook2 = ResolveHost;
