import { z } from 'zod';
import type { Module } from '../torch/nn/index.js';
import type { Generator } from '../torch/random.js';
import { ConfigError } from '../errors.js';
import { schemaKeys, unknownKeyMessage } from '../config/load.js';
import type { LensModel } from './common.js';
import { resnet18, resnet34, resnetOptions } from './resnet.js';
import { lensnet, lensnetOptions } from './lensnet.js';
import { visionTransformer, vitB16Options, vitSmallOptions, vitTinyOptions } from './vit.js';
import { hybrid, hybridOptions } from './hybrid.js';

/** One registered network: its options schema (strict: unknown keys rejected) and its builder. */
export interface ModelEntry<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: S;
  build: (options: z.output<S>, generator?: Generator) => LensModel;
}

const registry = new Map<string, ModelEntry>();

/** Adds a network to the registry (later code may register its own); a name can be registered once. */
export function registerModel<S extends z.ZodType>(entry: ModelEntry<S>): void {
  if (registry.has(entry.name))
    throw new ConfigError(`model '${entry.name}' is already registered`, 'model.name');
  registry.set(entry.name, entry as unknown as ModelEntry);
}

registerModel({
  name: 'lensnet',
  description: 'small fast CNN (4 conv-BN-ReLU-maxpool blocks, ~100k parameters): the quick default',
  schema: lensnetOptions,
  build: lensnet,
});
registerModel({
  name: 'resnet18',
  description: "torchvision's ResNet-18 (stem 'imagenet' 7x7/2 + maxpool, or 'small' 3x3/1 for 64x64)",
  schema: resnetOptions,
  build: resnet18,
});
registerModel({
  name: 'resnet34',
  description: "torchvision's ResNet-34 (stem 'imagenet' or 'small')",
  schema: resnetOptions,
  build: resnet34,
});
registerModel({
  name: 'vit_tiny',
  description: 'ViT-Tiny (hidden 192, depth 12, 3 heads), patch 8 on 64x64',
  schema: vitTinyOptions,
  build: visionTransformer,
});
registerModel({
  name: 'vit_small',
  description: 'ViT-Small (hidden 384, depth 12, 6 heads), patch 8 on 64x64',
  schema: vitSmallOptions,
  build: visionTransformer,
});
registerModel({
  name: 'vit_b_16',
  description: "torchvision's ViT-B/16 (hidden 768, depth 12, 12 heads, patch 16)",
  schema: vitB16Options,
  build: visionTransformer,
});
registerModel({
  name: 'hybrid',
  description:
    'CNN stage producing tokens for a transformer encoder; arcAttention: polar (radius, angle) encoding',
  schema: hybridOptions,
  build: hybrid,
});

/** Names of the registered networks, in registration order. */
export function listModels(): string[] {
  return [...registry.keys()];
}

export function getModelEntry(name: string): ModelEntry {
  const entry = registry.get(name);
  if (!entry) {
    throw new ConfigError(
      `unknown model '${name}': expected one of ${listModels().join(', ')}`,
      'model.name',
    );
  }
  return entry;
}

/**
 * Validates a network's options (defaults filled in); errors name the field, e.g. `model.stem`, and an unknown
 * key's error lists the valid ones. `keyName` spells the option names as the caller's user wrote them (the
 * training config's snake_case: `model.patch_size`); `extraKeys` are the caller's own valid keys of the section.
 */
export function parseModelOptions(
  name: string,
  options: Record<string, unknown> = {},
  spelling: { keyName?: (key: string) => string; extraKeys?: readonly string[] } = {},
): Record<string, unknown> {
  const { keyName = (k: string) => k, extraKeys = [] } = spelling;
  const entry = getModelEntry(name);
  const result = entry.schema.safeParse(options);
  if (!result.success) {
    const valid = [...extraKeys, ...schemaKeys(entry.schema).map(keyName)];
    const fieldOf = (path: readonly PropertyKey[]) =>
      ['model', ...path.map((k) => (typeof k === 'string' ? keyName(k) : String(k)))].join('.');
    const lines = result.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => ({
            field: fieldOf([...i.path, k]),
            what: unknownKeyMessage(['model'], keyName(k), valid),
          }))
        : [{ field: fieldOf(i.path), what: i.message }],
    );
    const all = lines.map((l) => `${l.field}: ${l.what}`);
    throw new ConfigError(`invalid options for model '${name}': ${all.join('; ')}`, lines[0].field);
  }
  return result.data as Record<string, unknown>;
}

/**
 * Builds a registered network: `createModel('resnet18', {inChannels: 3, imageSize: 64, dropout: 0.2, stem: 'small'},
 * generator)`. Weights are initialised from `generator` (seeded), so the same seed gives the same network.
 */
export function createModel(
  name: string,
  options: Record<string, unknown> = {},
  generator?: Generator,
): LensModel {
  const entry = getModelEntry(name);
  return entry.build(parseModelOptions(name, options), generator);
}

/** Number of parameter values (all, or only those that require gradients). */
export function countParameters(model: Module, { trainableOnly = false } = {}): number {
  let n = 0;
  for (const p of model.parameters()) if (!trainableOnly || p.requiresGrad) n += p.numel();
  return n;
}
