// Reductions: sum/mean/var/std over optional dims, max/min (all or along a dim), arg*, logsumexp, cumsum, norm, ...
#include "engine_util.h"

// sum(h, dims?, keepdim): dims undefined -> all elements.
LF_EXPORT(sum) {
  auto& a = lf::unwrap(info[0]);
  auto dims = lf::optDims(info[1]);
  if (!dims) return lf::wrap(env, at::sum(a));
  return lf::wrap(env, at::sum(a, *dims, lf::flag(info[2])));
}
LF_EXPORT(mean) {
  auto& a = lf::unwrap(info[0]);
  auto dims = lf::optDims(info[1]);
  if (!dims) return lf::wrap(env, at::mean(a));
  return lf::wrap(env, at::mean(a, *dims, lf::flag(info[2])));
}
// var(h, dims?, unbiased, keepdim) ; std likewise
LF_EXPORT(var) {
  auto& a = lf::unwrap(info[0]);
  auto dims = lf::optDims(info[1]);
  return lf::wrap(env, at::var(a, dims ? at::OptionalIntArrayRef(*dims) : c10::nullopt, lf::flag(info[2]), lf::flag(info[3])));
}
LF_EXPORT(std) {
  auto& a = lf::unwrap(info[0]);
  auto dims = lf::optDims(info[1]);
  return lf::wrap(env, at::std(a, dims ? at::OptionalIntArrayRef(*dims) : c10::nullopt, lf::flag(info[2]), lf::flag(info[3])));
}
// prod(h, dim?, keepdim)
LF_EXPORT(prod) {
  auto& a = lf::unwrap(info[0]);
  if (lf::isUndef(info[1])) return lf::wrap(env, at::prod(a));
  return lf::wrap(env, at::prod(a, lf::i64(info[1]), lf::flag(info[2])));
}
// maxAll(h) / minAll(h): the largest / smallest element as a 0-dim tensor.
LF_EXPORT(maxAll) { return lf::wrap(env, at::max(lf::unwrap(info[0]))); }
LF_EXPORT(minAll) { return lf::wrap(env, at::min(lf::unwrap(info[0]))); }
// maxDim(h, dim, keepdim) / minDim: [values, indices]
LF_EXPORT(maxDim) { return lf::tensorPair(env, at::max(lf::unwrap(info[0]), lf::i64(info[1]), lf::flag(info[2]))); }
LF_EXPORT(minDim) { return lf::tensorPair(env, at::min(lf::unwrap(info[0]), lf::i64(info[1]), lf::flag(info[2]))); }
// argmax(h, dim?, keepdim) / argmin
LF_EXPORT(argmax) { return lf::wrap(env, at::argmax(lf::unwrap(info[0]), lf::optInt(info[1]), lf::flag(info[2]))); }
LF_EXPORT(argmin) { return lf::wrap(env, at::argmin(lf::unwrap(info[0]), lf::optInt(info[1]), lf::flag(info[2]))); }
// logsumexp(h, dims, keepdim)
LF_EXPORT(logsumexp) {
  return lf::wrap(env, at::logsumexp(lf::unwrap(info[0]), lf::intList(info[1], "dim"), lf::flag(info[2])));
}
LF_EXPORT(cumsum) { return lf::wrap(env, at::cumsum(lf::unwrap(info[0]), lf::i64(info[1]))); }
LF_EXPORT(cumprod) { return lf::wrap(env, at::cumprod(lf::unwrap(info[0]), lf::i64(info[1]))); }
// norm(h, p, dims?, keepdim)
LF_EXPORT(norm) {
  auto& a = lf::unwrap(info[0]);
  auto p = lf::jsScalar(info[1]);
  auto dims = lf::optDims(info[2]);
  if (!dims) return lf::wrap(env, at::norm(a, p));
  return lf::wrap(env, at::norm(a, c10::optional<at::Scalar>(p), *dims, lf::flag(info[3])));
}
// all(h, dim?, keepdim) / any
LF_EXPORT(all) {
  auto& a = lf::unwrap(info[0]);
  if (lf::isUndef(info[1])) return lf::wrap(env, at::all(a));
  return lf::wrap(env, at::all(a, lf::i64(info[1]), lf::flag(info[2])));
}
LF_EXPORT(any) {
  auto& a = lf::unwrap(info[0]);
  if (lf::isUndef(info[1])) return lf::wrap(env, at::any(a));
  return lf::wrap(env, at::any(a, lf::i64(info[1]), lf::flag(info[2])));
}
// sort(h, dim, descending) -> [values, indices]; topk(h, k, dim, largest, sorted) -> [values, indices]
LF_EXPORT(sort) { return lf::tensorPair(env, at::sort(lf::unwrap(info[0]), lf::i64(info[1]), lf::flag(info[2]))); }
LF_EXPORT(argsort) { return lf::wrap(env, at::argsort(lf::unwrap(info[0]), lf::i64(info[1]), lf::flag(info[2]))); }
LF_EXPORT(topk) {
  return lf::tensorPair(env, at::topk(lf::unwrap(info[0]), lf::i64(info[1]), lf::i64(info[2]), lf::flag(info[3]), lf::flag(info[4])));
}
