// The engine's public API, exported from src/index.ts as `torch`.
export { libtorchVersion, libtorchSource } from './native.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as lr from './lr/index.js';
export * from './serialization.js';
