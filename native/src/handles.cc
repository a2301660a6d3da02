// Tensor handles and argument conversion shared by all binding files (declared in common.h).
#include "common.h"
#include <atomic>

namespace lf {

static std::atomic<int64_t> gLive{0};
// Tags every tensor handle so a handle of another kind (a generator) is refused instead of misread.
static const napi_type_tag kTensorTag = {0x6c656e7366696e64ULL, 0x74656e736f720001ULL};

int64_t liveHandles() { return gLive.load(); }

void releaseHandle(Napi::BasicEnv env, Handle* h) {
  if (!h->alive) return;
  h->alive = false;
  h->tensor = at::Tensor();
  if (h->accounted) Napi::MemoryManagement::AdjustExternalMemory(env, -h->accounted);
  h->accounted = 0;
  gLive--;
}

Napi::Value wrap(Napi::Env env, at::Tensor t) {
  auto* h = new Handle{std::move(t), 0, true};
  h->accounted = storageBytes(h->tensor);
  if (h->accounted) Napi::MemoryManagement::AdjustExternalMemory(env, h->accounted);
  gLive++;
  // The finalizer only frees memory (a "basic" finalizer). Node 20 runs it from the event loop after a GC, so
  // a loop that never yields piles up dropped tensors until it does: training loops yield once per step.
  // (NAPI_EXPERIMENTAL would run it during GC, but then live-handle counts change at any allocation.)
  auto ext = Napi::External<Handle>::New(env, h, [](Napi::BasicEnv e, Handle* p) {
    releaseHandle(e, p);
    delete p;
  });
  ext.TypeTag(&kTensorTag);
  return ext;
}

Handle* handleOf(const Napi::Value& v, const char* what) {
  if (!v.IsExternal() || !v.As<Napi::External<Handle>>().CheckTypeTag(&kTensorTag)) {
    throw Napi::TypeError::New(v.Env(), std::string("expected a tensor for ") + what);
  }
  return v.As<Napi::External<Handle>>().Data();
}

at::Tensor& unwrap(const Napi::Value& v, const char* what) {
  Handle* h = handleOf(v, what);
  if (!h->alive) throw Napi::Error::New(v.Env(), std::string("use of a disposed tensor (") + what + ")");
  return h->tensor;
}

std::vector<int64_t> intList(const Napi::Value& v, const char* what) {
  std::vector<int64_t> out;
  if (v.IsNumber()) {
    out.push_back(i64(v));
    return out;
  }
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string("expected an array of integers for ") + what);
  auto arr = v.As<Napi::Array>();
  out.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) out.push_back(i64(arr.Get(i)));
  return out;
}

std::optional<at::Tensor> optTensor(const Napi::Value& v) {
  if (isUndef(v)) return std::nullopt;
  return unwrap(v);
}

std::vector<at::Tensor> tensorList(const Napi::Value& v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string("expected an array of tensors for ") + what);
  auto arr = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) out.push_back(unwrap(arr.Get(i), what));
  return out;
}

at::ScalarType dtypeFromString(const std::string& n) {
  if (n == "float32") return at::kFloat;
  if (n == "float64") return at::kDouble;
  if (n == "int64") return at::kLong;
  if (n == "int32") return at::kInt;
  if (n == "uint8") return at::kByte;
  if (n == "bool") return at::kBool;
  if (n == "float16") return at::kHalf;
  if (n == "bfloat16") return at::kBFloat16;
  throw std::invalid_argument("unknown dtype '" + n + "' (expected float32, float64, int64, int32, uint8, bool)");
}

std::string dtypeToString(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    default: return std::string(c10::toString(t));
  }
}

at::Device deviceFromString(const std::string& name) { return at::Device(name); }

at::TensorOptions optionsFrom(const Napi::Value& dtype, const Napi::Value& device) {
  auto o = at::TensorOptions().dtype(isUndef(dtype) ? at::kFloat : dtypeFromString(str(dtype)));
  if (!isUndef(device)) o = o.device(deviceFromString(str(device)));
  return o;
}

Napi::Value tensorArray(Napi::Env env, const std::vector<at::Tensor>& ts) {
  auto arr = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); i++) arr.Set(static_cast<uint32_t>(i), wrap(env, ts[i]));
  return arr;
}

at::Scalar scalarFrom(const Napi::Value& v) {
  if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
  return at::Scalar(num(v));
}

}  // namespace lf

// dispose(handle): frees the tensor now (idempotent).
LF_EXPORT(dispose) {
  lf::releaseHandle(env, lf::handleOf(info[0]));
  return env.Undefined();
}

// liveHandles(): number of tensor handles not yet freed (for scope tests and leak checks).
LF_EXPORT(liveHandles) { return Napi::Number::New(env, static_cast<double>(lf::liveHandles())); }
