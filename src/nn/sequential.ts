/** Containers: `Sequential` (chains its children) and `ModuleList` (holds them), named `0`, `1`, ... as PyTorch. */
import { asVariable, type Variable, type VariableLike } from '../autograd/variable.js';
import { OptionError } from '../errors.js';
import { Module } from './module.js';

/**
 * Runs its modules in order.
 *
 * @example const block = new Sequential(new Conv2d({ ... }), new BatchNorm2d({ numFeatures: 64 }), new ReLU());
 */
export class Sequential extends Module {
  readonly modules: readonly Module[];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new OptionError('Sequential', `modules[${i}]`, `modules[${i}] is not a Module`);
      this.registerModule(String(i), m);
    });
    this.modules = modules;
  }

  /** The i-th module. */
  at(index: number): Module { return this.modules[index]; }

  get length(): number { return this.modules.length; }

  forward(x: VariableLike): Variable {
    let y = asVariable('Sequential', x);
    for (const m of this.modules) y = m.forward(y);
    return y;
  }
}

/**
 * Holds modules for a block that calls them itself (ASPP's parallel branches).
 *
 * @example this.convs = this.registerModule('convs', new ModuleList([branch1, branch2]));
 */
export class ModuleList<M extends Module = Module> extends Module {
  readonly modules: readonly M[];

  constructor(modules: readonly M[]) {
    super();
    modules.forEach((m, i) => this.registerModule(String(i), m));
    this.modules = modules.slice();
  }

  /** The i-th module. */
  at(index: number): M { return this.modules[index]; }

  get length(): number { return this.modules.length; }

  forward(): Variable {
    throw new OptionError('ModuleList', 'forward', 'a ModuleList has no forward of its own; call its modules (list.at(i).forward(x))');
  }
}
