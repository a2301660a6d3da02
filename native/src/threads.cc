// libtorch's intra-op thread pool size, and the BLAS library's.
#include "engine_util.h"
#include <ATen/Parallel.h>
#ifndef _WIN32
#include <dlfcn.h>
#endif

// OpenBLAS (the BLAS of Debian's libtorch-dev, pthreads build) keeps its own thread pool, sized at load time from
// OPENBLAS_NUM_THREADS or OMP_NUM_THREADS or else the machine's cores, whose threads spin between calls.
// at::set_num_threads does not size it: with --threads 1 a matrix product still ran on every core (a process used
// twice its wall time in CPU on 2 cores), and sharded jobs on a many-core node would oversubscribe it.
static void setBlasThreads(int n) {
#ifndef _WIN32
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(n);
#endif
}

LF_EXPORT(setNumThreads) {
  int64_t n = lf::i64(info[0]);
  if (n < 1) throw std::invalid_argument("setNumThreads: expected a positive number of threads, got " + std::to_string(n));
  at::set_num_threads(static_cast<int>(n));
  setBlasThreads(static_cast<int>(n));
  return env.Undefined();
}
LF_EXPORT(getNumThreads) { return Napi::Number::New(env, at::get_num_threads()); }

// OpenBLAS's pool size, or 0 when the BLAS is not OpenBLAS.
LF_EXPORT(getBlasThreads) {
#ifndef _WIN32
  using GetThreads = int (*)();
  if (auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")))
    return Napi::Number::New(env, get());
#endif
  return Napi::Number::New(env, 0);
}
