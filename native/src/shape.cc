// Shape and indexing ops: views, slicing, gathers, flips/rolls, joins and splits.
#include "engine_util.h"

LF_EXPORT(reshape) { return lf::wrap(env, at::reshape(lf::unwrap(info[0]), lf::intList(info[1]))); }
LF_EXPORT(view) { return lf::wrap(env, lf::unwrap(info[0]).view(lf::intList(info[1]))); }
LF_EXPORT(permute) { return lf::wrap(env, lf::unwrap(info[0]).permute(lf::intList(info[1], "dims"))); }
LF_EXPORT(transpose) { return lf::wrap(env, at::transpose(lf::unwrap(info[0]), lf::i64(info[1]), lf::i64(info[2]))); }
LF_EXPORT(t) { return lf::wrap(env, at::t(lf::unwrap(info[0]))); }
// squeeze(h, dim?)
LF_EXPORT(squeeze) {
  auto& a = lf::unwrap(info[0]);
  if (lf::isUndef(info[1])) return lf::wrap(env, at::squeeze(a));
  return lf::wrap(env, at::squeeze(a, lf::i64(info[1])));
}
LF_EXPORT(unsqueeze) { return lf::wrap(env, at::unsqueeze(lf::unwrap(info[0]), lf::i64(info[1]))); }
LF_EXPORT(flatten) { return lf::wrap(env, at::flatten(lf::unwrap(info[0]), lf::i64(info[1]), lf::i64(info[2]))); }
LF_EXPORT(expand) { return lf::wrap(env, lf::unwrap(info[0]).expand(lf::intList(info[1]))); }
LF_EXPORT(repeat) { return lf::wrap(env, lf::unwrap(info[0]).repeat(lf::intList(info[1], "repeats"))); }
LF_EXPORT(narrow) {
  return lf::wrap(env, at::narrow(lf::unwrap(info[0]), lf::i64(info[1]), lf::i64(info[2]), lf::i64(info[3])));
}
// slice(h, dim, start?, end?, step)
LF_EXPORT(slice) {
  return lf::wrap(env, at::slice(lf::unwrap(info[0]), lf::i64(info[1]), lf::optInt(info[2]), lf::optInt(info[3]),
                                 lf::isUndef(info[4]) ? 1 : lf::i64(info[4])));
}
LF_EXPORT(select) { return lf::wrap(env, at::select(lf::unwrap(info[0]), lf::i64(info[1]), lf::i64(info[2]))); }
LF_EXPORT(indexSelect) {
  return lf::wrap(env, at::index_select(lf::unwrap(info[0]), lf::i64(info[1]), lf::unwrap(info[2], "index")));
}
LF_EXPORT(gather) { return lf::wrap(env, at::gather(lf::unwrap(info[0]), lf::i64(info[1]), lf::unwrap(info[2], "index"))); }
// scatterAdd(h, dim, index, src): out-of-place scatter_add
LF_EXPORT(scatterAdd) {
  return lf::wrap(env, at::scatter_add(lf::unwrap(info[0]), lf::i64(info[1]), lf::unwrap(info[2], "index"),
                                       lf::unwrap(info[3], "src")));
}
// scatter(h, dim, index, src|value)
LF_EXPORT(scatter) {
  auto& a = lf::unwrap(info[0]);
  auto& idx = lf::unwrap(info[2], "index");
  if (lf::isScalarArg(info[3])) return lf::wrap(env, at::scatter(a, lf::i64(info[1]), idx, lf::jsScalar(info[3])));
  return lf::wrap(env, at::scatter(a, lf::i64(info[1]), idx, lf::unwrap(info[3], "src")));
}
LF_EXPORT(maskedSelect) { return lf::wrap(env, at::masked_select(lf::unwrap(info[0]), lf::unwrap(info[1], "mask"))); }
LF_EXPORT(nonzero) { return lf::wrap(env, at::nonzero(lf::unwrap(info[0]))); }
// split(h, sizeOrSizes, dim): a number splits into equal chunks of that size, an array into those sizes.
LF_EXPORT(split) {
  auto& a = lf::unwrap(info[0]);
  int64_t dim = lf::i64(info[2]);
  if (info[1].IsNumber()) return lf::tensorArray(env, at::split(a, lf::i64(info[1]), dim));
  return lf::tensorArray(env, at::split_with_sizes(a, lf::intList(info[1], "sizes"), dim));
}
LF_EXPORT(chunk) { return lf::tensorArray(env, at::chunk(lf::unwrap(info[0]), lf::i64(info[1]), lf::i64(info[2]))); }
LF_EXPORT(unbind) { return lf::tensorArray(env, at::unbind(lf::unwrap(info[0]), lf::i64(info[1]))); }
LF_EXPORT(flip) { return lf::wrap(env, at::flip(lf::unwrap(info[0]), lf::intList(info[1], "dims"))); }
LF_EXPORT(rot90) { return lf::wrap(env, at::rot90(lf::unwrap(info[0]), lf::i64(info[1]), lf::intList(info[2], "dims"))); }
// roll(h, shifts, dims?)
LF_EXPORT(roll) {
  auto& a = lf::unwrap(info[0]);
  auto shifts = lf::intList(info[1], "shifts");
  if (lf::isUndef(info[2])) return lf::wrap(env, at::roll(a, shifts));
  return lf::wrap(env, at::roll(a, shifts, lf::intList(info[2], "dims")));
}
LF_EXPORT(cat) { return lf::wrap(env, at::cat(lf::tensorList(info[0]), lf::i64(info[1]))); }
LF_EXPORT(stack) { return lf::wrap(env, at::stack(lf::tensorList(info[0]), lf::i64(info[1]))); }
LF_EXPORT(tril) { return lf::wrap(env, at::tril(lf::unwrap(info[0]), lf::isUndef(info[1]) ? 0 : lf::i64(info[1]))); }
LF_EXPORT(triu) { return lf::wrap(env, at::triu(lf::unwrap(info[0]), lf::isUndef(info[1]) ? 0 : lf::i64(info[1]))); }
