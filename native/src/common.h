// Shared glue for every binding file: tensor handles, argument conversion, error translation, registration.
// Each binding file registers its functions with LF_EXPORT; addon.cc needs no edit when a file is added.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lf {

// ---- registration -------------------------------------------------------------------------------
using Binding = Napi::Value (*)(const Napi::CallbackInfo&);
struct Registry {
  static std::vector<std::pair<const char*, Binding>>& entries() {
    static std::vector<std::pair<const char*, Binding>> all;
    return all;
  }
};
struct Registrar {
  Registrar(const char* name, Binding fn) { Registry::entries().emplace_back(name, fn); }
};

// ---- tensor handles -----------------------------------------------------------------------------
// A handle is a Napi::External owning a heap at::Tensor. JS frees it with `dispose(handle)` (deterministic);
// the finalizer is the safety net. External memory is reported to V8 so GC pressure reflects libtorch memory.
struct Handle {
  at::Tensor tensor;
  int64_t accounted = 0;
  bool alive = true;
};

inline int64_t storageBytes(const at::Tensor& t) {
  if (!t.defined()) return 0;
  return static_cast<int64_t>(t.numel()) * static_cast<int64_t>(t.element_size());
}

void releaseHandle(Napi::BasicEnv env, Handle* h);
Napi::Value wrap(Napi::Env env, at::Tensor t);
at::Tensor& unwrap(const Napi::Value& v, const char* what = "tensor");
Handle* handleOf(const Napi::Value& v, const char* what = "tensor");
int64_t liveHandles();

// ---- argument conversion ------------------------------------------------------------------------
std::vector<int64_t> intList(const Napi::Value& v, const char* what = "shape");
std::optional<at::Tensor> optTensor(const Napi::Value& v);
std::vector<at::Tensor> tensorList(const Napi::Value& v, const char* what = "tensors");
at::ScalarType dtypeFromString(const std::string& name);
std::string dtypeToString(at::ScalarType t);
at::Device deviceFromString(const std::string& name);
at::TensorOptions optionsFrom(const Napi::Value& dtype, const Napi::Value& device);
Napi::Value tensorArray(Napi::Env env, const std::vector<at::Tensor>& ts);
at::Scalar scalarFrom(const Napi::Value& v);

inline double num(const Napi::Value& v) { return v.As<Napi::Number>().DoubleValue(); }
inline int64_t i64(const Napi::Value& v) { return v.As<Napi::Number>().Int64Value(); }
inline bool flag(const Napi::Value& v) { return v.ToBoolean().Value(); }
inline std::string str(const Napi::Value& v) { return v.As<Napi::String>().Utf8Value(); }
inline bool isUndef(const Napi::Value& v) { return v.IsUndefined() || v.IsNull(); }

}  // namespace lf

// Defines a binding `name` whose body runs with `info` and `env` in scope; libtorch errors (c10::Error)
// and std exceptions become JS errors carrying libtorch's message without its C++ backtrace.
#define LF_EXPORT(name)                                                                   \
  static Napi::Value lf_body_##name(const Napi::CallbackInfo& info, Napi::Env env);       \
  static Napi::Value lf_binding_##name(const Napi::CallbackInfo& info) {                  \
    Napi::Env env = info.Env();                                                           \
    try {                                                                                 \
      return lf_body_##name(info, env);                                                   \
    } catch (const Napi::Error&) {                                                        \
      throw;                                                                              \
    } catch (const c10::Error& e) {                                                       \
      throw Napi::Error::New(env, e.what_without_backtrace());                            \
    } catch (const std::exception& e) {                                                   \
      throw Napi::Error::New(env, e.what());                                              \
    }                                                                                     \
  }                                                                                       \
  static lf::Registrar lf_registrar_##name(#name, &lf_binding_##name);                    \
  static Napi::Value lf_body_##name(const Napi::CallbackInfo& info, Napi::Env env)
