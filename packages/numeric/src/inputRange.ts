/**
 * Which finite inputs the closed forms can evaluate in float64. T2 = tr H^2 is quartic in the
 * inputs and in the hidden activations: its pair sums multiply K^x_{nm}^2 and K^z_{nm}^2
 * (eq:trace-h2), squares of Gram entries x~_n . x~_m and z~_n . z~_m. A row with |x~_n| near
 * MAX_VALUE^{1/4} ~ 1.16e77 makes K^x_{nn}^2 overflow to Infinity, and
 * Infinity times an exactly zero curvature (a saturated unit) is NaN: the closed form would
 * print null where the dense Hessian is finite. Such inputs are refused by name before any
 * work instead; below the limit every Gram entry and its square are finite, and what still
 * overflows is a T2 genuinely beyond float64 (`findOutputOverflow` names it).
 *
 * Cost: one pass over X and one forward pass, O(N(hd + ch)). Verified by `inputRange.test.ts`
 * (rows at and around the limit, saturated and linear activations, overflowing logits).
 */
import { type ForwardPass, forwardPass } from './network.ts';
import type { Dataset, Model } from './types.ts';

/**
 * The largest row norm accepted, 2^255 ~ 5.8e76: its Gram entry is below 2^510 and the square
 * below 2^1020, a factor 16 under MAX_VALUE ~ 2^1024 for the sums of those squares. (The
 * rounded MAX_VALUE^{1/4} itself is too large: its fourth power overflows.)
 */
export const MAX_ROW_NORM = 2 ** 255;

/** What is out of range, where: the sample, and for the inputs the feature with the largest |x|. */
export interface RangeProblem {
  /**
   * `input`: a row |x~_n| >= MAX_ROW_NORM; `pre-activation`: u_n = W x_n + b overflows;
   * `hidden`: a row |z~_n| >= MAX_ROW_NORM (linear-growth activations); `logit`: v_n = V z_n + a overflows.
   */
  readonly kind: 'input' | 'pre-activation' | 'hidden' | 'logit';
  readonly sample: number;
  /** The feature (input), hidden unit or class with the largest magnitude in that row. */
  readonly index: number;
  /** |x~_n| or |z~_n| (may be Infinity), or the largest |u| or |v| entry. */
  readonly magnitude: number;
}

/** Euclidean norm of `count` entries of `x` from `offset` (plus `extra`^2), without overflow or underflow. */
function scaledNorm(x: Float64Array, offset: number, count: number, extra: number): { norm: number; index: number } {
  let max = Math.abs(extra);
  let index = -1;
  for (let j = 0; j < count; j++) {
    const a = Math.abs(x[offset + j]!);
    if (!Number.isFinite(a)) return { norm: Infinity, index: j };
    if (a > max || (index < 0 && a === max)) {
      max = a;
      index = j;
    }
  }
  if (max === 0) return { norm: 0, index: Math.max(index, 0) };
  let sum = (extra / max) ** 2;
  for (let j = 0; j < count; j++) sum += (x[offset + j]! / max) ** 2;
  return { norm: max * Math.sqrt(sum), index: Math.max(index, 0) };
}

/** The first sample whose inputs are out of range (see the module comment), or null. O(Nd). */
export function findInputRangeProblem(data: Dataset, bias: boolean): RangeProblem | null {
  const d = data.features;
  for (let n = 0; n < data.samples; n++) {
    const { norm, index } = scaledNorm(data.X, n * d, d, bias ? 1 : 0);
    if (!(norm < MAX_ROW_NORM)) return { kind: 'input', sample: n, index, magnitude: norm };
  }
  return null;
}

/**
 * The first out-of-range quantity of a model on a data set, in the order the forward pass
 * meets them (inputs, pre-activations, hidden activations, logits), or null when the closed
 * forms' intermediates are all finite. O(N(hd + ch)).
 */
export function findRangeProblem(model: Model, data: Dataset, fp?: ForwardPass): RangeProblem | null {
  const input = findInputRangeProblem(data, model.b !== null);
  if (input !== null) return input;
  const pass = fp ?? forwardPass(model, data);
  const { samples: N, hiddenDim: h, classes: c, augmentedHiddenDim: ht } = pass;
  for (let n = 0; n < N; n++) {
    const u = scaledNorm(pass.u, n * h, h, 0);
    if (!Number.isFinite(u.norm)) return { kind: 'pre-activation', sample: n, index: u.index, magnitude: Math.abs(pass.u[n * h + u.index]!) };
    const z = scaledNorm(pass.zt, n * ht, h, ht > h ? 1 : 0);
    if (!(z.norm < MAX_ROW_NORM)) return { kind: 'hidden', sample: n, index: z.index, magnitude: z.norm };
    for (let k = 0; k < c; k++) {
      const v = pass.v[n * c + k]!;
      if (!Number.isFinite(v)) return { kind: 'logit', sample: n, index: k, magnitude: Math.abs(v) };
    }
  }
  return null;
}

/**
 * The name of the first non-finite output among `outputs` (scalars or arrays, in the order
 * given), or null when every one is finite: the last guard before a result is printed, so an
 * overflow is an error naming the quantity rather than a NaN or null with exit 0.
 */
export function findOutputOverflow(outputs: Readonly<Record<string, number | ArrayLike<number>>>): string | null {
  for (const [name, value] of Object.entries(outputs)) {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return name;
    } else {
      for (let i = 0; i < value.length; i++) if (!Number.isFinite(value[i]!)) return name;
    }
  }
  return null;
}
