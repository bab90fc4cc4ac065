/**
 * `node_modules/.bin/tsx --conditions=source tools/mutation/checks/traceEngineEquivalence.ts MUTANT.ts`:
 * the evidence behind the entries of equivalents/numeric-traceEngine.json. MUTANT.ts is a copy of
 * packages/numeric/src/traceEngine.ts with one mutant applied, placed next to it in
 * packages/numeric/src/ (so that its relative imports resolve). Both modules are run on the same
 * inputs through their own exports, and every output is compared with Object.is (objects key by
 * key, arrays element by element; a thrown error counts as an output: its message, name and
 * byte counts are compared):
 * - evaluateTraces in 'traces' and 'gradients' mode, as hessianTraces and traceGradients call it
 *   (T1 and T2 through the module's own tracesFromParts): every field of the parts (the exact-sum
 *   components of T1 and T2, kappa, P, both gradients, with keepRows the per-row QT, RT and VB of
 *   the shard's rows: shardColumns says why not the others),
 *   the plan field by field (shape, dims, variant, routes and their costs, rows, tiles, threads,
 *   work, bytes, every shared and scratch region, lds), the onProgress calls (1 thread) and the
 *   arena bytes in use afterwards;
 * - inputs: crosscheck's caseSpread() (17 cases: every activation x bias, N = 1 .. 16, c = 2 .. 5,
 *   saturated units, every loss), its last seven shapes again under each of the three other
 *   losses, and seeded Glorot cases (the recipe of traceEngine.plan.test.ts): N = 65, 130, 333
 *   (more than one stacks block and tile, binary cross-entropy, label smoothing, cross-entropy),
 *   h = 45 and h = 40 (V^T B_n in batches of 32 and 40 samples, 40 not dividing the 64-sample
 *   block), c = 23, N = 608 at 2-3-2 under every loss (tiles past the first 512-column block,
 *   with column blocks below the tile), N = 700 at 6-7-3 (a partial last tile) and N = 1100 at
 *   5-6-4, mse, no bias (a partial third column block): 50 cases;
 * - per case: every block x curvature (mean; sum too for caseSpread, N = 65 .. 333, 608 (cross-entropy)
 *   and 700), the planner's routes and forced all-'pairs' and all-'features' routes, each on 1 thread
 *   (keepRows, onProgress), on 1 with the jobs' items taken last to first (setOneThreadItemOrder: an
 *   item writing into the next item's first row is then overwritten too late) and on 2
 *   (threadThreshold 0); for the default variant also 2 threads
 *   under the default threshold, a forward pass passed in, the shards [0, TILE), [TILE, N),
 *   [BLOCK_COLUMNS, N) and an empty one, and limits at the one-thread gradient and trace plans'
 *   bytes, one byte below each and 1e5 bytes (1 and 2 threads);
 * - planTraces alone on every case's shape and on large ones (N = 1e4, 2e4, 3e4 at 30-28-5, 6e4
 *   and 1e6 at 784-300-10, with and without biases), for every reduction x block x curvature,
 *   both modes, 1 to 40 threads, twelve limits (at, below and around the 1- and 2-thread plans,
 *   0, 2^40), shards (valid, unaligned, past N, reversed, empty), forced, mixed and mis-sized
 *   route lists; paddedStride(0 .. 4096); packRow on seeded rows (h = 1 .. 9, with and without
 *   the diagonal, inside a larger output); tracesFromParts on crafted components (empty,
 *   cancelling, infinite, NaN); THREAD_MIN_MULTIPLY_ADDS and MemoryLimitError's fields.
 * Before every evaluation the free arena past the mark is filled with NaN, so a mutant that
 * reads a region it no longer writes sees NaN, not the bits the other module left at the same
 * offsets. Workers import every job module loaded before the pool starts, the mutant included
 * (its jobs are keyed by its own URL), so with 2 threads the mutant's stacks, features and tile
 * items run the mutant's code in the worker: a hand-made mutant that changes a result only when
 * ctx.thread > 0, in each of stacksJob, featuresJob and tileJob, is reported (at a 2-thread run).
 * Which thread takes which item is dynamic, so such a mutant is caught only where the worker
 * takes an item: the 2-thread runs past one stacks block or tile (N >= 65) give it many chances.
 * Mutants that hang (loop bounds that never end) hang this too; Stryker reports those as Timeout.
 * Prints the number of outputs compared and the seconds taken, or the first difference
 * (exit 1). On an unmutated copy: 8,974,605 outputs compared (with the reverse-order runs), in
 * 51-60 s on the 2-core machine beside a Stryker run. Every entry of numeric-traceEngine.json
 * with `"checkedBy": "traceEngineEquivalence"` was applied by hand and passes it (the sentence
 * the docs print after its reason is CHECKS in tools/mutation/results.ts); the hand-applied
 * mutants at lines 503 (stacksJob's `(n - n0) % batch` -> `(n + n0) % batch`, caught only by
 * h = 40), 724 (tileJob's XIT loop `i < b` -> `i <= b`) and 655 (dot4's `l + 2 < w` ->
 * `l + 2 <= w`) are reported.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as original from '../../../packages/numeric/src/traceEngine.ts';
import { BLOCKS, CURVATURES, LOSS_NAMES, REDUCTIONS, createRng, forwardPass, type Dataset, type Loss, type Model, type Variant } from '../../../packages/numeric/src/index.ts';
import { arenaAlloc, arenaInUse, arenaMark, arenaRelease } from '../../../packages/numeric/src/parallel/arena.ts';
import { BLOCK_COLUMNS, TILE, pairTerms, type ProblemShape, type Route } from '../../../packages/numeric/src/parallel/costModel.ts';
import { setOneThreadItemOrder, stopPool } from '../../../packages/numeric/src/parallel/threads.ts';
import { caseSpread, seededCase, type SeededCase } from '../../../packages/crosscheck/src/cases.ts';
import { comparison } from './compare.ts';

type TraceEngine = typeof original;
const file = process.argv[2];
if (file === undefined) throw new Error('usage: traceEngineEquivalence.ts MUTANT.ts');
// Imported before any job runs, so the pool's workers load the mutant's job definitions too.
const mutant = (await import(pathToFileURL(path.resolve(file)).href)) as TraceEngine;
const started = performance.now();

const check = comparison(stopPool);
const { same } = check;

/** The outcome of f: its value, or the error it threw (message and, for MemoryLimitError, the byte counts). */
function run(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    const err = e as { neededBytes?: unknown; limitBytes?: unknown; name?: unknown };
    return { error: String(e), name: err?.name, neededBytes: err?.neededBytes, limitBytes: err?.limitBytes };
  }
}

