/** How a command hands its flags to a config loader: `--config`, `--set`, and one named layer per value flag. */
import { flagLayer, type ConfigLayer } from '../config/load.js';

type Values = Record<string, unknown>;

/** A flag's parser (`intFlag`, `numberFlag`, ...): the flag's name for its error, and the value as typed. */
export type FlagParser = (flag: string, value: unknown) => unknown;

/** `--config FILE` and the `--set key=value` assignments, as the config loaders take them. */
export function configSources(values: Values): { file: string | undefined; overrides: string[] } {
  return { file: values.config as string | undefined, overrides: (values.set as string[] | undefined) ?? [] };
}

/**
 * One layer per flag, named as typed, so errors and conflicts with `--set` name the flag (`--epochs 1`): each row is
 * the flag, the config key it sets, and its parser (none: the string as given). Absent flags give null.
 */
export function flagConfigLayers(
  values: Values,
  table: readonly (readonly [flag: string, keyPath: string, parse?: FlagParser])[],
): (ConfigLayer | null)[] {
  return table.map(([flag, keyPath, parse]) =>
    flagLayer(flag, keyPath, parse ? parse(flag, values[flag]) : values[flag]),
  );
}
