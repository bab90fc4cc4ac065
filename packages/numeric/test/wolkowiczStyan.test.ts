import { wsBoundsEncloseSpectrum } from '@hsr/crosscheck/properties';
import { describeProperties } from '@hsr/testkit/properties';
import { describe, expect, test } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { BOUND_VALUE_KEYS, boundValues, wolkowiczStyanBounds } from '../src/wolkowiczStyan.ts';

/** Traces of a diagonal matrix with the given eigenvalues. */
function traces(eigs: number[]) {
  return { t1: eigs.reduce((s, x) => s + x, 0), t2: eigs.reduce((s, x) => s + x * x, 0), P: eigs.length };
}

describe('Wolkowicz-Styan bounds', () => {
  test('enclose the spectrum of explicit diagonal matrices', () => {
    const cases = [
      [1, 2, 3],
      [-5, 0.1, 0.2, 7],
      [0, 0, 0, 1e-8],
      [3, -3],
    ];
    for (const eigs of cases) {
      const { t1, t2, P } = traces(eigs);
      const b = wolkowiczStyanBounds(t1, t2, P);
      const max = Math.max(...eigs);
      const min = Math.min(...eigs);
      // [0,0,0,1e-8] is an equality case (P-1 equal eigenvalues): allow round-off there.
      const slack = RTOL_SAME_FORMULA * Math.max(...eigs.map(Math.abs));
      expect(b.lambdaMaxUpper).toBeGreaterThanOrEqual(max - slack);
      expect(b.lambdaMaxLower).toBeLessThanOrEqual(max + slack);
      expect(b.lambdaMinUpper).toBeGreaterThanOrEqual(min - slack);
      expect(b.lambdaMinLower).toBeLessThanOrEqual(min + slack);
      expect(b.rangeUpper).toBeGreaterThanOrEqual(max - min - slack);
    }
  });

  test('are attained where the theorem says: one eigenvalue apart from P-1 equal ones', () => {
    // Eigenvalues (a, b, b, b): lambda_max = a meets the upper bound exactly (equality case of Thm 2.1).
    const eigs = [10, 1, 1, 1];
    const { t1, t2, P } = traces(eigs);
    expect(wolkowiczStyanBounds(t1, t2, P).lambdaMaxUpper).toBeAllClose(10, { rtol: RTOL_SAME_FORMULA });
  });

  test('s = 0: every bound collapses to the common eigenvalue', () => {
    const b = wolkowiczStyanBounds(6, 12, 3); // eigenvalues 2, 2, 2
    expect(b.spread).toBe(0);
    for (const v of [b.lambdaMaxUpper, b.lambdaMaxLower, b.lambdaMinUpper, b.lambdaMinLower]) expect(v).toBeAllClose(2, { rtol: RTOL_SAME_FORMULA });
    expect(b.rangeUpper).toBe(0);
  });

  test('an exact s^2 = 0 is not a clamp: clamped means spreadSquaredRaw < 0, nothing else', () => {
    // 12/3 - (6/3)^2 = 0 exactly in float64: nothing was clamped, so a report must not say so.
    const b = wolkowiczStyanBounds(6, 12, 3);
    expect(b.spreadSquaredRaw).toBe(0);
    expect(b.clamped).toBe(false);
    const spread = wolkowiczStyanBounds(6, 14, 3); // eigenvalues with variance 2/3 > 0
    expect(spread.spreadSquaredRaw).toBeGreaterThan(0);
    expect(spread.clamped).toBe(false);
  });

  test('negative s^2 from round-off is clamped and reported', () => {
    const P = 3;
    const t1 = 0.3;
    const t2 = 0.03 * (1 - 1e-15); // slightly below T1^2 / P
    const b = wolkowiczStyanBounds(t1, t2, P);
    expect(b.spreadSquaredRaw).toBeLessThan(0);
    expect(b.clamped).toBe(true);
    expect(b.spread).toBe(0);
    expect(Number.isNaN(b.lambdaMaxUpper)).toBe(false);
  });

  test('P = 1 reports the single eigenvalue without dividing by zero', () => {
    const b = wolkowiczStyanBounds(-2.5, 6.25, 1);
    for (const v of [b.lambdaMaxUpper, b.lambdaMaxLower, b.lambdaMinUpper, b.lambdaMinLower]) expect(v).toBe(-2.5);
    expect(b.rangeUpper).toBe(0);
  });

  test('P = 1 ignores round-off in T2 - T1^2 (s = 0 by definition)', () => {
    // T1 = 0.1 has T1^2 = 0.010000000000000002 in float64; a T2 one ulp above that must not
    // open a range of order sqrt(eps) |T1|.
    const t1 = 0.1;
    const t2 = t1 * t1 * (1 + 2 ** -52);
    expect(t2 - t1 * t1).toBeGreaterThan(0);
    const b = wolkowiczStyanBounds(t1, t2, 1);
    expect(b.spread).toBe(0);
    expect(b.rangeUpper).toBe(0);
    for (const v of [b.lambdaMaxUpper, b.lambdaMaxLower, b.lambdaMinUpper, b.lambdaMinLower]) expect(v).toBe(t1);
  });

  test('boundValues is the five bounds of BOUND_VALUE_KEYS and nothing else', () => {
    const b = wolkowiczStyanBounds(-1, 30, 4);
    const values = boundValues(b);
    expect(Object.keys(values).sort()).toEqual([...BOUND_VALUE_KEYS].sort());
    // Five distinct numbers, each the bound of its own name (a swap would show).
    expect(new Set(Object.values(values)).size).toBe(5);
    for (const key of BOUND_VALUE_KEYS) expect(values[key]).toBe(b[key]);
  });

  test('rejects a non-positive P', () => {
    expect(() => wolkowiczStyanBounds(1, 1, 0)).toThrow(/P must be a positive integer/);
  });
});

describeProperties('the bounds enclose the dense spectrum on generated cases', { file: 'packages/numeric/test/wolkowiczStyan.test.ts', properties: [wsBoundsEncloseSpectrum], numRuns: 200 });
