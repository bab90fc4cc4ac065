/**
 * The closed forms T1 = tr H and T2 = tr H^2 = ||H||_F^2 (docs/mathematics.md §4), from per-sample
 * quantities and the Gram matrices K^x_{nm} = x~_n.x~_m, K^z_{nm} = z~_n.z~_m, never from a
 * P x P matrix.
 *
 * eq:trace-h
 *   T_1 = \kappa\sum_n\Big[\|\tilde x_n\|^2\,\mathrm{tr}A_n + \mathrm{tr}S_n\,\|\tilde z_n\|^2\Big]
 *
 * eq:trace-h2
 *   T_2 = \kappa^2\sum_{n,m}\Big[(K^x_{nm})^2\langle A_n,A_m\rangle + (K^z_{nm})^2\langle S_n,S_m\rangle + 2K^x_{nm}\Gamma_{nm}\Big]
 *   \Gamma_{nm} = K^z_{nm}\mathrm{tr}(C_n^\top C_m) + g_m^\top S_nV(\varphi'_n\odot\varphi'_m\odot z_n)
 *                 + g_n^\top S_mV(\varphi'_n\odot\varphi'_m\odot z_m) + (g_n^\top g_m)(\varphi'^\top_n\varphi'_m)
 *   \langle S_n,S_m\rangle = \sum_k p_{nk}p_{mk}(1-p_{nk}-p_{mk}) + (p_n^\top p_m)^2   (cross-entropy)
 *
 * for any loss on the logits with g_n = \partial\ell/\partial v_n and S_n = \partial^2\ell/\partial v_n^2
 * (losses.ts; tr S_n = 1 - \|p_n\|^2 for cross-entropy, c for mse): nothing else in the
 * derivation uses the loss (docs/mathematics.md §8).
 * kappa = 1/N (mean) or 1 (sum). Block `first` keeps only the (K^x)^2 term (and the x-part of
 * T1), block `second` only the (K^z)^2 term (and the z-part of T1), `all` everything; the
 * 2 K^x Gamma term is twice the squared Frobenius norm of the cross block H_WV.
 * Gauss-Newton: A_n loses diag(delta phi'') (see sampleCurvature.ts) and Gamma keeps only its
 * first term (the other three come from the g-term of the cross block).
 * The same formula holds with and without biases: augmentation only changes the Gram
 * matrices, and the g 1[l=i] term only ever touches unaugmented hidden indices.
 *
 * Evaluation (derived here from the formula above, same sums in a different order; the engine
 * is traceEngine.ts, the choice of contraction parallel/costModel.ts, the whole story
 * docs/performance.md): every pair term is
 *   c_t\sum_{nm}(K^x_{nm})^\alpha(K^z_{nm})^\beta B(X_n, X_m)
 * over a per-sample stack X: the packed upper triangles of A_n with off-diagonal entries scaled
 * by \sqrt2 (so that row dot products are Frobenius products of the symmetric A_n; alpha = 2),
 * the cancellation-free S_n (beta = 2), C_n (alpha = beta = 1, c_t = 2) and, for the full
 * Hessian, [Y_n | O_n] with Y_n = B_n diag(phi'_n . z_n), O_n = g_n phi'_n^T and
 * B = <Y, O'> + <O, Y'> + <O, O'> (the three g-terms of Gamma_{nm}, alpha = 1, c_t = 2).
 * Each is evaluated either over the pairs, as c_t sum_n [W_nn B(X_n, X_n) + 2 B(X_n, U_n)] with
 * U_n = sum_{m>n} W_nm X_m in tiles of rows and blocks of columns (nothing of size N^2 is held),
 * or in the feature space, c_t B(X-frak, X-frak) with X-frak = sum_n Phi_n (x) X_n and
 * <Phi_n, Phi_m> = (K^x_nm)^alpha (K^z_nm)^beta, whichever the cost model finds cheaper.
 * T1 and T2 are exact sums of per-row parts, so threads and shards never change a bit.
 * Cost: pairs N^2 w/2 per term (A: N^2 h^2/4 dominates at MNIST size) plus N^2 (d~ + h~)/2 for
 * the Grams, features N f w; O(N(h^2/2 + c^2 + 3ch)) memory: never anything of size N^2 or P^2.
 * The naive per-pair version (the sums above written over (n, m), with Gamma_{nm} term by
 * term) is kept on the test side as the reference it is checked against (@hsr/testkit
 * pairSumTraceH2). Derived here; verified by `trace-equals-eigenvalue-sum`,
 * `trace2-equals-eigenvalue-square-sum`, `hessianTrace.test.ts` (dense Hessian traces on every
 * activation x bias x block x curvature), the autodiff oracle and the PyTorch golden fixtures.
 */
