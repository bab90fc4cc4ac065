/**
 * The evaluator of the index notation (expression.ts) on concrete shapes: every definition is
 * evaluated at every value of its indices, once, into a dense row-major tensor, by the plainest
 * possible loops (a sum is a loop, a product a product). It shares no code with @hsr/numeric,
 * whose kernels evaluate the same formulas in a different order; the sweep compares the two.
 *
 * Cost: a definition over indices of sizes s_1..s_r whose body sums over t_1..t_q costs
 * prod s prod t evaluations of the body; the pair sums of T2 are O(N^2 h^2), the Hessian blocks
 * O(P^2 N). Meant for the small shapes of the sweep (P up to ~50), not for training.
 */
import { erf } from '@hsr/numeric';
import type { Definition, ElementwiseFunction, Expr, Extent, Index, TensorSymbol } from './expression.ts';

/** The sizes of every range for one case. */
export type Sizes = { readonly [E in Extent]: number };

/** Sizes with every range not given set to 0 (a context that never sums over it). */
export function sizesOf(given: Partial<Sizes>): Sizes {
  return { N: 0, d: 0, dt: 0, h: 0, ht: 0, c: 0, theta: 0, probes: 0, sketch: 0, complement: 0, loo: 0, nl: 0, nlt: 0, ml: 0, mlt: 0, mu: 0, mq: 0, nq: 0, nqt: 0, layer: 0, ...given };
}

/** A dense row-major tensor (a scalar has shape [] and one entry). */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** The activation and its first three derivatives, as numbers (a named activation's table, or a user formula compiled by a CAS). */
export interface ActivationFunctions {
  readonly phi: (u: number) => number;
  readonly phi1: (u: number) => number;
  readonly phi2: (u: number) => number;
  readonly phi3: (u: number) => number;
}

export interface EvaluationContext {
  readonly sizes: Sizes;
  /** Values of the inputs, by name (a number for a scalar). */
  readonly inputs: ReadonlyMap<string, Tensor | number>;
  /** Definitions by name: the loss's definitions of the slots, and any overrides of the registry's definitions. */
  readonly definitions?: ReadonlyMap<string, Definition>;
  readonly activation?: ActivationFunctions;
}

export function tensor(shape: readonly number[], data: ArrayLike<number>): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`tensor of shape [${shape.join(', ')}] needs ${size} entries, got ${data.length}`);
  return { shape, data: Float64Array.from(data) };
}

/** The value of each elementwise function (the activation's from the context). */
export const ELEMENTWISE: { readonly [F in ElementwiseFunction]: (x: number, a: ActivationFunctions | undefined) => number } = {
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sqrt: (x) => Math.sqrt(x),
  erf: (x) => erf(x),
  tanh: (x) => Math.tanh(x),
  phi: (x, a) => need(a).phi(x),
  phi1: (x, a) => need(a).phi1(x),
  phi2: (x, a) => need(a).phi2(x),
  phi3: (x, a) => need(a).phi3(x),
};

function need(a: ActivationFunctions | undefined): ActivationFunctions {
  if (!a) throw new Error('the formula applies the activation, but no activation was given');
  return a;
}

/**
 * Evaluates definitions in one context, caching every tensor it computes (by name, so an
 * override or a loss's definition of a slot is used wherever the name is referred to).
 */
export class Evaluator {
  private readonly cache = new Map<string, Tensor>();
  private readonly bindings = new Map<string, number>();

  constructor(readonly context: EvaluationContext) {}

  /** The value of a tensor symbol (an input, a slot resolved through the loss, or a definition). */
  value(symbol: TensorSymbol): Tensor {
    const cached = this.cache.get(symbol.name);
    if (cached) return cached;
    const override = this.context.definitions?.get(symbol.name);
    let out: Tensor;
    if (override) out = this.evaluateDefinition(override);
    else if (symbol.kind === 'definition') out = this.evaluateDefinition(symbol as Definition);
    else {
      const given = this.context.inputs.get(symbol.name);
      if (given === undefined) throw new Error(`no value for ${symbol.kind} ${symbol.name}`);
      out = typeof given === 'number' ? tensor([], [given]) : given;
      const want = symbol.extents.map((e) => this.context.sizes[e]);
      if (want.length !== out.shape.length || want.some((s, k) => s !== out.shape[k])) throw new Error(`${symbol.name}: shape [${out.shape.join(', ')}], expected [${want.join(', ')}]`);
    }
    this.cache.set(symbol.name, out);
    return out;
  }

