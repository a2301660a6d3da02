// The registration macros of the elementwise ops (one line each, written by scripts/gen-ops.ts into
// elementwise.generated.cc from src/torch/op-list.ts): the body of each binding around a libtorch expression.
#pragma once
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

// The `alpha` (or `value`) multiplier of add/sub and addcmul_/addcdiv_: 1 when absent.
static inline at::Scalar alphaOf(const Napi::Value& v) { return lf::isUndef(v) ? at::Scalar(1) : lf::jsScalar(v); }
