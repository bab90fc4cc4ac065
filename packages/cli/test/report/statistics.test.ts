/**
 * The statistics behind the verdicts, against closed forms that share no code with them:
 * Student's t for nu = 1 (Cauchy) and nu = 2 in elementary functions, the normal limit
 * (numeric's erf-based Phi), the Gamma function at integers and 1/2, permutation p-values
 * counted by hand, and Holm's procedure on a worked example.
 */
import { describe, expect, it } from 'vitest';
import { normalCdf } from '@hsr/numeric';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { holmAdjust, logGamma, pairedTTest, regularizedBeta, signFlipTest, studentTCdf, studentTQuantile, studentTTwoSided, SIGN_FLIP_DRAWS } from '../../src/report/statistics.ts';

/**
 * The continued fraction stops at a relative step of 1e-16 and ln Gamma carries ~1e-15 relative
 * error, which exp() turns into the same relative error of the prefactor: 1e-13 leaves two orders
 * for the few dozen operations between, and a wrong term is an O(1) error.
 */
const RTOL_SPECIAL_FUNCTION = 1e-13;
/** Bisection stops at a relative width of 1e-15 in t; the CDF's slope turns that into ~1e-14 in p. */
const RTOL_QUANTILE = 1e-12;

describe('logGamma', () => {
  it('is ln((n - 1)!) at integers and ln sqrt(pi) at 1/2', () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      expect(logGamma(n)).toBeAllClose(Math.log(factorial), { rtol: RTOL_SPECIAL_FUNCTION, atol: 1e-14 });
      factorial *= n;
    }
    expect(logGamma(0.5)).toBeAllClose(0.5 * Math.log(Math.PI), { rtol: RTOL_SPECIAL_FUNCTION });
    // Gamma(1/4) = 3.625609908221908... (A&S Table 6.1).
    expect(logGamma(0.25)).toBeAllClose(Math.log(3.625609908221908), { rtol: RTOL_SPECIAL_FUNCTION });
  });
});

describe('regularizedBeta', () => {
  it('is x^a for b = 1 and 1 - (1 - x)^b for a = 1', () => {
    for (const x of [0.01, 0.3, 0.5, 0.9, 0.999]) {
      expect(regularizedBeta(x, 2.5, 1)).toBeAllClose(x ** 2.5, { rtol: RTOL_SPECIAL_FUNCTION });
      expect(regularizedBeta(x, 1, 3.5)).toBeAllClose(1 - (1 - x) ** 3.5, { rtol: RTOL_SPECIAL_FUNCTION });
    }
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });
});

describe("Student's t", () => {
  const ts = [0, 0.1, 0.7, 1, 2.5, 6, 40, 1e4];

  it('nu = 1 is the Cauchy distribution: P(|T| > t) = 1 - 2 atan(t) / pi', () => {
    for (const t of ts) expect(studentTTwoSided(t, 1)).toBeAllClose(1 - (2 * Math.atan(t)) / Math.PI, { rtol: RTOL_SPECIAL_FUNCTION, atol: 1e-15 });
  });

  it('nu = 2: P(|T| > t) = 1 - t / sqrt(2 + t^2)', () => {
    // 2 / (sqrt(2 + t^2) (sqrt(2 + t^2) + t)) is the same value without the cancellation for large t.
    for (const t of ts) expect(studentTTwoSided(t, 2)).toBeAllClose(2 / (Math.sqrt(2 + t * t) * (Math.sqrt(2 + t * t) + t)), { rtol: RTOL_SPECIAL_FUNCTION });
  });

  it('tends to the normal distribution as nu grows', () => {
    // |F_nu - Phi| = O(1/nu): at nu = 1e6 that is ~1e-7.
    for (const t of [-3, -1, 0.5, 2]) expect(studentTCdf(t, 1e6)).toBeAllClose(normalCdf(t), { rtol: 0, atol: 1e-6 });
  });

  it('the quantile inverts the CDF, and matches the closed forms for nu = 1 and 2', () => {
    for (const p of [0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.9995]) {
      expect(studentTQuantile(p, 1)).toBeAllClose(Math.tan(Math.PI * (p - 0.5)), { rtol: RTOL_QUANTILE, atol: 1e-14 });
      expect(studentTQuantile(p, 2)).toBeAllClose((2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p))), { rtol: RTOL_QUANTILE, atol: 1e-14 });
      for (const nu of [3, 4, 9, 19, 59]) expect(studentTCdf(studentTQuantile(p, nu), nu)).toBeAllClose(p, { rtol: RTOL_QUANTILE });
    }
    // A printed table value (e.g. Abramowitz & Stegun Table 26.10): t_{0.975, 4} = 2.776.
    expect(studentTQuantile(0.975, 4)).toBeAllClose(2.776, { rtol: 2e-4 });
  });
});

