// Functional losses (F.binaryCrossEntropyWithLogits, F.crossEntropy, F.mseLoss, F.smoothL1Loss).
#include "functional_util.h"

using lf::i64;
using lf::num;
using lf::str;
using lf::unwrap;

// 'none' | 'mean' | 'sum' -> at::Reduction
static int64_t reductionFrom(const Napi::Value& v) {
  std::string r = str(v);
  if (r == "none") return at::Reduction::None;
  if (r == "mean") return at::Reduction::Mean;
  if (r == "sum") return at::Reduction::Sum;
  throw std::invalid_argument("unknown reduction '" + r + "' (expected none, mean or sum)");
}

// fBceWithLogits(logits, target, weight?, posWeight?, reduction)
LF_EXPORT(fBceWithLogits) {
  return lf::wrap(env, at::binary_cross_entropy_with_logits(unwrap(info[0], "logits"), unwrap(info[1], "target"),
                                                            lf::copt(info[2]), lf::copt(info[3]),
                                                            reductionFrom(info[4])));
}

// fCrossEntropy(logits, target, weight?, reduction, ignoreIndex, labelSmoothing)
LF_EXPORT(fCrossEntropy) {
  return lf::wrap(env, at::cross_entropy_loss(unwrap(info[0], "logits"), unwrap(info[1], "target"),
                                              lf::copt(info[2]), reductionFrom(info[3]), i64(info[4]),
                                              num(info[5])));
}

// fMseLoss(a, b, reduction)
LF_EXPORT(fMseLoss) {
  return lf::wrap(env, at::mse_loss(unwrap(info[0], "input"), unwrap(info[1], "target"), reductionFrom(info[2])));
}

// fSmoothL1Loss(a, b, reduction, beta)
LF_EXPORT(fSmoothL1Loss) {
  return lf::wrap(env, at::smooth_l1_loss(unwrap(info[0], "input"), unwrap(info[1], "target"),
                                          reductionFrom(info[2]), num(info[3])));
}

// fL1Loss(a, b, reduction)
LF_EXPORT(fL1Loss) {
  return lf::wrap(env, at::l1_loss(unwrap(info[0], "input"), unwrap(info[1], "target"), reductionFrom(info[2])));
}
