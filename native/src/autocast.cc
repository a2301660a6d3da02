// CPU automatic mixed precision, as PyTorch's `torch.autocast("cpu", dtype=torch.bfloat16)`: while it is on,
// convolutions, matrix products and linear layers cast their inputs to bfloat16 (oneDNN's bf16 kernels, about twice
// the fp32 rate on CPUs with AVX512-BF16 or AMX), the ops that need range stay in float32, and the weights stay
// float32. The state is per thread, as in PyTorch; the casts of the weights are cached until the outermost region
// ends.
#include "engine_util.h"
#include <ATen/autocast_mode.h>

// autocastEnter(): turns CPU autocast on (bfloat16); returns whether it was on, for autocastExit.
LF_EXPORT(autocastEnter) {
  bool prev = at::autocast::is_cpu_enabled();
  at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
  at::autocast::set_cpu_enabled(true);
  at::autocast::increment_nesting();
  return Napi::Boolean::New(env, prev);
}

// autocastExit(prev): restores the state autocastEnter returned; leaving the outermost region frees the cached casts.
LF_EXPORT(autocastExit) {
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_cpu_enabled(lf::flag(info[0]));
  return env.Undefined();
}

LF_EXPORT(isAutocastEnabled) { return Napi::Boolean::New(env, at::autocast::is_cpu_enabled()); }
