// Helpers shared by the functional_*.cc binding files.
#pragma once
#include "common.h"

namespace lf {
// libtorch 1.13 takes c10::optional (not std::optional) for optional tensors.
inline c10::optional<at::Tensor> copt(const Napi::Value& v) {
  if (isUndef(v)) return c10::nullopt;
  return unwrap(v);
}
}  // namespace lf
