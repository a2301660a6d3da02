import { LensfindError } from '../../errors.js';
import { Module } from './module.js';

/** Modules registered as '0', '1', ... in order: what Sequential and ModuleList share. */
abstract class IndexedModules extends Module {
  get length(): number {
    return this._modules.size;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const mods = [...this._modules.values()];
    const m = mods[i < 0 ? mods.length + i : i];
    if (!m)
      throw new LensfindError(
        'E_MODULE',
        `${this.constructor.name}: no module at index ${i} (length ${mods.length})`,
      );
    return m;
  }

  append(m: Module): this {
    this.registerModule(String(this._modules.size), m);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/** Modules registered as '0', '1', ... and applied in order. */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  override forward(x: any): any {
    for (const m of this.children()) x = m.forward(x);
    return x;
  }
}

/** A list of modules registered as '0', '1', ... (no forward of its own). */
export class ModuleList extends IndexedModules {
  constructor(modules: Module[] = []) {
    super();
    for (const m of modules) this.append(m);
  }
}
