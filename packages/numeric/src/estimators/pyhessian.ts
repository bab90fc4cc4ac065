/**
 * PyHessian's two adaptive estimators, reproduced rule for rule from its source
 * (amirgholami/PyHessian, pyhessian/hessian.py and utils.py, unchanged from 2020 to the
 * July 2025 head de8cf23), so their stopping behaviour can be measured against the truth:
 *
 * `hessian.trace(maxIter=100, tol=1e-3)`: Rademacher Hutchinson that stops at the first probe j
 * whose running mean moved by less than tol relative to the previous running mean,
 *
 * eq:pyhessian-trace-rule
 *   \bar t_j = \frac1j\sum_{i\le j}v_i^\top Hv_i,\qquad
 *   \text{stop at the first } j \text{ with } \frac{|\bar t_j - \bar t_{j-1}|}{|\bar t_{j-1}| + 10^{-6}} < \text{tol},\quad \bar t_0 = 0,
 *
 * or after maxIter probes; it returns the list of v^T H v and its users report the mean, which is
 * what `estimate` is. With \bar t_0 = 0 the first test is |v_1^T H v_1| < 1e-9, so in practice it
 * stops at j >= 2. The 1e-6 is absolute, so the rule is not scale-invariant: for |tr H| << 1e-6
 * it never stops early (this is PyHessian's behaviour, kept on purpose).
 *
 * `hessian.eigenvalues(maxIter=100, tol=1e-3, top_n=1)`: power iteration from a Gaussian start,
 * normalised as PyHessian normalises (v / (||v|| + 1e-6)), stopping at the first iteration whose
 * Rayleigh quotient differs from the previous one by less than tol relative
 * (|theta_prev - theta| / (|theta_prev| + 1e-6) < tol) and returning the PREVIOUS one, as its
 * loop breaks before updating; after maxIter products it returns the last. The two
 * normalisations per iteration leave ||v||^2 ~ 1 - 2e-6, so its Rayleigh quotients are biased
 * by about -2e-6 relative (negligible against tol, and kept). Like any power
 * iteration it converges to the eigenvalue of largest magnitude, which is lambda_min when
 * |lambda_min| > lambda_max.
 * Cost: at most maxIter products, O(P) each besides. Verified by `estimators/pyhessian.test.ts`
 * (the rules on hand-built sequences, stopping counts, and agreement with the dense solver).
 */
import type { HessianOperator } from '../hessianVectorProduct.ts';
import type { Rng } from '../random.ts';
import { dot } from '../lanczos.ts';
import { drawProbe } from './probes.ts';

/** PyHessian's defaults: maxIter=100, tol=1e-3 (both methods). */
export const PYHESSIAN_MAX_ITER = 100;
export const PYHESSIAN_TOL = 1e-3;
/** The absolute 1e-6 PyHessian adds to every denominator and norm. */
const PYHESSIAN_EPS = 1e-6;

export interface AdaptiveOptions {
  readonly maxIter?: number;
  readonly tol?: number;
  readonly onProduct?: () => void;
}

export interface AdaptiveEstimate {
  readonly estimate: number;
  /** Hessian-vector products used (the number of probes or iterations). */
  readonly products: number;
  /** True when the rule fired; false when maxIter was reached. */
  readonly stopped: boolean;
}

/**
 * eq:pyhessian-trace-rule over a stream of per-probe values v^T H v, each obtained from
 * `next()` (which spends one product), or null when the stream ran out first.
 */
export function pyhessianTraceRule(next: () => number | null, options: AdaptiveOptions = {}): AdaptiveEstimate | null {
  const maxIter = options.maxIter ?? PYHESSIAN_MAX_ITER;
  const tol = options.tol ?? PYHESSIAN_TOL;
  let sum = 0;
  let trace = 0;
  for (let j = 1; j <= maxIter; j++) {
    const x = next();
    if (x === null) return null;
    sum += x;
    const mean = sum / j;
    if (Math.abs(mean - trace) / (Math.abs(trace) + PYHESSIAN_EPS) < tol) return { estimate: mean, products: j, stopped: true };
    trace = mean;
  }
  return { estimate: trace, products: maxIter, stopped: false };
}

/** PyHessian's `trace()` (eq:pyhessian-trace-rule) with Rademacher probes drawn from `rng`. */
export function pyhessianTrace(op: HessianOperator, rng: Rng, options: AdaptiveOptions = {}): AdaptiveEstimate {
  const v = new Float64Array(op.size);
  const w = new Float64Array(op.size);
  return pyhessianTraceRule(() => {
    drawProbe(rng, 'rademacher', v);
    op.apply(v, w);
    options.onProduct?.();
    return dot(v, w);
  }, options)!;
}

function pyhessianNormalize(v: Float64Array): void {
  const s = Math.sqrt(dot(v, v)) + PYHESSIAN_EPS;
  for (let i = 0; i < v.length; i++) v[i]! /= s;
}

/** PyHessian's `eigenvalues(top_n=1)`: its power iteration and stopping rule (see the module comment). */
export function pyhessianTopEigenvalue(op: HessianOperator, rng: Rng, options: AdaptiveOptions = {}): AdaptiveEstimate {
  const maxIter = options.maxIter ?? PYHESSIAN_MAX_ITER;
  const tol = options.tol ?? PYHESSIAN_TOL;
  const v = Float64Array.from({ length: op.size }, () => rng.normal());
  pyhessianNormalize(v);
  const w = new Float64Array(op.size);
  let eigenvalue: number | null = null;
  for (let i = 0; i < maxIter; i++) {
    // orthnormal(v, []) only renormalises.
    pyhessianNormalize(v);
    op.apply(v, w);
    options.onProduct?.();
    const theta = dot(w, v);
    v.set(w);
    pyhessianNormalize(v);
    if (eigenvalue === null) eigenvalue = theta;
    else if (Math.abs(eigenvalue - theta) / (Math.abs(eigenvalue) + PYHESSIAN_EPS) < tol) return { estimate: eigenvalue, products: i + 1, stopped: true };
    else eigenvalue = theta;
  }
  return { estimate: eigenvalue!, products: maxIter, stopped: false };
}
