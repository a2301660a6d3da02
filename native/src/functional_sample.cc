// Functional resampling ops (F.interpolate, F.affineGrid, F.gridSample, F.pad) and scaled dot-product attention.
#include "functional_util.h"
#include <cmath>
#include <limits>

using lf::flag;
using lf::intList;
using lf::isUndef;
using lf::num;
using lf::str;
using lf::unwrap;

// fInterpolate(x, mode 'bilinear'|'nearest', size[2]?, scaleFactor[2]?, alignCorners): the same kernels and
// scale handling as torch.nn.functional.interpolate (recompute_scale_factor=None).
LF_EXPORT(fInterpolate) {
  const at::Tensor& x = unwrap(info[0], "input");
  std::string mode = str(info[1]);
  std::optional<std::vector<int64_t>> size;
  std::optional<std::vector<double>> scales;
  if (!isUndef(info[2])) size = intList(info[2], "size");
  if (!isUndef(info[3])) {
    auto arr = info[3].As<Napi::Array>();
    scales = std::vector<double>();
    for (uint32_t i = 0; i < arr.Length(); i++) scales->push_back(num(arr.Get(i)));
  }
  at::OptionalIntArrayRef outSize = size ? at::OptionalIntArrayRef(*size) : at::OptionalIntArrayRef(c10::nullopt);
  c10::optional<at::ArrayRef<double>> sf =
      scales ? c10::optional<at::ArrayRef<double>>(at::ArrayRef<double>(*scales)) : c10::nullopt;
  if (mode == "bilinear") return lf::wrap(env, at::upsample_bilinear2d(x, outSize, flag(info[4]), sf));
  if (mode == "nearest") return lf::wrap(env, at::upsample_nearest2d(x, outSize, sf));
  throw std::invalid_argument("interpolate: unknown mode '" + mode + "' (expected bilinear or nearest)");
}

// fAffineGrid(theta [N,2,3], size [N,C,H,W], alignCorners)
LF_EXPORT(fAffineGrid) {
  return lf::wrap(env, at::affine_grid_generator(unwrap(info[0], "theta"), intList(info[1], "size"), flag(info[2])));
}

// fGridSample(x, grid, mode, paddingMode, alignCorners)
LF_EXPORT(fGridSample) {
  std::string mode = str(info[2]), padding = str(info[3]);
  int64_t m = mode == "bilinear" ? 0 : mode == "nearest" ? 1 : mode == "bicubic" ? 2 : -1;
  int64_t p = padding == "zeros" ? 0 : padding == "border" ? 1 : padding == "reflection" ? 2 : -1;
  if (m < 0) throw std::invalid_argument("gridSample: unknown mode '" + mode + "' (expected bilinear, nearest, bicubic)");
  if (p < 0)
    throw std::invalid_argument("gridSample: unknown paddingMode '" + padding + "' (expected zeros, border, reflection)");
  return lf::wrap(env, at::grid_sampler(unwrap(info[0], "input"), unwrap(info[1], "grid"), m, p, flag(info[4])));
}

// fPad(x, pads, mode 'constant'|'reflect'|'replicate'|'circular', value)
LF_EXPORT(fPad) {
  std::string mode = str(info[2]);
  c10::optional<double> value;
  if (mode == "constant") value = num(info[3]);
  return lf::wrap(env, at::pad(unwrap(info[0], "input"), intList(info[1], "pad"), mode, value));
}

// fScaledDotProductAttention(q, k, v, mask?, dropoutP, isCausal, scale?): softmax(q k^T * scale + mask) v, composed
// from differentiable ops because libtorch 1.13 has no fused kernel. A bool mask marks the pairs that take part
// (PyTorch 2 semantics); a float mask is added to the scores.
LF_EXPORT(fScaledDotProductAttention) {
  const at::Tensor& q = unwrap(info[0], "query");
  const at::Tensor& k = unwrap(info[1], "key");
  const at::Tensor& v = unwrap(info[2], "value");
  auto mask = lf::copt(info[3]);
  double dropoutP = num(info[4]);
  bool causal = flag(info[5]);
  double scale = isUndef(info[6]) ? 1.0 / std::sqrt(static_cast<double>(q.size(-1))) : num(info[6]);
  at::Tensor scores = at::matmul(q, k.transpose(-2, -1)) * scale;
  const double ninf = -std::numeric_limits<double>::infinity();
  if (causal) {
    auto keep = at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).tril();
    scores = scores.masked_fill(keep.logical_not(), ninf);
  }
  if (mask) {
    if (mask->scalar_type() == at::kBool)
      scores = scores.masked_fill(mask->logical_not(), ninf);
    else
      scores = scores + *mask;
  }
  at::Tensor attn = at::softmax(scores, -1);
  if (dropoutP > 0) attn = at::dropout(attn, dropoutP, true);
  return lf::wrap(env, at::matmul(attn, v));
}
