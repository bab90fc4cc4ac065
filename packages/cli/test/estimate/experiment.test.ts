/**
 * The `hsr estimate` experiment's bookkeeping: default repeats by size, which budgets the
 * sketches skip and why, seeds per stream, replicate counts of the pooled and nested designs,
 * and PyHessian's trace runs tiling the Rademacher pool without overlap.
 */
import { describe, expect, it } from 'vitest';
import { boundValues, denseOperator, type SymmetricMatrix, symmetricEigenvalues, wolkowiczStyanBounds } from '@hsr/numeric';
import { exactOf, randomSymmetric } from '@hsr/testkit';
import { defaultRepeats } from '../../src/commands/estimate.ts';
import { DEFAULT_BUDGETS, runEstimates, seedFor, sketchBudgets } from '../../src/estimate/experiment.ts';
import type { Truth } from '../../src/estimate/truth.ts';

/** Exact quantities of an explicit matrix, in the shape runEstimates takes. */
function truthOf(H: SymmetricMatrix): Truth {
  const P = H.size;
  const { trace: traceH, frobeniusSquared: traceH2, diagonalSquareSum } = exactOf(H);
  const ev = symmetricEigenvalues(H);
  return {
    parameters: P,
    traceH,
    traceH2,
    diagonalSquareSum,
    lambdaMax: ev[P - 1]!,
    lambdaMin: ev[0]!,
    spectrumSource: 'dense',
    lambdaMaxResidual: 0,
    lambdaMinResidual: 0,
    lanczosProducts: 0,
    lanczosConverged: true,
    traceH4: ev.reduce((s, l) => s + l ** 4, 0),
    squaredDiagonalOfH2Sum: null,
    powerRatio: null,
    dense: null,
    probeKurtosis: { rademacher: 0, gaussian: 0, kind: 'exact' },
    bounds: boundValues(wolkowiczStyanBounds(traceH, traceH2, P)),
    seconds: 0,
  };
}

describe('defaults', () => {
  it('repeats: 100 on the bundled Iris case, 1 at MNIST size', () => {
    expect(defaultRepeats(DEFAULT_BUDGETS, 512, 150, 67)).toBe(100);
    expect(defaultRepeats(DEFAULT_BUDGETS, 512, 128, 101_770)).toBe(1);
  });

  it('the sketches skip budgets whose k x P blocks exceed the memory, and XTrace m = 1', () => {
    const hpp = sketchBudgets('hutch++', DEFAULT_BUDGETS, 101_770, 512);
    expect(hpp.run).toEqual([1, 3, 10, 30, 100, 300]);
    expect(hpp.skipped.map((s) => s.budget)).toEqual([1000]);
    expect(hpp.skipped[0]!.reason).toMatch(/777 MiB > --sketch-memory 512 MiB/);
    const xt = sketchBudgets('xtrace', DEFAULT_BUDGETS, 67, 512);
    expect(xt.run).toEqual([3, 10, 30, 100, 300, 1000]);
    expect(xt.skipped).toEqual([{ budget: 1, reason: expect.stringMatching(/at least 2 products/) }]);
  });

  it('seeds differ between streams and repeats and do not depend on anything else', () => {
    const seeds = new Set<number>();
    for (const name of ['pool-rademacher', 'pool-gaussian', 'hutch++', 'lanczos']) for (let r = 0; r < 50; r++) seeds.add(seedFor(7, name, r));
    expect(seeds.size).toBe(200);
    expect(seedFor(7, 'lanczos', 3)).toBe(seedFor(7, 'lanczos', 3));
    expect(seedFor(7, 'lanczos', 3)).not.toBe(seedFor(8, 'lanczos', 3));
  });
});

describe('runEstimates on an explicit matrix', () => {
  const H = randomSymmetric(12, 3, 2);
  const truth = truthOf(H);
  const plan = { budgets: [1, 4, 20], repeats: 3, seed: 1, sketchMemoryMiB: 512 };
  const results = runEstimates(denseOperator(H), truth, plan);

  it('pooled estimators have floor(R M / m) replicates; nested ones R', () => {
    const byId = new Map(results.estimators.map((e) => [e.id, e]));
    for (const id of ['hutchinson-rademacher', 'hutchinson-gaussian', 'frobenius-rademacher', 'frobenius-gaussian'] as const) expect(byId.get(id)!.points.map((p) => p.replicates)).toEqual([60, 15, 3]);
    for (const id of ['hutch++', 'power-iteration', 'lanczos'] as const) expect(byId.get(id)!.points.map((p) => p.replicates)).toEqual([3, 3, 3]);
    expect(byId.get('xtrace')!.points.map((p) => p.budget)).toEqual([4, 20]);
  });

  it("PyHessian's trace runs tile the 60-probe Rademacher pool without overlap", () => {
    const trace = results.adaptive.find((a) => a.id === 'pyhessian-trace')!;
    const used = trace.samples.reduce((s, r) => s + r.products, 0);
    expect(used).toBeLessThanOrEqual(60);
    expect(trace.runs).toBe(trace.samples.length);
  });

  it('counts the products it actually spent', () => {
    // Pools 2 x 60, power 3 x 20, Hutch++ 3 x 20, XTrace 3 x 20, Lanczos <= 3 x (1 + 4 + 12), PyHessian <= 30 x 100.
    expect(results.productsUsed).toBeGreaterThanOrEqual(120 + 60 + 60 + 60);
    expect(results.productsUsed).toBeLessThanOrEqual(120 + 60 + 60 + 60 + 3 * 17 + 3000);
  });
});
