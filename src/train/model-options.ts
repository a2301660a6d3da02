import { ConfigError } from '../errors.js';
import { camelCase, snakeCase } from '../io/snake-keys.js';
import { parseModelOptions } from '../models/registry.js';
import type { Module } from '../torch/nn/module.js';
import type { TrainConfig } from './schema.js';

/** The `model` keys the training config owns; every other key is an option of the network. */
const OWN_KEYS = ['name', 'init_weights'];

/**
 * The registry options of the configured network: every key of the `model` section but `name` and
 * `init_weights`, snake_case in the config and camelCase in the registry (`arc_attention` -> `arcAttention`), with
 * the input bands and size taken from the data unless the config fixes them.
 */
export function modelOptions(
  model: TrainConfig['model'],
  data: { bands: number; height: number },
): Record<string, unknown> {
  const out: Record<string, unknown> = { inChannels: data.bands, imageSize: data.height };
  for (const [k, v] of Object.entries(model)) if (!OWN_KEYS.includes(k)) out[camelCase(k)] = v;
  return out;
}

/**
 * Checks the `model` section against the network's own schema before anything is written (unknown model names
 * and keys, bad values: a ConfigError naming `model.<key>` as the user wrote it, snake_case). A camelCase key is
 * refused with its snake_case spelling. The data's shape is not known yet: a 64x64 3-band placeholder stands in
 * unless the config sets it.
 */
export function checkModelConfig(config: Pick<TrainConfig, 'model'>): void {
  for (const key of Object.keys(config.model)) {
    if (snakeCase(key) !== key)
      throw new ConfigError(
        `invalid configuration: model.${key}: config keys are snake_case: write model.${snakeCase(key)}`,
        `model.${key}`,
      );
  }
  parseModelOptions(config.model.name, modelOptions(config.model, { bands: 3, height: 64 }), {
    keyName: snakeCase,
    extraKeys: OWN_KEYS,
  });
}

/**
 * The network's convolution weights in the config's memory format (`memory_format`, of `train` and `sersic`
 * configs), for training (before an optimizer holds them) and for scoring alike.
 */
export function layOut<M extends Module>(model: M, config: Pick<TrainConfig, 'memory_format'>): M {
  return config.memory_format === 'contiguous_format'
    ? model
    : model.to({ memoryFormat: config.memory_format });
}