/** Fill `doubles` of the arena past its mark with NaN (released again: the next allocation gets them as they are). */
function poisonArena(doubles: number): void {
  const mark = arenaMark();
  try {
    arenaAlloc(doubles, false).fill(Number.NaN);
  } finally {
    arenaRelease(mark);
  }
}

type Mode = 'traces' | 'gradients';

/**
 * The kept rows of a shard's own samples: columns [r0, r1) of QT1, QT2 (h x N) and RT1, RT2
 * (c x N), and VB1, VB2 whole. The other columns are copied out of the arena without ever being
 * written by the evaluation (whatever an earlier one left there), so they are no output of it.
 */
function shardColumns(g: original.GradientRows, plan: original.TracePlan): Record<string, Float64Array> {
  const { N } = plan.dims;
  const [r0, r1] = plan.rows;
  const columns = (a: Float64Array) => {
    const height = a.length / N;
    const out = new Float64Array(height * (r1 - r0));
    for (let j = 0; j < height; j++) out.set(a.subarray(j * N + r0, j * N + r1), j * (r1 - r0));
    return out;
  };
  return { QT1: columns(g.QT1), QT2: columns(g.QT2), RT1: columns(g.RT1), RT2: columns(g.RT2), VB1: g.VB1, VB2: g.VB2 };
}
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

