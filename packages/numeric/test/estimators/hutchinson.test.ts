/**
 * eq:hutchinson-trace and eq:frobenius-estimator on explicit matrices: the variance formulas by
 * exact enumeration of every Rademacher probe, the estimators' unbiasedness over many seeds
 * within a bound derived from those formulas, and their empirical variance within a
 * chi-square interval derived from the formula and the exact kurtosis. Also the probes.
 */
import { describe, expect, it } from 'vitest';
import {
  createRng,
  DEFAULT_VARIANT,
  denseOperator,
  drawProbe,
  frobeniusNormSquared,
  hutchinsonSamples,
  hutchinsonTrace,
  hutchinsonTraces,
  meanAndVariance,
  normalQuantile,
  quadraticFormExcessKurtosis,
  quadraticFormVariance,
  sampleVarianceInterval,
  type Probe,
} from '@hsr/numeric';
import { enumerateRademacher, exactOf, matVec, RTOL_SAME_FORMULA, RTOL_VS_ENUMERATION, randomSymmetric, STATISTICAL_CHECK_ALPHA, square } from '@hsr/testkit';
import { checkHutchinsonOnNetwork } from './networks.ts';
import { seededCase } from '@hsr/crosscheck/cases';

/** Glorot weights, biases ~ N(0, 0.3^2): the case builder's recipe for mildly curved networks. */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

/**
 * ALPHA: the probability that a correct implementation fails one statistical check below over
 * the choice of the fixed seeds. The CLT bound uses z(1 - ALPHA/2) standard errors; the variance
 * interval has confidence 1 - ALPHA.
 */
const ALPHA = STATISTICAL_CHECK_ALPHA;
const Z = normalQuantile(1 - ALPHA / 2);

/** Heavy diagonal (shift 3): Rademacher's variance is far below Gaussian's, so the checks can tell the formulas apart. */
const H = randomSymmetric(10, 7, 3, 1);
const op = denseOperator(H);
const exact = exactOf(H);
const H2 = square(H);
const exact2 = exactOf(H2);

describe('variance formulas by exact enumeration of all 2^P Rademacher probes', () => {
  it('v^T H v has mean tr H and variance 2 (||H||_F^2 - sum H_ii^2)', () => {
    const { mean, variance } = meanAndVariance(enumerateRademacher(H));
    // meanAndVariance divides by n - 1; the population variance divides by n.
    const n = 2 ** H.size;
    expect([mean, (variance * (n - 1)) / n]).toBeAllClose([exact.trace, quadraticFormVariance('rademacher', exact.frobeniusSquared, exact.diagonalSquareSum)], { rtol: RTOL_VS_ENUMERATION });
  });

  it('||H v||^2 = v^T H^2 v has mean ||H||_F^2 and variance 2 (tr H^4 - sum (H^2)_ii^2)', () => {
    const { mean, variance } = meanAndVariance(enumerateRademacher(H2));
    const n = 2 ** H.size;
    expect([mean, (variance * (n - 1)) / n]).toBeAllClose([exact.frobeniusSquared, quadraticFormVariance('rademacher', exact2.frobeniusSquared, exact2.diagonalSquareSum)], { rtol: RTOL_VS_ENUMERATION });
  });
});

