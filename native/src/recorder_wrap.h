// JS class InputRecorder: start(), drain(), stop(), state(), running(), failure(). None of them waits on X.
#pragma once

#include <napi.h>

#include <memory>

#include "input_recorder.h"

namespace worktrace {

class RecorderWrap : public Napi::ObjectWrap<RecorderWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit RecorderWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Drain(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value State(const Napi::CallbackInfo& info);
  Napi::Value Running(const Napi::CallbackInfo& info);
  Napi::Value Failure(const Napi::CallbackInfo& info);

  // Destroyed with the wrapper: its destructor asks the session's thread to stop; the thread holds
  // its own reference to what it uses and closes it, so nothing here waits for it.
  std::unique_ptr<InputRecorder> recorder_;
};

}  // namespace worktrace
