/**
 * The statistics behind the estimator checks: the quadratic-form kurtosis formulas
 * (eq:quadratic-form-kurtosis) against exact enumeration of every Rademacher probe and against
 * the eigenvalues, their bounds, the chi-square and normal quantiles against their CDFs and
 * published values, and the coverage of the variance interval (eq:sample-variance-interval).
 */
import { describe, expect, it } from 'vitest';
import {
  chiSquareQuantile,
  createRng,
  normalCdf,
  normalQuantile,
  percentile,
  quadraticFormExcessKurtosis,
  quadraticFormExcessKurtosisBound,
  sampleVarianceInterval,
  symmetricEigenvalues,
  type SymmetricMatrix,
} from '@hsr/numeric';
import { logGamma, regularizedGammaP } from '@hsr/numeric/internal';
import { ATOL_FLOOR, enumerateRademacher, exactOf, lowRankPsd, RTOL_PUBLISHED_TABLE, RTOL_QUANTILE, RTOL_VS_DENSE, RTOL_VS_ENUMERATION, randomSymmetric, STATISTICAL_CHECK_ALPHA } from '@hsr/testkit';

function excessKurtosisOf(values: Float64Array): number {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  let m2 = 0;
  let m4 = 0;
  for (const x of values) {
    m2 += (x - mean) ** 2;
    m4 += (x - mean) ** 4;
  }
  m2 /= n;
  m4 /= n;
  return m4 / (m2 * m2) - 3;
}

const matrices: [string, SymmetricMatrix][] = [
  ['random 9 x 9', randomSymmetric(9, 1)],
  ['random 10 x 10, heavy diagonal', randomSymmetric(10, 2, 3, 2)],
  ['rank-2 PSD 8 x 8', lowRankPsd(8, 2, 3)],
  ['2 x 2 [[0, 1], [1, 0]]', { size: 2, data: Float64Array.from([0, 1, 1, 0]) }],
];

describe('excess kurtosis of one probe (eq:quadratic-form-kurtosis)', () => {
  it.each(matrices)('Rademacher formula equals exact enumeration of all 2^P probes: %s', (_name, A) => {
    expect(quadraticFormExcessKurtosis('rademacher', A)).toBeAllClose(excessKurtosisOf(enumerateRademacher(A)), { rtol: RTOL_VS_ENUMERATION });
  });

  it.each(matrices)('Gaussian formula equals 12 sum(lambda^4) / (sum lambda^2)^2 from the eigenvalues: %s', (_name, A) => {
    const ev = symmetricEigenvalues(A);
    const s2 = ev.reduce((s, l) => s + l * l, 0);
    const s4 = ev.reduce((s, l) => s + l ** 4, 0);
    expect(quadraticFormExcessKurtosis('gaussian', A)).toBeAllClose((12 * s4) / (s2 * s2), { rtol: RTOL_VS_DENSE });
  });

  it.each(matrices)('the spectral-norm bounds are upper bounds: %s', (_name, A) => {
    const ev = symmetricEigenvalues(A);
    const rho = Math.max(Math.abs(ev[0]!), Math.abs(ev[ev.length - 1]!));
    const e = exactOf(A);
    for (const probe of ['rademacher', 'gaussian'] as const) expect(quadraticFormExcessKurtosisBound(probe, rho, e.frobeniusSquared, e.diagonalSquareSum)).toBeGreaterThanOrEqual(quadraticFormExcessKurtosis(probe, A));
  });
});

