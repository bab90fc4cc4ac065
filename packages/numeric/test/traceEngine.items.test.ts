/**
 * The jobs of traceEngine.ts (stacks, features, tiles) split their work into items that threads
 * take in any order, so each item must write only its own rows. Forward order on one thread
 * hides an item that writes one row too far (the next item rewrites that row afterwards), and
 * two threads reveal it only on an unlucky schedule; reversed order on one thread reveals it
 * every time. So:
 * - running every job's items last to first gives the same bits as first to last (T1, T2 and
 *   every gradient entry), for every variant, loss and route;
 * - at a hidden width of 40 the stacks job forms V^T B_n in batches of 40 samples
 *   (65536 / 40^2), fewer than its 64-sample block, so a block holds two batches: T1 and T2
 *   still equal the dense Hessian's.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RTOL_VS_DENSE } from '@hsr/testkit';
import { BLOCKS, CURVATURES, LOSS_NAMES, denseHessian, hessianTraces, matrixTraces, traceGradients, type Variant } from '@hsr/numeric';
import { pairTerms, type Route } from '../src/parallel/costModel.ts';
import { setOneThreadItemOrder, stopPool } from '../src/parallel/threads.ts';
import { problemShape } from '../src/traceEngine.ts';
import { seededCase } from '@hsr/crosscheck/cases';

/** crosscheck's seeded-case recipe for these tests: Glorot weights, biases ~ N(0, 0.3^2). */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

afterEach(() => setOneThreadItemOrder('forward'));
afterAll(() => stopPool());

const variants: Variant[] = BLOCKS.flatMap((block) => CURVATURES.map((curvature) => ({ reduction: 'mean' as const, block, curvature })));

// h = 40, c = 3: the C and G stacks are 120 and 240 doubles wide, strides with no padding
// (paddedStride), so a sample's row written one too far lands in the next sample's. N = 100:
// stack blocks [0, 64) and [64, 100), V^T B_n batches [0, 40), [40, 64), [64, 100); tiles of 32.
const wide = (loss: (typeof LOSS_NAMES)[number]) => seededCase({ activation: 'gelu', bias: true, inputDim: 4, hiddenDim: 40, classes: 3, samples: 100, seed: 5, loss }, GLOROT);
// Narrow and long: 22 tiles, 11 stack blocks, and more than one 512-column block.
const long = seededCase({ activation: 'tanh', bias: false, inputDim: 5, hiddenDim: 6, classes: 4, samples: 700, seed: 19 }, GLOROT);

function everything(c: ReturnType<typeof seededCase>, variant: Variant, routes: readonly Route[] | undefined): number[] {
  const options = routes === undefined ? { threads: 1 } : { threads: 1, routes };
  const g = traceGradients(c.model, c.data, variant, undefined, options);
  const t = hessianTraces(c.model, c.data, variant, undefined, options);
  return [g.traceH, g.traceH2, t.traceH, t.traceH2, ...g.gradTraceH, ...g.gradTraceH2];
}

function routeSets(c: ReturnType<typeof seededCase>, variant: Variant): { label: string; routes: readonly Route[] | undefined }[] {
  const terms = pairTerms(problemShape(c.model, c.data), variant);
  return [
    { label: 'chosen', routes: undefined },
    { label: 'all pairs', routes: terms.map(() => 'pairs' as const) },
    { label: 'all features', routes: terms.map(() => 'features' as const) },
  ];
}

describe('job items write only their own rows: last to first gives the bits of first to last', () => {
  const cases = [...LOSS_NAMES.map((loss) => ({ name: `4-40-3 N=100 ${loss}`, c: wide(loss) })), { name: '5-6-4 N=700', c: long }];
  describe.each(cases)('$name', ({ c }) => {
    it.each(variants)('$block, $curvature, every route', (variant) => {
      for (const { label, routes } of routeSets(c, variant)) {
        setOneThreadItemOrder('forward');
        const forward = everything(c, variant, routes);
        setOneThreadItemOrder('reverse');
        const reverse = everything(c, variant, routes);
        expect(reverse, label).toEqual(forward);
      }
    });
  });
});

describe('a stack block of two V^T B_n batches (h = 40)', () => {
  it.each(LOSS_NAMES)('T1 and T2 equal the dense Hessian for %s, every variant', (loss) => {
    const c = wide(loss);
    for (const variant of variants) {
      const dense = matrixTraces(denseHessian(c.model, c.data, variant));
      const t = hessianTraces(c.model, c.data, variant);
      expect([t.traceH, t.traceH2], `${variant.block} ${variant.curvature}`).toBeAllClose([dense.traceH, dense.traceH2], { rtol: RTOL_VS_DENSE });
    }
  });
});
