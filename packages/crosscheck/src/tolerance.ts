/**
 * Named tolerances and the one comparison every check uses:
 *
 *   |actual - expected| <= atol + rtol * max(|expected|, scale)
 *
 * where `scale` (default: the largest |expected| in the whole array) keeps entries that are
 * tiny only by cancellation from demanding impossible relative accuracy. Each constant says
 * why it is as tight as it is; none is loosened to make a test pass.
 */

/** Two routes that evaluate the same formula in a different order: a few ulps per operation. */
export const RTOL_SAME_FORMULA = 1e-12;
/** Closed form vs forward-mode AD or an eigen-decomposition of an explicit matrix: different
 * summation orders over O(P^2) terms and an O(P^3) solver; round-off grows like P * eps * cond. */
export const RTOL_VS_AUTODIFF = 1e-10;
/** Closed form vs the dense Hessian's eigenvalues / Frobenius norm (issue: relative 1e-10). */
export const RTOL_VS_DENSE = 1e-10;
/** vs PyTorch golden fixtures (float64, different code path, fixed decimal serialisation). */
export const RTOL_VS_GOLDEN = 1e-10;
/** Gradients vs PyTorch golden fixtures: a third-order quantity through autograd. */
export const RTOL_GRADIENT_VS_GOLDEN = 1e-9;
/** Central difference with step ~ eps^(1/3) * scale: truncation O(h^2) and round-off
 * O(eps/h) balance near 1e-10 relative; 1e-7 leaves room for curvature of the third derivative. */
export const RTOL_VS_FINITE_DIFFERENCE = 1e-7;
/** Absolute floor: values below this are zero for every float64 quantity we compare. */
export const ATOL_FLOOR = 1e-13;

export interface Comparison {
  ok: boolean;
  /** Largest |actual - expected| / (atol + rtol * max(|expected|, scale)); <= 1 passes. */
  worstRatio: number;
  /** Largest relative error |a - e| / max(|e|, scale), for reporting. */
  worstRelativeError: number;
  worstIndex: number;
  worstActual: number;
  worstExpected: number;
  length: number;
}

export interface CompareOptions {
  rtol: number;
  atol?: number;
  /** Magnitude below which errors count as absolute; default max |expected|. */
  scale?: number;
}

/** Compare two arrays (or scalars) elementwise with a relative-plus-absolute tolerance. */
export function compareClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, options: CompareOptions): Comparison {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  if (a.length !== e.length) {
    return { ok: false, worstRatio: Infinity, worstRelativeError: Infinity, worstIndex: -1, worstActual: NaN, worstExpected: NaN, length: a.length };
  }
  const atol = options.atol ?? ATOL_FLOOR;
  let scale = options.scale;
  if (scale === undefined) {
    scale = 0;
    for (let i = 0; i < e.length; i++) scale = Math.max(scale, Math.abs(e[i]!));
  }
  let worst = { ratio: -1, rel: 0, index: -1 };
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const ei = e[i]!;
    const diff = Math.abs(ai - ei);
    const allowed = atol + options.rtol * Math.max(Math.abs(ei), scale);
    const ratio = Number.isNaN(diff) ? Infinity : diff / allowed;
    if (ratio > worst.ratio) worst = { ratio, rel: diff / Math.max(Math.abs(ei), scale, Number.MIN_VALUE), index: i };
  }
  return {
    ok: worst.ratio <= 1,
    worstRatio: Math.max(worst.ratio, 0),
    worstRelativeError: worst.rel,
    worstIndex: worst.index,
    worstActual: a[worst.index] ?? NaN,
    worstExpected: e[worst.index] ?? NaN,
    length: a.length,
  };
}

/** A one-line description of a comparison's worst element. */
export function describeComparison(c: Comparison, label = 'value'): string {
  if (c.worstIndex < 0) return `${label}: length mismatch or empty (length ${c.length})`;
  return `${label}[${c.worstIndex}] = ${c.worstActual} vs expected ${c.worstExpected} (relative error ${c.worstRelativeError.toExponential(2)}, ${c.worstRatio.toFixed(2)}x the tolerance)`;
}

/** Throws with the worst element when the comparison fails (for use outside vitest). */
export function assertAllClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, options: CompareOptions & { label?: string }): Comparison {
  const c = compareClose(actual, expected, options);
  if (!c.ok) throw new Error(`not close: ${describeComparison(c, options.label)}`);
  return c;
}
