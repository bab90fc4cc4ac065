/**
 * The tiled evaluation of T1, T2 and their gradients (traceEngine.ts):
 * - any thread count gives the same bits (T1, T2 and every gradient entry);
 * - every combination of routes (pairs or features per term) is exact: T1 and T2 against the
 *   dense Hessian, gradients against the cost model's routes;
 * - hessianTraces and traceGradients see the same T1, T2 bits on every route;
 * - memory grows linearly in N (no N^2 object), and a plan over the limit is refused before
 *   anything is allocated or computed;
 * - past the first block of BLOCK_COLUMNS columns (N > 512), the pairs routes' gradients equal
 *   the autodiff oracle's (the other tests there compare the engine only with itself).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA, RTOL_VS_DENSE } from '@hsr/testkit';
import { BLOCKS, CURVATURES, DEFAULT_VARIANT, denseHessian, hessianTraces, matrixTraces, traceGradients, type Variant } from '@hsr/numeric';
import { arenaInUse } from '../src/parallel/arena.ts';
import { BLOCK_COLUMNS, TILE, pairTerms, type Route } from '../src/parallel/costModel.ts';
import { stopPool } from '../src/parallel/threads.ts';
import { MemoryLimitError, evaluateTraces, planTraces, problemShape, tracesFromParts } from '../src/traceEngine.ts';
import { withImplementations } from '@hsr/crosscheck';
import { caseSpread, fixedCase, seededCase } from '@hsr/crosscheck/cases';
import { traceGradientsEqualAutodiff } from '@hsr/crosscheck/properties';

/** crosscheck's seeded-case recipe for these tests: Glorot weights, biases ~ N(0, 0.3^2). */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

afterAll(() => stopPool());

const variants: Variant[] = BLOCKS.flatMap((block) => CURVATURES.map((curvature) => ({ reduction: 'mean' as const, block, curvature })));
// Several tiles of 32 rows and, for the gradient, more than one 512-column block.
const big = seededCase({ activation: 'gelu', bias: true, inputDim: 6, hiddenDim: 7, classes: 3, samples: 700, seed: 77 }, GLOROT);
const cases = [...caseSpread().slice(10), big];

describe.each(cases)('$name', ({ model, data }) => {
  it.each(variants)('gives the same bits on 1 and 2 threads ($block, $curvature)', (variant) => {
    const one = traceGradients(model, data, variant, undefined, { threads: 1 });
    const two = traceGradients(model, data, variant, undefined, { threads: 2, threadThreshold: 0 });
    expect([two.traceH, two.traceH2]).toEqual([one.traceH, one.traceH2]);
    expect(Array.from(two.gradTraceH)).toEqual(Array.from(one.gradTraceH));
    expect(Array.from(two.gradTraceH2)).toEqual(Array.from(one.gradTraceH2));
    const t = hessianTraces(model, data, variant, undefined, { threads: 2, threadThreshold: 0 });
    expect([t.traceH, t.traceH2]).toEqual([one.traceH, one.traceH2]);
  });
});

describe('routes', () => {
  const routeCases = [caseSpread()[10]!, seededCase({ activation: 'silu', bias: false, inputDim: 4, hiddenDim: 6, classes: 3, samples: 45, seed: 91 }, GLOROT)];
  describe.each(routeCases)('$name', ({ model, data }) => {
    const terms = pairTerms(problemShape(model, data), DEFAULT_VARIANT);
    const dense = matrixTraces(denseHessian(model, data, DEFAULT_VARIANT));
    const chosen = traceGradients(model, data, DEFAULT_VARIANT);
    const combos: Route[][] = [];
    for (let mask = 0; mask < 1 << terms.length; mask++) combos.push(terms.map((_, i) => ((mask >> i) & 1 ? 'features' : 'pairs')));
    it.each(combos.map((routes) => ({ routes, label: routes.map((r, i) => `${terms[i]!.name}:${r}`).join(' ') })))('$label is exact, and its traces are the same for the bound and the gradient', ({ routes }) => {
      const t = hessianTraces(model, data, DEFAULT_VARIANT, undefined, { routes });
      expect([t.traceH, t.traceH2]).toBeAllClose([dense.traceH, dense.traceH2], { rtol: RTOL_VS_DENSE });
      const g = traceGradients(model, data, DEFAULT_VARIANT, undefined, { routes });
      expect([g.traceH, g.traceH2]).toEqual([t.traceH, t.traceH2]);
      // T1 does not involve pair sums: every route gives its bits.
      expect(g.traceH).toBe(chosen.traceH);
      expect(g.gradTraceH).toBeAllClose(chosen.gradTraceH, { rtol: RTOL_SAME_FORMULA });
      expect(g.gradTraceH2).toBeAllClose(chosen.gradTraceH2, { rtol: RTOL_SAME_FORMULA });
    });
  });
});

