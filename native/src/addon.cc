// Entry point of the libtorch addon: exports every binding registered with LF_EXPORT in native/src/*.cc.
#include <torch/version.h>
#include "common.h"
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

// glibc hands freed blocks above 128 KB back to the OS at once and maps them afresh on the next step, so every
// training step page-faults its activations again. A training loop reuses the same sizes: keep them mapped
// (the MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ environment variables still take precedence).
static void tuneAllocator() {
#if defined(__GLIBC__)
  if (!std::getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  if (!std::getenv("MALLOC_TRIM_THRESHOLD_")) mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tuneAllocator();
  exports.Set("libtorchVersion", Napi::String::New(env, TORCH_VERSION));
  for (const auto& [name, fn] : lf::Registry::entries()) exports.Set(name, Napi::Function::New(env, fn, name));
  return exports;
}

NODE_API_MODULE(lensfind_torch, Init)