/** One evaluation on both modules: parts, T1 and T2, progress calls and the arena in use afterwards. */
function evaluate(where: string, model: Model, data: Dataset, variant: Variant, mode: Mode, options: original.TraceOptions, withForwardPass = false): void {
  const fp = withForwardPass ? forwardPass(model, data) : undefined;
  const plan = run(() => original.planTraces(original.problemShape(model, data), variant, mode, { ...options, maxMemoryBytes: Infinity })) as { value?: original.TracePlan };
  const poison = Math.ceil((plan.value?.bytes ?? 0) / 8) + 65536;
  const one = (m: TraceEngine) => {
    const progress: number[] = [];
    const opts: original.TraceOptions = options.threads === 2 ? options : { ...options, onProgress: (done, total) => progress.push(done, total) };
    poisonArena(poison);
    const out = run(() => {
      const parts = m.evaluateTraces(model, data, variant, mode, fp, opts);
      // T1 and T2 first, so that a difference is reported there when they differ.
      return { traces: m.tracesFromParts(parts), parts: { ...parts, ...(parts.gradientRows ? { gradientRows: shardColumns(parts.gradientRows, parts.plan) } : {}) } };
    });
    return { out, progress, arena: arenaInUse() };
  };
  same(where, one(original), one(mutant));
}

function label(name: string, variant: Variant, extra: string): string {
  return `${name} ${variant.reduction} ${variant.block} ${variant.curvature} ${extra}`;
}

function checkCase({ name, model, data }: SeededCase, reductions: readonly Variant['reduction'][]): void {
  const shape = original.problemShape(model, data);
  same(`${name} problemShape`, original.problemShape(model, data), mutant.problemShape(model, data));
  const N = data.samples;
  for (const reduction of reductions)
    for (const block of BLOCKS)
      for (const curvature of CURVATURES) {
        const variant: Variant = { reduction, block, curvature };
        const terms = pairTerms(shape, variant);
        const routeSets: [string, Route[] | undefined][] = [
          ['chosen', undefined],
          ['pairs', terms.map((): Route => 'pairs')],
          ['features', terms.map((): Route => 'features')],
        ];
        for (const mode of ['traces', 'gradients'] as const)
          for (const [routeName, routes] of routeSets) {
            const r = routes ? { routes } : {};
            evaluate(label(name, variant, `${mode} ${routeName} 1 thread`), model, data, variant, mode, { ...r, keepRows: true });
            // Items last to first: a row written past an item's own lands after the next item's write.
            setOneThreadItemOrder('reverse');
            try {
              evaluate(label(name, variant, `${mode} ${routeName} 1 thread, items last to first`), model, data, variant, mode, r);
            } finally {
              setOneThreadItemOrder('forward');
            }
            evaluate(label(name, variant, `${mode} ${routeName} 2 threads`), model, data, variant, mode, { ...r, threads: 2, threadThreshold: 0 });
          }
      }
  const variant: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };
  const shards: [number, number][] = [
    [0, Math.min(N, TILE)],
    [N, N],
  ];
  if (N > TILE) shards.push([TILE, N]);
  if (N > BLOCK_COLUMNS) shards.push([BLOCK_COLUMNS, N]);
  for (const mode of ['traces', 'gradients'] as const) {
    evaluate(label(name, variant, `${mode} forward pass given`), model, data, variant, mode, { keepRows: true }, true);
    for (const rows of shards) for (const threads of [1, 2]) evaluate(label(name, variant, `${mode} rows [${rows}] ${threads} threads`), model, data, variant, mode, { rows, threads, threadThreshold: 0, keepRows: true });
    evaluate(label(name, variant, `${mode} 2 threads asked, default threshold`), model, data, variant, mode, { threads: 2 });
    // Limits at the one-thread gradient and trace plans (the routes are fitted to the first) and below them.
    const free = original.planTraces(shape, variant, 'gradients').bytes;
    const freeTraces = original.planTraces(shape, variant, 'traces').bytes;
    for (const maxMemoryBytes of [free, free - 1, freeTraces, freeTraces - 1, 1e5])
      for (const threads of [1, 2]) evaluate(label(name, variant, `${mode} limit ${maxMemoryBytes} ${threads} threads`), model, data, variant, mode, { maxMemoryBytes, threads, threadThreshold: 0 });
  }
}

