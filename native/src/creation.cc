// Tensor factories: zeros, ones, full, arange, linspace, eye and the *Like variants.
#include "engine_util.h"

// zeros(shape, dtype?, device?)
LF_EXPORT(zeros) { return lf::wrap(env, at::zeros(lf::intList(info[0]), lf::optionsFrom(info[1], info[2]))); }
LF_EXPORT(ones) { return lf::wrap(env, at::ones(lf::intList(info[0]), lf::optionsFrom(info[1], info[2]))); }
LF_EXPORT(empty) { return lf::wrap(env, at::empty(lf::intList(info[0]), lf::optionsFrom(info[1], info[2]))); }
// full(shape, value, dtype?, device?)
LF_EXPORT(full) {
  return lf::wrap(env, at::full(lf::intList(info[0]), lf::jsScalar(info[1]), lf::optionsFrom(info[2], info[3])));
}
// arange(start, end, step, dtype?, device?)
LF_EXPORT(arange) {
  return lf::wrap(env, at::arange(lf::jsScalar(info[0]), lf::jsScalar(info[1]), lf::jsScalar(info[2]),
                                  lf::optionsFrom(info[3], info[4])));
}
// linspace(start, end, steps, dtype?, device?)
LF_EXPORT(linspace) {
  return lf::wrap(env, at::linspace(lf::jsScalar(info[0]), lf::jsScalar(info[1]), lf::i64(info[2]),
                                    lf::optionsFrom(info[3], info[4])));
}
// eye(n, m?, dtype?, device?)
LF_EXPORT(eye) {
  auto opts = lf::optionsFrom(info[2], info[3]);
  if (lf::isUndef(info[1])) return lf::wrap(env, at::eye(lf::i64(info[0]), opts));
  return lf::wrap(env, at::eye(lf::i64(info[0]), lf::i64(info[1]), opts));
}

static at::TensorOptions likeOptions(const at::Tensor& t, const Napi::Value& dtype) {
  auto o = t.options();
  if (!lf::isUndef(dtype)) o = o.dtype(lf::dtypeFromString(lf::str(dtype)));
  return o;
}
// zerosLike(h, dtype?), onesLike(h, dtype?), fullLike(h, value, dtype?): in the tensor's memory format, as
// PyTorch's *_like (preserve_format), so an optimizer's state matches a channels_last weight's strides.
LF_EXPORT(zerosLike) {
  auto& t = lf::unwrap(info[0]);
  return lf::wrap(env, at::zeros_like(t, likeOptions(t, info[1])));
}
LF_EXPORT(onesLike) {
  auto& t = lf::unwrap(info[0]);
  return lf::wrap(env, at::ones_like(t, likeOptions(t, info[1])));
}
LF_EXPORT(fullLike) {
  auto& t = lf::unwrap(info[0]);
  return lf::wrap(env, at::full_like(t, lf::jsScalar(info[1]), likeOptions(t, info[2])));
}
