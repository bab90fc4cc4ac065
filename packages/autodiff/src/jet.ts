/**
 * Truncated multivariate Taylor numbers ("jets"), the forward-mode AD engine.
 *
 * A jet of order 2 in directions \delta \in \mathbb R^P (optionally with one more nilpotent
 * tangent direction \varepsilon, \varepsilon^2 = 0) represents
 *
 *   x(\theta_0 + \delta + \varepsilon e_k) = v + g^\top\delta + \tfrac12\delta^\top H\delta
 *       + \varepsilon\,(\dot v + \dot g^\top\delta + \tfrac12\delta^\top\dot H\delta) + O(|\delta|^3, \varepsilon\delta^2\ldots)
 *
 * so that for the loss, H is the Hessian and \dot H = \partial H / \partial\theta_k: the third
 * derivatives, one direction k per pass. Order 1 keeps only (v, g) (the gradient).
 *
 * Rules, exact to the truncation (f_i = f^{(i)}(v)):
 *   product:  (xy)_H = x_v y_H + y_v x_H + x_g y_g^\top + y_g x_g^\top, and the \varepsilon-parts by
 *             differentiating each term once more (product rule on every factor);
 *   unary f:  g' = f_1 g,\ H' = f_1 H + f_2 g g^\top,\ \dot v' = f_1\dot v,\
 *             \dot g' = f_2\dot v g + f_1\dot g,\
 *             \dot H' = f_2\dot v H + f_1\dot H + f_3\dot v g g^\top + f_2(\dot g g^\top + g\dot g^\top).
 *
 * Sparsity: each jet stores only the directions it depends on (`support`, sorted), with g and
 * H dense over them. In the network, u_i depends on one row of [W|b] only, so the bulk of
 * the work runs on d+1 directions and only the log-sum-exp touches all P. Cost of an
 * operation: O(m^2) for m = |support| (O(m) at order 1), twice that with a tangent.
 *
 * Verified by `jet.test.ts` (closed-form derivatives of polynomials and compositions, central
 * differences) and through the loss by `oracle.test.ts`.
 */
import type { Algebra } from './algebra.ts';
import { erfcRule, expm1Rule, expRule, log1pRule, logRule, reciprocalRule, sqrtRule, type Derivatives } from './elementary.ts';

export interface JetOptions {
  /** 1: value and gradient; 2: also the Hessian. */
  readonly order: 1 | 2;
  /** Carry one extra first-order direction epsilon through every coefficient. */
  readonly tangent: boolean;
}

export class Jet {
  constructor(
    /** Sorted direction indices this jet depends on (m of them). */
    readonly support: Int32Array,
    readonly value: number,
    /** m: first derivatives along `support`. */
    readonly gradient: Float64Array,
    /** m x m row-major, symmetric (order 2), else null. */
    readonly hessian: Float64Array | null,
    /** d value / d epsilon (0 without a tangent). */
    readonly tangentValue: number,
    /** d gradient / d epsilon (m), or null without a tangent. */
    readonly tangentGradient: Float64Array | null,
    /** d hessian / d epsilon (m x m), or null without a tangent or at order 1. */
    readonly tangentHessian: Float64Array | null,
  ) {}
}

const EMPTY = new Int32Array(0);

/** Union of two sorted supports, with each one's positions inside it (null: identity). */
function unionOf(a: Int32Array, b: Int32Array): { support: Int32Array; inA: Int32Array | null; inB: Int32Array | null } {
  if (a === b) return { support: a, inA: null, inB: null };
  if (a.length === b.length) {
    let same = true;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        same = false;
        break;
      }
    }
    if (same) return { support: a, inA: null, inB: null };
  }
  const merged = new Int32Array(a.length + b.length);
  const inA = new Int32Array(a.length);
  const inB = new Int32Array(b.length);
  let i = 0;
  let j = 0;
  let m = 0;
  while (i < a.length || j < b.length) {
    const ai = i < a.length ? a[i]! : Infinity;
    const bj = j < b.length ? b[j]! : Infinity;
    if (ai === bj) {
      inA[i++] = m;
      inB[j++] = m;
      merged[m++] = ai;
    } else if (ai < bj) {
      inA[i++] = m;
      merged[m++] = ai;
    } else {
      inB[j++] = m;
      merged[m++] = bj;
    }
  }
  const support = merged.slice(0, m);
  return { support, inA: inA.length === m ? null : inA, inB: inB.length === m ? null : inB };
}

