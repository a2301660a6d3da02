import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from '../autograd.js';

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function listKeys(keys: string[]): string {
  return keys.length <= 12 ? keys.join(', ') : `${keys.slice(0, 12).join(', ')} and ${keys.length - 12} more`;
}

/**
 * PyTorch's nn.Module: named parameters, buffers and submodules registered in order, so that `stateDict()` keys
 * are PyTorch's (`layer1.0.conv1.weight`, `bn.running_mean`, `bn.num_batches_tracked`). Parameters and buffers
 * are `keep()`'d: no scope frees them; `dispose()` does.
 */
export class Module {
  training = true;
  protected readonly _parameters = new Map<string, Tensor | null>();
  protected readonly _buffers = new Map<string, Tensor | null>();
  protected readonly _nonPersistent = new Set<string>();
  protected readonly _modules = new Map<string, Module | null>();

  /** Registers `t` as a trainable parameter (setting requiresGrad) and keeps it alive outside scopes. */
  registerParameter<T extends Tensor | null>(name: string, t: T): T {
    this.checkName(name, this._parameters);
    if (t) {
      t.keep();
      if (!t.requiresGrad) t.requiresGrad_(true);
    }
    this._parameters.set(name, t);
    return t;
  }

  /** Registers a buffer (running statistics and the like): saved in stateDict() when persistent, never trained. */
  registerBuffer<T extends Tensor | null>(name: string, t: T, persistent = true): T {
    this.checkName(name, this._buffers);
    if (t) t.keep();
    this._buffers.set(name, t);
    if (persistent) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
    return t;
  }

  registerModule<M extends Module | null>(name: string, m: M): M {
    this.checkName(name, this._modules);
    this._modules.set(name, m);
    return m;
  }

  private checkName(name: string, own: Map<string, unknown>): void {
    if (name === '' || name.includes('.')) {
      throw new LensfindError(
        'E_MODULE',
        `${this.constructor.name}: name "${name}" must be non-empty without "."`,
      );
    }
    for (const m of [this._parameters, this._buffers, this._modules] as Map<string, unknown>[]) {
      if (m !== own && m.has(name)) {
        throw new LensfindError(
          'E_MODULE',
          `${this.constructor.name}: "${name}" is already registered as another kind`,
        );
      }
    }
  }

  /** The computation; subclasses override it. */
  forward(..._args: any[]): any {
    throw new LensfindError('E_MODULE', `${this.constructor.name} has no forward()`);
  }

  /** Runs forward (PyTorch's `module(x)`). */
  call<A extends unknown[], R>(this: { forward(...args: A): R }, ...args: A): R {
    return this.forward(...args);
  }

  getParameter(name: string): Tensor | null | undefined {
    return this._parameters.get(name);
  }

  getBuffer(name: string): Tensor | null | undefined {
    return this._buffers.get(name);
  }

  getModule(name: string): Module | null | undefined {
    return this._modules.get(name);
  }

  *namedChildren(): Generator<[string, Module]> {
    for (const [name, m] of this._modules) if (m) yield [name, m];
  }

  children(): Module[] {
    return [...this.namedChildren()].map(([, m]) => m);
  }

