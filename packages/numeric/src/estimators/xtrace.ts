/**
 * XTrace (Epperly, Tropp & Webber 2024, "XTrace: making the most of every sample in stochastic
 * trace estimation", SIMAX 45(1); as curvlinops' `xtrace` implements it): with a budget of m
 * products, k = floor(m/2) probes W, Y = H W, Q R = Y (thin QR), and HQ; every probe serves
 * both as a sketch vector and, left out in turn, as the Hutchinson probe of the complement of
 * the basis Q_i of the other k - 1 sketch vectors:
 *
 * eq:xtrace
 *   \widehat{T_1} = \frac1k\sum_{i=1}^{k}\Big[\mathrm{tr}(Q_i^\top HQ_i) + w_i^\top(I-Q_iQ_i^\top)H(I-Q_iQ_i^\top)w_i\Big],
 *   Q_iQ_i^\top = Q(I - s_is_i^\top)Q^\top,\quad s_i = \frac{(R^{-\top})_{:,i}}{\|(R^{-\top})_{:,i}\|},
 *   \mathrm{tr}(Q_i^\top HQ_i) = \mathrm{tr}M - s_i^\top Ms_i,\quad M = Q^\top HQ,
 *   w_i^\top(\cdot)w_i = w_i^\top y_i - 2R_{:,i}^\top d_i + d_i^\top Md_i,\quad d_i = (I - s_is_i^\top)Q^\top w_i,
 * (the last line is curvlinops' loop body with (HQ)^T w_i = Q^T y_i = R_{:,i}, H symmetric).
 * Each term is unbiased given the other k - 1 probes (Q_i depends only on them), so the mean
 * is unbiased, and its variance is at most max_i Var(term_i) <= 2||H||_F^2 (Gaussian; the
 * Rademacher bound is the same): no closed form. When the sketch is numerically rank-deficient
 * (rank H < k, or k >= P) every Q_i still spans the range of H and each term is tr(Q^T H Q):
 * that value is returned (exact in exact arithmetic) with `rankDeficient` set.
 * m < 2 cannot be run (k = 0); an odd m uses m - 1 products.
 *
 * Nested budgets as in hutchPlusPlus.ts: W is drawn once for the largest budget; the k-vector
 * run uses the leading k x k blocks of R, M and C = Q^T W (prefix property of the basis).
 * Cost 2k products plus O(P k^2) for the basis and the Grams M, C, and O(k^3) per budget;
 * memory 4 k P doubles (W, Y = Q, HQ and scratch).
 * Verified by `estimators/xtrace.test.ts` (unbiased within a CLT bound from the variance bound,
 * exact when rank H < k, equals the leave-one-out definition computed densely).
 */
import type { HessianOperator } from '../hessianVectorProduct.ts';
import type { Rng } from '../random.ts';
import { rowDotProducts } from '../parallel/kernels.ts';
import { applyRows, type BudgetEstimate, type SketchOptions } from './hutchPlusPlus.ts';
import { orthonormalizeRows } from './orthonormalize.ts';
import { dot } from '../lanczos.ts';
import { checkBudgets, drawProbe } from './probes.ts';

export interface XTraceEstimate extends BudgetEstimate {
  /** The sketch had rank < k (or k >= P): the estimate is tr(Q^T H Q). */
  readonly rankDeficient: boolean;
}

/** Lower-triangular inverse of R^T for the leading k x k block of the k_max x k_max upper-triangular R. */
function inverseOfTransposeLeading(R: Float64Array, ld: number, k: number): Float64Array {
  // L = R^T (lower); solve L X = I column by column: X is lower triangular.
  const X = new Float64Array(k * k);
  for (let c = 0; c < k; c++) {
    for (let i = c; i < k; i++) {
      let s = i === c ? 1 : 0;
      for (let t = c; t < i; t++) s -= R[t * ld + i]! * X[t * k + c]!;
      X[i * k + c] = s / R[i * ld + i]!;
    }
  }
  return X;
}