describe('pairedTTest', () => {
  it('computes t, df, p and the interval', () => {
    // d = 1, 2, 3, 4: mean 2.5, sd sqrt(5/3), se = sd / 2, t = 2.5 / se.
    const r = pairedTTest([1, 2, 3, 4]);
    const se = Math.sqrt(5 / 3) / 2;
    expect(r.mean).toBe(2.5);
    expect(r.df).toBe(3);
    expect(r.t).toBeAllClose(2.5 / se, { rtol: RTOL_SAME_FORMULA });
    expect(r.p).toBeAllClose(studentTTwoSided(2.5 / se, 3), { rtol: RTOL_SAME_FORMULA });
    const half = studentTQuantile(0.975, 3) * se;
    expect([r.lower, r.upper]).toBeAllClose([2.5 - half, 2.5 + half], { rtol: RTOL_SAME_FORMULA });
    expect(r.p).toBeLessThan(0.05);
    expect(r.lower).toBeGreaterThan(0);
  });

  it('is not significant when the differences straddle zero, and handles zero spread', () => {
    expect(pairedTTest([1, -1, 0.5, -0.4]).p).toBeGreaterThan(0.5);
    expect(pairedTTest([0.2, 0.2, 0.2]).p).toBe(0);
    expect(pairedTTest([0.2, 0.2, 0.2]).degenerate).toBe(true);
    expect(pairedTTest([0.2, 0.2, 0.21]).degenerate).toBe(false);
    expect(pairedTTest([0, 0, 0]).p).toBe(1);
    expect(() => pairedTTest([1])).toThrow(RangeError);
  });
});

describe('signFlipTest', () => {
  it('counts the sign patterns at least as extreme, exactly', () => {
    // All 5 positive: only the all-plus and all-minus patterns reach |sum| = 15: p = 2/32.
    expect(signFlipTest([1, 2, 3, 4, 5]).p).toBe(2 / 32);
    // d = (1, 1, 1): |sum| = 3 only for +++ and ---: 2/8; d = (3, -1, -1): |sum| = 1; |+-3+-1+-1| >= 1 always: p = 1.
    expect(signFlipTest([1, 1, 1]).p).toBe(0.25);
    expect(signFlipTest([3, -1, -1]).p).toBe(1);
    // (2, 1, 1): sums over the 8 patterns are +-4, +-2, +-2, +-0: |sum| >= 4 for 2 of them.
    expect(signFlipTest([2, 1, 1]).p).toBe(0.25);
    expect(signFlipTest([2, 1, 1]).exact).toBe(true);
  });

  it('counts ties despite round-off in the running sum', () => {
    // Twenty equal differences of 0.1: p = 2 / 2^20 exactly.
    expect(signFlipTest(Array.from({ length: 20 }, () => 0.1)).p).toBe(2 / 2 ** 20);
  });

  it('samples above 20 units, reproducibly, with p >= 1 / (B + 1)', () => {
    const d = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? -0.2 : 0.5));
    const a = signFlipTest(d, 7);
    expect(a.exact).toBe(false);
    expect(a.p).toBe(signFlipTest(d, 7).p);
    expect(a.p).toBeGreaterThanOrEqual(1 / (SIGN_FLIP_DRAWS + 1));
    expect(a.p).toBeLessThan(0.01);
    // A sample with no effect: p far from 0.
    expect(
      signFlipTest(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? 1 : -1) * (1 + (i % 5))),
        7,
      ).p,
    ).toBeGreaterThan(0.2);
  });
});

describe('holmAdjust', () => {
  it('multiplies the i-th smallest p by m - i + 1 and keeps the order monotone', () => {
    // m = 4: sorted 0.01, 0.02, 0.03, 0.5 -> 0.04, 0.06, 0.06 (max with 0.06), min(1, 0.5) = 0.5.
    expect(holmAdjust([0.03, 0.5, 0.01, 0.02])).toBeAllClose([0.06, 0.5, 0.04, 0.06], { rtol: RTOL_SAME_FORMULA });
    expect(holmAdjust([0.9, 0.4])).toEqual([0.9, 0.8]);
  });

  it('leaves untested entries out of m', () => {
    const r = holmAdjust([0.01, NaN, 0.04]);
    expect(r[1]).toBeNaN();
    expect([r[0]!, r[2]!]).toBeAllClose([0.02, 0.04], { rtol: RTOL_SAME_FORMULA });
  });
});
