// The networks lensfind trains, by name: exported from src/index.ts as `models`.
export {
  createModel,
  listModels,
  countParameters,
  registerModel,
  getModelEntry,
  parseModelOptions,
} from './registry.js';
export type { ModelEntry } from './registry.js';
export { LensModel, SeededDropout, baseModelOptions } from './common.js';
export { ResNet, BasicBlock, resnet18, resnet34, resnetOptions } from './resnet.js';
export type { ResNetOptions } from './resnet.js';
export { LensNet, lensnet, lensnetOptions } from './lensnet.js';
export type { LensNetOptions } from './lensnet.js';
export {
  VisionTransformer,
  visionTransformer,
  vitTinyOptions,
  vitSmallOptions,
  vitB16Options,
} from './vit.js';
export type { VitOptions } from './vit.js';
export { HybridNet, hybrid, hybridOptions, polarGrid } from './hybrid.js';
export type { HybridOptions } from './hybrid.js';
export { SelfAttention } from './attention.js';
export {
  SwinTransformerV2,
  SwinBlockV2,
  ShiftedWindowAttentionV2,
  PatchMergingV2,
  swinV2,
  swinV2Options,
  shiftMask,
} from './swinv2.js';
export type { SwinV2Options } from './swinv2.js';
export {
  loadInitWeights,
  summarizeInitWeights,
  adaptInputConv,
  resizePosEmbedding,
  mapSourceKey,
} from './init-weights.js';
export type { InitWeightsReport, InitWeightsOptions } from './init-weights.js';
