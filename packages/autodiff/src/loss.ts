/**
 * The loss of docs/mathematics.md §1, written once over a generic number type (eq:loss):
 *
 *   u_n = W x_n + b,\quad z_n = \varphi(u_n),\quad v_n = V z_n + a,\quad
 *   \ell_n = \ell(v_n, y_n),\quad
 *   L = \tfrac1N\sum_n \ell_n \ (\text{mean})\ \text{or}\ \sum_n \ell_n \ (\text{sum}),
 *
 * with \ell the model's loss, written here from its definition (LOSS_DEFINITIONS), never from
 * numeric's g, S or third-derivative rows: cross-entropy \log\sum_k e^{v_{nk} - \mu_n} + \mu_n - v_{n,y_n}
 * with \mu_n = \max_k \operatorname{Re} v_{nk}, a constant (not differentiated: the identity holds
 * for any constant), so no exp overflows; label smoothing the cross-entropy against
 * (1 - \epsilon)y + \epsilon/c; mse \tfrac12\|v - y\|^2; binary cross-entropy
 * \sum_k \mathrm{softplus}(v_k) - y_kv_k. Parameters come in as theta in the contract order
 * of `@hsr/numeric`'s parameters.ts, theta = (vec_row [W|b], vec_row [V|a]); `parametersOf`
 * re-derives that layout here and `oracle.test.ts` checks it against `unflattenParameters`.
 *
 * Gauss–Newton: with `linearizeLogits`, each v_n is replaced by its first-order truncation
 * in the Taylor directions, v_n(\theta_0) + J_n(\theta - \theta_0). The Hessian of
 * \theta \mapsto \sum_n \ell(v_n(\theta_0) + J_n(\theta-\theta_0)) at \theta_0 is exactly
 * \sum_n J_n^\top S_n J_n (S_n the softmax-CE Hessian in v), i.e. the Gauss–Newton matrix; the
 * truncation keeps the dependence of v_n and J_n on the tangent direction, so its third-order
 * passes differentiate J^\top S J itself.
 *
 * Cost: O(N(hd + ch)) algebra operations.
 */
import { DEFAULT_LABEL_SMOOTHING, DEFAULT_LOSS, type Dataset, type Loss, type Model, type Reduction } from '@hsr/numeric';
import { activationOver } from './activations.ts';
import type { Algebra } from './algebra.ts';

/** W, b, V, a as generic numbers, read from theta in the contract order. */
export interface GenericParameters<T> {
  /** h x d, row-major. */
  readonly W: T[];
  readonly b: T[] | null;
  /** c x h, row-major. */
  readonly V: T[];
  readonly a: T[] | null;
}

/** Split theta (length P) into W, b, V, a following the flattening contract. */
export function parametersOf<T>(model: Model, theta: readonly T[]): GenericParameters<T> {
  const { inputDim: d, hiddenDim: h, classes: c } = model;
  const bias = model.b !== null;
  const dt = d + (bias ? 1 : 0);
  const ht = h + (bias ? 1 : 0);
  const first = h * dt;
  if (theta.length !== first + c * ht) throw new RangeError(`theta has length ${theta.length}, expected ${first + c * ht}`);
  const W: T[] = [];
  const V: T[] = [];
  const b: T[] | null = bias ? [] : null;
  const a: T[] | null = bias ? [] : null;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < d; j++) W.push(theta[i * dt + j]!);
    if (b) b.push(theta[i * dt + d]!);
  }
  for (let k = 0; k < c; k++) {
    for (let l = 0; l < h; l++) V.push(theta[first + k * ht + l]!);
    if (a) a.push(theta[first + k * ht + h]!);
  }
  return { W, b, V, a };
}

export interface LossOptions {
  readonly reduction: Reduction;
  /** Replace the logits by their first-order truncation (Gauss–Newton curvature). */
  readonly linearizeLogits?: boolean;
}

