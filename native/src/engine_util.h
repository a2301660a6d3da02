// Helpers shared by the engine-core binding files (creation, data, math, reduce, shape, autograd, random).
#pragma once
#include "common.h"
#include <cmath>

namespace lf {

// A JS number as a libtorch Scalar: integral values stay integral so int tensors keep their dtype
// (x_int + 2 -> int, x_int + 2.5 -> float), as in PyTorch where the literal decides.
inline at::Scalar jsScalar(const Napi::Value& v) {
  if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
  double d = num(v);
  if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9007199254740992.0) return at::Scalar(static_cast<int64_t>(d));
  return at::Scalar(d);
}

inline bool isScalarArg(const Napi::Value& v) { return v.IsNumber() || v.IsBoolean(); }

// A dimension list argument that may be absent (undefined/null -> reduce over everything).
inline c10::optional<std::vector<int64_t>> optDims(const Napi::Value& v) {
  if (isUndef(v)) return c10::nullopt;
  return intList(v, "dim");
}

inline c10::optional<int64_t> optInt(const Napi::Value& v) {
  if (isUndef(v)) return c10::nullopt;
  return i64(v);
}

inline c10::optional<at::Scalar> optScalar(const Napi::Value& v) {
  if (isUndef(v)) return c10::nullopt;
  return jsScalar(v);
}

// A JS number as a 0-dim "wrapped number" tensor: it takes part in type promotion exactly as a Python scalar
// does (int tensor + 0.5 -> float32, float32 tensor + 2 -> float32), for ops that only take tensors.
inline at::Tensor wrappedScalar(const Napi::Value& v) {
  auto s = jsScalar(v);
  auto dtype = s.isBoolean() ? at::kBool : s.isFloatingPoint() ? at::kDouble : at::kLong;
  auto t = at::scalar_tensor(s, at::TensorOptions().dtype(dtype));
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  return t;
}

// The operand of a binary op as a tensor: a handle, or a number as a wrapped scalar.
inline at::Tensor operandTensor(const Napi::Value& v) {
  if (isScalarArg(v)) return wrappedScalar(v);
  return unwrap(v);
}

inline Napi::Value tensorPair(Napi::Env env, const std::tuple<at::Tensor, at::Tensor>& p) {
  return tensorArray(env, {std::get<0>(p), std::get<1>(p)});
}

}  // namespace lf
