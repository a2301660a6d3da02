import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd.js';
import { scope } from '../scope.js';
import { zerosLike } from '../creation.js';

/** A parameter group: its tensors and the hyperparameters that apply to them (lr, weightDecay, ...). */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  weightDecay: number;
  momentum?: number;
  betas?: [number, number];
  [option: string]: unknown;
}

export type ParamGroupInput = { params: Tensor[] } & Record<string, unknown>;
export type ParamsInput = Tensor[] | ParamGroupInput[];

/** Per-parameter state: tensors (moment estimates, momentum buffers) and numbers (the step count). */
export type ParamState = Record<string, Tensor | number>;

/** PyTorch's optimizer state_dict layout: state keyed by the parameter's index across all groups. */
export interface OptimizerState {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/**
 * Base of the optimizers: param groups with defaults filled in, per-parameter state, zeroGrad, and
 * stateDict/loadStateDict so a resumed run continues exactly. `step()` runs without autograd and frees its
 * temporaries; state tensors are kept.
 */
export abstract class Optimizer {
  readonly paramGroups: ParamGroup[];
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsInput, defaults: Record<string, unknown> & { lr: number; weightDecay: number }) {
    if (!(defaults.lr >= 0))
      throw new LensfindError('E_OPTIM', `${this.constructor.name}: lr must be >= 0, got ${defaults.lr}`);
    const groups: ParamGroupInput[] =
      params.length > 0 && !isGroup(params[0])
        ? [{ params: params as Tensor[] }]
        : (params as ParamGroupInput[]);
    if (groups.length === 0)
      throw new LensfindError('E_OPTIM', `${this.constructor.name}: got an empty parameter list`);
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g) => {
      for (const p of g.params) {
        if (seen.has(p))
          throw new LensfindError(
            'E_OPTIM',
            `${this.constructor.name}: a parameter appears in more than one group`,
          );
        seen.add(p);
      }
      return { ...defaults, ...g, params: [...g.params] } as ParamGroup;
    });
  }

  /** Updates every parameter that has a gradient from its group's hyperparameters. */
  step(): void {
    noGrad(() =>
      scope(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            const grad = p.grad;
            if (!grad) continue;
            let st = this.state.get(p);
            if (!st) this.state.set(p, (st = {}));
            this.update(p, grad, st, group);
          }
        }
      }),
    );
  }

  /** Updates one parameter in place; new state tensors must be keep()'d. */
  protected abstract update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup): void;

  /** Clears gradients (PyTorch's set_to_none default). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.zeroGrad_();
  }

  /** Adds a group (e.g. unfrozen layers) with this optimizer's defaults for options it does not give. */
  addParamGroup(group: ParamGroupInput): void {
    const defaults = Object.fromEntries(Object.entries(this.paramGroups[0]).filter(([k]) => k !== 'params'));
    this.paramGroups.push({ ...defaults, ...group, params: [...group.params] } as ParamGroup);
  }

  /** The state in PyTorch's layout; its tensors are the live state tensors (save them, don't dispose them). */
  stateDict(): OptimizerState {
    const state: Record<number, ParamState> = {};
    let index = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const ids: number[] = [];
      for (const p of g.params) {
        const st = this.state.get(p);
        if (st) state[index] = { ...st };
        ids.push(index++);
      }
      const { params: _params, ...options } = g;
      return { ...structuredClone(options), params: ids };
    });
    return { state, paramGroups };
  }

  /** Restores hyperparameters and state (copies, cast to each parameter's dtype/device) from stateDict(). */
  loadStateDict(sd: OptimizerState): void {
    const name = this.constructor.name;
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new LensfindError(
        'E_STATE_DICT',
        `${name}: the saved state has ${sd.paramGroups.length} param groups, this optimizer has ${this.paramGroups.length}`,
      );
    }
    sd.paramGroups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new LensfindError(
          'E_STATE_DICT',
          `${name}: saved param group ${i} has ${g.params.length} parameters, this optimizer's has ${this.paramGroups[i].params.length}`,
        );
      }
    });
    const next = new Map<Tensor, ParamState>();
    sd.paramGroups.forEach((g, i) => {
      g.params.forEach((id, j) => {
        const p = this.paramGroups[i].params[j];
        const saved = sd.state[id];
        if (!saved) return;
        const st: ParamState = {};
        for (const [k, v] of Object.entries(saved)) {
          if (typeof v === 'number') {
            st[k] = v;
            continue;
          }
          if (k !== 'step' && v.shape.join(',') !== p.shape.join(',')) {
            throw new LensfindError(
              'E_STATE_DICT',
              `${name}: saved state "${k}" of parameter ${id} has shape [${v.shape.join(', ')}], the parameter [${p.shape.join(', ')}]`,
            );
          }
          // laid out as the parameter (a channels_last weight keeps its state in the same strides)
          st[k] = noGrad(() =>
            k === 'step' ? v.to({ dtype: p.dtype, device: p.device }).clone() : zerosLike(p).copy_(v),
          ).keep();
        }
        next.set(p, st);
      });
    });
    this.disposeState();
    for (const [p, st] of next) this.state.set(p, st);
    sd.paramGroups.forEach((g, i) => {
      const { params: _params, ...options } = g;
      Object.assign(this.paramGroups[i], structuredClone(options));
    });
  }

  /** Frees the state tensors (e.g. before dropping the optimizer). */
  disposeState(): void {
    for (const st of this.state.values())
      for (const v of Object.values(st)) if (typeof v !== 'number') v.dispose();
    this.state.clear();
  }
}

function isGroup(x: unknown): x is ParamGroupInput {
  return typeof x === 'object' && x !== null && 'params' in x && Array.isArray((x as ParamGroupInput).params);
}
