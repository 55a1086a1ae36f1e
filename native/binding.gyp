{
  # The native core of Worktrace. Linux: XShm capture, active window, XRecord input counting, XScreenSaver idle
  # time. Windows: GDI capture, the foreground window, low-level input hooks, GetLastInputInfo idle time. Both:
  # the screenshot encoder (downscale, blur, JPEG: libjpeg on Linux, WIC on Windows) so the agent never loads
  # sharp for native captures. Linux also paints private windows out of captures (the window stack read through
  # XCB, pipelined). Elsewhere the install script skips the build and the agent uses the npm backends.
  # Windows builds here with MSVC (node-gyp); scripts/build-win32.mjs cross-builds the same sources with MinGW.
  "variables": {
    "conditions": [
      ["OS=='win'", {"addon_name": "worktrace_win32"}, {"addon_name": "worktrace_x11"}]
    ]
  },
  "targets": [
    {
      "target_name": "<(addon_name)",
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "src/addon.cc",
            "src/x_errors.cc",
            "src/x_session.cc",
            "src/shm_grabber.cc",
            "src/window_info.cc",
            "src/input_recorder.cc",
            "src/recorder_wrap.cc",
            "src/image_ops.cc",
            "src/jpeg_writer.cc",
            "src/encode_worker.cc",
            "src/window_stack.cc",
            "src/redaction.cc",
            "src/private_capture.cc"
          ],
          "libraries": ["-lX11", "-lX11-xcb", "-lxcb", "-lXext", "-lXtst", "-lXrandr", "-lXss", "-ljpeg", "-lpthread"]
        }],
        ["OS=='win'", {
          "sources": [
            "src/win/win_addon.cc",
            "src/win/win_session.cc",
            "src/win/screen_grabber.cc",
            "src/win/foreground_window.cc",
            "src/win/hook_recorder.cc",
            "src/win/wic_jpeg_writer.cc",
            "src/recorder_wrap.cc",
            "src/image_ops.cc",
            "src/encode_worker.cc"
          ],
          "libraries": ["user32.lib", "gdi32.lib", "ole32.lib", "windowscodecs.lib"],
          "defines": ["UNICODE", "_UNICODE", "NOMINMAX", "WIN32_LEAN_AND_MEAN", "_WIN32_WINNT=0x0A00"],
          "msvs_settings": {
            "VCCLCompilerTool": {"ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17", "/utf-8", "/O2"]}
          }
        }]
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
