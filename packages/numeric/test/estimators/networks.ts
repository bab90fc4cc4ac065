/**
 * Estimator checks on network Hessians: the operator is numeric's hessianOperator, the truth
 * the closed-form traces (hessianTraces) and the dense Hessian's diagonal, spectrum and
 * fourth-order quantities (denseHessian), never an estimator.
 */
import { expect } from 'vitest';
import {
  createRng,
  denseHessian,
  hessianOperator,
  hessianTraces,
  hutchinsonTraces,
  meanAndVariance,
  normalQuantile,
  quadraticFormExcessKurtosis,
  quadraticFormVariance,
  sampleVarianceInterval,
  type Dataset,
  type Model,
  type Probe,
  type Variant,
} from '@hsr/numeric';
import { exactOf, STATISTICAL_CHECK_ALPHA, square } from '@hsr/testkit';

/** A correct implementation fails one of these checks with probability ALPHA over the fixed seeds. */
const ALPHA = STATISTICAL_CHECK_ALPHA;

/**
 * Hutchinson (T1) and Frobenius (T2) on `replicates` seeded runs of m products: the mean is
 * within z(1 - ALPHA/2) standard errors of the closed form, and the variance of the
 * replicates inside the 1 - ALPHA interval of the formula (exact kurtosis from the dense H).
 */
export function checkHutchinsonOnNetwork(model: Model, data: Dataset, variant: Variant, probe: Probe, replicates: number, m: number, seed: number): void {
  const op = hessianOperator(model, data, variant);
  const closed = hessianTraces(model, data, variant);
  const H = denseHessian(model, data, variant);
  const H2 = square(H);
  const e = exactOf(H);
  const e2 = exactOf(H2);
  const v1 = quadraticFormVariance(probe, closed.traceH2, e.diagonalSquareSum);
  const v2 = quadraticFormVariance(probe, e2.frobeniusSquared, e2.diagonalSquareSum);
  const t1: number[] = [];
  const t2: number[] = [];
  for (let r = 0; r < replicates; r++) {
    const est = hutchinsonTraces(op, createRng(seed + r), { products: m, probe });
    t1.push(est.traceH.estimate);
    t2.push(est.traceH2.estimate);
  }
  const z = normalQuantile(1 - ALPHA / 2);
  const a = meanAndVariance(t1);
  const b = meanAndVariance(t2);
  expect(Math.abs(a.mean - closed.traceH), 'T1 bias').toBeLessThanOrEqual(z * Math.sqrt(v1 / (m * replicates)));
  expect(Math.abs(b.mean - closed.traceH2), 'T2 bias').toBeLessThanOrEqual(z * Math.sqrt(v2 / (m * replicates)));
  const i1 = sampleVarianceInterval(v1 / m, replicates, quadraticFormExcessKurtosis(probe, H) / m, 1 - ALPHA);
  expect(a.variance, 'T1 variance').toBeGreaterThanOrEqual(i1.lower);
  expect(a.variance, 'T1 variance').toBeLessThanOrEqual(i1.upper);
  const i2 = sampleVarianceInterval(v2 / m, replicates, quadraticFormExcessKurtosis(probe, H2) / m, 1 - ALPHA);
  expect(b.variance, 'T2 variance').toBeGreaterThanOrEqual(i2.lower);
  expect(b.variance, 'T2 variance').toBeLessThanOrEqual(i2.upper);
}
