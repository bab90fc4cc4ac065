/**
 * T1 = tr H, T2 = tr H^2 = ||H||_F^2 of the block Hessian (or Gauss–Newton block) and their
 * gradients with respect to every parameter, from third-order forward-mode AD.
 */
import { parameterCount, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { JetAlgebra } from './jet.ts';
import { autodiffHessian, lossJet } from './oracle.ts';

export interface AutodiffTraces {
  readonly traceH: number;
  readonly traceH2: number;
}

export interface AutodiffTraceGradients extends AutodiffTraces {
  /** d T1 / d theta, theta order, all P parameters whatever the block (or the selected columns). */
  readonly gradTraceH: Float64Array;
  /** d T2 / d theta, theta order, all P parameters whatever the block (or the selected columns). */
  readonly gradTraceH2: Float64Array;
}

/** \sum_i H_ii and \sum_{ij} H_ij^2 of a dense row-major matrix. */
function tracesOf(size: number, H: Float64Array): AutodiffTraces {
  let traceH = 0;
  let traceH2 = 0;
  for (let i = 0; i < size; i++) traceH += H[i * size + i]!;
  for (let i = 0; i < H.length; i++) traceH2 += H[i]! * H[i]!;
  return { traceH, traceH2 };
}

/**
 * T_1 = \sum_i H_{ii},\ T_2 = \sum_{ij} H_{ij}^2 of `autodiffHessian` (eq:trace-h, eq:trace-h2
 * by definition, not by docs/mathematics.md §4's closed forms, which this checks).
 * Cost: one Hessian pass plus O(P_b^2). Verified against `@hsr/numeric`'s `hessianTraces` in
 * `oracle.test.ts` and against jax-js in `jax.slow.test.ts`.
 */
export function autodiffTraces(model: Model, data: Dataset, variant: Variant): AutodiffTraces {
  const H = autodiffHessian(model, data, variant);
  return tracesOf(H.size, H.data);
}

/** Which of the P tangent passes of `autodiffTraceGradients` to run. */
export interface AutodiffTraceGradientOptions {
  /**
   * Parameter indices k (theta order, integers in 0..P-1, any order, repeats allowed): run only
   * their tangent passes, and return \partial T/\partial\theta_k at position j for k =
   * columns[j]. Default: all of 0..P-1. Each selected pass is the very pass the full call
   * makes for that k (same seeds, same arithmetic), so its entries are bitwise the full
   * result's and its cost is one P-th of the full call's: the bench measures the oracle at
   * sizes where all P passes would take hours this way.
   */
  readonly columns?: ArrayLike<number>;
}

/**
 * \partial T_1/\partial\theta_k = \sum_i \partial_k H_{ii},\qquad
 * \partial T_2/\partial\theta_k = 2\sum_{ij} H_{ij}\,\partial_k H_{ij},
 * for every k in 0..P-1 (T of one block still depends on every parameter), or only for
 * `options.columns` (then entry j is k = columns[j]).
 *
 * \partial_k H comes from jets of order 2 in the block's P_b directions nested with one
 * tangent direction e_k: one forward pass per k, P passes in all, each computing H as well
 * (T_1, T_2 are read off the first pass; with an empty `columns`, off one plain Hessian pass).
 * Every pass costs the same: the tangent parts are dense over each jet's support whether or
 * not they are zero. Cost O(N c P_b^2) flops per pass, O(P N c P_b^2) in all (Iris 4-8-3 with
 * N = 20: 1.3-1.6 s; see README). With `curvature: 'gauss-newton'` the tangent runs through
 * the linearised logits, so this differentiates J^\top S J, J included.
 *
 * Verified by `traces.test.ts` (central differences of `autodiffTraces`) and against
 * `@hsr/numeric`'s `traceGradients` at RTOL_VS_AUTODIFF, and against jax-js in
 * `jax.slow.test.ts`; `columns` by `traces.columns.test.ts` (bitwise the full result's entries, one
 * pass per selected column with the full call's arguments).
 */
export function autodiffTraceGradients(model: Model, data: Dataset, variant: Variant, options: AutodiffTraceGradientOptions = {}): AutodiffTraceGradients {
  const A = new JetAlgebra({ order: 2, tangent: true });
  const P = parameterCount(model);
  const size = parameterCount(model, variant.block);
  const columns = options.columns ?? Int32Array.from({ length: P }, (_, k) => k);
  for (let j = 0; j < columns.length; j++) {
    const k = columns[j]!;
    if (!Number.isInteger(k) || k < 0 || k >= P) throw new RangeError(`autodiffTraceGradients: column ${k} is not a parameter index in 0..${P - 1}`);
  }
  const gradTraceH = new Float64Array(columns.length);
  const gradTraceH2 = new Float64Array(columns.length);
  let traces: AutodiffTraces | null = null;
  for (let j = 0; j < columns.length; j++) {
    const L = lossJet(A, model, data, variant, columns[j]!);
    const H = L.hessian!;
    const dH = L.tangentHessian!;
    const m = L.support.length;
    // Off-support rows and columns of H are zero, so sums over the support are complete.
    let t1 = 0;
    let t2 = 0;
    for (let i = 0; i < m; i++) t1 += dH[i * m + i]!;
    for (let i = 0; i < m * m; i++) t2 += H[i]! * dH[i]!;
    gradTraceH[j] = t1;
    gradTraceH2[j] = 2 * t2;
    // H does not depend on the tangent: every pass carries the same H.
    traces ??= tracesOf(m, H);
  }
  if (P === 0 || size === 0) traces = { traceH: 0, traceH2: 0 };
  traces ??= autodiffTraces(model, data, variant);
  return { ...traces, gradTraceH, gradTraceH2 };
}