/** eq:xtrace at every budget in `budgets` (strictly increasing, each >= 2) from one set of draws. */
export function xtraceAtBudgets(op: HessianOperator, rng: Rng, budgets: readonly number[], options: SketchOptions = {}): XTraceEstimate[] {
  checkBudgets('xtrace', budgets);
  if (budgets[0]! < 2) throw new RangeError(`xtrace: needs a budget of at least 2 products, got ${budgets[0]}`);
  const probe = options.probe ?? 'rademacher';
  const P = op.size;
  const kMax = Math.floor(budgets.at(-1)! / 2);
  const W = new Float64Array(kMax * P);
  const Y = new Float64Array(kMax * P);
  for (let j = 0; j < kMax; j++) drawProbe(rng, probe, W.subarray(j * P, (j + 1) * P));
  applyRows(op, W, kMax, Y, options.onProduct);
  const t = new Float64Array(kMax);
  for (let j = 0; j < kMax; j++) t[j] = dot(W.subarray(j * P, (j + 1) * P), Y.subarray(j * P, (j + 1) * P));
  const { Q, rank, prefixRank, R } = orthonormalizeRows(Y, kMax, P);
  const HQ = new Float64Array(rank * P);
  applyRows(op, Q, rank, HQ, options.onProduct);
  const M = new Float64Array(rank * rank);
  const C = new Float64Array(rank * kMax);
  if (rank > 0) {
    rowDotProducts(Q, HQ, M, rank, rank, P, 0, rank, false);
    rowDotProducts(Q, W, C, kMax, kMax, P, 0, rank, false);
  }
  for (let i = 0; i < rank; i++)
    for (let j = i + 1; j < rank; j++) {
      const v = 0.5 * (M[i * rank + j]! + M[j * rank + i]!);
      M[i * rank + j] = v;
      M[j * rank + i] = v;
    }

  return budgets.map((m) => {
    const k = Math.floor(m / 2);
    const r = prefixRank[k]!;
    let traceM = 0;
    for (let i = 0; i < r; i++) traceM += M[i * rank + i]!;
    const products = k + r;
    if (r < k) return { budget: m, estimate: traceM, products, sketchRank: r, rankDeficient: true };
    // Full rank: the first k rows of Q are the k-vector basis and R's leading block its R.
    const X = inverseOfTransposeLeading(R, kMax, k);
    let sum = 0;
    const si = new Float64Array(k);
    const d = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let nrm = 0;
      for (let a = 0; a < k; a++) nrm += X[a * k + i]! ** 2;
      nrm = Math.sqrt(nrm);
      for (let a = 0; a < k; a++) si[a] = X[a * k + i]! / nrm;
      // s^T M s, and d = (I - s s^T) c with c = Q^T w_i.
      let sMs = 0;
      let sc = 0;
      for (let a = 0; a < k; a++) {
        let row = 0;
        for (let b = 0; b < k; b++) row += M[a * rank + b]! * si[b]!;
        sMs += si[a]! * row;
        sc += si[a]! * C[a * kMax + i]!;
      }
      for (let a = 0; a < k; a++) d[a] = C[a * kMax + i]! - sc * si[a]!;
      let Rd = 0;
      let dMd = 0;
      for (let a = 0; a < k; a++) {
        Rd += R[a * kMax + i]! * d[a]!;
        let row = 0;
        for (let b = 0; b < k; b++) row += M[a * rank + b]! * d[b]!;
        dMd += d[a]! * row;
      }
      sum += traceM - sMs + t[i]! - 2 * Rd + dMd;
    }
    return { budget: m, estimate: sum / k, products, sketchRank: r, rankDeficient: false };
  });
}

/** eq:xtrace with a budget of `products` (>= 2) Hessian-vector products. */
export function xtrace(op: HessianOperator, rng: Rng, options: SketchOptions & { readonly products: number }): XTraceEstimate {
  return xtraceAtBudgets(op, rng, [options.products], options)[0]!;
}
