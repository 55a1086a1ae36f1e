// The screenshot encoder off the JS thread: RGB(A) pixels -> area-average downscale -> optional blur ->
// JPEG, in a napi AsyncWorker on libuv's thread pool. JS gets a Promise of { data, width, height } and
// its event loop keeps turning meanwhile.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "pixel_buffer.h"

namespace worktrace {

struct EncodeOptions {
  int maxWidth = 1280;
  int quality = 70;
  double blurSigma = 0;  // 0: no blur; else the Gaussian sigma at the output size
};

// Reads { maxWidth?, quality?, blurSigma? } (throws ERR_INVALID_ARG on nonsense).
EncodeOptions ReadEncodeOptions(const Napi::CallbackInfo& info, size_t index);

class EncodeWorker : public Napi::AsyncWorker {
 public:
  // Encodes pixels the worker owns (a fresh capture). `result` is the object the promise resolves to;
  // data, width and height are set on it when done.
  EncodeWorker(Napi::Env env, PixelBuffer pixels, int width, int height, int channels, EncodeOptions options,
               Napi::Object result);
  // Encodes a JS Buffer, kept alive (and not to be written by JS) until the promise settles.
  EncodeWorker(Napi::Env env, Napi::Buffer<uint8_t> pixels, int width, int height, int channels,
               EncodeOptions options, Napi::Object result);

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference result_;
  Napi::Reference<Napi::Buffer<uint8_t>> input_;
  PixelBuffer owned_;
  const uint8_t* pixels_ = nullptr;
  int width_, height_, channels_;
  EncodeOptions options_;
  PixelBuffer jpeg_;
  size_t jpegSize_ = 0;
  int outWidth_ = 0;
  int outHeight_ = 0;
  std::string code_ = "ERR_ENCODE";
};

// addon.encodeJpeg(pixels, width, height, channels, options?) -> Promise<{ data, width, height }>
Napi::Value EncodeJpegFunction(const Napi::CallbackInfo& info);

}  // namespace worktrace
