/**
 * The Wolkowicz–Styan bounds (docs/mathematics.md §2) and their gradients, the outer chain rule done by AD
 * as well: the bound is written once over a generic number (`boundOver`) and evaluated on
 * first-order jets whose values are T1, T2 and whose gradients are \nabla T_1, \nabla T_2
 * from `autodiffTraceGradients`. So docs/mathematics.md §5's \alpha, \beta are checked, not used.
 */
import { parameterCount, type Dataset, type Model, type Variant } from '@hsr/numeric';
import type { Algebra } from './algebra.ts';
import { Jet, JetAlgebra, denseGradientOf } from './jet.ts';
import { autodiffTraceGradients, type AutodiffTraceGradientOptions, type AutodiffTraceGradients } from './traces.ts';

export type AutodiffBoundKind = 'upper' | 'lower' | 'range';

export interface AutodiffBoundGradient {
  /** The bound: U = m + s sqrt(P-1), m - s sqrt(P-1) (lower bound of lambda_min), or s sqrt(2P). */
  readonly value: number;
  /** Its gradient in theta order, all P parameters (or entry j = theta_{columns[j]} with `columns`). */
  readonly gradient: Float64Array;
  /** s^2 <= 0 (clamped) or P_b = 1: s has no gradient there; the s-part is taken as 0. */
  readonly degenerate: boolean;
  readonly traceH: number;
  readonly traceH2: number;
  /** P_b, the block's parameter count the bound uses. */
  readonly parameters: number;
}

/**
 * m = T_1/P,\ s^2 = T_2/P - m^2 \ (\text{clamped at } 0),\quad
 * \text{upper} = m + s\sqrt{P-1},\ \text{lower} = m - s\sqrt{P-1},\ \text{range} = s\sqrt{2P}.
 * Returns the bound and whether s was clamped (then s is the constant 0: the minimum-norm
 * subgradient of the norm-like s at its zero).
 */
export function boundOver<T>(A: Algebra<T>, traceH: T, traceH2: T, P: number, of: AutodiffBoundKind): { bound: T; degenerate: boolean } {
  const m = A.scale(traceH, 1 / P);
  const s2 = A.sub(A.scale(traceH2, 1 / P), A.mul(m, m));
  const degenerate = P === 1 || !(A.real(s2) > 0);
  const s = degenerate ? A.constant(0) : A.sqrt(s2);
  switch (of) {
    case 'upper':
      return { bound: A.add(m, A.scale(s, Math.sqrt(P - 1))), degenerate };
    case 'lower':
      return { bound: A.sub(m, A.scale(s, Math.sqrt(P - 1))), degenerate };
    case 'range':
      return { bound: A.scale(s, Math.sqrt(2 * P)), degenerate };
  }
}

/**
 * A Wolkowicz–Styan bound of the block Hessian (or Gauss–Newton block) and its gradient in
 * all of theta: `of` = 'upper' (U = T_1/P + R, R = s\sqrt{P-1}), 'lower' (T_1/P - R, a lower
 * bound of \lambda_{\min}) or 'range' (s\sqrt{2P}), P = the block's parameter count.
 * \nabla bound = \partial bound/\partial T_1\,\nabla T_1 + \partial bound/\partial T_2\,\nabla T_2, the partials
 * by first-order jets over `boundOver`.
 *
 * `options.columns` runs only those tangent passes (see `autodiffTraceGradients`); the
 * chain rule acts entry by entry, so the selected entries are bitwise the full gradient's.
 *
 * Cost: that of `autodiffTraceGradients` (P third-order passes, or one per selected column)
 * plus O(P) for the chain rule. Verified by `bound.test.ts` (central differences of the bound
 * from `autodiffTraces`), against `@hsr/numeric`'s `boundGradient` at RTOL_VS_AUTODIFF, against
 * jax-js in `jax.slow.test.ts`; `columns` by `traces.columns.test.ts`.
 */
export function autodiffBoundGradient(model: Model, data: Dataset, variant: Variant, of: AutodiffBoundKind, options: AutodiffTraceGradientOptions = {}): AutodiffBoundGradient {
  return autodiffBoundGradientFromTraces(autodiffTraceGradients(model, data, variant, options), parameterCount(model, variant.block), of);
}

/**
 * The chain-rule half of `autodiffBoundGradient`, for callers that already hold the trace
 * gradients (an audit needs all three bounds from one set of P third-order passes): first-order
 * jets over `boundOver` with values T1, T2 and gradients \nabla T_1, \nabla T_2. O(P).
 * Verified with `autodiffBoundGradient` (which is this over a fresh `autodiffTraceGradients`).
 */
export function autodiffBoundGradientFromTraces(t: AutodiffTraceGradients, P: number, of: AutodiffBoundKind): AutodiffBoundGradient {
  const n = t.gradTraceH.length;
  const A = new JetAlgebra({ order: 1, tangent: false });
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const T1 = new Jet(all, t.traceH, t.gradTraceH, null, 0, null, null);
  const T2 = new Jet(all, t.traceH2, t.gradTraceH2, null, 0, null, null);
  const { bound, degenerate } = boundOver(A, T1, T2, P, of);
  return { value: bound.value, gradient: denseGradientOf(bound, n), degenerate, traceH: t.traceH, traceH2: t.traceH2, parameters: P };
}
