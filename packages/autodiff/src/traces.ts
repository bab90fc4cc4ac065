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
  /** d T1 / d theta, theta order, all P parameters whatever the block. */
  readonly gradTraceH: Float64Array;
  /** d T2 / d theta, theta order, all P parameters whatever the block. */
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
 * by definition, not by MATH.md §4's closed forms, which this checks).
 * Cost: one Hessian pass plus O(P_b^2). Verified against `@hsr/numeric`'s `hessianTraces` in
 * `oracle.test.ts` and against jax-js in `jax.slow.test.ts`.
 */
export function autodiffTraces(model: Model, data: Dataset, variant: Variant): AutodiffTraces {
  const H = autodiffHessian(model, data, variant);
  return tracesOf(H.size, H.data);
}

/**
 * \partial T_1/\partial\theta_k = \sum_i \partial_k H_{ii},\qquad
 * \partial T_2/\partial\theta_k = 2\sum_{ij} H_{ij}\,\partial_k H_{ij},
 * for every k in 0..P-1 (T of one block still depends on every parameter).
 *
 * \partial_k H comes from jets of order 2 in the block's P_b directions nested with one
 * tangent direction e_k: one forward pass per k, P passes in all. Cost O(P N c P_b^2) flops
 * (Iris 4-8-3 with N = 20: 1.3-1.6 s; see README). With `curvature: 'gauss-newton'` the
 * tangent runs through the linearised logits, so this differentiates J^\top S J, J included.
 *
 * Verified by `traces.test.ts` (central differences of `autodiffTraces`) and against
 * `@hsr/numeric`'s `traceGradients` at RTOL_VS_AUTODIFF, and against jax-js in
 * `jax.slow.test.ts`.
 */
export function autodiffTraceGradients(model: Model, data: Dataset, variant: Variant): AutodiffTraceGradients {
  const A = new JetAlgebra({ order: 2, tangent: true });
  const P = parameterCount(model);
  const size = parameterCount(model, variant.block);
  const gradTraceH = new Float64Array(P);
  const gradTraceH2 = new Float64Array(P);
  let traces: AutodiffTraces = { traceH: 0, traceH2: 0 };
  for (let k = 0; k < P; k++) {
    const L = lossJet(A, model, data, variant, k);
    const H = L.hessian!;
    const dH = L.tangentHessian!;
    const m = L.support.length;
    // Off-support rows and columns of H are zero, so sums over the support are complete.
    let t1 = 0;
    let t2 = 0;
    for (let i = 0; i < m; i++) t1 += dH[i * m + i]!;
    for (let i = 0; i < m * m; i++) t2 += H[i]! * dH[i]!;
    gradTraceH[k] = t1;
    gradTraceH2[k] = 2 * t2;
    if (k === 0) traces = tracesOf(m, H);
  }
  if (P === 0 || size === 0) traces = { traceH: 0, traceH2: 0 };
  return { ...traces, gradTraceH, gradTraceH2 };
}
