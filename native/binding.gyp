{
  # The X11 core of Worktrace: XShm capture, active window, XRecord input counting, XScreenSaver idle time,
  # and the screenshot encoder (downscale, blur, libjpeg) so the agent never loads sharp for native captures.
  # Linux only; elsewhere the install script skips the build and the agent uses the npm backends.
  "targets": [
    {
      "target_name": "worktrace_x11",
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
            "src/encode_worker.cc"
          ],
          "libraries": ["-lX11", "-lXext", "-lXtst", "-lXrandr", "-lXss", "-ljpeg", "-lpthread"]
        }]
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
