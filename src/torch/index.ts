// The engine's public API, exported from src/index.ts as `torch`: PyTorch's names in camelCase.
export { libtorchVersion, libtorchSource } from './native.js';
export { Tensor } from './tensor.js';
export type { NativeHandle, TensorOrScalar } from './tensor.js';
export { DTYPES, isDType } from './dtype.js';
export type { DType, Device, TensorData } from './dtype.js';
export * from './creation.js';
export * from './random.js';
export * from './ops.js';
export { scope, tidy, keep, liveTensorCount } from './scope.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd.js';
export { setNumThreads, getNumThreads } from './threads.js';
export { clipGradNorm_ } from './clip.js';
export * as F from './functional.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as lr from './lr/index.js';
export * from './serialization.js';
