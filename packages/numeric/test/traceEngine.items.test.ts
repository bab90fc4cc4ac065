/**
 * The jobs of traceEngine.ts (stacks, features, tiles) split their work into items that threads
 * take in any order, so each item must write only its own rows. Forward order on one thread
 * hides an item that writes one row too far (the next item rewrites that row afterwards), and
 * two threads reveal it only on an unlucky schedule; reversed order on one thread reveals it
 * every time. So:
 * - running every job's items last to first gives the same bits as first to last (T1, T2 and
 *   every gradient entry), for every variant, loss and route;
 * - no two items of a job write the same double of the shared arena (a write audit on one
 *   thread, setOneThreadWriteAudit): an item that also computes the next item's first row
 *   from that row's current contents is right in both orders of one thread (the row is either
 *   unwritten, and the next item overwrites the stray value, or finished), but on two threads
 *   it can read the row half-written and land last;
 * - at a hidden width of 40 the stacks job forms V^T B_n in batches of 40 samples
 *   (65536 / 40^2), fewer than its 64-sample block, so a block holds two batches: T1 and T2
 *   still equal the dense Hessian's, and the plan's stacks scratch holds one batch: V^T B_n
 *   (h x h per sample) and the gathered B_n (c x h per sample) for floor(65536 / h^2) samples,
 *   at most 64 and at least 1;
 * - the features job splits a term's X-frak rows into items of about 2e6 doubles (and H-frak's
 *   likewise): with items past the first (N = 1000, 24 inputs), the all-features route still
 *   gives the all-pairs route's traces and gradients.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA, RTOL_VS_DENSE } from '@hsr/testkit';
import { BLOCKS, CURVATURES, LOSS_NAMES, denseHessian, hessianTraces, matrixTraces, traceGradients, type Variant } from '@hsr/numeric';
import { pairTerms, type Route } from '../src/parallel/costModel.ts';
import { arenaView } from '../src/parallel/arena.ts';
import { setOneThreadItemOrder, setOneThreadWriteAudit, stopPool } from '../src/parallel/threads.ts';
import { planTraces, problemShape } from '../src/traceEngine.ts';
import { seededCase } from '@hsr/crosscheck/cases';

/** crosscheck's seeded-case recipe for these tests: Glorot weights, biases ~ N(0, 0.3^2). */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

afterEach(() => {
  setOneThreadItemOrder('forward');
  setOneThreadWriteAudit(null);
});
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

/**
 * The shared regions of a traceEngine job's arguments (`layout.shared`: name -> [byte offset,
 * doubles]), where every job writes its results; per-thread scratch is in `layout.scratch`.
 * It repeats traceEngine.ts's private `bind` rather than exporting it: an edit of traceEngine.ts
 * would void every mutation record of that file (tools/mutation/results/).
 */
const sharedRegions = (args: unknown) => Object.fromEntries(Object.entries((args as { layout: { shared: Record<string, [number, number]> } }).layout.shared).map(([name, [offset, n]]) => [name, arenaView(offset, n)]));

describe('no two items of a job write the same double of the shared arena', () => {
  // Both orders of one thread can give the same bits while two threads race: an item that
  // writes the first row of the next item's from that item's half-written rows. The audit runs
  // each item twice, once from a moved state, so even a write of an unchanged value is seen.
  const cases = [
    { name: '4-40-3 N=100 cross-entropy', c: wide('cross-entropy') },
    { name: '5-6-4 N=700', c: long },
  ];
  describe.each(cases)('$name', ({ c }) => {
    it.each(variants)('$block, $curvature, every route', (variant) => {
      for (const { label, routes } of routeSets(c, variant)) {
        setOneThreadWriteAudit(null);
        const plain = everything(c, variant, routes);
        setOneThreadWriteAudit(sharedRegions);
        expect(everything(c, variant, routes), label).toEqual(plain);
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

describe('the stacks scratch holds one batch of floor(65536 / h^2) samples, 1 to 64', () => {
  // Hand counts: h = 32 gives 65536 / 1024 = 64 (the cap); h = 40 gives floor(40.96) = 40;
  // h = 100 gives floor(6.5536) = 6; h = 300 gives floor(0.73) = 0, raised to 1.
  it.each([
    { h: 8, batch: 64 },
    { h: 32, batch: 64 },
    { h: 40, batch: 40 },
    { h: 100, batch: 6 },
    { h: 300, batch: 1 },
  ])('h = $h: $batch samples', ({ h, batch }) => {
    const c = 3;
    const plan = planTraces({ samples: 200, inputDim: 4, hiddenDim: h, classes: c, bias: true }, variants[0]!, 'traces');
    expect([plan.scratch.VtB, plan.scratch.Bcat]).toEqual([h * h * batch, c * h * batch]);
  });
});

describe('feature rows split into several items', () => {
  // d~ = 25, h = 8, c = 3, N = 1000. Term A (2, 0): f = 25 * 26 / 2 = 325 rows of width 36,
  // ceil(2e6 / 36000) = 56 rows per item, 6 items. Term C (1, 1): f = 25 * 9 = 225 rows of
  // width 24, 84 per item, 3 items; its H-frak has 25 * 24 = 600 rows, ceil(2e6 / 9000) = 223
  // per item, 3 items. So items start past row 0 in both branches of the job.
  const c = seededCase({ activation: 'gelu', bias: true, inputDim: 24, hiddenDim: 8, classes: 3, samples: 1000, seed: 23 }, GLOROT);
  it.each(variants)('the features route equals the pairs route ($block, $curvature)', (variant) => {
    const terms = pairTerms(problemShape(c.model, c.data), variant);
    const features = traceGradients(c.model, c.data, variant, undefined, { routes: terms.map(() => 'features' as const) });
    const pairs = traceGradients(c.model, c.data, variant, undefined, { routes: terms.map(() => 'pairs' as const) });
    expect([features.traceH, features.traceH2]).toBeAllClose([pairs.traceH, pairs.traceH2], { rtol: RTOL_SAME_FORMULA });
    expect(features.gradTraceH).toBeAllClose(pairs.gradTraceH, { rtol: RTOL_SAME_FORMULA });
    expect(features.gradTraceH2).toBeAllClose(pairs.gradTraceH2, { rtol: RTOL_SAME_FORMULA });
  });
});
