/**
 * The replay contract: a failing property prints a command with HSR_SEED and HSR_PATH, and
 * running with those settings reproduces exactly the shrunk counterexample on the first try.
 */
import { afterEach, describe, expect, test } from 'vitest';
import * as numeric from '@hsr/numeric';
import { caseArbitrary, lossGradientVsCentralDifference, runProperty, withImplementations } from '../src/index.ts';

// A mutant that is wrong only with biases on: halves dL/db.
const halfBias = withImplementations({
  lossGradient: (m, d, r) => {
    const g = numeric.lossGradient(m, d, r).gradient;
    if (m.b) for (let i = 0; i < m.hiddenDim; i++) g[i * (m.inputDim + 1) + m.inputDim]! *= 0.5;
    return g;
  },
});

afterEach(() => {
  delete process.env.HSR_SEED;
  delete process.env.HSR_PATH;
});

describe('replay', () => {
  test('HSR_SEED and HSR_PATH from the failure message reproduce the shrunk case', () => {
    const first = runProperty(lossGradientVsCentralDifference, { impl: halfBias, numRuns: 100, arbitrary: caseArbitrary(), file: 'x.test.ts' });
    expect(first.ok).toBe(false);
    const m = /HSR_SEED=(-?\d+) HSR_PATH='([0-9:]+)' pnpm test x\.test\.ts -t 'loss-gradient-vs-central-difference'/.exec(first.message!);
    expect(m).not.toBeNull();
    process.env.HSR_SEED = m![1]!;
    process.env.HSR_PATH = m![2]!;
    const again = runProperty(lossGradientVsCentralDifference, { impl: halfBias, arbitrary: caseArbitrary() });
    expect(again.ok).toBe(false);
    expect(again.numRuns).toBe(1);
    expect(again.counterexample!.label).toBe(first.counterexample!.label);
    expect(again.counterexample!.model.b).not.toBeNull();
  });

  test('the failure message names the worst element, the tolerance and the case', () => {
    const run = runProperty(lossGradientVsCentralDifference, { impl: halfBias, seed: 3, numRuns: 100 });
    expect(run.message).toMatch(/worst lossGradient vs central difference: dL\/db\[\d+\]/);
    expect(run.message).toContain('tolerance: rtol 1e-7');
    expect(run.message).toContain(run.counterexample!.label);
  });
});
