/**
 * The layered properties on more generated cases than the default run affords (the autodiff
 * legs cost P third-order passes per case): 400 runs of the dense and central-difference legs,
 * 150 of the autodiff ones, on the default layered arbitrary and on L = 4 alone.
 */
import { describe, expect, test } from 'vitest';
import { LAYERED_AUTODIFF_PROPERTIES, LAYERED_GRADIENT_PROPERTIES, LAYERED_HESSIAN_PROPERTIES, layeredCaseArbitrary, runProperty } from '../src/index.ts';

const SEED = 20261203;

describe.each([
  ['L = 2..4', {}],
  ['L = 4', { depth: [4, 4] as [number, number] }],
])('numeric’s deep closed forms satisfy every layered property, many runs (%s)', (_name, options) => {
  for (const [properties, numRuns] of [
    [LAYERED_HESSIAN_PROPERTIES, 400],
    [LAYERED_GRADIENT_PROPERTIES, 400],
    [LAYERED_AUTODIFF_PROPERTIES, 150],
  ] as const)
    for (const property of properties)
      test(property.name, () => {
        const run = runProperty(property, { seed: SEED, numRuns, arbitrary: layeredCaseArbitrary(options) });
        expect(run.message).toBeUndefined();
        expect(run.ok).toBe(true);
        expect(run.skipped).toBeLessThan(run.numRuns);
      });
});
