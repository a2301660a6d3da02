// Entry point of the libtorch addon: exports every binding registered with LF_EXPORT in native/src/*.cc.
#include <torch/version.h>
#include "common.h"

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("libtorchVersion", Napi::String::New(env, TORCH_VERSION));
  for (const auto& [name, fn] : lf::Registry::entries()) exports.Set(name, Napi::Function::New(env, fn, name));
  return exports;
}

NODE_API_MODULE(lensfind_torch, Init)