  /** This module (named `prefix`, '' at the top) and every descendant, depth first, each once. */
  namedModules(prefix = '', seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this.namedChildren())
      out.push(...m.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  private namedMembers(
    pick: (m: Module) => Iterable<[string, Tensor | null]>,
    prefix: string,
    recurse: boolean,
  ): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [name, t] of pick(m)) {
        if (!t || seen.has(t)) continue;
        seen.add(t);
        out.push([modPrefix ? `${modPrefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  /** `[name, parameter]` pairs in registration order (shared parameters once), PyTorch's dotted names. */
  namedParameters(prefix = '', recurse = true): [string, Tensor][] {
    return this.namedMembers((m) => m._parameters, prefix, recurse);
  }

  parameters(recurse = true): Tensor[] {
    return this.namedParameters('', recurse).map(([, t]) => t);
  }

  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    return this.namedMembers((m) => m._buffers, prefix, recurse);
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, t]) => t);
  }

  /** Sets training mode here and below (Dropout, BatchNorm behave differently); returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every submodule, then this one (PyTorch's apply order). */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /**
   * The parameters and persistent buffers by PyTorch key, in PyTorch's order (each module's parameters, then its
   * buffers, then its children). The values are the module's own tensors, not copies: read or save them, never
   * dispose them.
   */
  stateDict(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.collectState(prefix, out);
    return out;
  }

  private collectState(prefix: string, out: Map<string, Tensor>): void {
    for (const [name, t] of this._parameters) if (t) out.set(prefix + name, t);
    for (const [name, t] of this._buffers) if (t && !this._nonPersistent.has(name)) out.set(prefix + name, t);
    for (const [name, m] of this.namedChildren()) m.collectState(`${prefix}${name}.`, out);
  }

  /**
   * Copies `sd`'s values into this module's tensors (cast to their dtype). Shapes must match; with strict (the
   * default) the keys must match exactly too. Errors list every missing, unexpected and mismatched key.
   */
  loadStateDict(
    sd: Map<string, Tensor> | Record<string, Tensor>,
    opts: { strict?: boolean } = {},
  ): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const source = sd instanceof Map ? sd : new Map(Object.entries(sd));
    const target = this.stateDict();
    const missingKeys = [...target.keys()].filter((k) => !source.has(k));
    const unexpectedKeys = [...source.keys()].filter((k) => !target.has(k));
    const mismatched: string[] = [];
    for (const [k, t] of target) {
      const s = source.get(k);
      if (s && (s.shape.length !== t.shape.length || s.shape.some((d, i) => d !== t.shape[i]))) {
        mismatched.push(`${k} (checkpoint ${shapeText(s.shape)}, model ${shapeText(t.shape)})`);
      }
    }
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${listKeys(missingKeys)}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${listKeys(unexpectedKeys)}`);
    if (mismatched.length) problems.push(`shape mismatches: ${listKeys(mismatched)}`);
    if (problems.length) {
      throw new LensfindError(
        'E_STATE_DICT',
        `cannot load the state dict into ${this.constructor.name}: ${problems.join('; ')}`,
      );
    }
    noGrad(() => {
      for (const [k, t] of target) {
        const s = source.get(k);
        if (s && s !== t) t.copy_(s);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Clears every parameter's gradient (PyTorch's set_to_none). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad_();
  }

  /** The number of parameter values (only those that require grad with `trainableOnly`). */
  numParameters(trainableOnly = false): number {
    return this.parameters()
      .filter((p) => !trainableOnly || p.requiresGrad)
      .reduce((n, p) => n + p.numel(), 0);
  }

  /**
   * Moves or casts every parameter and buffer (`'cuda'`, `'float64'`, `{ memoryFormat: 'channels_last' }`, ...).
   * As in PyTorch, a memory format applies to the 4-D tensors (convolution weights) only. Tensors are replaced,
   * and fields of this module's objects that pointed at the old tensor are pointed at the new one.
   */
  to(target: Parameters<Tensor['to']>[0]): this {
    for (const m of this.modules()) {
      for (const table of [m._parameters, m._buffers]) {
        for (const [name, t] of table) {
          if (!t) continue;
          let own = target;
          if (typeof own === 'object' && own.memoryFormat !== undefined && t.ndim !== 4) {
            const { memoryFormat: _layout, ...rest } = own;
            own = rest;
          }
          const moved = noGrad(() => t.to(own));
          if (moved === t) continue;
          moved.keep();
          if (table === m._parameters && t.requiresGrad) moved.requiresGrad_(true);
          table.set(name, moved);
          const fields = m as unknown as Record<string, unknown>;
          for (const key of Object.keys(fields)) if (fields[key] === t) fields[key] = moved;
          t.dispose();
        }
      }
    }
    return this;
  }

  /** Frees every parameter and buffer of this module and its descendants. */
  dispose(): void {
    for (const t of [...this.parameters(), ...this.buffers()]) t.dispose();
  }
}
