import { parseModelOptions } from '../models/registry.js';
import type { TrainConfig } from './schema.js';

/** snake_case (config files) to camelCase (the model registry's options): `arc_attention` -> `arcAttention`. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The registry options of the configured network: every key of the `model` section but `name` and
 * `init_weights`, with the input bands and size taken from the data unless the config fixes them.
 */
export function modelOptions(
  model: TrainConfig['model'],
  data: { bands: number; height: number },
): Record<string, unknown> {
  const out: Record<string, unknown> = { inChannels: data.bands, imageSize: data.height };
  for (const [k, v] of Object.entries(model)) if (k !== 'name' && k !== 'init_weights') out[camelCase(k)] = v;
  return out;
}

/**
 * Checks the `model` section against the network's own schema before anything is written (unknown model names
 * and keys, bad values: a ConfigError naming `model.<key>`). The data's shape is not known yet: a 64x64 3-band
 * placeholder stands in unless the config sets it.
 */
export function checkModelConfig(config: Pick<TrainConfig, 'model'>): void {
  parseModelOptions(config.model.name, modelOptions(config.model, { bands: 3, height: 64 }));
}
