/**
 * Girard–Hutchinson estimators of T1 = tr H and T2 = tr H^2 = ||H||_F^2 from m Hessian-vector
 * products with probes v_j (probes.ts, E[v v^T] = I):
 *
 * eq:hutchinson-trace
 *   \widehat{T_1} = \frac1m\sum_{j=1}^m v_j^\top H v_j,\qquad
 *   \mathrm{Var} = \frac{2}{m}\|H\|_F^2 \ \text{(Gaussian)},\quad
 *   \frac{2}{m}\Big(\|H\|_F^2 - \sum_i H_{ii}^2\Big) \ \text{(Rademacher)}
 *
 * eq:frobenius-estimator (curvlinops' `hutchinson_squared_fro`: v^T H^2 v = ||Hv||^2)
 *   \widehat{T_2} = \frac1m\sum_{j=1}^m \|H v_j\|^2,\qquad
 *   \mathrm{Var} = \frac{2}{m}\,\mathrm{tr}\,H^4 \ \text{(Gaussian)},\quad
 *   \frac{2}{m}\Big(\mathrm{tr}\,H^4 - \sum_i (H^2)_{ii}^2\Big) \ \text{(Rademacher)}
 *
 * Both estimators are unbiased; the variances are the standard ones for a quadratic form
 * v^T A v (Hutchinson 1989; Avron & Toledo 2011, JACM 58(2)) with A = H and A = H^2.
 * One product H v gives both v^T H v and ||H v||^2, so `hutchinsonTraces` estimates T1 and T2
 * from the same m products (the estimates are then correlated, each still unbiased).
 * Cost: m products plus O(mP); memory O(P). No special cases: m >= 1 is all they need.
 * Verified by `estimators/hutchinson.test.ts` (unbiasedness within a CLT bound, the variance
 * formulas by exact enumeration of every Rademacher probe and against the empirical variance
 * within a chi-square interval) and `estimators/hutchinson.slow.test.ts` (networks).
 */
import type { HessianOperator } from '../hessianVectorProduct.ts';
import type { Rng } from '../random.ts';
import { dot } from '../lanczos.ts';
import { checkBudget, drawProbe, type Probe } from './probes.ts';

/** The per-probe values of one stream of probes: v_j^T H v_j and ||H v_j||^2. */
export interface HutchinsonSamples {
  readonly probe: Probe;
  /** v_j^T H v_j, whose mean estimates tr H. */
  readonly quadratic: Float64Array;
  /** ||H v_j||^2 = v_j^T H^2 v_j, whose mean estimates tr H^2. */
  readonly squaredNorm: Float64Array;
}

/** An estimate and what it cost. */
export interface Estimate {
  readonly estimate: number;
  /** Hessian-vector products used. */
  readonly products: number;
  /** Sample standard deviation of the per-probe values over sqrt(m) (NaN for m = 1). */
  readonly standardError: number;
}

export interface HutchinsonOptions {
  /** m, the number of probes (= Hessian-vector products). */
  readonly products: number;
  /** Probe distribution; default Rademacher (PyHessian's and curvlinops' default). */
  readonly probe?: Probe;
}

/**
 * Draw `count` probes from `rng`, apply H to each, and return every v^T H v and ||H v||^2.
 * `onProduct` is called after each product (progress displays).
 */
export function hutchinsonSamples(op: HessianOperator, rng: Rng, count: number, probe: Probe = 'rademacher', onProduct?: () => void): HutchinsonSamples {
  checkBudget('hutchinsonSamples', count);
  const v = new Float64Array(op.size);
  const w = new Float64Array(op.size);
  const quadratic = new Float64Array(count);
  const squaredNorm = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    drawProbe(rng, probe, v);
    op.apply(v, w);
    quadratic[j] = dot(v, w);
    squaredNorm[j] = dot(w, w);
    onProduct?.();
  }
  return { probe, quadratic, squaredNorm };
}

/** Mean and standard error of values[from .. from + m). */
export function meanOf(values: Float64Array, from = 0, m = values.length - from): Estimate {
  let s = 0;
  for (let j = from; j < from + m; j++) s += values[j]!;
  const mean = s / m;
  let ss = 0;
  for (let j = from; j < from + m; j++) ss += (values[j]! - mean) ** 2;
  return { estimate: mean, products: m, standardError: m > 1 ? Math.sqrt(ss / (m - 1) / m) : NaN };
}

/** eq:hutchinson-trace: tr H from m products. */
export function hutchinsonTrace(op: HessianOperator, rng: Rng, options: HutchinsonOptions): Estimate {
  return meanOf(hutchinsonSamples(op, rng, options.products, options.probe).quadratic);
}

/** eq:frobenius-estimator: ||H||_F^2 = tr H^2 from m products. */
export function frobeniusNormSquared(op: HessianOperator, rng: Rng, options: HutchinsonOptions): Estimate {
  return meanOf(hutchinsonSamples(op, rng, options.products, options.probe).squaredNorm);
}

/** tr H and tr H^2 from the same m products (eq:hutchinson-trace, eq:frobenius-estimator). */
export function hutchinsonTraces(op: HessianOperator, rng: Rng, options: HutchinsonOptions): { traceH: Estimate; traceH2: Estimate } {
  const s = hutchinsonSamples(op, rng, options.products, options.probe);
  return { traceH: meanOf(s.quadratic), traceH2: meanOf(s.squaredNorm) };
}

/**
 * Variance of ONE probe's v^T A v for symmetric A (divide by m for the m-probe mean):
 * 2 ||A||_F^2 for Gaussian probes, 2 (||A||_F^2 - sum_i A_ii^2) for Rademacher probes.
 * With A = H this is eq:hutchinson-trace (frobeniusSquared = T2, diagonalSquareSum =
 * sum_i H_ii^2); with A = H^2 it is eq:frobenius-estimator (frobeniusSquared = tr H^4,
 * diagonalSquareSum = sum_i (H^2)_ii^2).
 */
export function quadraticFormVariance(probe: Probe, frobeniusSquared: number, diagonalSquareSum: number): number {
  return probe === 'gaussian' ? 2 * frobeniusSquared : 2 * Math.max(frobeniusSquared - diagonalSquareSum, 0);
}