/** A jet's arrays re-expressed over a larger support (zeros elsewhere); no copy when map is null. */
interface Lifted {
  v: number;
  g: Float64Array;
  H: Float64Array | null;
  dv: number;
  dg: Float64Array | null;
  dH: Float64Array | null;
}

function scatterVector(x: Float64Array | null, map: Int32Array | null, m: number): Float64Array | null {
  if (x === null || map === null) return x;
  const out = new Float64Array(m);
  for (let i = 0; i < map.length; i++) out[map[i]!] = x[i]!;
  return out;
}

function scatterMatrix(x: Float64Array | null, map: Int32Array | null, m: number): Float64Array | null {
  if (x === null || map === null) return x;
  const out = new Float64Array(m * m);
  const k = map.length;
  for (let i = 0; i < k; i++) {
    const row = map[i]! * m;
    for (let j = 0; j < k; j++) out[row + map[j]!] = x[i * k + j]!;
  }
  return out;
}

function lift(x: Jet, map: Int32Array | null, m: number): Lifted {
  return {
    v: x.value,
    g: scatterVector(x.gradient, map, m)!,
    H: scatterMatrix(x.hessian, map, m),
    dv: x.tangentValue,
    dg: scatterVector(x.tangentGradient, map, m),
    dH: scatterMatrix(x.tangentHessian, map, m),
  };
}

/**
 * out += alpha (a b^T + b a^T), symmetric m x m. Each pair (i, j) is computed once and written
 * to both triangles, so every Hessian stays exactly symmetric (and this costs half).
 */
function addSymmetricOuter(out: Float64Array, alpha: number, a: Float64Array, b: Float64Array, m: number): void {
  if (alpha === 0) return;
  for (let i = 0; i < m; i++) {
    const ai = alpha * a[i]!;
    const bi = alpha * b[i]!;
    for (let j = i; j < m; j++) {
      const t = ai * b[j]! + bi * a[j]!;
      out[i * m + j] = out[i * m + j]! + t;
      if (j !== i) out[j * m + i] = out[j * m + i]! + t;
    }
  }
}

/** out += alpha x. */
function axpy(out: Float64Array, alpha: number, x: Float64Array): void {
  if (alpha === 0) return;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + alpha * x[i]!;
}

/** out += w * jet, with jet's direction i at position map[i] of out (identity when map is null). */
function accumulate(out: { g: Float64Array; H: Float64Array | null; dg: Float64Array | null; dH: Float64Array | null }, m: number, jet: Jet, map: Int32Array | null, w: number): void {
  const k = jet.support.length;
  addScattered(out.g, jet.gradient, map, w);
  if (out.dg && jet.tangentGradient) addScattered(out.dg, jet.tangentGradient, map, w);
  if (out.H && jet.hessian) addScatteredMatrix(out.H, m, jet.hessian, k, map, w);
  if (out.dH && jet.tangentHessian) addScatteredMatrix(out.dH, m, jet.tangentHessian, k, map, w);
}

function addScattered(dst: Float64Array, src: Float64Array, map: Int32Array | null, w: number): void {
  if (map === null) for (let i = 0; i < src.length; i++) dst[i] = dst[i]! + w * src[i]!;
  else for (let i = 0; i < src.length; i++) dst[map[i]!] = dst[map[i]!]! + w * src[i]!;
}

function addScatteredMatrix(dst: Float64Array, m: number, src: Float64Array, k: number, map: Int32Array | null, w: number): void {
  if (map === null) {
    for (let i = 0; i < k * k; i++) dst[i] = dst[i]! + w * src[i]!;
    return;
  }
  for (let i = 0; i < k; i++) {
    const row = map[i]! * m;
    const from = i * k;
    for (let j = 0; j < k; j++) dst[row + map[j]!] = dst[row + map[j]!]! + w * src[from + j]!;
  }
}

/**
 * The jet algebra for the given order and tangent. `variable` seeds theta_i; everything else
 * implements `Algebra<Jet>`.
 */
export class JetAlgebra implements Algebra<Jet> {
  readonly order: 1 | 2;
  readonly tangent: boolean;

  constructor(options: JetOptions) {
    this.order = options.order;
    this.tangent = options.tangent;
  }

