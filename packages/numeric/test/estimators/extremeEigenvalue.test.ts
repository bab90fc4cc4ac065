/**
 * eq:power-iteration and Lanczos at product budgets: the nested runs equal single runs at each
 * budget bit for bit, converge to the dense solver's eigenvalue within their Weyl residual, and
 * Lanczos at every budget is lanczosExtremes with k = m from one start vector.
 */
import { describe, expect, it } from 'vitest';
import {
  createRng,
  DEFAULT_VARIANT,
  denseHessian,
  denseOperator,
  hessianOperator,
  lanczosAtBudgets,
  lanczosExtremes,
  POWER_ROUNDOFF_RTOL,
  powerIteration,
  powerIterationAtBudgets,
  symmetricEigenvalues,
} from '@hsr/numeric';
import { seededCase } from '@hsr/crosscheck/cases';
import { lowRankPsd, RTOL_RITZ_ROUNDOFF, randomSymmetric } from '@hsr/testkit';

/** Glorot weights, biases ~ N(0, 0.3^2): the case builder's recipe for mildly curved networks. */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

describe('power iteration', () => {
  it('nested budgets equal separate runs from the same seed, bit for bit', () => {
    const op = denseOperator(randomSymmetric(30, 1));
    const nested = powerIterationAtBudgets(op, createRng(4), [1, 5, 50]);
    for (const r of nested) expect(r).toEqual(powerIteration(op, createRng(4), { products: r.budget }));
  });

  it('converges to lambda_max of a PSD matrix, within its residual of the dense value', () => {
    const H = lowRankPsd(40, 6, 2);
    const ev = symmetricEigenvalues(H);
    const [r] = powerIterationAtBudgets(denseOperator(H), createRng(1), [400]);
    const top = ev[ev.length - 1]!;
    expect(Math.abs(r!.estimate - top)).toBeLessThanOrEqual(r!.residual + RTOL_RITZ_ROUNDOFF * top);
    expect(r!.residual).toBeLessThan(1e-6 * top);
  });

  it('stops once its residual is at round-off, and larger budgets report that iterate', () => {
    const H = lowRankPsd(30, 3, 4);
    const out = powerIterationAtBudgets(denseOperator(H), createRng(2), [10, 5000, 20000]);
    const stopped = out[1]!;
    expect(stopped.products).toBeLessThan(5000);
    expect(stopped.residual).toBeLessThanOrEqual(POWER_ROUNDOFF_RTOL * Math.abs(stopped.estimate));
    expect(out[2]).toEqual({ ...stopped, budget: 20000 });
    // One product earlier the residual was still above round-off: the stop is the first one there.
    const before = powerIteration(denseOperator(H), createRng(2), { products: stopped.products - 1 });
    expect(before.residual).toBeGreaterThan(POWER_ROUNDOFF_RTOL * Math.abs(before.estimate));
  });

  it('stays at 0 when H v = 0 (the null space of the zero matrix)', () => {
    const out = powerIterationAtBudgets(denseOperator({ size: 3, data: new Float64Array(9) }), createRng(1), [1, 10]);
    expect(out.map((r) => [r.estimate, r.residual])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});

describe('Lanczos at budgets', () => {
  it('is lanczosExtremes with k = m from one seed, and reuses a run that converged early', () => {
    const op = denseOperator(randomSymmetric(25, 3));
    const budgets = [1, 3, 10, 40, 100];
    const rng = createRng(7);
    const out = lanczosAtBudgets(op, rng, budgets);
    const seed = createRng(7).int(2 ** 31);
    for (const r of out) {
      const direct = lanczosExtremes(op, { k: r.budget, seed });
      expect(r.estimate).toBe(direct.lambdaMax);
      expect(r.products).toBe(direct.iterations);
    }
    // P = 25: the Krylov space is exhausted by 25 products, so the last two budgets are one run.
    expect(out.at(-1)!.products).toBeLessThanOrEqual(25);
  });
});

describe('on a network Hessian', () => {
  it('power iteration and Lanczos reach the dense lambda_max (largest in magnitude here) within their residuals', () => {
    const { model, data } = seededCase({ activation: 'softplus', bias: true, inputDim: 3, hiddenDim: 5, classes: 3, samples: 11, seed: 3 }, GLOROT);
    const H = denseHessian(model, data, DEFAULT_VARIANT);
    const ev = symmetricEigenvalues(H);
    const top = ev[ev.length - 1]!;
    expect(top).toBeGreaterThan(Math.abs(ev[0]!));
    const op = hessianOperator(model, data, DEFAULT_VARIANT);
    const [lanczos] = lanczosAtBudgets(op, createRng(2), [H.size]);
    expect(Math.abs(lanczos!.estimate - top)).toBeLessThanOrEqual(lanczos!.residual + RTOL_RITZ_ROUNDOFF * top);
    const [power] = powerIterationAtBudgets(op, createRng(2), [3000]);
    expect(Math.abs(power!.estimate - top)).toBeLessThanOrEqual(power!.residual + RTOL_RITZ_ROUNDOFF * top);
  });
});