describe.each(['rademacher', 'gaussian'] as Probe[])('%s probes', (probe) => {
  const perProbe = quadraticFormVariance(probe, exact.frobeniusSquared, exact.diagonalSquareSum);
  const perProbeFrobenius = quadraticFormVariance(probe, exact2.frobeniusSquared, exact2.diagonalSquareSum);

  it('Hutchinson and Frobenius are unbiased over 10,000 seeds within z(1 - ALPHA/2) standard errors', () => {
    const seeds = 10_000;
    const m = 8;
    let t1 = 0;
    let t2 = 0;
    for (let s = 0; s < seeds; s++) {
      t1 += hutchinsonTrace(op, createRng(s), { products: m, probe }).estimate;
      t2 += frobeniusNormSquared(op, createRng(100_000 + s), { products: m, probe }).estimate;
    }
    expect(Math.abs(t1 / seeds - exact.trace)).toBeLessThanOrEqual(Z * Math.sqrt(perProbe / (seeds * m)));
    expect(Math.abs(t2 / seeds - exact.frobeniusSquared)).toBeLessThanOrEqual(Z * Math.sqrt(perProbeFrobenius / (seeds * m)));
  });

  it('the variance over 3000 replicates of m = 4 lies in the 1 - ALPHA interval of the formula, and not of the other probe', () => {
    const n = 3000;
    const m = 4;
    const t1: number[] = [];
    const t2: number[] = [];
    for (let s = 0; s < n; s++) {
      const both = hutchinsonTraces(op, createRng(50_000 + s), { products: m, probe });
      t1.push(both.traceH.estimate);
      t2.push(both.traceH2.estimate);
    }
    const v1 = meanAndVariance(t1).variance;
    const i1 = sampleVarianceInterval(perProbe / m, n, quadraticFormExcessKurtosis(probe, H) / m, 1 - ALPHA);
    expect(v1).toBeGreaterThanOrEqual(i1.lower);
    expect(v1).toBeLessThanOrEqual(i1.upper);
    // The check can fail: the other distribution's formula is far outside this interval.
    const other: Probe = probe === 'rademacher' ? 'gaussian' : 'rademacher';
    const wrong = quadraticFormVariance(other, exact.frobeniusSquared, exact.diagonalSquareSum) / m;
    expect(wrong < i1.lower || wrong > i1.upper).toBe(true);
    const v2 = meanAndVariance(t2).variance;
    const i2 = sampleVarianceInterval(perProbeFrobenius / m, n, quadraticFormExcessKurtosis(probe, H2) / m, 1 - ALPHA);
    expect(v2).toBeGreaterThanOrEqual(i2.lower);
    expect(v2).toBeLessThanOrEqual(i2.upper);
  });

  it('samples are v^T H v and ||H v||^2 of the drawn probes, and the estimates their means', () => {
    const s = hutchinsonSamples(op, createRng(9), 5, probe);
    const rng = createRng(9);
    const v = new Float64Array(H.size);
    for (let j = 0; j < 5; j++) {
      drawProbe(rng, probe, v);
      const w = matVec(H, v);
      expect([s.quadratic[j]!, s.squaredNorm[j]!]).toBeAllClose([v.reduce((a, x, i) => a + x * w[i]!, 0), w.reduce((a, x) => a + x * x, 0)], { rtol: RTOL_SAME_FORMULA });
    }
    const est = hutchinsonTrace(op, createRng(9), { products: 5, probe });
    expect(est.products).toBe(5);
    expect(est.estimate).toBeAllClose(s.quadratic.reduce((a, x) => a + x, 0) / 5, { rtol: RTOL_SAME_FORMULA });
    expect(est.standardError ** 2 * 5).toBeAllClose(meanAndVariance(s.quadratic).variance, { rtol: RTOL_SAME_FORMULA });
  });
});

describe('probes', () => {
  it('Rademacher entries are +-1 with balanced, independent signs (binomial bounds at ALPHA)', () => {
    const n = 100_003;
    const v = drawProbe(createRng(3), 'rademacher', new Float64Array(n));
    expect(v.every((x) => x === 1 || x === -1)).toBe(true);
    const plus = v.filter((x) => x === 1).length;
    expect(Math.abs(plus - n / 2)).toBeLessThanOrEqual(Z * Math.sqrt(n / 4));
    // Neighbours (within one 32-bit word and across words) agree half the time.
    let same = 0;
    for (let i = 1; i < n; i++) if (v[i] === v[i - 1]) same++;
    expect(Math.abs(same - (n - 1) / 2)).toBeLessThanOrEqual(Z * Math.sqrt((n - 1) / 4));
  });

  it('Gaussian entries have mean 0, variance 1 and kurtosis 3 (CLT bounds at ALPHA), odd lengths included', () => {
    const n = 200_001;
    const v = drawProbe(createRng(4), 'gaussian', new Float64Array(n));
    expect(Number.isFinite(v[n - 1]!)).toBe(true);
    const { mean, variance } = meanAndVariance(v);
    const m4 = v.reduce((s, x) => s + x ** 4, 0) / n;
    // sd of the sample mean 1/sqrt(n); of the sample variance sqrt(2/n); of the mean of x^4 sqrt((105 - 9)/n).
    expect(Math.abs(mean)).toBeLessThanOrEqual(Z / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThanOrEqual(Z * Math.sqrt(2 / n));
    expect(Math.abs(m4 - 3)).toBeLessThanOrEqual(Z * Math.sqrt(96 / n));
  });
});

describe('on a network Hessian (closed-form T1, T2 and the dense H as truth)', () => {
  const { model, data } = seededCase({ activation: 'tanh', bias: true, inputDim: 3, hiddenDim: 4, classes: 3, samples: 9, seed: 21 }, GLOROT);
  it.each(['rademacher', 'gaussian'] as Probe[])('%s: unbiased, and the variance matches the formula', (probe) => {
    checkHutchinsonOnNetwork(model, data, DEFAULT_VARIANT, probe, 2000, 5, 7);
  });
});