  private make(support: Int32Array, v: number, g: Float64Array, H: Float64Array | null, dv: number, dg: Float64Array | null, dH: Float64Array | null): Jet {
    return new Jet(support, v, g, this.order === 2 ? H : null, this.tangent ? dv : 0, this.tangent ? dg : null, this.tangent && this.order === 2 ? dH : null);
  }

  /** Fresh zero coefficient arrays for m directions, carved from one buffer (one allocation). */
  private zeros(m: number): { g: Float64Array; H: Float64Array | null; dg: Float64Array | null; dH: Float64Array | null } {
    const second = this.order === 2;
    const m2 = second ? m * m : 0;
    const per = m + m2;
    const buffer = new Float64Array(this.tangent ? 2 * per : per);
    return {
      g: buffer.subarray(0, m),
      H: second ? buffer.subarray(m, per) : null,
      dg: this.tangent ? buffer.subarray(per, per + m) : null,
      dH: this.tangent && second ? buffer.subarray(per + m, 2 * per) : null,
    };
  }

  /**
   * A parameter: value `value`, unit derivative along Taylor direction `direction` (or none
   * when it lies outside the differentiated block, direction < 0), and tangent derivative
   * `tangentValue` (1 for the parameter the tangent pass differentiates by, else 0).
   */
  variable(value: number, direction: number, tangentValue = 0): Jet {
    const support = direction >= 0 ? Int32Array.of(direction) : EMPTY;
    const z = this.zeros(support.length);
    if (direction >= 0) z.g[0] = 1;
    return this.make(support, value, z.g, z.H, tangentValue, z.dg, z.dH);
  }

  constant(c: number): Jet {
    const z = this.zeros(0);
    return this.make(EMPTY, c, z.g, z.H, 0, z.dg, z.dH);
  }

  real(x: Jet): number {
    return x.value;
  }

  /** alpha x + beta y. */
  private combine(x: Jet, alpha: number, y: Jet, beta: number): Jet {
    const { support, inA, inB } = unionOf(x.support, y.support);
    const out = this.zeros(support.length);
    accumulate(out, support.length, x, inA, alpha);
    accumulate(out, support.length, y, inB, beta);
    return this.make(support, alpha * x.value + beta * y.value, out.g, out.H, alpha * x.tangentValue + beta * y.tangentValue, out.dg, out.dH);
  }

  /**
   * \sum_i x_i in one operation: the supports are merged once and every term is added in
   * place, instead of N - 1 pairwise unions and allocations.
   */
  sum(xs: readonly Jet[]): Jet {
    if (xs.length === 0) return this.constant(0);
    if (xs.length === 1) return xs[0]!;
    let size = 0;
    for (const x of xs) for (const i of x.support) size = Math.max(size, i + 1);
    const position = new Int32Array(size).fill(-1);
    for (const x of xs) for (const i of x.support) position[i] = 0;
    let m = 0;
    for (let i = 0; i < size; i++) if (position[i] === 0) position[i] = m++;
    const support = new Int32Array(m);
    for (let i = 0; i < size; i++) if (position[i]! >= 0) support[position[i]!] = i;
    const out = this.zeros(m);
    let v = 0;
    let dv = 0;
    for (const x of xs) {
      const map = x.support.length === m ? null : Int32Array.from(x.support, (i) => position[i]!);
      accumulate(out, m, x, map, 1);
      v += x.value;
      dv += x.tangentValue;
    }
    return this.make(support, v, out.g, out.H, dv, out.dg, out.dH);
  }

  add(x: Jet, y: Jet): Jet {
    return this.combine(x, 1, y, 1);
  }

  sub(x: Jet, y: Jet): Jet {
    return this.combine(x, 1, y, -1);
  }

  scale(x: Jet, c: number): Jet {
    const out = this.zeros(x.support.length);
    accumulate(out, x.support.length, x, null, c);
    return this.make(x.support, c * x.value, out.g, out.H, c * x.tangentValue, out.dg, out.dH);
  }

  neg(x: Jet): Jet {
    return this.scale(x, -1);
  }

  shift(x: Jet, c: number): Jet {
    return this.make(x.support, x.value + c, x.gradient, x.hessian, x.tangentValue, x.tangentGradient, x.tangentHessian);
  }

