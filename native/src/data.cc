// Data in and out of tensors (typed arrays <-> libtorch memory) and tensor metadata.
#include "engine_util.h"
#include <cstring>

// fromBuffer(typedArray | ArrayBuffer, shape, dtype): a new CPU tensor holding a copy of the bytes.
LF_EXPORT(fromBuffer) {
  auto shape = lf::intList(info[1]);
  auto dtype = lf::dtypeFromString(lf::str(info[2]));
  const uint8_t* src = nullptr;
  size_t len = 0;
  if (info[0].IsTypedArray()) {
    auto ta = info[0].As<Napi::TypedArray>();
    src = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    len = ta.ByteLength();
  } else if (info[0].IsArrayBuffer()) {
    auto ab = info[0].As<Napi::ArrayBuffer>();
    src = static_cast<const uint8_t*>(ab.Data());
    len = ab.ByteLength();
  } else {
    throw Napi::TypeError::New(env, "fromBuffer: expected a TypedArray or ArrayBuffer");
  }
  auto t = at::empty(shape, at::TensorOptions().dtype(dtype));
  size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
  if (len != bytes) {
    throw std::invalid_argument("fromBuffer: the data has " + std::to_string(len) + " bytes but shape " +
                                c10::str(t.sizes()) + " of " + lf::dtypeToString(dtype) + " needs " +
                                std::to_string(bytes));
  }
  if (bytes) std::memcpy(t.data_ptr(), src, bytes);
  return lf::wrap(env, t);
}

// toBuffer(h): a copy of the tensor's values (row-major, on the CPU) in a new ArrayBuffer.
LF_EXPORT(toBuffer) {
  auto t = lf::unwrap(info[0]).detach().to(at::kCPU).contiguous();
  size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
  auto buf = Napi::ArrayBuffer::New(env, bytes);
  if (bytes) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  return buf;
}

LF_EXPORT(shape) {
  auto sizes = lf::unwrap(info[0]).sizes();
  auto arr = Napi::Array::New(env, sizes.size());
  for (size_t i = 0; i < sizes.size(); i++) arr.Set(static_cast<uint32_t>(i), Napi::Number::New(env, double(sizes[i])));
  return arr;
}

LF_EXPORT(strides) {
  auto st = lf::unwrap(info[0]).strides();
  auto arr = Napi::Array::New(env, st.size());
  for (size_t i = 0; i < st.size(); i++) arr.Set(static_cast<uint32_t>(i), Napi::Number::New(env, double(st[i])));
  return arr;
}

LF_EXPORT(dtype) { return Napi::String::New(env, lf::dtypeToString(lf::unwrap(info[0]).scalar_type())); }
LF_EXPORT(device) { return Napi::String::New(env, lf::unwrap(info[0]).device().str()); }
LF_EXPORT(numel) { return Napi::Number::New(env, double(lf::unwrap(info[0]).numel())); }
LF_EXPORT(isContiguous) { return Napi::Boolean::New(env, lf::unwrap(info[0]).is_contiguous()); }

// item(h): the single value of a one-element tensor as a JS number.
LF_EXPORT(item) { return Napi::Number::New(env, lf::unwrap(info[0]).item().toDouble()); }

// toDtype(h, dtype) / toDevice(h, device): converted copies (the same tensor if nothing changes, as in PyTorch).
LF_EXPORT(toDtype) { return lf::wrap(env, lf::unwrap(info[0]).to(lf::dtypeFromString(lf::str(info[1])))); }
LF_EXPORT(toDevice) { return lf::wrap(env, lf::unwrap(info[0]).to(lf::deviceFromString(lf::str(info[1])))); }
LF_EXPORT(contiguous) { return lf::wrap(env, lf::unwrap(info[0]).contiguous()); }

// Memory formats by PyTorch's names: 'contiguous_format' (row-major NCHW) or 'channels_last' (NHWC strides, 4-D).
static at::MemoryFormat memoryFormatFromString(const std::string& s) {
  if (s == "contiguous_format") return at::MemoryFormat::Contiguous;
  if (s == "channels_last") return at::MemoryFormat::ChannelsLast;
  throw std::invalid_argument("unknown memory format '" + s + "' (expected contiguous_format or channels_last)");
}
// toMemoryFormat(h, format): the tensor laid out in that format (the same tensor if it already is, as
// Tensor.contiguous(memory_format=...) in PyTorch); channels_last needs a 4-D tensor.
LF_EXPORT(toMemoryFormat) {
  auto& t = lf::unwrap(info[0]);
  auto fmt = memoryFormatFromString(lf::str(info[1]));
  if (fmt == at::MemoryFormat::ChannelsLast && t.dim() != 4)
    throw std::invalid_argument("channels_last needs a 4-D tensor, got " + std::to_string(t.dim()) + "-D");
  return lf::wrap(env, t.contiguous(fmt));
}
// memoryFormat(h): 'channels_last' when the strides are NHWC (and not also row-major), 'contiguous_format' when
// row-major, else 'strided' (a view with other strides).
LF_EXPORT(memoryFormat) {
  auto& t = lf::unwrap(info[0]);
  const char* name = t.is_contiguous() ? "contiguous_format"
                     : t.dim() == 4 && t.is_contiguous(at::MemoryFormat::ChannelsLast) ? "channels_last"
                                                                                       : "strided";
  return Napi::String::New(env, name);
}
LF_EXPORT(clone) { return lf::wrap(env, lf::unwrap(info[0]).clone()); }
// alias(h): a second handle to the same tensor (shares storage and autograd identity).
LF_EXPORT(alias) { return lf::wrap(env, lf::unwrap(info[0])); }
