// Functional convolution, pooling and linear ops (F.conv2d, F.maxPool2d, ...): thin at:: calls so autograd records them.
#include "functional_util.h"

using lf::flag;
using lf::i64;
using lf::intList;
using lf::isUndef;
using lf::unwrap;

// fConv2d(x, w, b?, stride[2], padding[2], dilation[2], groups)
LF_EXPORT(fConv2d) {
  return lf::wrap(env, at::conv2d(unwrap(info[0], "input"), unwrap(info[1], "weight"), lf::copt(info[2]),
                                  intList(info[3], "stride"), intList(info[4], "padding"),
                                  intList(info[5], "dilation"), i64(info[6])));
}

// fLinear(x, w, b?)
LF_EXPORT(fLinear) {
  return lf::wrap(env, at::linear(unwrap(info[0], "input"), unwrap(info[1], "weight"), lf::copt(info[2])));
}

// fMaxPool2d(x, kernel[2], stride[2], padding[2], dilation[2], ceilMode)
LF_EXPORT(fMaxPool2d) {
  return lf::wrap(env, at::max_pool2d(unwrap(info[0], "input"), intList(info[1], "kernelSize"),
                                      intList(info[2], "stride"), intList(info[3], "padding"),
                                      intList(info[4], "dilation"), flag(info[5])));
}

// fAvgPool2d(x, kernel[2], stride[2], padding[2], ceilMode, countIncludePad)
LF_EXPORT(fAvgPool2d) {
  return lf::wrap(env, at::avg_pool2d(unwrap(info[0], "input"), intList(info[1], "kernelSize"),
                                      intList(info[2], "stride"), intList(info[3], "padding"), flag(info[4]),
                                      flag(info[5])));
}

// fAdaptiveAvgPool2d(x, outSize[2])
LF_EXPORT(fAdaptiveAvgPool2d) {
  return lf::wrap(env, at::adaptive_avg_pool2d(unwrap(info[0], "input"), intList(info[1], "outputSize")));
}

// fAdaptiveMaxPool2d(x, outSize[2]) -> values only
LF_EXPORT(fAdaptiveMaxPool2d) {
  return lf::wrap(env, std::get<0>(at::adaptive_max_pool2d(unwrap(info[0], "input"), intList(info[1], "outputSize"))));
}
