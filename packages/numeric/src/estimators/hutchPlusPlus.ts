/**
 * Hutch++ (Meyer, Musco, Musco & Woodruff 2021, "Hutch++: optimal stochastic trace
 * estimation", SOSA; Algorithm 1, as curvlinops' `hutchpp_trace` implements it): with a budget
 * of m products, k = floor(m/3) sketch probes S, Q = orth(H S), and the remaining
 * g = m - 2k probes G for Hutchinson on the complement of Q:
 *
 * eq:hutch-plus-plus
 *   \widehat{T_1} = \mathrm{tr}(Q^\top HQ) + \frac1g\sum_{j=1}^{g} g_j^\top(I-QQ^\top)H(I-QQ^\top)g_j,
 *   g_j^\top(I-QQ^\top)H(I-QQ^\top)g_j = g_j^\top Hg_j - 2\,p_j^\top q_j + p_j^\top M p_j,
 *   p_j = Q^\top g_j,\ q_j = (HQ)^\top g_j,\ M = Q^\top HQ.
 *
 * Unbiased for any Q independent of G (the second term is Hutchinson's estimator of the trace
 * of the compression), with variance E[2||(I-QQ^T)H(I-QQ^T)||_F^2]/g <= 2||H||_F^2/g for
 * Gaussian G (no closed form: it depends on the random Q); exact (zero variance) when
 * rank H <= k, since then Q spans the range of H. For PSD H, O(1/eps) products give a
 * (1 +- eps) estimate (their Theorem 1.1). m < 3 gives k = 0: plain Hutchinson.
 *
 * Nested budgets: S and G are drawn once for the largest budget; the basis of the first k
 * sketch vectors is a prefix of Q (orthonormalize.ts), M's leading block is the k-vector M,
 * and p_j, q_j restrict to prefixes, so every budget's estimate is exactly Hutch++ with that
 * budget (the estimates at different budgets share draws and are correlated).
 * Cost: k + rank + g products (rank <= k; fewer than m when the sketch is rank-deficient)
 * plus O(P k^2 + P k g) for the basis and projections; memory (2k + g) P doubles.
 * Verified by `estimators/hutchPlusPlus.test.ts` (exact on rank <= m/3 matrices, unbiased
 * within a CLT bound derived from the variance bound above, nested = separate runs).
 */
import type { HessianOperator } from '../hessianVectorProduct.ts';
import type { Rng } from '../random.ts';
import { rowDotProducts } from '../parallel/kernels.ts';
import { orthonormalizeRows } from './orthonormalize.ts';
import { dot } from '../lanczos.ts';
import { checkBudgets, drawProbe, type Probe } from './probes.ts';

export interface BudgetEstimate {
  /** The budget m asked for. */
  readonly budget: number;
  readonly estimate: number;
  /** Products actually used (< budget when a sketch was rank-deficient or the budget is odd for XTrace). */
  readonly products: number;
  /** Orthonormal sketch directions used. */
  readonly sketchRank: number;
}

export interface SketchOptions {
  /** Probe distribution for the sketch and the complement probes; default Rademacher. */
  readonly probe?: Probe;
  /** Called after every Hessian-vector product. */
  readonly onProduct?: () => void;
}

/** Apply the operator to `count` rows of `X` (P each), writing the rows of `out`. */
export function applyRows(op: HessianOperator, X: Float64Array, count: number, out: Float64Array, onProduct?: () => void): void {
  const P = op.size;
  for (let j = 0; j < count; j++) {
    op.apply(X.subarray(j * P, (j + 1) * P), out.subarray(j * P, (j + 1) * P));
    onProduct?.();
  }
}

/** eq:hutch-plus-plus at every budget in `budgets` (strictly increasing) from one set of draws. */
export function hutchPlusPlusAtBudgets(op: HessianOperator, rng: Rng, budgets: readonly number[], options: SketchOptions = {}): BudgetEstimate[] {
  checkBudgets('hutchPlusPlus', budgets);
  const probe = options.probe ?? 'rademacher';
  const P = op.size;
  const kOf = (m: number) => Math.floor(m / 3);
  const kMax = kOf(budgets.at(-1)!);
  const gMax = Math.max(...budgets.map((m) => m - 2 * kOf(m)));

  // Sketch: Y = H S (kMax products), then Q = orth(Y) in place, then HQ.
  const Y = new Float64Array(kMax * P);
  const s = new Float64Array(P);
  for (let j = 0; j < kMax; j++) {
    drawProbe(rng, probe, s);
    op.apply(s, Y.subarray(j * P, (j + 1) * P));
    options.onProduct?.();
  }
  const { Q, rank, prefixRank } = orthonormalizeRows(Y, kMax, P);
  const HQ = new Float64Array(rank * P);
  applyRows(op, Q, rank, HQ, options.onProduct);
  const M = new Float64Array(rank * rank);
  if (rank > 0) rowDotProducts(Q, HQ, M, rank, rank, P, 0, rank, false);
  // Symmetrise: M = Q^T H Q is symmetric up to the round-off of the operator.
  for (let i = 0; i < rank; i++)
    for (let j = i + 1; j < rank; j++) {
      const v = 0.5 * (M[i * rank + j]! + M[j * rank + i]!);
      M[i * rank + j] = v;
      M[j * rank + i] = v;
    }

  // Complement probes: g_j^T H g_j (gMax products) and the projections p_j, q_j.
  const G = new Float64Array(gMax * P);
  const w = new Float64Array(P);
  const quadratic = new Float64Array(gMax);
  for (let j = 0; j < gMax; j++) {
    const g = G.subarray(j * P, (j + 1) * P);
    drawProbe(rng, probe, g);
    op.apply(g, w);
    options.onProduct?.();
    quadratic[j] = dot(g, w);
  }
  const Pg = new Float64Array(gMax * rank);
  const Qg = new Float64Array(gMax * rank);
  if (rank > 0 && gMax > 0) {
    rowDotProducts(G, Q, Pg, rank, rank, P, 0, gMax, false);
    rowDotProducts(G, HQ, Qg, rank, rank, P, 0, gMax, false);
  }

  return budgets.map((m) => {
    const k = kOf(m);
    const r = prefixRank[k]!;
    const g = m - 2 * k;
    let traceQ = 0;
    for (let i = 0; i < r; i++) traceQ += M[i * rank + i]!;
    let complement = 0;
    for (let j = 0; j < g; j++) {
      let pq = 0;
      let pMp = 0;
      for (let a = 0; a < r; a++) {
        const pa = Pg[j * rank + a]!;
        pq += pa * Qg[j * rank + a]!;
        let row = 0;
        for (let b = 0; b < r; b++) row += M[a * rank + b]! * Pg[j * rank + b]!;
        pMp += pa * row;
      }
      complement += quadratic[j]! - 2 * pq + pMp;
    }
    return { budget: m, estimate: traceQ + (g > 0 ? complement / g : 0), products: k + r + g, sketchRank: r };
  });
}

/** eq:hutch-plus-plus with a budget of `products` Hessian-vector products. */
export function hutchPlusPlus(op: HessianOperator, rng: Rng, options: SketchOptions & { readonly products: number }): BudgetEstimate {
  return hutchPlusPlusAtBudgets(op, rng, [options.products], options)[0]!;
}
