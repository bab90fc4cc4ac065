/**
 * lambda_max from a budget of m Hessian-vector products, two ways:
 *
 * eq:power-iteration (von Mises 1929; Golub & Van Loan, Matrix Computations, 4th ed., §8.2.1)
 *   v_0 \sim \mathcal N(0, I)/\|\cdot\|,\quad w_k = Hv_{k-1},\quad \theta_k = v_{k-1}^\top w_k,\quad v_k = w_k/\|w_k\|,
 * estimate theta_m after m products. It converges to the eigenvalue of largest MAGNITUDE (so to
 * lambda_min if |lambda_min| > lambda_max), with error O((|lambda_2|/|lambda_1|)^{2k}) for
 * symmetric H; the residual ||w_k - theta_k v_{k-1}|| bounds the distance from theta_k to some
 * eigenvalue (Weyl). No variance formula: the error is set by the gap, not by sampling.
 * Once the residual is at round-off (<= POWER_ROUNDOFF_RTOL |theta_k|) further iterations can
 * only move theta by round-off, so the run stops there, as Lanczos stops at its tolerance, and
 * larger budgets report that estimate with the products actually used.
 * Nested budgets: the estimate at budget m is the m-th iterate of one run.
 *
 * Lanczos (eq:lanczos, numeric's lanczosExtremes, full reorthogonalisation): the largest Ritz
 * value after m products. lanczosExtremes returns only its last iterate, so each budget is a
 * run of its own from the same start vector (the same seed): the first m Lanczos vectors, and
 * so the Ritz values, are then those of a single longer run. It stops earlier when both
 * extreme Ritz pairs reach its residual tolerance, and reports how many products it used.
 * Cost: power iteration m products and O(mP); Lanczos at budget m up to m products and
 * O(m^2 P) for the reorthogonalisation.
 * Verified by `estimators/extremeEigenvalue.test.ts` (against the dense solver on explicit
 * matrices and networks, nested = separate runs, the magnitude trap).
 */
import type { HessianOperator } from '../hessianVectorProduct.ts';
import { dot, lanczosExtremes } from '../lanczos.ts';
import type { Rng } from '../random.ts';
import { countingOperator } from './denseOperator.ts';
import { checkBudgets } from './probes.ts';

export interface EigenvalueEstimate {
  readonly budget: number;
  readonly estimate: number;
  readonly products: number;
  /** Residual ||H v - theta v|| of the returned pair (a Weyl bound on the distance to an eigenvalue). */
  readonly residual: number;
}

/**
 * A residual below 64 eps |theta| is round-off: a product H v in floating point is itself off by
 * O(n eps) |H||v| per entry, so the iteration cannot get closer (measured at MNIST size: the
 * residual stalls at ~3 eps |theta|).
 */
export const POWER_ROUNDOFF_RTOL = 64 * 2 ** -52;

/** eq:power-iteration at every budget in `budgets` (strictly increasing) from one run. */
export function powerIterationAtBudgets(op: HessianOperator, rng: Rng, budgets: readonly number[], onProduct?: () => void): EigenvalueEstimate[] {
  checkBudgets('powerIteration', budgets);
  const P = op.size;
  const v = Float64Array.from({ length: P }, () => rng.normal());
  const n0 = Math.sqrt(dot(v, v));
  for (let i = 0; i < P; i++) v[i]! /= n0;
  const w = new Float64Array(P);
  const out: EigenvalueEstimate[] = [];
  let next = 0;
  for (let k = 1; k <= budgets.at(-1)!; k++) {
    op.apply(v, w);
    onProduct?.();
    const theta = dot(v, w);
    let r = 0;
    for (let i = 0; i < P; i++) r += (w[i]! - theta * v[i]!) ** 2;
    const residual = Math.sqrt(r);
    if (k === budgets[next]) {
      out.push({ budget: k, estimate: theta, products: k, residual });
      next++;
    }
    if (residual <= POWER_ROUNDOFF_RTOL * Math.abs(theta) && next < budgets.length) {
      for (; next < budgets.length; next++) out.push({ budget: budgets[next]!, estimate: theta, products: k, residual });
      break;
    }
    const nw = Math.sqrt(dot(w, w));
    // H v = 0 exactly: v is in the null space and theta = 0 is an eigenvalue; stay there.
    if (nw === 0) {
      for (; next < budgets.length; next++) out.push({ budget: budgets[next]!, estimate: 0, products: k, residual: 0 });
      break;
    }
    for (let i = 0; i < P; i++) v[i] = w[i]! / nw;
  }
  return out;
}

/** eq:power-iteration with a budget of `products` Hessian-vector products. */
export function powerIteration(op: HessianOperator, rng: Rng, options: { readonly products: number }): EigenvalueEstimate {
  return powerIterationAtBudgets(op, rng, [options.products])[0]!;
}

/** Lanczos' largest Ritz value at every budget, from one start vector (see the module comment). */
export function lanczosAtBudgets(op: HessianOperator, rng: Rng, budgets: readonly number[], options: { readonly tol?: number; readonly onProduct?: () => void } = {}): EigenvalueEstimate[] {
  checkBudgets('lanczos', budgets);
  const seed = rng.int(2 ** 31);
  const counted = options.onProduct ? countingOperator(op, options.onProduct) : op;
  const out: EigenvalueEstimate[] = [];
  for (const m of budgets) {
    const last = out.at(-1);
    // A run that stopped before its budget (converged) is what every larger budget returns.
    if (last && last.products < last.budget) {
      out.push({ ...last, budget: m });
      continue;
    }
    const r = lanczosExtremes(counted, { k: m, seed, ...(options.tol === undefined ? {} : { tol: options.tol }) });
    out.push({ budget: m, estimate: r.lambdaMax, products: r.iterations, residual: r.residualMax });
  }
  return out;
}