describe('quantiles', () => {
  it('chi-square: closed forms for nu = 1 and 2, CDF round trips, and published table values', () => {
    for (const p of [0.005, 0.1, 0.5, 0.9, 0.995]) {
      expect(chiSquareQuantile(p, 2)).toBeAllClose(-2 * Math.log(1 - p), { rtol: RTOL_QUANTILE });
      expect(chiSquareQuantile(p, 1)).toBeAllClose(normalQuantile((1 + p) / 2) ** 2, { rtol: RTOL_QUANTILE });
      for (const nu of [0.7, 4.5, 49, 1000]) expect(regularizedGammaP(nu / 2, chiSquareQuantile(p, nu) / 2)).toBeAllClose(p, { rtol: RTOL_QUANTILE });
    }
    expect([chiSquareQuantile(0.995, 10), chiSquareQuantile(0.005, 10), chiSquareQuantile(0.975, 49), chiSquareQuantile(0.025, 49)]).toBeAllClose([25.1882, 2.15586, 70.2224, 31.5549], {
      rtol: RTOL_PUBLISHED_TABLE,
      scale: 0,
    });
  });

  it('normal: Phi(Phi^-1(p)) = p and the published 97.5% point', () => {
    for (const p of [1e-9, 0.01, 0.3, 0.5, 0.8, 0.999]) expect(normalCdf(normalQuantile(p))).toBeAllClose(p, { rtol: RTOL_QUANTILE });
    expect(normalQuantile(0.975)).toBeAllClose(1.959963984540054, { rtol: RTOL_QUANTILE });
  });

  it('log Gamma: factorials, sqrt(pi) and the reflection branch', () => {
    let f = 1;
    for (let n = 1; n <= 20; n++) {
      expect(logGamma(n)).toBeAllClose(Math.log(f), { rtol: RTOL_QUANTILE, atol: ATOL_FLOOR });
      f *= n;
    }
    expect(logGamma(0.5)).toBeAllClose(0.5 * Math.log(Math.PI), { rtol: RTOL_QUANTILE });
    expect(Math.exp(logGamma(0.1))).toBeAllClose(9.513507698668732, { rtol: RTOL_QUANTILE });
  });

  it('percentile interpolates linearly between order statistics (numpy default)', () => {
    expect([percentile([4, 1, 3, 2], 0.5), percentile([4, 1, 3, 2], 0.1), percentile([4, 1, 3, 2], 1), percentile([7], 0.9)]).toEqual([2.5, 1.3, 4, 7]);
  });
});

describe('sample-variance interval (eq:sample-variance-interval)', () => {
  it('is the exact chi-square interval for Gaussian values (kappa = 0)', () => {
    const i = sampleVarianceInterval(2, 11, 0, 0.99);
    expect(i.degreesOfFreedom).toBe(10);
    expect([i.lower, i.upper]).toBeAllClose([(2 * chiSquareQuantile(0.005, 10)) / 10, (2 * chiSquareQuantile(0.995, 10)) / 10], { rtol: RTOL_QUANTILE });
  });

  it('covers the variance of Gaussian samples at its nominal rate', () => {
    // 4000 trials of n = 10: the number of hits is Binomial(4000, 0.9); a correct interval lands
    // within z(1 - alpha / 2) binomial standard deviations of 3600.
    const trials = 4000;
    const rng = createRng(42);
    let hits = 0;
    const interval = sampleVarianceInterval(1, 10, 0, 0.9);
    for (let t = 0; t < trials; t++) {
      const x = Array.from({ length: 10 }, () => rng.normal());
      const mean = x.reduce((s, v) => s + v, 0) / 10;
      const s2 = x.reduce((s, v) => s + (v - mean) ** 2, 0) / 9;
      if (s2 >= interval.lower && s2 <= interval.upper) hits++;
    }
    const z = normalQuantile(1 - STATISTICAL_CHECK_ALPHA / 2);
    expect(Math.abs(hits - 0.9 * trials)).toBeLessThanOrEqual(z * Math.sqrt(trials * 0.9 * 0.1));
  });

  it('widens with the excess kurtosis', () => {
    const narrow = sampleVarianceInterval(1, 50, 0, 0.99);
    const wide = sampleVarianceInterval(1, 50, 5, 0.99);
    expect(wide.lower).toBeLessThan(narrow.lower);
    expect(wide.upper).toBeGreaterThan(narrow.upper);
  });
});
