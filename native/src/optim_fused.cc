// Fused Adam/AdamW: one native call updates every parameter of a group, and each float32 CPU parameter in a
// single pass over memory (p, grad, exp_avg, exp_avg_sq read once, three written) instead of torch 1.13's nine
// single-tensor ops (about 22 passes). Arithmetic follows torch 1.13's _single_tensor_adam(w) step by step in
// float32, so results agree to float rounding. Other dtypes/devices/layouts take the same ATen op sequence.
#include "common.h"
#include <ATen/Parallel.h>
#include <cmath>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

struct AdamHyper {
  double lr, beta1, beta2, eps, weightDecay;
  bool decoupled;
};

// The float constants of one step: what ATen's kernels cast the double scalars to.
struct FloatConsts {
  float decay, l2, b1, omb1, b2, omb2, bc2sqrt, negStep, eps;
};

// One pass over a chunk, the ops in ATen's order; branch-free (decay = 1 for Adam, l2 = 0 for AdamW). Explicit
// SIMD (AVX when the CPU has it, else SSE2) because GCC does not vectorise sqrt while it must set errno.
#define LF_ADAM_BODY(VT, SET1, LOAD, STORE, ADD, MUL, DIV, SQRT, WIDTH)                                   \
  const VT decay = SET1(c.decay), l2 = SET1(c.l2), b1 = SET1(c.b1), omb1 = SET1(c.omb1), b2 = SET1(c.b2),   \
           omb2 = SET1(c.omb2), bc2 = SET1(c.bc2sqrt), negStep = SET1(c.negStep), eps = SET1(c.eps);         \
  for (; i + WIDTH <= n; i += WIDTH) {                                                                       \
    const VT p = LOAD(P + i), g = ADD(LOAD(G + i), MUL(l2, p));                                              \
    const VT m = ADD(MUL(LOAD(M + i), b1), MUL(omb1, g));                                                    \
    const VT v = ADD(MUL(LOAD(V + i), b2), MUL(MUL(omb2, g), g));                                            \
    const VT denom = ADD(DIV(SQRT(v), bc2), eps);                                                            \
    STORE(P + i, ADD(MUL(p, decay), MUL(negStep, DIV(m, denom))));                                           \
    STORE(M + i, m);                                                                                         \
    STORE(V + i, v);                                                                                         \
  }

#if defined(__x86_64__)
__attribute__((target("avx"))) static int64_t adamAvx(float* P, const float* G, float* M, float* V, int64_t n,
                                                      const FloatConsts& c) {
  int64_t i = 0;
  LF_ADAM_BODY(__m256, _mm256_set1_ps, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_mul_ps,
               _mm256_div_ps, _mm256_sqrt_ps, 8)
  return i;
}
static int64_t adamSse(float* P, const float* G, float* M, float* V, int64_t n, const FloatConsts& c) {
  int64_t i = 0;
  LF_ADAM_BODY(__m128, _mm_set1_ps, _mm_loadu_ps, _mm_storeu_ps, _mm_add_ps, _mm_mul_ps, _mm_div_ps, _mm_sqrt_ps, 4)
  return i;
}
static const bool hasAvx = __builtin_cpu_supports("avx");
#endif

void adamChunk(float* P, const float* G, float* M, float* V, int64_t n, const FloatConsts& c) {
  int64_t i = 0;
#if defined(__x86_64__)
  i = hasAvx ? adamAvx(P, G, M, V, n, c) : adamSse(P, G, M, V, n, c);
#endif
  for (; i < n; i++) {
    const float p = P[i], g = G[i] + c.l2 * p;
    const float m = M[i] * c.b1 + c.omb1 * g;
    const float v = V[i] * c.b2 + c.omb2 * g * g;
    const float denom = std::sqrt(v) / c.bc2sqrt + c.eps;
    P[i] = p * c.decay + c.negStep * (m / denom);
    M[i] = m;
    V[i] = v;
  }
}

void fusedFloat(at::Tensor& p, const at::Tensor& g, at::Tensor& m, at::Tensor& v, const AdamHyper& h, double step) {
  const double bc1 = 1.0 - std::pow(h.beta1, step);
  const FloatConsts c{
      static_cast<float>(h.decoupled ? 1.0 - h.lr * h.weightDecay : 1.0),
      static_cast<float>(h.decoupled ? 0.0 : h.weightDecay),
      static_cast<float>(h.beta1),
      static_cast<float>(1.0 - h.beta1),
      static_cast<float>(h.beta2),
      static_cast<float>(1.0 - h.beta2),
      static_cast<float>(std::sqrt(1.0 - std::pow(h.beta2, step))),
      static_cast<float>(-(h.lr / bc1)),
      static_cast<float>(h.eps),
  };
  float* P = p.data_ptr<float>();
  const float* G = g.data_ptr<float>();
  float* M = m.data_ptr<float>();
  float* V = v.data_ptr<float>();
  at::parallel_for(0, p.numel(), 32768, [&](int64_t begin, int64_t end) {
    adamChunk(P + begin, G + begin, M + begin, V + begin, end - begin, c);
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

// One pass over raw memory is the same update when the four tensors are dense float32 CPU tensors laid out alike
// (row-major, or channels_last weights with their gradient and state in the same strides).
bool fusable(const at::Tensor& p, const at::Tensor& g, const at::Tensor& m, const at::Tensor& v) {
  for (const at::Tensor* t : {&p, &g, &m, &v}) {
    if (t->scalar_type() != at::kFloat || !t->device().is_cpu() || !t->is_non_overlapping_and_dense()) return false;
    if (t->sizes() != p.sizes() || t->strides() != p.strides()) return false;
  }
  return true;
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
