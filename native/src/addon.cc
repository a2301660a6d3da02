// Entry point of the libtorch addon: registers every binding group.
#include <napi.h>
#include <torch/version.h>

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("libtorchVersion", Napi::String::New(env, TORCH_VERSION));
  return exports;
}

NODE_API_MODULE(lensfind_torch, Init)
