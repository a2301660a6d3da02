// Functional normalisation ops (F.batchNorm, F.layerNorm, F.groupNorm). batch_norm updates the running
// statistics in place when training, exactly as PyTorch does.
#include "functional_util.h"

using lf::flag;
using lf::i64;
using lf::intList;
using lf::num;
using lf::unwrap;

// fBatchNorm(x, runningMean?, runningVar?, weight?, bias?, training, momentum, eps)
LF_EXPORT(fBatchNorm) {
  return lf::wrap(env, at::batch_norm(unwrap(info[0], "input"), lf::copt(info[3]), lf::copt(info[4]),
                                      lf::copt(info[1]), lf::copt(info[2]), flag(info[5]), num(info[6]),
                                      num(info[7]), true));
}

// fLayerNorm(x, normalizedShape, weight?, bias?, eps)
LF_EXPORT(fLayerNorm) {
  return lf::wrap(env, at::layer_norm(unwrap(info[0], "input"), intList(info[1], "normalizedShape"),
                                      lf::copt(info[2]), lf::copt(info[3]), num(info[4]), true));
}

// fGroupNorm(x, groups, weight?, bias?, eps)
LF_EXPORT(fGroupNorm) {
  return lf::wrap(env, at::group_norm(unwrap(info[0], "input"), i64(info[1]), lf::copt(info[2]),
                                      lf::copt(info[3]), num(info[4]), true));
}