function checkPlans(name: string, shape: ProblemShape): void {
  for (const reduction of REDUCTIONS)
    for (const block of BLOCKS)
      for (const curvature of CURVATURES) {
        const variant: Variant = { reduction, block, curvature };
        const terms = pairTerms(shape, variant);
        const N = shape.samples;
        const free = run(() => original.planTraces(shape, variant, 'gradients')) as { value?: original.TracePlan };
        const bytes = free.value?.bytes ?? 1e9;
        const traces = (run(() => original.planTraces(shape, variant, 'traces')) as { value?: original.TracePlan }).value?.bytes ?? 1e9;
        const two = (run(() => original.planTraces(shape, variant, 'gradients', { threads: 2, threadThreshold: 0 })) as { value?: original.TracePlan }).value?.bytes ?? 1e9;
        const options: original.TraceOptions[] = [
          {},
          { threads: 2 },
          { threads: 2, threadThreshold: 0 },
          { threads: 3, threadThreshold: 0 },
          { threads: 40, threadThreshold: 0 },
          { threads: 2, threadThreshold: 1e12 },
          { routes: terms.map((): Route => 'pairs') },
          { routes: terms.map((): Route => 'features'), threads: 2, threadThreshold: 0 },
          { routes: terms.map((_, i): Route => (i % 2 ? 'features' : 'pairs')) },
          { routes: [...terms.map((): Route => 'pairs'), 'pairs'] },
          { rows: [0, N] },
          { rows: [0, Math.min(N, TILE)], threads: 2, threadThreshold: 0 },
          { rows: [TILE, N] },
          { rows: [1, N] },
          { rows: [0, N + 1] },
          { rows: [3, 3] },
          { rows: [Math.min(N, 2 * TILE), Math.min(N, TILE)] },
        ];
        for (const maxMemoryBytes of [bytes, bytes - 1, traces, traces - 1, two, two - 1, bytes / 2, bytes / 8, 1e6, 1e5, 0, 2 ** 40])
          for (const threads of [1, 2, 8]) options.push({ maxMemoryBytes, threads, threadThreshold: 0 });
        for (const mode of ['traces', 'gradients'] as const)
          for (const [i, o] of options.entries())
            same(
              `planTraces ${name} ${label('', variant, `${mode} options #${i}`)}`,
              run(() => original.planTraces(shape, variant, mode, o)),
              run(() => mutant.planTraces(shape, variant, mode, o)),
            );
      }
}

// The seeded cases: caseSpread, its edge shapes under every other loss, and three past one tile of rows.
const spread = caseSpread();
const cases: { c: SeededCase; reductions: readonly Variant['reduction'][] }[] = spread.map((c) => ({ c, reductions: REDUCTIONS }));
for (const c of spread.slice(10))
  for (const loss of LOSS_NAMES) {
    if (loss === (c.model.loss ?? 'cross-entropy')) continue;
    const model: Model = { ...c.model, loss: loss as Loss, ...(loss === 'label-smoothing' ? { labelSmoothing: 0.15 } : {}) };
    cases.push({ c: { name: `${loss}-${c.name}`, model, data: c.data }, reductions: ['mean'] });
  }
// Past one stacks block (64 samples) and one tile: the 2-thread runs hand items to the worker.
cases.push({ c: seededCase({ activation: 'sigmoid', bias: true, inputDim: 3, hiddenDim: 4, classes: 3, samples: 65, seed: 31, loss: 'binary-cross-entropy' }, GLOROT), reductions: REDUCTIONS });
cases.push({ c: seededCase({ activation: 'silu', bias: false, inputDim: 4, hiddenDim: 5, classes: 2, samples: 130, seed: 37, loss: 'label-smoothing', labelSmoothing: 0.2 }, GLOROT), reductions: REDUCTIONS });
cases.push({ c: seededCase({ activation: 'tanh', bias: true, inputDim: 3, hiddenDim: 6, classes: 5, samples: 333, seed: 41 }, GLOROT), reductions: REDUCTIONS });
// V^T B_n in batches (stackBatch) smaller than a stacks block: 32 samples at h = 45, 40 at h = 40
// (which does not divide 64, so batches straddle the blocks' starts); A at h = 45 is 1035 doubles, and
// S at c = 23 529 doubles, whose rows paddedStride pads (8280 and 4232 bytes: 88 and 136 mod 4096).
cases.push({ c: seededCase({ activation: 'gelu', bias: true, inputDim: 2, hiddenDim: 45, classes: 2, samples: 100, seed: 43 }, GLOROT), reductions: ['mean'] });
cases.push({ c: seededCase({ activation: 'softplus', bias: true, inputDim: 3, hiddenDim: 40, classes: 3, samples: 150, seed: 53 }, GLOROT), reductions: ['mean'] });
cases.push({ c: seededCase({ activation: 'sigmoid', bias: false, inputDim: 2, hiddenDim: 3, classes: 23, samples: 40, seed: 47 }, GLOROT), reductions: ['mean'] });
// Past the first 512-column block: N = 608 (tiles with n0 > 512 in the block [512, 608)) under every loss, 700 (a partial last tile), 1100 (a partial third block).
for (const loss of LOSS_NAMES)
  cases.push({
    c: seededCase({ activation: 'tanh', bias: true, inputDim: 2, hiddenDim: 3, classes: 2, samples: BLOCK_COLUMNS + 3 * TILE, seed: 83, loss }, GLOROT),
    reductions: loss === 'cross-entropy' ? REDUCTIONS : ['mean'],
  });
