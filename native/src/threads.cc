// libtorch's intra-op thread pool size.
#include "engine_util.h"
#include <ATen/Parallel.h>

LF_EXPORT(setNumThreads) {
  int64_t n = lf::i64(info[0]);
  if (n < 1) throw std::invalid_argument("setNumThreads: expected a positive number of threads, got " + std::to_string(n));
  at::set_num_threads(static_cast<int>(n));
  return env.Undefined();
}
LF_EXPORT(getNumThreads) { return Napi::Number::New(env, at::get_num_threads()); }
