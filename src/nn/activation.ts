/** Activation layers, so they can sit in a `Sequential` (as `nn.ReLU()` and friends). */
import * as F from '../autograd/activations.js';
import { asVariable, type Variable, type VariableLike } from '../autograd/variable.js';
import { Module } from './module.js';

/** `max(x, 0)`. @example new Sequential(conv, bn, new ReLU()) */
export class ReLU extends Module { forward(x: VariableLike): Variable { return F.relu(x); } }

/** Leaky ReLU. @example new LeakyReLU(0.2) */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  forward(x: VariableLike): Variable { return F.leakyRelu(x, this.negativeSlope); }
}

/** Hyperbolic tangent. @example new Tanh() */
export class Tanh extends Module { forward(x: VariableLike): Variable { return F.tanh(x); } }

/** Logistic sigmoid. @example new Sigmoid() */
export class Sigmoid extends Module { forward(x: VariableLike): Variable { return F.sigmoid(x); } }

/** Exact GELU. @example new GELU() */
export class GELU extends Module { forward(x: VariableLike): Variable { return F.gelu(x); } }

/** Passes its input through (a placeholder where a layer is optional). @example new Identity() */
export class Identity extends Module { forward(x: VariableLike): Variable { return asVariable('Identity', x); } }
