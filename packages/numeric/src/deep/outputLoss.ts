/**
 * The one door through which the deep closed forms touch the loss: per sample n, the value
 * \ell(v_n), g_n = \partial\ell/\partial v_n, S_n = \partial^2\ell/\partial v_n^2 (c x c, without
 * cancellation), tr S_n, and for the gradients the third-derivative contraction
 * \partial\langle S_n, Q\rangle/\partial v_n for a c x c adjoint Q. Nothing in `deep/` knows which
 * loss it is; a loss table with one rule of this shape per loss plugs in here.
 *
 * Implemented for the softmax cross-entropy by the saturation-safe pieces of the two-layer code
 * (softmaxCrossEntropy: stable log-sum-exp and g_y without 1 - p_y; softmaxCovarianceInto and
 * softmaxCovarianceTrace: S_n and tr S_n without 1 - p_max), so the L = 2 deep path sees the
 * same per-sample numbers as the three-layer one.
 */
import { softmaxCovarianceTrace } from '../hessianTrace.ts';
import { softmaxCrossEntropy } from '../network.ts';
import { softmaxCovarianceInto } from '../sampleCurvature.ts';

/** Per-sample loss quantities of N samples with c outputs. */
export interface OutputLossValues {
  readonly samples: number;
  readonly outputs: number;
  /** N losses \ell(v_n). */
  readonly losses: Float64Array;
  /** N x c: g_n. */
  readonly g: Float64Array;
  /** What the loss needs to form S_n and its derivatives (cross-entropy: p_n, N x c). */
  readonly state: Float64Array;
}

export interface OutputLoss {
  readonly name: string;
  /** \ell(v_n) and g_n for every sample, from the N x c logits v and the labels y. O(Nc). */
  evaluate(v: Float64Array, y: Int32Array, N: number, c: number): OutputLossValues;
  /** S_n into S[o ..] (c x c row-major). O(c^2). */
  curvatureInto(values: OutputLossValues, n: number, S: Float64Array, o: number): void;
  /** tr S_n. O(c). */
  curvatureTrace(values: OutputLossValues, n: number): number;
  /** out[oo ..] += \partial\langle S_n, Q\rangle/\partial v_n for Q = Q[qo ..] (c x c). O(c^2). */
  curvatureAdjointInto(values: OutputLossValues, n: number, Q: Float64Array, qo: number, out: Float64Array, oo: number): void;
}

/**
 * Softmax cross-entropy \ell(v) = \operatorname{lse}(v) - v_y: g = p - e_y, S = diag p - p p^T and
 * \partial\langle S, Q\rangle/\partial v = S(\mathrm{diag}\,Q - (Q + Q^\top)p) (eq:loss, eq:softmax-covariance).
 */
export const CROSS_ENTROPY_LOSS: OutputLoss = {
  name: 'cross-entropy',
  evaluate(v, y, N, c) {
    const p = new Float64Array(N * c);
    const g = new Float64Array(N * c);
    const losses = new Float64Array(N);
    for (let n = 0; n < N; n++) softmaxCrossEntropy(v, n, c, y[n]!, p, g, losses);
    return { samples: N, outputs: c, losses, g, state: p };
  },
  curvatureInto(values, n, S, o) {
    softmaxCovarianceInto(values.state, n, values.outputs, S, o);
  },
  curvatureTrace(values, n) {
    return softmaxCovarianceTrace(values.state, n, values.outputs);
  },
  curvatureAdjointInto(values, n, Q, qo, out, oo) {
    const c = values.outputs;
    const p = values.state;
    const pn = n * c;
    // r = diag Q - (Q + Q^T) p, then out += S r with the cancellation-free S.
    const r = new Float64Array(c);
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let l = 0; l < c; l++) s += (Q[qo + k * c + l]! + Q[qo + l * c + k]!) * p[pn + l]!;
      r[k] = Q[qo + k * c + k]! - s;
    }
    const S = new Float64Array(c * c);
    softmaxCovarianceInto(p, n, c, S, 0);
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let l = 0; l < c; l++) s += S[k * c + l]! * r[l]!;
      out[oo + k]! += s;
    }
  },
};