  /** A scalar symbol's value. */
  scalar(symbol: TensorSymbol): number {
    const t = this.value(symbol);
    if (t.shape.length !== 0) throw new Error(`${symbol.name} is not a scalar`);
    return t.data[0]!;
  }

  /** Evaluate an expression whose free indices are bound in `bindings` (name -> 0-based value). */
  evaluate(e: Expr, bindings: Readonly<Record<string, number>> = {}): number {
    for (const [k, v] of Object.entries(bindings)) this.bindings.set(k, v);
    return this.eval(e);
  }

  private evaluateDefinition(d: Definition): Tensor {
    const shape = d.indices.map((ix) => this.context.sizes[ix.extent]);
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float64Array(size);
    const saved = d.indices.map((ix) => this.bindings.get(ix.name));
    const at = new Array<number>(shape.length).fill(0);
    for (let flat = 0; flat < size; flat++) {
      let r = flat;
      for (let k = shape.length - 1; k >= 0; k--) {
        at[k] = r % shape[k]!;
        r = Math.floor(r / shape[k]!);
      }
      d.indices.forEach((ix, k) => {
        this.bindings.set(ix.name, at[k]!);
      });
      data[flat] = this.eval(d.body);
    }
    d.indices.forEach((ix, k) => {
      if (saved[k] === undefined) this.bindings.delete(ix.name);
      else this.bindings.set(ix.name, saved[k]!);
    });
    return { shape, data };
  }

  private bound(ix: Index): number {
    const v = this.bindings.get(ix.name);
    if (v === undefined) throw new Error(`index ${ix.name} is not bound`);
    return v;
  }

  private eval(e: Expr): number {
    switch (e.kind) {
      case 'number':
        return e.value;
      case 'extent':
        return this.context.sizes[e.extent];
      case 'ref': {
        const t = this.value(e.tensor);
        let flat = 0;
        for (let k = 0; k < e.indices.length; k++) {
          const v = this.bound(e.indices[k]!);
          const n = t.shape[k]!;
          if (v >= n) throw new Error(`${e.tensor.name}: index ${e.indices[k]!.name} = ${v} outside 0..${n - 1}`);
          flat = flat * n + v;
        }
        return t.data[flat]!;
      }
      case 'add': {
        let s = 0;
        for (const t of e.terms) s += this.eval(t);
        return s;
      }
      case 'mul': {
        let p = 1;
        for (const f of e.factors) p *= this.eval(f);
        return p;
      }
      case 'neg':
        return -this.eval(e.arg);
      case 'div':
        return this.eval(e.numerator) / this.eval(e.denominator);
      case 'pow':
        return this.eval(e.base) ** this.eval(e.exponent);
      case 'sum': {
        const n = this.context.sizes[e.index.extent];
        const saved = this.bindings.get(e.index.name);
        let s = 0;
        for (let v = 0; v < n; v++) {
          this.bindings.set(e.index.name, v);
          s += this.eval(e.body);
        }
        if (saved === undefined) this.bindings.delete(e.index.name);
        else this.bindings.set(e.index.name, saved);
        return s;
      }
      case 'apply':
        return ELEMENTWISE[e.fn](this.eval(e.arg), this.context.activation);
      case 'max':
        return Math.max(this.eval(e.args[0]), this.eval(e.args[1]));
      case 'indicator':
        return this.bound(e.left) === this.bound(e.right) ? 1 : 0;
      case 'augment': {
        const v = this.bound(e.outer);
        if (v >= this.context.sizes[e.inner.extent]) return this.eval(e.fill);
        // inner and outer share the name: the binding already holds v.
        return this.eval(e.body);
      }
    }
  }
}
