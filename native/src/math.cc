// Elementwise maths: binary ops with broadcasting and scalar operands, unary ops, comparisons, in-place updates.
#include "engine_util.h"

// A binary op `name(a, b)` where b is a tensor handle or a JS number (scalar overload).
#define LF_BINARY(name, TENSOR_EXPR, SCALAR_EXPR)          \
  LF_EXPORT(name) {                                        \
    auto& a = lf::unwrap(info[0]);                         \
    if (lf::isScalarArg(info[1])) {                        \
      auto s = lf::jsScalar(info[1]);                      \
      return lf::wrap(env, SCALAR_EXPR);                   \
    }                                                      \
    auto& b = lf::unwrap(info[1], "other");                \
    return lf::wrap(env, TENSOR_EXPR);                     \
  }

// The in-place variant: modifies a, returns undefined (JS returns `this`).
#define LF_BINARY_(name, TENSOR_EXPR, SCALAR_EXPR)         \
  LF_EXPORT(name) {                                        \
    auto& a = lf::unwrap(info[0]);                         \
    if (lf::isScalarArg(info[1])) {                        \
      auto s = lf::jsScalar(info[1]);                      \
      SCALAR_EXPR;                                         \
      return env.Undefined();                              \
    }                                                      \
    auto& b = lf::unwrap(info[1], "other");                \
    TENSOR_EXPR;                                           \
    return env.Undefined();                                \
  }

#define LF_UNARY(name, EXPR)                               \
  LF_EXPORT(name) {                                        \
    auto& a = lf::unwrap(info[0]);                         \
    return lf::wrap(env, EXPR);                            \
  }

#define LF_UNARY_(name, EXPR)                              \
  LF_EXPORT(name) {                                        \
    auto& a = lf::unwrap(info[0]);                         \
    EXPR;                                                  \
    return env.Undefined();                                \
  }

static at::Scalar alphaOf(const Napi::Value& v) { return lf::isUndef(v) ? at::Scalar(1) : lf::jsScalar(v); }

// add(a, b, alpha?) = a + alpha * b ; sub likewise
LF_BINARY(add, at::add(a, b, alphaOf(info[2])), at::add(a, s, alphaOf(info[2])))
LF_BINARY(sub, at::sub(a, b, alphaOf(info[2])), at::sub(a, s, alphaOf(info[2])))
LF_BINARY(mul, at::mul(a, b), at::mul(a, s))
LF_BINARY(div, at::div(a, b), at::div(a, s))
LF_BINARY(pow, at::pow(a, b), at::pow(a, s))
LF_BINARY(remainder, at::remainder(a, b), at::remainder(a, s))
LF_BINARY(maximum, at::maximum(a, b), at::maximum(a, lf::operandTensor(info[1])))
LF_BINARY(minimum, at::minimum(a, b), at::minimum(a, lf::operandTensor(info[1])))
LF_BINARY(eq, at::eq(a, b), at::eq(a, s))
LF_BINARY(ne, at::ne(a, b), at::ne(a, s))
LF_BINARY(lt, at::lt(a, b), at::lt(a, s))
LF_BINARY(le, at::le(a, b), at::le(a, s))
LF_BINARY(gt, at::gt(a, b), at::gt(a, s))
LF_BINARY(ge, at::ge(a, b), at::ge(a, s))
LF_BINARY(logicalAnd, at::logical_and(a, b), at::logical_and(a, lf::operandTensor(info[1])))
LF_BINARY(logicalOr, at::logical_or(a, b), at::logical_or(a, lf::operandTensor(info[1])))
LF_BINARY(atan2, at::atan2(a, b), at::atan2(a, lf::operandTensor(info[1])))

// rpow / rsub / rdiv: scalar on the left (s ** a, s - a, s / a)
LF_EXPORT(rpow) {
  auto& a = lf::unwrap(info[0]);
  return lf::wrap(env, at::pow(lf::jsScalar(info[1]), a));
}

LF_BINARY_(add_, a.add_(b, alphaOf(info[2])), a.add_(s, alphaOf(info[2])))
LF_BINARY_(sub_, a.sub_(b, alphaOf(info[2])), a.sub_(s, alphaOf(info[2])))
LF_BINARY_(mul_, a.mul_(b), a.mul_(s))
LF_BINARY_(div_, a.div_(b), a.div_(s))
LF_BINARY_(pow_, a.pow_(b), a.pow_(s))
LF_BINARY_(fill_, a.fill_(b), a.fill_(s))
// lerp_(h, end, weight): h += weight * (end - h); weight is a number or a tensor.
LF_EXPORT(lerp_) {
  auto& a = lf::unwrap(info[0]);
  auto& e = lf::unwrap(info[1], "end");
  if (lf::isScalarArg(info[2])) a.lerp_(e, lf::jsScalar(info[2]));
  else a.lerp_(e, lf::unwrap(info[2], "weight"));
  return env.Undefined();
}

LF_UNARY(neg, at::neg(a))
LF_UNARY(abs, at::abs(a))
LF_UNARY(exp, at::exp(a))
LF_UNARY(expm1, at::expm1(a))
LF_UNARY(log, at::log(a))
LF_UNARY(log1p, at::log1p(a))
LF_UNARY(log2, at::log2(a))
LF_UNARY(log10, at::log10(a))
LF_UNARY(sqrt, at::sqrt(a))
LF_UNARY(rsqrt, at::rsqrt(a))
LF_UNARY(sin, at::sin(a))
LF_UNARY(cos, at::cos(a))
LF_UNARY(tan, at::tan(a))
LF_UNARY(asin, at::asin(a))
LF_UNARY(acos, at::acos(a))
LF_UNARY(atan, at::atan(a))
LF_UNARY(sinh, at::sinh(a))
LF_UNARY(cosh, at::cosh(a))
LF_UNARY(sigmoid, at::sigmoid(a))
LF_UNARY(tanh, at::tanh(a))
LF_UNARY(relu, at::relu(a))
LF_UNARY(sign, at::sign(a))
LF_UNARY(floor, at::floor(a))
LF_UNARY(ceil, at::ceil(a))
LF_UNARY(round, at::round(a))
LF_UNARY(trunc, at::trunc(a))
LF_UNARY(reciprocal, at::reciprocal(a))
LF_UNARY(square, at::square(a))
LF_UNARY(erf, at::erf(a))
LF_UNARY(logicalNot, at::logical_not(a))
LF_UNARY(isnan, at::isnan(a))
LF_UNARY(isinf, at::isinf(a))
LF_UNARY(isfinite, at::isfinite(a))

LF_UNARY_(zero_, a.zero_())
LF_UNARY_(sqrt_, a.sqrt_())
LF_UNARY_(neg_, a.neg_())
LF_UNARY_(exp_, a.exp_())
LF_UNARY_(abs_, a.abs_())
LF_UNARY_(relu_, a.relu_())
LF_UNARY_(sigmoid_, a.sigmoid_())

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

LF_UNARY(erfinv, at::erfinv(a))
LF_UNARY_(erfinv_, a.erfinv_())
LF_UNARY_(tanh_, a.tanh_())
LF_UNARY_(log_, a.log_())
LF_UNARY_(reciprocal_, a.reciprocal_())
LF_UNARY_(floor_, a.floor_())
LF_UNARY_(round_, a.round_())

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
