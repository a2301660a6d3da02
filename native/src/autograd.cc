// Autograd glue: requires_grad, .grad, backward, detach, and the thread-local grad mode.
#include "engine_util.h"
#include <c10/core/GradMode.h>

LF_EXPORT(requiresGrad) { return Napi::Boolean::New(env, lf::unwrap(info[0]).requires_grad()); }
LF_EXPORT(setRequiresGrad) {
  lf::unwrap(info[0]).requires_grad_(lf::flag(info[1]));
  return env.Undefined();
}
LF_EXPORT(isLeaf) { return Napi::Boolean::New(env, lf::unwrap(info[0]).is_leaf()); }
LF_EXPORT(retainGrad) {
  lf::unwrap(info[0]).retain_grad();
  return env.Undefined();
}
// grad(h): a handle to the accumulated gradient, or null when there is none.
LF_EXPORT(grad) {
  const auto& g = lf::unwrap(info[0]).grad();
  if (!g.defined()) return env.Null();
  return lf::wrap(env, g);
}
// setGrad(h, g | null): replaces (or clears) the gradient.
LF_EXPORT(setGrad) {
  auto& t = lf::unwrap(info[0]);
  if (lf::isUndef(info[1])) t.mutable_grad() = at::Tensor();
  else {
    auto& g = lf::unwrap(info[1], "grad");
    // as PyTorch's .grad setter: the gradient must match the tensor (optimizers would silently misbehave)
    if (!g.sizes().equals(t.sizes()) || g.scalar_type() != t.scalar_type() || g.device() != t.device()) {
      throw std::invalid_argument("assigned grad has shape " + c10::str(g.sizes()) + ", dtype " +
                                  lf::dtypeToString(g.scalar_type()) + " on " + g.device().str() +
                                  " but the tensor has shape " + c10::str(t.sizes()) + ", dtype " +
                                  lf::dtypeToString(t.scalar_type()) + " on " + t.device().str());
    }
    t.mutable_grad() = g;
  }
  return env.Undefined();
}
// backward(h, grad?, retainGraph?, createGraph?)
LF_EXPORT(backward) {
  auto& t = lf::unwrap(info[0]);
  at::Tensor g = lf::isUndef(info[1]) ? at::Tensor() : lf::unwrap(info[1], "grad");
  c10::optional<bool> retain = lf::isUndef(info[2]) ? c10::nullopt : c10::optional<bool>(lf::flag(info[2]));
  t.backward(g, retain, !lf::isUndef(info[3]) && lf::flag(info[3]));
  return env.Undefined();
}
LF_EXPORT(detach) { return lf::wrap(env, lf::unwrap(info[0]).detach()); }
LF_EXPORT(detach_) {
  lf::unwrap(info[0]).detach_();
  return env.Undefined();
}
LF_EXPORT(isGradEnabled) { return Napi::Boolean::New(env, c10::GradMode::is_enabled()); }
// setGradEnabled(b): sets grad mode, returns the previous mode (so JS can restore it).
LF_EXPORT(setGradEnabled) {
  bool prev = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(lf::flag(info[0]));
  return Napi::Boolean::New(env, prev);
}
