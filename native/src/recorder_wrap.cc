#include "recorder_wrap.h"

#include "napi_util.h"

namespace worktrace {

Napi::Function RecorderWrap::Define(Napi::Env env) {
  return DefineClass(env, "InputRecorder",
                     {
                         InstanceMethod("start", &RecorderWrap::Start),
                         InstanceMethod("drain", &RecorderWrap::Drain),
                         InstanceMethod("stop", &RecorderWrap::Stop),
                         InstanceMethod("state", &RecorderWrap::State),
                         InstanceMethod("running", &RecorderWrap::Running),
                         InstanceMethod("failure", &RecorderWrap::Failure),
                     });
}

RecorderWrap::RecorderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RecorderWrap>(info) {
  std::string name;
  if (info.Length() > 0 && info[0].IsString()) name = info[0].As<Napi::String>().Utf8Value();
  recorder_ = std::make_unique<InputRecorder>(name);
}

Napi::Value RecorderWrap::Start(const Napi::CallbackInfo& info) {
  Guard(info.Env(), [&] {
    recorder_->Start();
    return 0;
  });
  return info.Env().Undefined();
}

Napi::Value RecorderWrap::Drain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const InputCounts counts = recorder_->Drain();
  Napi::Object o = Napi::Object::New(env);
  o.Set("keys", static_cast<double>(counts.keys));
  o.Set("clicks", static_cast<double>(counts.clicks));
  o.Set("wheel", static_cast<double>(counts.wheel));
  o.Set("moves", static_cast<double>(counts.moves));
  return o;
}

Napi::Value RecorderWrap::Stop(const Napi::CallbackInfo& info) {
  recorder_->Stop();
  return info.Env().Undefined();
}

Napi::Value RecorderWrap::State(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const RecorderStatus status = recorder_->status();
  Napi::Object o = Napi::Object::New(env);
  o.Set("phase", PhaseName(status.phase));
  if (status.phase == RecorderPhase::kFailed) {
    o.Set("code", status.code);
    o.Set("message", status.message);
  }
  return o;
}

Napi::Value RecorderWrap::Running(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), recorder_->running());
}

Napi::Value RecorderWrap::Failure(const Napi::CallbackInfo& info) {
  const RecorderStatus status = recorder_->status();
  if (status.phase != RecorderPhase::kFailed) return info.Env().Null();
  return Napi::String::New(info.Env(), status.message);
}

}  // namespace worktrace
