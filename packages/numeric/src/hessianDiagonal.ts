/**
 * The diagonal of the Hessian (or its Gauss–Newton part) of any block in closed form, without
 * forming H: the cross block H_WV has no diagonal entries, so only the diagonals of the two
 * Kronecker-sum blocks of eq:hessian-blocks remain (docs/mathematics.md §3):
 *
 * eq:hessian-diagonal
 *   (H_{WW})_{(i,j),(i,j)} = \kappa\sum_n (A_n)_{ii}\,\tilde x_{nj}^2,\qquad
 *   (H_{VV})_{(k,l),(k,l)} = \kappa\sum_n (S_n)_{kk}\,\tilde z_{nl}^2,
 *   (A_n)_{ii} = \varphi'^2_{ni}\sum_k p_{nk}(V_{ki} - \bar v_{ni})^2 + \delta_{ni}\varphi''_{ni},\quad \bar v_{ni} = \sum_k p_{nk}V_{ki},
 *   (S_n)_{kk} = p_{nk}(1 - p_{nk}),
 *
 * for cross-entropy and label smoothing (S_n the softmax covariance); for the other losses
 * (V^T S_n V)_{ii} = \sum_{kl}V_{ki}(S_n)_{kl}V_{li} and (S_n)_{kk} from the loss's S_n (losses.ts),
 * whose S_n is diagonal and non-negative, so no cancellation either.
 * where (V^T S_n V)_{ii} = \sum_k p_k V_{ki}^2 - \bar v_i^2 is evaluated as the weighted variance
 * \sum_k p_k (V_{ki} - \bar v_i)^2 (every term >= 0, no cancellation), and 1 - p_{nk} for the
 * largest probability is the sum of the others (as softmaxCovarianceTrace does), so saturated
 * samples keep their relative accuracy. Gauss–Newton drops \delta\varphi''. kappa = 1/N (mean)
 * or 1 (sum). Its sum is T1 (eq:trace-h); its squares' sum is what the variance of Rademacher
 * Hutchinson needs (eq:hutchinson-trace).
 * Cost O(N(hc + h\tilde d + c\tilde h)) = O(NP); memory O(P + N(h + c)).
 * Derived here; verified by `hessianDiagonal.test.ts` (equals the dense Hessian's diagonal on
 * every activation x bias x block x curvature x reduction, sums to hessianTraces' T1).
 */
import { forwardPass, reductionScale, type ForwardPass } from './network.ts';
import { weightedRowSums } from './parallel/kernels.ts';
import { LOSSES } from './losses.ts';
import { lossOf, type Dataset, type Model, type Variant } from './types.ts';

/** The diagonal of the block's Hessian (eq:hessian-diagonal), in theta order restricted to the block. */
export function hessianDiagonal(model: Model, data: Dataset, variant: Variant, fp: ForwardPass = forwardPass(model, data)): Float64Array {
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht } = fp;
  const kappa = reductionScale(variant.reduction, N);
  const first = variant.block !== 'second';
  const second = variant.block !== 'first';
  const out = new Float64Array((first ? h * dt : 0) + (second ? c * ht : 0));
  const V = model.V;
  const rule = LOSSES[lossOf(model)];
  // Losses whose S_n is not the softmax covariance: S_n formed once per sample by the rule
  // (diagonal for mse and binary cross-entropy, so (V^T S V)_ii = sum_k S_kk V_ki^2, all terms >= 0).
  const Sn = rule.softmaxCurvature ? null : new Float64Array(c * c);
  if (first) {
    // aT[i * N + n] = kappa (A_n)_ii; X2 = x~^2 elementwise.
    const aT = new Float64Array(h * N);
    for (let n = 0; n < N; n++) {
      const pn = n * c;
      if (Sn) rule.curvature(fp.v, fp.p, n, c, Sn, 0);
      for (let i = 0; i < h; i++) {
        let variance = 0;
        if (Sn) {
          for (let k = 0; k < c; k++) {
            let row = 0;
            for (let l = 0; l < c; l++) row += Sn[k * c + l]! * V[l * h + i]!;
            variance += V[k * h + i]! * row;
          }
        } else {
          let mean = 0;
          for (let k = 0; k < c; k++) mean += fp.p[pn + k]! * V[k * h + i]!;
          for (let k = 0; k < c; k++) variance += fp.p[pn + k]! * (V[k * h + i]! - mean) ** 2;
        }
        const d1 = fp.d1[n * h + i]!;
        let a = d1 * d1 * variance;
        if (variant.curvature === 'hessian') {
          let delta = 0;
          for (let k = 0; k < c; k++) delta += V[k * h + i]! * fp.g[pn + k]!;
          a += delta * fp.d2[n * h + i]!;
        }
        aT[i * N + n] = kappa * a;
      }
    }
    const X2 = Float64Array.from(fp.xt, (x) => x * x);
    weightedRowSums(aT, N, X2, N, dt, out, 0, h);
  }
  if (second) {
    const sT = new Float64Array(c * N);
    for (let n = 0; n < N; n++) {
      const pn = n * c;
      if (Sn) {
        rule.curvature(fp.v, fp.p, n, c, Sn, 0);
        for (let k = 0; k < c; k++) sT[k * N + n] = kappa * Sn[k * c + k]!;
        continue;
      }
      let top = 0;
      for (let k = 1; k < c; k++) if (fp.p[pn + k]! > fp.p[pn + top]!) top = k;
      let others = 0;
      for (let k = 0; k < c; k++) if (k !== top) others += fp.p[pn + k]!;
      for (let k = 0; k < c; k++) {
        const pk = fp.p[pn + k]!;
        sT[k * N + n] = kappa * pk * (k === top ? others : 1 - pk);
      }
    }
    const Z2 = Float64Array.from(fp.zt, (z) => z * z);
    weightedRowSums(sT, N, Z2, N, ht, out.subarray(first ? h * dt : 0), 0, c);
  }
  return out;
}
