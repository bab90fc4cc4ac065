/**
 * Large N in bounded memory: N = 20,000 samples at 4-16-3 under the CLI's default memory limit
 * (a quarter of physical memory, at most 4 GiB), on the cost model's routes (the feature space
 * there) and with every pair term forced onto the tiled pairs route, which must agree to the
 * round-off of two orders of the same sums and hold nothing of size N^2 (plan well under 1 GiB,
 * where one N x N matrix alone would be 3.2 GB).
 */
import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { ARENA_MAX_BYTES, DEFAULT_VARIANT, hessianTraces, traceGradients } from '@hsr/numeric';
import { planTraces, problemShape } from '../src/traceEngine.ts';
import { seededCase } from '@hsr/crosscheck/cases';

/** crosscheck's seeded-case recipe for these tests: Glorot weights, biases ~ N(0, 0.3^2). */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

const LIMIT = Math.min(ARENA_MAX_BYTES, Math.floor(totalmem() / 4));
const { model, data } = seededCase({ activation: 'tanh', bias: true, inputDim: 4, hiddenDim: 16, classes: 3, samples: 20_000, seed: 2026 }, GLOROT);

describe('N = 20,000 at 4-16-3', () => {
  it('completes under the default memory limit, on the chosen routes and on the pairs route', () => {
    const shape = problemShape(model, data);
    const options = { maxMemoryBytes: LIMIT, threads: 2 };
    expect(planTraces(shape, DEFAULT_VARIANT, 'gradients', options).routes.routes).toEqual(['features', 'features', 'features', 'features']);
    const chosen = traceGradients(model, data, DEFAULT_VARIANT, undefined, options);
    const pairs = ['pairs', 'pairs', 'pairs', 'pairs'] as const;
    const plan = planTraces(shape, DEFAULT_VARIANT, 'traces', { ...options, routes: pairs });
    expect(plan.bytes).toBeLessThan(2 ** 30);
    const t = hessianTraces(model, data, DEFAULT_VARIANT, undefined, { ...options, routes: pairs });
    expect(t.traceH).toBe(chosen.traceH);
    expect(t.traceH2).toBeAllClose(chosen.traceH2, { rtol: RTOL_SAME_FORMULA });
  });
});
