/**
 * The one door through which the deep closed forms touch the loss: per sample n, the value
 * \ell(v_n), g_n = \partial\ell/\partial v_n, S_n = \partial^2\ell/\partial v_n^2 (c x c, without
 * cancellation), tr S_n, and for the gradients the third-derivative contraction
 * \partial\langle S_n, Q\rangle/\partial v_n for a c x c adjoint Q. Nothing in `deep/` knows which
 * loss it is.
 *
 * Every loss of numeric's table (losses.ts, eq:loss-table) is served through this door by
 * `outputLossFor`, which only calls the table's rules (forward, curvature, curvatureTrace,
 * applyCurvature, and logitAdjoint with \bar g = 0 and no trace seed, which is exactly \partial\langle S, Q\rangle/\partial v):
 * no formula is written twice, and the deep path at L = 2 sees the same per-sample numbers, bit
 * for bit, as the three-layer one. The loss of a layered model is its `loss` field (absent:
 * cross-entropy) with `labelSmoothing`'s eps (`outputLossOf`).
 */
import { LOSSES } from '../losses.ts';
import { DEFAULT_LABEL_SMOOTHING, DEFAULT_LOSS, type Loss } from '../types.ts';

/** Per-sample loss quantities of N samples with c outputs. */
export interface OutputLossValues {
  readonly samples: number;
  readonly outputs: number;
  /** N losses \ell(v_n). */
  readonly losses: Float64Array;
  /** N x c: g_n. */
  readonly g: Float64Array;
  /** N x c: the logits v_n and p_n = softmax(v_n), from which the rules form S_n and its derivatives. */
  readonly v: Float64Array;
  readonly p: Float64Array;
}

export interface OutputLoss {
  readonly name: Loss;
  /** \ell(v_n) and g_n for every sample, from the N x c logits v and the labels y. O(Nc). */
  evaluate(v: Float64Array, y: Int32Array, N: number, c: number): OutputLossValues;
  /** S_n into S[o ..] (c x c row-major). O(c^2). */
  curvatureInto(values: OutputLossValues, n: number, S: Float64Array, o: number): void;
  /** tr S_n. O(c). */
  curvatureTrace(values: OutputLossValues, n: number): number;
  /** out = S_n x (c entries each), by the rule's matrix-free product. O(c). */
  curvatureApply(values: OutputLossValues, n: number, x: Float64Array, out: Float64Array): void;
  /** out[oo ..] += \partial\langle S_n, Q\rangle/\partial v_n for Q = Q[qo ..] (c x c). O(c^2). */
  curvatureAdjointInto(values: OutputLossValues, n: number, Q: Float64Array, qo: number, out: Float64Array, oo: number): void;
}

/** The loss `name` of numeric's table (eps: label smoothing's epsilon, ignored by the others). */
export function outputLossFor(name: Loss, eps: number = DEFAULT_LABEL_SMOOTHING): OutputLoss {
  const rule = LOSSES[name];
  return {
    name,
    evaluate(v, y, N, c) {
      const p = new Float64Array(N * c);
      const g = new Float64Array(N * c);
      const losses = new Float64Array(N);
      for (let n = 0; n < N; n++) rule.forward(v, n, c, y[n]!, eps, p, g, losses);
      return { samples: N, outputs: c, losses, g, v, p };
    },
    curvatureInto(values, n, S, o) {
      rule.curvature(values.v, values.p, n, values.outputs, S, o);
    },
    curvatureTrace(values, n) {
      return rule.curvatureTrace(values.v, values.p, n, values.outputs);
    },
    curvatureApply(values, n, x, out) {
      rule.applyCurvature(values.v, values.p, n, values.outputs, x, out);
    },
    curvatureAdjointInto(values, n, Q, qo, out, oo) {
      const c = values.outputs;
      const S = new Float64Array(c * c);
      rule.curvature(values.v, values.p, n, c, S, 0);
      const rv = new Float64Array(c);
      rule.logitAdjoint(values.v, values.p, n, c, S, 0, Q.subarray(qo, qo + c * c), new Float64Array(c), 0, 0, new Float64Array(c), rv);
      for (let k = 0; k < c; k++) out[oo + k]! += rv[k]!;
    },
  };
}

/** Softmax cross-entropy, the default loss. */
export const CROSS_ENTROPY_LOSS: OutputLoss = outputLossFor(DEFAULT_LOSS);

/** The loss of a layered model: its `loss` (absent: cross-entropy) with its `labelSmoothing`. */
export function outputLossOf(model: { readonly loss?: Loss | undefined; readonly labelSmoothing?: number | undefined }): OutputLoss {
  if (model.loss === undefined || (model.loss === DEFAULT_LOSS && model.labelSmoothing === undefined)) return CROSS_ENTROPY_LOSS;
  return outputLossFor(model.loss, model.labelSmoothing ?? DEFAULT_LABEL_SMOOTHING);
}
