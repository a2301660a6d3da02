// Random generators (seeded, with savable state) and the random tensor ops that take an optional generator.
#include "engine_util.h"
#include <ATen/CPUGeneratorImpl.h>
#include <mutex>

using GenExternal = Napi::External<at::Generator>;

// Tags generator Externals so a tensor handle passed as a generator is refused instead of misread.
static const napi_type_tag kGeneratorTag = {0x6c656e7366696e64ULL, 0x67656e657261746fULL};

static Napi::Value wrapGenerator(Napi::Env env, at::Generator g) {
  auto ext = GenExternal::New(env, new at::Generator(std::move(g)), [](Napi::Env, at::Generator* p) { delete p; });
  ext.TypeTag(&kGeneratorTag);
  return ext;
}

static bool isGenerator(const Napi::Value& v) {
  return v.IsExternal() && v.As<GenExternal>().CheckTypeTag(&kGeneratorTag);
}

// An optional generator argument: undefined/null -> libtorch's default CPU generator.
static c10::optional<at::Generator> genArg(const Napi::Value& v) {
  if (lf::isUndef(v)) return c10::nullopt;
  if (!isGenerator(v)) throw Napi::TypeError::New(v.Env(), "expected a Generator");
  return *v.As<GenExternal>().Data();
}

static at::Generator& genRef(const Napi::Value& v) {
  if (!isGenerator(v)) throw Napi::TypeError::New(v.Env(), "expected a Generator");
  return *v.As<GenExternal>().Data();
}

static uint64_t seedArg(const Napi::Value& v) {
  if (v.IsBigInt()) {
    bool lossless = false;
    return v.As<Napi::BigInt>().Uint64Value(&lossless);
  }
  double d = lf::num(v);
  if (!(d >= 0) || d != static_cast<double>(static_cast<uint64_t>(d))) {
    throw std::invalid_argument("seed must be a non-negative integer, got " + std::to_string(d));
  }
  return static_cast<uint64_t>(d);
}

// generatorNew(seed): a new CPU generator (mt19937-based, as torch.Generator()).
LF_EXPORT(generatorNew) { return wrapGenerator(env, at::make_generator<at::CPUGeneratorImpl>(seedArg(info[0]))); }
// generatorDefault(): the process-wide default CPU generator (shared, not a copy).
LF_EXPORT(generatorDefault) { return wrapGenerator(env, at::detail::getDefaultCPUGenerator()); }
LF_EXPORT(generatorManualSeed) {
  auto& g = genRef(info[0]);
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_current_seed(seedArg(info[1]));
  return env.Undefined();
}
LF_EXPORT(generatorInitialSeed) {
  auto& g = genRef(info[0]);
  return Napi::BigInt::New(env, static_cast<uint64_t>(g.current_seed()));
}
// generatorGetState(g): uint8 tensor handle; generatorSetState(g, h)
LF_EXPORT(generatorGetState) {
  auto& g = genRef(info[0]);
  std::lock_guard<std::mutex> lock(g.mutex());
  return lf::wrap(env, g.get_state());
}
LF_EXPORT(generatorSetState) {
  auto& g = genRef(info[0]);
  auto& s = lf::unwrap(info[1], "state");
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_state(s);
  return env.Undefined();
}
// manualSeed(seed): seeds the default generator.
LF_EXPORT(manualSeed) {
  auto g = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_current_seed(seedArg(info[0]));
  return env.Undefined();
}

// randn(shape, gen?, dtype?, device?) / rand
LF_EXPORT(randn) {
  return lf::wrap(env, at::randn(lf::intList(info[0]), genArg(info[1]), lf::optionsFrom(info[2], info[3])));
}
LF_EXPORT(rand) {
  return lf::wrap(env, at::rand(lf::intList(info[0]), genArg(info[1]), lf::optionsFrom(info[2], info[3])));
}
// randint(low, high, shape, gen?, dtype?, device?): dtype defaults to int64.
LF_EXPORT(randint) {
  auto opts = lf::isUndef(info[4]) ? lf::optionsFrom(Napi::String::New(env, "int64"), info[5]) : lf::optionsFrom(info[4], info[5]);
  return lf::wrap(env, at::randint(lf::i64(info[0]), lf::i64(info[1]), lf::intList(info[2]), genArg(info[3]), opts));
}
// randperm(n, gen?, dtype?, device?): dtype defaults to int64.
LF_EXPORT(randperm) {
  auto opts = lf::isUndef(info[2]) ? lf::optionsFrom(Napi::String::New(env, "int64"), info[3]) : lf::optionsFrom(info[2], info[3]);
  return lf::wrap(env, at::randperm(lf::i64(info[0]), genArg(info[1]), opts));
}
// bernoulli(probs, gen?): 0/1 draws with the probabilities in probs (same dtype).
LF_EXPORT(bernoulli) { return lf::wrap(env, at::bernoulli(lf::unwrap(info[0], "probs"), genArg(info[1]))); }
// bernoulli_(h, p, gen?): fills h with 0/1 draws of probability p.
LF_EXPORT(bernoulli_) {
  lf::unwrap(info[0]).bernoulli_(lf::num(info[1]), genArg(info[2]));
  return env.Undefined();
}
// normal_(h, mean, std, gen?) / uniform_(h, low, high, gen?)
LF_EXPORT(normal_) {
  lf::unwrap(info[0]).normal_(lf::num(info[1]), lf::num(info[2]), genArg(info[3]));
  return env.Undefined();
}
LF_EXPORT(uniform_) {
  lf::unwrap(info[0]).uniform_(lf::num(info[1]), lf::num(info[2]), genArg(info[3]));
  return env.Undefined();
}