describe('memory', () => {
  it('grows linearly in N: no N x N (or N x N x k) object, on either route', () => {
    for (const routes of [undefined, ['pairs', 'pairs', 'pairs', 'pairs'] as Route[]])
      for (const mode of ['traces', 'gradients'] as const) {
        const bytes = (N: number) => planTraces({ samples: N, inputDim: 30, hiddenDim: 28, classes: 5, bias: true }, DEFAULT_VARIANT, mode, routes ? { routes } : {}).bytes;
        const [b1, b2, b3] = [bytes(10_000), bytes(20_000), bytes(30_000)];
        // Affine in N (zero second difference at equal steps) up to the rounding of the tile count and of region sizes to pairs of doubles.
        expect(Math.abs(b3 - 2 * b2 + b1)).toBeLessThan(4096);
        expect(b2 / b1).toBeLessThan(2);
      }
  });

  it('fits N = 20,000 at 4-16-3 in a small fraction of the default limit', () => {
    const shape = { samples: 20_000, inputDim: 4, hiddenDim: 16, classes: 3, bias: true };
    expect(planTraces(shape, DEFAULT_VARIANT, 'gradients', { threads: 2 }).bytes).toBeLessThan(256 * 2 ** 20);
  });

  it('under a limit that excludes the cheapest routes, the bound and its gradient still take the same ones, on any thread count', () => {
    const { model, data } = big;
    const shape = problemShape(model, data);
    const free = planTraces(shape, DEFAULT_VARIANT, 'gradients');
    const maxMemoryBytes = free.bytes - 1;
    const capped = planTraces(shape, DEFAULT_VARIANT, 'traces', { maxMemoryBytes, threads: 2, threadThreshold: 0 });
    expect(capped.routes.routes).not.toEqual(free.routes.routes);
    expect(planTraces(shape, DEFAULT_VARIANT, 'gradients', { maxMemoryBytes }).routes.routes).toEqual(capped.routes.routes);
    const t = hessianTraces(model, data, DEFAULT_VARIANT, undefined, { maxMemoryBytes, threads: 2, threadThreshold: 0 });
    const g = traceGradients(model, data, DEFAULT_VARIANT, undefined, { maxMemoryBytes });
    expect([g.traceH, g.traceH2]).toEqual([t.traceH, t.traceH2]);
    expect(t.traceH2).toBeAllClose(hessianTraces(model, data, DEFAULT_VARIANT).traceH2, { rtol: RTOL_SAME_FORMULA });
  });

  it('refuses a plan over the limit in one line, before allocating or computing anything', () => {
    const { model, data } = big;
    const before = arenaInUse();
    let error: unknown = null;
    try {
      evaluateTraces(model, data, DEFAULT_VARIANT, 'gradients', undefined, { maxMemoryBytes: 1e5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MemoryLimitError);
    const e = error as MemoryLimitError;
    expect(e.message).not.toContain('\n');
    expect(e.message).toMatch(/^N = 700 at 6-7-3 needs about .* above the memory limit of 0\.1 MiB$/);
    expect(e.neededBytes).toBeGreaterThan(e.limitBytes);
    expect(arenaInUse()).toBe(before);
    // The same plan under a limit it fits runs and equals the unlimited run.
    const fits = evaluateTraces(model, data, DEFAULT_VARIANT, 'traces', undefined, { maxMemoryBytes: e.neededBytes });
    expect(tracesFromParts(fits).traceH2).toBe(hessianTraces(model, data, DEFAULT_VARIANT).traceH2);
  });
});

describe('gradients past the first column block', () => {
  // A tile's column blocks [m0, m0 + BLOCK_COLUMNS) start past 0 only when N > BLOCK_COLUMNS,
  // and one lies partly below the tile's rows (l1 = min(m1, n0) > m0 > 0) only for a tile with
  // n0 > BLOCK_COLUMNS, so N = BLOCK_COLUMNS + 3 TILE has both: tiles n0 = 544, 576 in the block
  // [512, 608). Every term on the pairs route (the cost model picks features for some at this
  // width), the hessian curvature (all four terms; S and C have beta > 0, so the K^z adjoint
  // runs too). A 2-3-2 network keeps autodiff's P = 17 third-order passes fast.
  const N = BLOCK_COLUMNS + 3 * TILE;
  const { name, model, data } = seededCase({ activation: 'tanh', bias: true, inputDim: 2, hiddenDim: 3, classes: 2, samples: N, seed: 83 }, GLOROT);
  const variant: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };
  const routes = pairTerms(problemShape(model, data), variant).map((): Route => 'pairs');

  it('every pairs route gives the autodiff gradients of T1 and T2 (rtol RTOL_VS_AUTODIFF over round-off floors)', () => {
    expect(routes).toHaveLength(4);
    const pairs = withImplementations({ traceGradients: (m, d, v) => traceGradients(m, d, v, undefined, { routes }) });
    const outcome = traceGradientsEqualAutodiff.check(fixedCase(model, data, variant, name), pairs);
    expect(outcome.skipped).toBeUndefined();
    expect(outcome.parts.map((p) => [p.quantity, p.ok, p.worstRelativeError])).toEqual(outcome.parts.map((p) => [p.quantity, true, p.worstRelativeError]));
  });
});