import type { ForwardPass } from './network.ts';
import { softmaxCovarianceInto } from './losses.ts';
import { gemm, rowDotProducts } from './parallel/kernels.ts';
import type { SampleCurvature } from './sampleCurvature.ts';
import { evaluateTraces, packRow, tracesFromParts, type TraceOptions } from './traceEngine.ts';
import type { Dataset, Model, Variant } from './types.ts';

export interface HessianTraces {
  /** T1 = tr H of the chosen block. */
  readonly traceH: number;
  /** T2 = tr H^2 = ||H||_F^2 of the chosen block. */
  readonly traceH2: number;
  /** P: the block's parameter count. */
  readonly parameters: number;
}

/** Gram matrix of N rows of width w: K_{nm} = r_n . r_m (N x N, symmetric), O(N^2 w / 2). */
export function gramMatrix(rows: Float64Array, N: number, w: number): Float64Array {
  const K = new Float64Array(N * N);
  rowDotProducts(rows, rows, K, N, N, w, 0, N, true);
  return K;
}

export { softmaxCovarianceInner, softmaxCovarianceTrace } from './losses.ts';

/**
 * The packed stack \mathcal A (N x h(h+1)/2, upper triangles row by row, off-diagonal entries
 * scaled by sqrt 2) of A_n = D_nV^\top B_nD_n + \mathrm{diag}(\delta_n\odot\varphi''_n), from
 * B_n = S_nV and \delta_n of `sc` (sampleCurvatureIn with layout 'none').
 * Only the upper triangle of V^\top B_n is formed, straight into the packed row, in the
 * summation order of weightedRowSums (k in groups of four, then one at a time), so every entry
 * is bit-for-bit the packing of sampleCurvatureIn's dense A_n, at half its c h^2
 * multiply-adds per sample and without its h x h scratch and second pass. Gauss-Newton
 * (`withDiagonal` false) drops the diag term. Shared by hessianTraces and traceGradients.
 * Verified by `hessianTrace.test.ts` (against the packed dense A_n, bit for bit).
 */
export function packedHiddenCurvature(model: Model, fp: ForwardPass, sc: SampleCurvature, withDiagonal: boolean): Float64Array {
  const { samples: N, hiddenDim: h, classes: c } = fp;
  const L = (h * (h + 1)) / 2;
  const packed = new Float64Array(N * L);
  const Vt = new Float64Array(h * c);
  for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) Vt[i * c + k] = model.V[k * h + i]!;
  const VtB = new Float64Array(h * h);
  for (let n = 0; n < N; n++) {
    VtB.fill(0);
    gemm(Vt, 0, c, sc.B, n * c * h, h, VtB, 0, h, h, h, c);
    packRow(VtB, 0, h, packed, n * L, fp.d1, fp.d2, sc.delta, n * h, h, withDiagonal);
  }
  return packed;
}

/**
 * The stacked softmax covariances, N x c^2 (all entries of each S_n, row-major), entry-wise
 * without cancellation: S_{kl} = -p_kp_l off the diagonal, S_{kk} = p_k(1 - p_k) with 1 - p_max
 * taken as the sum of the other probabilities (as in softmaxCovarianceTrace). Then
 * \langle S_n, S_m\rangle is a plain row dot product whose c^2 terms are all non-negative
 * (diagonal entries are >= 0, off-diagonal ones <= 0 in both), so it keeps full relative
 * accuracy for over-confident samples, like softmaxCovarianceInner, at a Gram-kernel cost of
 * c^2/2 multiply-adds per pair. O(N c^2). The engine fills its stack with the loss's own row
 * (losses.ts `curvature`; for cross-entropy this one).
 */
export function softmaxCovarianceStack(p: Float64Array, N: number, c: number): Float64Array {
  const out = new Float64Array(N * c * c);
  for (let n = 0; n < N; n++) softmaxCovarianceInto(p, n, c, out, n * c * c);
  return out;
}

/**
 * T1 and T2 of the block's Hessian (or Gauss-Newton matrix) by the closed forms, evaluated by
 * traceEngine.ts (tiles of sample pairs, bounded memory, any thread count; see the module
 * comment for the order of the sums). `options.threads` only changes the speed, never a bit.
 */
export function hessianTraces(model: Model, data: Dataset, variant: Variant, fp?: ForwardPass, options: TraceOptions = {}): HessianTraces {
  const parts = evaluateTraces(model, data, variant, 'traces', fp, options);
  return { ...tracesFromParts(parts), parameters: parts.parameters };
}
