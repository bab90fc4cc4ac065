/**
 * The Wolkowicz–Styan bounds (Linear Algebra Appl. 29 (1980), Thm 2.1; docs/mathematics.md §2,
 * eq:ws-bounds) from T1 = tr A, T2 = tr A^2 and the size P of a real symmetric A:
 *
 *   m = T_1/P,\quad s^2 = T_2/P - m^2,
 *   m + \frac{s}{\sqrt{P-1}} \le \lambda_{\max} \le m + s\sqrt{P-1},\qquad
 *   m - s\sqrt{P-1} \le \lambda_{\min} \le m - \frac{s}{\sqrt{P-1}},\qquad
 *   \lambda_{\max} - \lambda_{\min} \le s\sqrt{2P}.
 *
 * s^2 is mathematically >= 0 (it is the variance of the eigenvalues) but T2/P - m^2 can come
 * out slightly negative by cancellation when all eigenvalues are (nearly) equal; it is then
 * clamped to 0 and `clamped` is set, with the raw value kept in `spreadSquaredRaw`.
 * s = 0 means every eigenvalue equals m, and all five bounds collapse to m (range to 0).
 * P = 1: the two "inner" bounds divide by sqrt(P - 1) = 0; with P = 1 the single eigenvalue
 * is T1, s = 0, and every bound is reported as m. Cost O(1).
 * Verified by `ws-bounds-enclose-spectrum` and the golden fixtures.
 */
export interface WolkowiczStyanBounds {
  readonly parameters: number;
  /** m = T1 / P, the mean eigenvalue. */
  readonly mean: number;
  /** s, the standard deviation of the eigenvalues (after the clamp). */
  readonly spread: number;
  /** T2/P - m^2 before clamping. */
  readonly spreadSquaredRaw: number;
  /** True when spreadSquaredRaw < 0 was clamped to 0. */
  readonly clamped: boolean;
  readonly lambdaMaxUpper: number;
  readonly lambdaMaxLower: number;
  readonly lambdaMinUpper: number;
  readonly lambdaMinLower: number;
  readonly rangeUpper: number;
}

export function wolkowiczStyanBounds(traceH: number, traceH2: number, P: number): WolkowiczStyanBounds {
  if (!Number.isInteger(P) || P < 1) throw new RangeError(`P must be a positive integer, got ${P}`);
  const m = traceH / P;
  const raw = traceH2 / P - m * m;
  const clamped = raw < 0;
  // P = 1: the one eigenvalue is T1 and s = 0 exactly; T2 - T1^2 is then pure round-off, and
  // a positive one would open a spurious range of order sqrt(eps) |T1|.
  const s = P === 1 ? 0 : Math.sqrt(Math.max(raw, 0));
  const root = Math.sqrt(P - 1);
  const outer = s * root;
  const inner = P > 1 ? s / root : 0;
  return {
    parameters: P,
    mean: m,
    spread: s,
    spreadSquaredRaw: raw,
    clamped,
    lambdaMaxUpper: m + outer,
    lambdaMaxLower: m + inner,
    lambdaMinUpper: m - inner,
    lambdaMinLower: m - outer,
    rangeUpper: s * Math.sqrt(2 * P),
  };
}

/** The names of the five bounds, in the order reports, metrics and checks list them. */
export const BOUND_VALUE_KEYS = ['lambdaMaxUpper', 'lambdaMaxLower', 'lambdaMinUpper', 'lambdaMinLower', 'rangeUpper'] as const;

/** The five bounds alone, as reports and metrics print them. */
export type BoundValues = Pick<WolkowiczStyanBounds, (typeof BOUND_VALUE_KEYS)[number]>;

export function boundValues(b: WolkowiczStyanBounds): BoundValues {
  return { lambdaMaxUpper: b.lambdaMaxUpper, lambdaMaxLower: b.lambdaMaxLower, lambdaMinUpper: b.lambdaMinUpper, lambdaMinLower: b.lambdaMinLower, rangeUpper: b.rangeUpper };
}
