// Functional activations, softmax and dropout (F.relu, F.gelu, ...), named fXxx so they never collide with
// the Tensor methods of the same name registered by other binding files.
#include "functional_util.h"

using lf::flag;
using lf::i64;
using lf::num;
using lf::str;
using lf::unwrap;

LF_EXPORT(fRelu) { return lf::wrap(env, at::relu(unwrap(info[0], "input"))); }
LF_EXPORT(fSilu) { return lf::wrap(env, at::silu(unwrap(info[0], "input"))); }
LF_EXPORT(fSigmoid) { return lf::wrap(env, at::sigmoid(unwrap(info[0], "input"))); }
LF_EXPORT(fTanh) { return lf::wrap(env, at::tanh(unwrap(info[0], "input"))); }

// fGelu(x, approximate: 'none' | 'tanh')
LF_EXPORT(fGelu) { return lf::wrap(env, at::gelu(unwrap(info[0], "input"), str(info[1]))); }

// fSoftplus(x, beta, threshold)
LF_EXPORT(fSoftplus) {
  return lf::wrap(env, at::softplus(unwrap(info[0], "input"), num(info[1]), num(info[2])));
}

// fLeakyRelu(x, negativeSlope)
LF_EXPORT(fLeakyRelu) { return lf::wrap(env, at::leaky_relu(unwrap(info[0], "input"), num(info[1]))); }

// fSoftmax(x, dim), fLogSoftmax(x, dim)
LF_EXPORT(fSoftmax) { return lf::wrap(env, at::softmax(unwrap(info[0], "input"), i64(info[1]))); }
LF_EXPORT(fLogSoftmax) { return lf::wrap(env, at::log_softmax(unwrap(info[0], "input"), i64(info[1]))); }

// fDropout(x, p, training): the default generator; F.dropout with a Generator composes a bernoulli mask instead.
LF_EXPORT(fDropout) { return lf::wrap(env, at::dropout(unwrap(info[0], "input"), num(info[1]), flag(info[2]))); }

// fDropoutMasked(x, p, generator): training-mode dropout whose mask is drawn from the given Generator (the
// External<at::Generator> made by random.cc), so a seeded run drops the same elements every time.
LF_EXPORT(fDropoutMasked) {
  const at::Tensor& x = unwrap(info[0], "input");
  double p = num(info[1]);
  if (!info[2].IsExternal()) throw Napi::TypeError::New(env, "dropout: expected a Generator");
  at::Generator gen = *info[2].As<Napi::External<at::Generator>>().Data();
  at::Tensor mask = at::empty_like(x, at::MemoryFormat::Contiguous).bernoulli_(1.0 - p, gen);
  mask.mul_(p < 1.0 ? 1.0 / (1.0 - p) : 0.0);
  return lf::wrap(env, x * mask);
}