/** The logits v_n = V phi(W x_n + b) + a of sample n. */
export function logitsOver<T>(A: Algebra<T>, model: Model, params: GenericParameters<T>, data: Dataset, n: number): T[] {
  const { inputDim: d, hiddenDim: h, classes: c } = model;
  const z: T[] = [];
  for (let i = 0; i < h; i++) {
    const terms: T[] = [];
    for (let j = 0; j < d; j++) terms.push(A.scale(params.W[i * d + j]!, data.X[n * d + j]!));
    if (params.b) terms.push(params.b[i]!);
    z.push(activationOver(A, model.activation, A.sum(terms)));
  }
  const v: T[] = [];
  for (let k = 0; k < c; k++) {
    const terms: T[] = [];
    for (let l = 0; l < h; l++) terms.push(A.mul(params.V[k * h + l]!, z[l]!));
    if (params.a) terms.push(params.a[k]!);
    v.push(A.sum(terms));
  }
  return v;
}

/** lse(v) - v_y, shifted by the largest real part. */
export function crossEntropyOver<T>(A: Algebra<T>, v: readonly T[], label: number): T {
  return A.sub(logSumExpOver(A, v), v[label]!);
}

/** log-sum-exp shifted by the largest real part (the shift is a constant: not differentiated). */
function logSumExpOver<T>(A: Algebra<T>, v: readonly T[]): T {
  let mu = -Infinity;
  for (const vk of v) mu = Math.max(mu, A.real(vk));
  return A.shift(A.log(A.sum(v.map((vk) => A.exp(A.shift(vk, -mu))))), mu);
}

/** softplus(x) = log(1 + e^x), as x + log1p(e^-x) for positive real part (same function, no overflow). */
function softplusOver<T>(A: Algebra<T>, x: T): T {
  return A.real(x) > 0 ? A.add(x, A.log1p(A.exp(A.neg(x)))) : A.log1p(A.exp(x));
}

/** One sample's loss l(v, y) from its definition, over any algebra (eps: label smoothing's epsilon). */
export type LossDefinition = <T>(A: Algebra<T>, v: readonly T[], label: number, eps: number) => T;

/** Each loss's definition, exhaustively (a new Loss without one is a compile error). */
export const LOSS_DEFINITIONS: { readonly [L in Loss]: LossDefinition } = {
  'cross-entropy': (A, v, label) => crossEntropyOver(A, v, label),
  // -sum_k t_k log softmax(v)_k with t = (1 - eps) e_y + eps/c.
  'label-smoothing': (A, v, label, eps) => {
    const c = v.length;
    const lse = logSumExpOver(A, v);
    return A.sum(v.map((vk, k) => A.scale(A.sub(lse, vk), (k === label ? 1 - eps : 0) + eps / c)));
  },
  mse: (A, v, label) =>
    A.scale(
      A.sum(
        v.map((vk, k) => {
          const r = A.shift(vk, k === label ? -1 : 0);
          return A.mul(r, r);
        }),
      ),
      0.5,
    ),
  'binary-cross-entropy': (A, v, label) => A.sum(v.map((vk, k) => (k === label ? A.sub(softplusOver(A, vk), vk) : softplusOver(A, vk)))),
};

/** L(theta) over any algebra: the one definition every derivative here comes from. */
export function lossOver<T>(A: Algebra<T>, model: Model, theta: readonly T[], data: Dataset, options: LossOptions): T {
  if (data.features !== model.inputDim) throw new RangeError(`data has ${data.features} features, model expects ${model.inputDim}`);
  const params = parametersOf(model, theta);
  const definition = LOSS_DEFINITIONS[model.loss ?? DEFAULT_LOSS];
  const eps = model.labelSmoothing ?? DEFAULT_LABEL_SMOOTHING;
  const losses: T[] = [];
  for (let n = 0; n < data.samples; n++) {
    const label = data.y[n]!;
    if (!(label >= 0 && label < model.classes)) throw new RangeError(`label ${label} of sample ${n} is outside 0..${model.classes - 1}`);
    let v = logitsOver(A, model, params, data, n);
    if (options.linearizeLogits) v = v.map((vk) => A.linearize(vk));
    losses.push(definition(A, v, label, eps));
  }
  const total = A.sum(losses);
  return options.reduction === 'mean' ? A.scale(total, 1 / data.samples) : total;
}
