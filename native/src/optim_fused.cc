// Fused Adam/AdamW: one native call updates every parameter of a group, and each float32 CPU parameter in a
// single pass over memory (p, grad, exp_avg, exp_avg_sq read once, three written) instead of torch 1.13's nine
// single-tensor ops (about 22 passes). Arithmetic follows torch 1.13's _single_tensor_adam(w) step by step in
// float32, so results agree to float rounding. Other dtypes/devices/layouts take the same ATen op sequence.
#include "common.h"
#include <ATen/Parallel.h>
#include <cmath>

#pragma GCC optimize("O3", "no-math-errno")

namespace {

struct AdamHyper {
  double lr, beta1, beta2, eps, weightDecay;
  bool decoupled;
};

// Element loop over contiguous float32 data; the float constants are what ATen's kernels cast the scalars to.
void fusedFloat(at::Tensor& p, const at::Tensor& g, at::Tensor& m, at::Tensor& v, const AdamHyper& h, double step) {
  const float decay = static_cast<float>(1.0 - h.lr * h.weightDecay);
  const float wd = static_cast<float>(h.weightDecay);
  const float b1 = static_cast<float>(h.beta1), omb1 = static_cast<float>(1.0 - h.beta1);
  const float b2 = static_cast<float>(h.beta2), omb2 = static_cast<float>(1.0 - h.beta2);
  const double bc1 = 1.0 - std::pow(h.beta1, step);
  const float bc2sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(h.beta2, step)));
  const float negStep = static_cast<float>(-(h.lr / bc1));
  const float eps = static_cast<float>(h.eps);
  const bool decoupled = h.decoupled, l2 = !h.decoupled && h.weightDecay != 0;
  float* P = p.data_ptr<float>();
  const float* G = g.data_ptr<float>();
  float* M = m.data_ptr<float>();
  float* V = v.data_ptr<float>();
  at::parallel_for(0, p.numel(), 32768, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      float pi = P[i];
      float gi = G[i];
      if (decoupled) pi = pi * decay;
      else if (l2) gi = gi + wd * pi;
      const float mi = M[i] * b1 + omb1 * gi;
      const float vi = V[i] * b2 + omb2 * gi * gi;
      const float denom = std::sqrt(vi) / bc2sqrt + eps;
      P[i] = pi + negStep * (mi / denom);
      M[i] = mi;
      V[i] = vi;
    }
  });
}

// The same update as ATen ops (float64, CUDA, non-contiguous tensors).
void opSequence(at::Tensor& p, const at::Tensor& grad, at::Tensor& m, at::Tensor& v, const AdamHyper& h, double step) {
  at::NoGradGuard noGrad;
  at::Tensor g = grad;
  if (h.decoupled) p.mul_(1.0 - h.lr * h.weightDecay);
  else if (h.weightDecay != 0) g = g.add(p, h.weightDecay);
  m.mul_(h.beta1).add_(g, 1.0 - h.beta1);
  v.mul_(h.beta2).addcmul_(g, g, 1.0 - h.beta2);
  const double bc1 = 1.0 - std::pow(h.beta1, step);
  const double bc2sqrt = std::sqrt(1.0 - std::pow(h.beta2, step));
  auto denom = v.sqrt().div_(bc2sqrt).add_(h.eps);
  p.addcdiv_(m, denom, -(h.lr / bc1));
}

bool fusable(const at::Tensor& p, const at::Tensor& g, const at::Tensor& m, const at::Tensor& v) {
  for (const at::Tensor* t : {&p, &g, &m, &v}) {
    if (t->scalar_type() != at::kFloat || !t->device().is_cpu() || !t->is_contiguous()) return false;
  }
  return g.numel() == p.numel() && m.numel() == p.numel() && v.numel() == p.numel();
}

}  // namespace

// gradsDefined(params: handle[]): boolean[] — which parameters have a gradient (one call for a whole group).
LF_EXPORT(gradsDefined) {
  auto arr = info[0].As<Napi::Array>();
  auto out = Napi::Array::New(env, arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) out.Set(i, Napi::Boolean::New(env, lf::unwrap(arr.Get(i), "param").grad().defined()));
  return out;
}

// adamFusedStep(params, expAvgs, expAvgSqs: handle[], steps: number[] (already incremented), lr, beta1, beta2,
// eps, weightDecay, decoupled): updates each parameter from its own .grad in place; every param must have a grad.
LF_EXPORT(adamFusedStep) {
  auto params = lf::tensorList(info[0], "params");
  auto expAvgs = lf::tensorList(info[1], "expAvgs");
  auto expAvgSqs = lf::tensorList(info[2], "expAvgSqs");
  auto stepsArr = info[3].As<Napi::Array>();
  AdamHyper h{lf::num(info[4]), lf::num(info[5]), lf::num(info[6]), lf::num(info[7]), lf::num(info[8]), lf::flag(info[9])};
  const size_t n = params.size();
  if (expAvgs.size() != n || expAvgSqs.size() != n || stepsArr.Length() != n)
    throw std::invalid_argument("adamFusedStep: params, expAvgs, expAvgSqs and steps must have the same length");
  for (size_t i = 0; i < n; i++) {
    at::Tensor& p = params[i];
    const at::Tensor& g = p.grad();
    if (!g.defined()) throw std::invalid_argument("adamFusedStep: parameter " + std::to_string(i) + " has no gradient");
    const double step = lf::num(stepsArr.Get(static_cast<uint32_t>(i)));
    if (fusable(p, g, expAvgs[i], expAvgSqs[i])) fusedFloat(p, g, expAvgs[i], expAvgSqs[i], h, step);
    else opSequence(p, g, expAvgs[i], expAvgSqs[i], h, step);
    // Raw writes bypass ATen's in-place ops: bump the version counters so a graph that saved these tensors
    // notices the change (as it would after p.addcdiv_).
    for (at::Tensor* t : {&p, &expAvgs[i], &expAvgSqs[i]}) t->unsafeGetTensorImpl()->bump_version();
  }
  return env.Undefined();
}
