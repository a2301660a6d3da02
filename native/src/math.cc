// Elementwise maths with hand-written bindings: rpow, lerp_, clamp, addcmul_/addcdiv_, where, maskedFill, products,
// comparisons of whole tensors. The one-line unary/binary ops are in elementwise.generated.cc (src/torch/op-list.ts).
#include "elementwise.h"

// rpow / rsub / rdiv: scalar on the left (s ** a, s - a, s / a)
LF_EXPORT(rpow) {
  auto& a = lf::unwrap(info[0]);
  return lf::wrap(env, at::pow(lf::jsScalar(info[1]), a));
}

// lerp_(h, end, weight): h += weight * (end - h); weight is a number or a tensor.
LF_EXPORT(lerp_) {
  auto& a = lf::unwrap(info[0]);
  auto& e = lf::unwrap(info[1], "end");
  if (lf::isScalarArg(info[2])) a.lerp_(e, lf::jsScalar(info[2]));
  else a.lerp_(e, lf::unwrap(info[2], "weight"));
  return env.Undefined();
}

// clamp(h, min?, max?) and clamp_(h, min?, max?): either bound may be absent.
LF_EXPORT(clamp) {
  auto& a = lf::unwrap(info[0]);
  return lf::wrap(env, at::clamp(a, lf::optScalar(info[1]), lf::optScalar(info[2])));
}
LF_EXPORT(clamp_) {
  auto& a = lf::unwrap(info[0]);
  a.clamp_(lf::optScalar(info[1]), lf::optScalar(info[2]));
  return env.Undefined();
}

// addcmul_(h, t1, t2, value): h += value * t1 * t2 ; addcdiv_ likewise with t1 / t2
LF_EXPORT(addcmul_) {
  lf::unwrap(info[0]).addcmul_(lf::unwrap(info[1]), lf::unwrap(info[2]), alphaOf(info[3]));
  return env.Undefined();
}
LF_EXPORT(addcdiv_) {
  lf::unwrap(info[0]).addcdiv_(lf::unwrap(info[1]), lf::unwrap(info[2]), alphaOf(info[3]));
  return env.Undefined();
}
// copy_(dst, src): copies values (broadcast, converting dtype/device).
LF_EXPORT(copy_) {
  lf::unwrap(info[0]).copy_(lf::unwrap(info[1], "src"));
  return env.Undefined();
}

// where(cond, a, b): a and b may be numbers (promoted like Python scalars; two numbers give float32).
LF_EXPORT(where) {
  auto& c = lf::unwrap(info[0], "condition");
  if (lf::isScalarArg(info[1]) && lf::isScalarArg(info[2])) {
    auto o = at::TensorOptions().dtype(at::kFloat).device(c.device());
    return lf::wrap(env, at::where(c, at::scalar_tensor(lf::jsScalar(info[1]), o), at::scalar_tensor(lf::jsScalar(info[2]), o)));
  }
  return lf::wrap(env, at::where(c, lf::operandTensor(info[1]), lf::operandTensor(info[2])));
}

// maskedFill(h, mask, value): value is a number or a 0-dim tensor.
LF_EXPORT(maskedFill) {
  auto& a = lf::unwrap(info[0]);
  auto& m = lf::unwrap(info[1], "mask");
  if (lf::isScalarArg(info[2])) return lf::wrap(env, at::masked_fill(a, m, lf::jsScalar(info[2])));
  return lf::wrap(env, at::masked_fill(a, m, lf::unwrap(info[2], "value")));
}
LF_EXPORT(maskedFill_) {
  auto& a = lf::unwrap(info[0]);
  auto& m = lf::unwrap(info[1], "mask");
  if (lf::isScalarArg(info[2])) a.masked_fill_(m, lf::jsScalar(info[2]));
  else a.masked_fill_(m, lf::unwrap(info[2], "value"));
  return env.Undefined();
}

LF_EXPORT(matmul) { return lf::wrap(env, at::matmul(lf::unwrap(info[0]), lf::unwrap(info[1], "other"))); }
LF_EXPORT(mm) { return lf::wrap(env, at::mm(lf::unwrap(info[0]), lf::unwrap(info[1], "other"))); }
LF_EXPORT(bmm) { return lf::wrap(env, at::bmm(lf::unwrap(info[0]), lf::unwrap(info[1], "other"))); }
LF_EXPORT(outer) { return lf::wrap(env, at::outer(lf::unwrap(info[0]), lf::unwrap(info[1], "other"))); }

// nanToNum(h, nan, posinf?, neginf?): non-finite values replaced (infinities default to the dtype's extremes).
LF_EXPORT(nanToNum) {
  auto& a = lf::unwrap(info[0]);
  auto opt = [](const Napi::Value& v) { return lf::isUndef(v) ? c10::optional<double>() : c10::optional<double>(lf::num(v)); };
  return lf::wrap(env, at::nan_to_num(a, opt(info[1]), opt(info[2]), opt(info[3])));
}
// equal(a, b): same shape and values; allclose(a, b, rtol, atol, equalNan)
LF_EXPORT(equal) { return Napi::Boolean::New(env, at::equal(lf::unwrap(info[0]), lf::unwrap(info[1], "other"))); }
LF_EXPORT(allclose) {
  return Napi::Boolean::New(env, at::allclose(lf::unwrap(info[0]), lf::unwrap(info[1], "other"), lf::num(info[2]),
                                              lf::num(info[3]), lf::flag(info[4])));
}
