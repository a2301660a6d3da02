// nn: PyTorch-style modules with PyTorch's parameter names and default initialisation.
export { Module, type LoadStateDictResult } from './module.js';
export { Linear, Identity, Flatten } from './linear.js';
export { Conv2d, type Conv2dOptions } from './conv.js';
export { BatchNorm2d, LayerNorm, GroupNorm, type BatchNormOptions } from './norm.js';
export { ReLU, GELU, Dropout } from './activation.js';
export { MaxPool2d, AdaptiveAvgPool2d } from './pooling.js';
export { Sequential, ModuleList } from './container.js';
export { MultiheadAttention, type AttentionCallOptions } from './attention.js';
export type { FactoryOptions, Pair } from './options.js';
export * as init from './init.js';
