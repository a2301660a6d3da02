import type { DType, Device } from '../dtype.js';
import type { Generator } from '../random.js';

/** Options every layer with weights takes: where its tensors live and the generator its default init draws from. */
export interface FactoryOptions {
  dtype?: DType;
  device?: Device;
  generator?: Generator;
}

export type Pair = number | [number, number];

export function pair(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}
