import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import type { OptimizerState, ParamState } from './optimizer.js';

/** An optimizer's state split for a checkpoint: tensors for optimizer.safetensors, the rest as JSON. */
export interface SplitOptimizerState {
  /** `state.<paramIndex>.<name>` -> tensor (exp_avg, momentum_buffer, ...). */
  tensors: Map<string, Tensor>;
  /** Numbers (step counts) and param groups' hyperparameters. */
  json: { state: Record<string, Record<string, number>>; paramGroups: OptimizerState['paramGroups'] };
}

export function optimizerStateToTensors(sd: OptimizerState): SplitOptimizerState {
  const tensors = new Map<string, Tensor>();
  const state: Record<string, Record<string, number>> = {};
  for (const [id, st] of Object.entries(sd.state)) {
    state[id] = {};
    for (const [k, v] of Object.entries(st)) {
      if (typeof v === 'number') state[id][k] = v;
      else tensors.set(`state.${id}.${k}`, v);
    }
  }
  return { tensors, json: { state, paramGroups: sd.paramGroups } };
}

/** Rebuilds the stateDict() form from optimizerStateToTensors' output (e.g. read back from a checkpoint). */
export function optimizerStateFromTensors(
  tensors: Map<string, Tensor>,
  json: SplitOptimizerState['json'],
  source = 'optimizer state',
): OptimizerState {
  const state: Record<number, ParamState> = {};
  for (const [id, nums] of Object.entries(json.state ?? {})) state[Number(id)] = { ...nums };
  for (const [key, t] of tensors) {
    const m = /^state\.(\d+)\.(.+)$/.exec(key);
    if (!m)
      throw new LensfindError(
        'E_STATE_DICT',
        `${source}: unexpected tensor "${key}" (expected state.<index>.<name>)`,
      );
    const id = Number(m[1]);
    (state[id] ??= {})[m[2]] = t;
  }
  if (!Array.isArray(json.paramGroups))
    throw new LensfindError('E_STATE_DICT', `${source}: paramGroups is missing`);
  return { state, paramGroups: json.paramGroups };
}