cases.push({ c: seededCase({ activation: 'gelu', bias: true, inputDim: 6, hiddenDim: 7, classes: 3, samples: 700, seed: 77 }, GLOROT), reductions: REDUCTIONS });
cases.push({ c: seededCase({ activation: 'softplus', bias: false, inputDim: 5, hiddenDim: 6, classes: 4, samples: 1100, seed: 101, loss: 'mse' }, GLOROT), reductions: ['mean'] });

same('THREAD_MIN_MULTIPLY_ADDS', original.THREAD_MIN_MULTIPLY_ADDS, mutant.THREAD_MIN_MULTIPLY_ADDS);
const memoryError = (m: TraceEngine) => {
  const e = new m.MemoryLimitError('one line', 3, 2);
  return { name: e.name, message: e.message, neededBytes: e.neededBytes, limitBytes: e.limitBytes, isError: e instanceof Error };
};
same('MemoryLimitError', memoryError(original), memoryError(mutant));
for (let w = 0; w <= 4096; w++)
  same(
    `paddedStride(${w})`,
    run(() => original.paddedStride(w)),
    run(() => mutant.paddedStride(w)),
  );

const rng = createRng(20261203);
for (let h = 1; h <= 9; h++)
  for (let rep = 0; rep < 4; rep++) {
    const N = 3;
    const vec = (n: number) => Float64Array.from({ length: n }, () => rng.normal());
    const VtB = vec(h * h * N);
    const [d1, d2, delta] = [vec(N * h), vec(N * h), vec(N * h)];
    for (const withDiagonal of [true, false])
      for (let n = 0; n < N; n++) {
        const f = (m: TraceEngine) => () => {
          const out = new Float64Array(2 + (h * (h + 1)) / 2).fill(-1);
          const trace = m.packRow(VtB, n * h, N * h, out, 1, d1, d2, delta, n * h, h, withDiagonal);
          return { trace, out };
        };
        same(`packRow h=${h} #${rep} n=${n} ${withDiagonal}`, run(f(original)), run(f(mutant)));
      }
  }

const crafted = [
  { traceH: [], traceH2: [], kappa: 1 },
  { traceH: [1, 2 ** -60, -1], traceH2: [1e308, 1e308, -1e308], kappa: 1 / 3 },
  { traceH: [0.1, 0.2, 0.3], traceH2: [Number.POSITIVE_INFINITY, 1], kappa: 1e-200 },
  { traceH: [Number.NaN], traceH2: [-0], kappa: 7 },
];
for (const [i, parts] of crafted.entries())
  same(
    `tracesFromParts #${i}`,
    run(() => original.tracesFromParts(parts)),
    run(() => mutant.tracesFromParts(parts)),
  );

for (const { c } of cases) checkPlans(c.name, original.problemShape(c.model, c.data));
for (const [samples, inputDim, hiddenDim, classes] of [
  [10_000, 30, 28, 5],
  [20_000, 30, 28, 5],
  [30_000, 30, 28, 5],
  [60_000, 784, 300, 10],
  [1_000_000, 784, 300, 10],
] as const)
  for (const bias of [true, false]) checkPlans(`${inputDim}-${hiddenDim}-${classes} N=${samples}${bias ? '' : ' no bias'}`, { samples, inputDim, hiddenDim, classes, bias });

for (const { c, reductions } of cases) checkCase(c, reductions);

stopPool();
process.stdout.write(`${check.compared} outputs compared, all identical (${cases.length} cases, ${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
