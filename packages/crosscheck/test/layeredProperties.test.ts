/**
 * The layered properties (layeredProperties.ts) accept numeric's deep closed forms on generated
 * layered cases: L = 2..4, tiny widths, per-layer activations, biases on/off, mean/sum, every
 * loss, any block of layers, both curvatures. Few runs here (the autodiff legs cost P third-order
 * passes per case); layeredProperties.slow.test.ts runs more.
 */
import { describe, expect, test } from 'vitest';
import { LAYERED_AUTODIFF_PROPERTIES, LAYERED_GRADIENT_PROPERTIES, LAYERED_HESSIAN_PROPERTIES, layeredCaseArbitrary, runProperty } from '../src/index.ts';

const SEED = 20261202;
const RUNS = { dense: 60, gradient: 30, autodiff: 12 };

describe('numeric’s deep closed forms satisfy every layered property', () => {
  const groups = [
    [LAYERED_HESSIAN_PROPERTIES, RUNS.dense],
    [LAYERED_GRADIENT_PROPERTIES, RUNS.gradient],
    [LAYERED_AUTODIFF_PROPERTIES, RUNS.autodiff],
  ] as const;
  for (const [properties, numRuns] of groups)
    for (const property of properties)
      test(property.name, () => {
        const run = runProperty(property, { seed: SEED, numRuns, arbitrary: layeredCaseArbitrary() });
        expect(run.message).toBeUndefined();
        expect(run.ok).toBe(true);
        // A property that skips most cases checks little: fewer skips than checked runs.
        expect(run.skipped).toBeLessThan(run.numRuns);
      });
});
