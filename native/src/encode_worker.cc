#include "encode_worker.h"

#include <malloc.h>  // malloc_trim (glibc)

#include <cmath>
#include <new>

#include "image_ops.h"
#include "jpeg_writer.h"
#include "napi_util.h"

namespace worktrace {
namespace {

int IntOption(const Napi::Object& options, const char* name, int fallback, int min, int max) {
  const Napi::Value value = options.Get(name);
  if (value.IsUndefined()) return fallback;
  const double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : NAN;
  if (!std::isfinite(number) || number != std::floor(number) || number < min || number > max) {
    throw JsError(options.Env(), "ERR_INVALID_ARG",
                  std::string(name) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int>(number);
}

}  // namespace

EncodeOptions ReadEncodeOptions(const Napi::CallbackInfo& info, size_t index) {
  EncodeOptions options;
  if (info.Length() <= index || info[index].IsUndefined()) return options;
  if (!info[index].IsObject()) throw JsError(info.Env(), "ERR_INVALID_ARG", "encode options must be an object");
  const Napi::Object o = info[index].As<Napi::Object>();
  options.maxWidth = IntOption(o, "maxWidth", options.maxWidth, 1, 65535);
  options.quality = IntOption(o, "quality", options.quality, 1, 100);
  const Napi::Value sigma = o.Get("blurSigma");
  if (!sigma.IsUndefined()) {
    const double value = sigma.IsNumber() ? sigma.As<Napi::Number>().DoubleValue() : NAN;
    if (!std::isfinite(value) || value < 0 || value > 200) {
      throw JsError(info.Env(), "ERR_INVALID_ARG", "blurSigma must be a number from 0 to 200");
    }
    options.blurSigma = value;
  }
  return options;
}

EncodeWorker::EncodeWorker(Napi::Env env, PixelBuffer pixels, int width, int height, int channels,
                           EncodeOptions options, Napi::Object result)
    : Napi::AsyncWorker(env, "worktrace:encodeJpeg"),
      deferred_(Napi::Promise::Deferred::New(env)),
      result_(Napi::Persistent(result)),
      owned_(std::move(pixels)),
      width_(width),
      height_(height),
      channels_(channels),
      options_(options) {
  pixels_ = owned_.data();
}

EncodeWorker::EncodeWorker(Napi::Env env, Napi::Buffer<uint8_t> pixels, int width, int height, int channels,
                           EncodeOptions options, Napi::Object result)
    : Napi::AsyncWorker(env, "worktrace:encodeJpeg"),
      deferred_(Napi::Promise::Deferred::New(env)),
      result_(Napi::Persistent(result)),
      input_(Napi::Persistent(pixels)),
      pixels_(pixels.Data()),
      width_(width),
      height_(height),
      channels_(channels),
      options_(options) {}

void EncodeWorker::Execute() {
  try {
    const Size out = FitWidth(width_, height_, options_.maxWidth);
    PixelBuffer rgb = (out.width == width_ && out.height == height_)
                          ? ToRgb(pixels_, width_, height_, channels_)
                          : DownscaleArea(pixels_, width_, height_, channels_, out);
    owned_ = PixelBuffer();  // the full-size capture is not needed any more
    if (options_.blurSigma > 0) GaussianBoxBlur(rgb, out.width, out.height, options_.blurSigma);
    jpeg_ = EncodeJpeg(rgb.data(), out.width, out.height, options_.quality, &jpegSize_);
    outWidth_ = out.width;
    outHeight_ = out.height;
  } catch (const NativeError& e) {
    code_ = e.code();
    SetError(e.what());
  } catch (const std::bad_alloc&) {
    code_ = "ERR_NO_MEMORY";
    SetError("out of memory while encoding a screenshot");
  }
#ifdef __GLIBC__
  // libjpeg's small work areas were malloc'd in this pool thread's arena: give back what glibc can.
  malloc_trim(0);
#endif
}

void EncodeWorker::OnOK() {
  Napi::Env env = Env();
  Napi::Object result = result_.Value();
  result.Set("data", Napi::Buffer<uint8_t>::Copy(env, jpeg_.data(), jpegSize_));
  result.Set("width", outWidth_);
  result.Set("height", outHeight_);
  jpeg_ = PixelBuffer();
  deferred_.Resolve(result);
}

void EncodeWorker::OnError(const Napi::Error& error) {
  Napi::Object value = error.Value();
  value.Set("code", Napi::String::New(Env(), code_));
  deferred_.Reject(value);
}

Napi::Value EncodeJpegFunction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsBuffer() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsNumber()) {
    throw JsError(env, "ERR_INVALID_ARG", "encodeJpeg(pixels: Buffer, width, height, channels, options?)");
  }
  const Napi::Buffer<uint8_t> pixels = info[0].As<Napi::Buffer<uint8_t>>();
  const int width = info[1].As<Napi::Number>().Int32Value();
  const int height = info[2].As<Napi::Number>().Int32Value();
  const int channels = info[3].As<Napi::Number>().Int32Value();
  if (channels != 3 && channels != 4) throw JsError(env, "ERR_INVALID_ARG", "channels must be 3 or 4");
  if (width <= 0 || height <= 0 || pixels.Length() != static_cast<size_t>(width) * height * channels) {
    throw JsError(env, "ERR_INVALID_ARG", "pixels must hold width * height * channels bytes");
  }
  const EncodeOptions options = ReadEncodeOptions(info, 4);
  auto* worker = new EncodeWorker(env, pixels, width, height, channels, options, Napi::Object::New(env));
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // the worker deletes itself once settled
  return promise;
}

}  // namespace worktrace