  mul(x: Jet, y: Jet): Jet {
    const { support, inA, inB } = unionOf(x.support, y.support);
    const m = support.length;
    const X = lift(x, inA, m);
    const Y = lift(y, inB, m);
    const out = this.zeros(m);
    // g = a g_y + b g_x
    axpy(out.g, X.v, Y.g);
    axpy(out.g, Y.v, X.g);
    if (out.H) {
      // H = a H_y + b H_x + g_x g_y^T + g_y g_x^T
      axpy(out.H, X.v, Y.H!);
      axpy(out.H, Y.v, X.H!);
      addSymmetricOuter(out.H, 1, X.g, Y.g, m);
    }
    if (out.dg) {
      // dg = da g_y + a dg_y + db g_x + b dg_x
      axpy(out.dg, X.dv, Y.g);
      axpy(out.dg, X.v, Y.dg!);
      axpy(out.dg, Y.dv, X.g);
      axpy(out.dg, Y.v, X.dg!);
    }
    if (out.dH) {
      // dH = da H_y + a dH_y + db H_x + b dH_x + (dg_x g_y^T + g_y dg_x^T) + (g_x dg_y^T + dg_y g_x^T)
      axpy(out.dH, X.dv, Y.H!);
      axpy(out.dH, X.v, Y.dH!);
      axpy(out.dH, Y.dv, X.H!);
      axpy(out.dH, Y.v, X.dH!);
      addSymmetricOuter(out.dH, 1, X.dg!, Y.g, m);
      addSymmetricOuter(out.dH, 1, X.g, Y.dg!, m);
    }
    return this.make(support, X.v * Y.v, out.g, out.H, X.dv * Y.v + X.v * Y.dv, out.dg, out.dH);
  }

  /** f(x) for a scalar function with value and derivatives `rule(x.value)`. */
  apply(x: Jet, rule: (a: number) => Derivatives): Jet {
    const [f0, f1, f2, f3] = rule(x.value);
    const m = x.support.length;
    const out = this.zeros(m);
    const dv = x.tangentValue;
    axpy(out.g, f1, x.gradient);
    if (out.H) {
      axpy(out.H, f1, x.hessian!);
      addSymmetricOuter(out.H, f2 / 2, x.gradient, x.gradient, m);
    }
    if (out.dg) {
      axpy(out.dg, f2 * dv, x.gradient);
      axpy(out.dg, f1, x.tangentGradient!);
    }
    if (out.dH) {
      axpy(out.dH, f2 * dv, x.hessian!);
      axpy(out.dH, f1, x.tangentHessian!);
      addSymmetricOuter(out.dH, (f3 * dv) / 2, x.gradient, x.gradient, m);
      addSymmetricOuter(out.dH, f2, x.tangentGradient!, x.gradient, m);
    }
    return this.make(x.support, f0, out.g, out.H, f1 * dv, out.dg, out.dH);
  }

  div(x: Jet, y: Jet): Jet {
    return this.mul(x, this.apply(y, reciprocalRule));
  }

  exp(x: Jet): Jet {
    return this.apply(x, expRule);
  }

  expm1(x: Jet): Jet {
    return this.apply(x, expm1Rule);
  }

  log(x: Jet): Jet {
    return this.apply(x, logRule);
  }

  log1p(x: Jet): Jet {
    return this.apply(x, log1pRule);
  }

  erfc(x: Jet): Jet {
    return this.apply(x, erfcRule);
  }

  sqrt(x: Jet): Jet {
    return this.apply(x, sqrtRule);
  }

  linearize(x: Jet): Jet {
    const m = x.support.length;
    const H = this.order === 2 ? new Float64Array(m * m) : null;
    const dH = this.order === 2 && this.tangent ? new Float64Array(m * m) : null;
    return this.make(x.support, x.value, x.gradient, H, x.tangentValue, x.tangentGradient, dH);
  }
}

/** The Hessian of a jet as a dense n x n matrix over directions 0..n-1 (zeros off-support). */
export function denseHessianOf(x: Jet, n: number, tangent = false): Float64Array {
  const src = tangent ? x.tangentHessian : x.hessian;
  const out = new Float64Array(n * n);
  if (!src) return out;
  const s = x.support;
  const m = s.length;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[s[i]! * n + s[j]!] = src[i * m + j]!;
  return out;
}

/** The gradient of a jet as a dense length-n vector (zeros off-support). */
export function denseGradientOf(x: Jet, n: number, tangent = false): Float64Array {
  const src = tangent ? x.tangentGradient : x.gradient;
  const out = new Float64Array(n);
  if (!src) return out;
  for (let i = 0; i < x.support.length; i++) out[x.support[i]!] = src[i]!;
  return out;
}
