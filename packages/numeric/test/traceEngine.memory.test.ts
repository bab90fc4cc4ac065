/**
 * The memory and work plan of the trace engine (traceEngine.ts planTraces), counted by hand:
 * - the shared regions (once per evaluation) and the per-thread scratch regions of each route
 *   (pairs or features per term), mode (traces, gradients) and block (first, second, all) are
 *   the ones their definitions give, entry by entry, for a small shape;
 * - `bytes` is 8 (shared + threads x scratch + the JavaScript arrays), every region rounded up to
 *   the arena's 16-byte blocks, and that arena part is what evaluateTraces allocates;
 * - one more tile of rows adds a fixed number of bytes, the thread count multiplies only the
 *   scratch, and a shard's tiles count its own rows;
 * - `work` is the routes' pair cost scaled by the shard's share of the rows plus the per-sample
 *   cost, and the thread choice follows the threshold and the tile count;
 * - the refusal of a plan over the limit names its largest shared region, its size and its
 *   doubles per sample.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import type { Variant } from '@hsr/numeric';
import { arenaInUse } from '../src/parallel/arena.ts';
import { BLOCK_COLUMNS, TILE, perSampleCost, type ProblemShape, type Route } from '../src/parallel/costModel.ts';
import { MemoryLimitError, THREAD_MIN_MULTIPLY_ADDS, evaluateTraces, planTraces, problemShape, type TraceOptions } from '../src/traceEngine.ts';
import { seededCase } from '@hsr/crosscheck/cases';

/** crosscheck's seeded-case recipe: Glorot weights, biases ~ N(0, 0.3^2). */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

const FIRST: Variant = { reduction: 'mean', block: 'first', curvature: 'hessian' };
const SECOND: Variant = { reduction: 'mean', block: 'second', curvature: 'hessian' };
const ALL: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };
const ALL_GN: Variant = { reduction: 'mean', block: 'all', curvature: 'gauss-newton' };

/** Doubles the arena hands out for these regions: it allocates in 16-byte blocks (arena.ts arenaAlloc), so an odd length takes one double more. */
function arenaDoubles(regions: Record<string, number>): number {
  return Object.values(regions).reduce((s, n) => s + 2 * Math.ceil(n / 2), 0);
}

/*
 * The small shape of the hand counts: d = 2, h = 3, c = 2 with biases, N = 40 (two tiles of 32
 * rows, the second partial). So d~ = 3, h~ = 4, ch = 6, c^2 = 4, and the stack widths are
 * A: L = h(h+1)/2 = 6, S: c^2 = 4, C: ch = 6, G: 2ch = 12. Their padded strides (paddedStride:
 * 8w must not fall within 576 bytes of a multiple of 4096, so a width below 72 grows by 8 until
 * it reaches 72..79) are 78, 76, 78, 76. The V^T B_n batch is min(64, floor(65536 / h^2)) = 64
 * samples. Feature widths f (costModel featureWidth): A (alpha 2) d~(d~+1)/2 = 6; S (beta 2)
 * h~(h~+1)/2 = 10, and its K^z-adjoint width f' (beta 1) h~ = 4; C (alpha 1, beta 1)
 * d~ h~ = 12, f' (beta 0) d~ = 3; G (alpha 1) d~ = 3.
 */
const SHAPE: ProblemShape = { samples: 40, inputDim: 2, hiddenDim: 3, classes: 2, bias: true };
const N = 40;

/** The per-sample rows and the globals every plan holds once, for SHAPE. */
const BASE = {
  // The forward pass, copied into the arena: x~_n, z~_n, phi'/phi''/phi''' of u_n, v_n, p_n, g_n.
  xt: N * 3,
  zt: N * 4,
  d1: N * 3,
  d2: N * 3,
  d3: N * 3,
  v: N * 2,
  p: N * 2,
  g: N * 2,
  // V (c x h) and its transpose.
  V: 2 * 3,
  Vt: 3 * 2,
  // S_n (c x c), B_n = S_n V (c x h), delta_n = V^T g_n (h).
  S: N * 2 * 2,
  B: N * 6,
  delta: N * 3,
  // The diagonals ||x~_n||^2, ||z~_n||^2, tr A_n, tr S_n.
  kxx: N,
  kzz: N,
  trA: N,
  trS: N,
  // T1_n in two parts per row.
  t1rows: 2 * N,
};
/** T2_{t,n}: one row value per pair term. */
const t2rows = (terms: number) => ({ t2rows: terms * N });

/** The gradient's shared output rows for `tiles` tiles: q_n (h), r^v_n (c) for T1 and T2, and each tile's V-bar (ch). */
const gradShared = (tiles: number) => ({ QT1: 3 * N, QT2: 3 * N, RT1: 2 * N, RT2: 2 * N, VB1: tiles * 6, VB2: tiles * 6 });

/** Per-thread scratch of the stacks job: V^T B_n (h x h) and the gathered B_n (c x h), for a batch of 64 samples. */
const STACK_SCRATCH = { VtB: 3 * 3 * 64, Bcat: 2 * 3 * 64 };
/** The weight block (TILE x BLOCK_COLUMNS) and its lower square (TILE x TILE): every plan has them. */
const WEIGHTS = { Wb: TILE * BLOCK_COLUMNS, Wlo: TILE * TILE };
/** The tile's x~ rows and K^x block (any term with alpha > 0 on the pairs route). */
const KX = { XIT: 3 * TILE, KxT: BLOCK_COLUMNS * TILE };
/** The tile's z~ rows and K^z block (any term with beta > 0 on the pairs route). */
const KZ = { ZIT: 4 * TILE, KzT: BLOCK_COLUMNS * TILE };
/** The per-row adjoints of the gradient (assembleRow): A-bar (h x h), diag A (h), the c x h pieces, S-bar and the S adjoint (c x c), the h and c vectors, [Y | O]'s adjoint (2ch). */
const ADJOINTS = { Abar: 9, diagA: 3, F: 6, Ft: 6, Yd: 6, Zd: 6, Bb: 6, Sbar: 4, d1b: 3, d2b: 3, zbar: 3, gb: 2, pb: 2, adjS: 4, adjC: 6, adjYO: 12, rv: 2 };
/** The tile's z-bar rows (TILE x h~): the K^z adjoint of any term with beta > 0, on either route. */
const ZBAR = { zb: TILE * 4 };

/** The forward pass the callers hold in JavaScript arrays, per sample; see `jsDoubles`. */
const JS_PER_SAMPLE = 3 + 2 * 4 + 4 * 3 + 3 * 2 + 1;
/**
 * The planner's JavaScript allowance for SHAPE, as the planner states it: per sample
 * d~ + 2 h~ + 4h + 3c + 1, and for the gradient three copies of the P = h d~ + c h~ parameters.
 * Pinned as it stands, not derived: the ForwardPass arrays (x~, u, z~, phi'..phi''', v, p, g and
 * the loss) hold d~ + h~ + 4h + 3c + 1 per sample, one h~ less than reserved, and a gradient
 * evaluation holds four copies of P (gradientFromRows' two arena outputs and their two copies).
 */
const jsDoubles = (mode: 'traces' | 'gradients') => N * JS_PER_SAMPLE + (mode === 'gradients' ? 3 * (3 * 3 + 2 * 4) : 0);

interface Expected {
  readonly variant: Variant;
  readonly routes: Route[];
  readonly mode: 'traces' | 'gradients';
  readonly shared: Record<string, number>;
  readonly scratch: Record<string, number>;
}

const cases: (Expected & { readonly label: string })[] = [
  {
    label: 'block first, A on pairs, traces',
    variant: FIRST,
    routes: ['pairs'],
    mode: 'traces',
    shared: { ...BASE, ...t2rows(1), packedA: N * 78 },
    // Row sums U_n (TILE x w) and the diagonal weights W_nn (TILE); alpha = 2 needs K^x, beta = 0 no K^z.
    scratch: { ...STACK_SCRATCH, ...KX, ...WEIGHTS, UA: TILE * 6, wdA: TILE },
  },
  {
    label: 'block first, A on pairs, gradients',
    variant: FIRST,
    routes: ['pairs'],
    mode: 'gradients',
    shared: { ...BASE, ...t2rows(1), packedA: N * 78, ...gradShared(2) },
    // The gradient adds the lower row sums L_n; beta = 0: no Gram block, no z-bar.
    scratch: { ...STACK_SCRATCH, ...KX, ...WEIGHTS, UA: TILE * 6, wdA: TILE, LA: TILE * 6, ...ADJOINTS },
  },
  {
    label: 'block first, A on features, traces',
    variant: FIRST,
    routes: ['features'],
    mode: 'traces',
    // Feature rows Phi_n (N x f) and their transpose, the feature-space sum (f x w) and its f scalars.
    shared: { ...BASE, ...t2rows(1), packedA: N * 78, PhiA: N * 6, PhiTA: 6 * N, XFA: 6 * 6, fsA: 6 },
    // No term on the pairs route: no K^x or K^z block.
    scratch: { ...STACK_SCRATCH, ...WEIGHTS },
  },
  {
    label: 'block first, A on features, gradients',
    variant: FIRST,
    routes: ['features'],
    mode: 'gradients',
    shared: { ...BASE, ...t2rows(1), packedA: N * 78, PhiA: N * 6, PhiTA: 6 * N, XFA: 6 * 6, fsA: 6, ...gradShared(2) },
    // R_n = Phi_n X-frak (TILE x w); beta = 0: no K^z-adjoint features, no z-bar.
    scratch: { ...STACK_SCRATCH, ...WEIGHTS, RA: TILE * 6, ...ADJOINTS },
  },
  {
    label: 'block second, S on pairs, traces',
    variant: SECOND,
    routes: ['pairs'],
    mode: 'traces',
    shared: { ...BASE, ...t2rows(1), Sstack: N * 76 },
    // alpha = 0: no K^x; beta = 2: K^z.
    scratch: { ...STACK_SCRATCH, ...KZ, ...WEIGHTS, US: TILE * 4, wdS: TILE },
  },
  {
    label: 'block second, S on pairs, gradients',
    variant: SECOND,
    routes: ['pairs'],
    mode: 'gradients',
    shared: { ...BASE, ...t2rows(1), Sstack: N * 76, ...gradShared(2) },
    // beta > 0: the Gram block <X_n, X_m> (BLOCK_COLUMNS x TILE), the tile's stack rows transposed (w x TILE) and z-bar.
    scratch: { ...STACK_SCRATCH, ...KZ, ...WEIGHTS, US: TILE * 4, wdS: TILE, LS: TILE * 4, GTS: BLOCK_COLUMNS * TILE, XtIS: 4 * TILE, ...ZBAR, ...ADJOINTS },
  },
  {
    label: 'block second, S on features, traces',
    variant: SECOND,
    routes: ['features'],
    mode: 'traces',
    shared: { ...BASE, ...t2rows(1), Sstack: N * 76, PhiS: N * 10, PhiTS: 10 * N, XFS: 10 * 4, fsS: 10 },
    scratch: { ...STACK_SCRATCH, ...WEIGHTS },
  },
  {
    label: 'block second, S on features, gradients',
    variant: SECOND,
    routes: ['features'],
    mode: 'gradients',
    // The K^z adjoint: PXT = sum of Phi'_m (x) X_m per sample (f' w N) and H-frak (f' w h~).
    shared: { ...BASE, ...t2rows(1), Sstack: N * 76, PhiS: N * 10, PhiTS: 10 * N, XFS: 10 * 4, fsS: 10, PXTS: 4 * 4 * N, HS: 4 * 4 * 4, ...gradShared(2) },
    // The widest f' (phi), the tile's Phi'_n (x) X_n (TILE x f' w) and z-bar, but no K^z block (no term on pairs).
    scratch: { ...STACK_SCRATCH, ...WEIGHTS, RS: TILE * 4, phi: 4, PXS: TILE * 4 * 4, ...ZBAR, ...ADJOINTS },
  },
  {
    label: 'block all (hessian), A and C on pairs, S and G on features, gradients',
    variant: ALL,
    routes: ['pairs', 'features', 'pairs', 'features'],
    mode: 'gradients',
    shared: {
      ...BASE,
      ...t2rows(4),
      packedA: N * 78,
      Sstack: N * 76,
      C: N * 78,
      YO: N * 76,
      PhiS: N * 10,
      PhiTS: 10 * N,
      XFS: 10 * 4,
      fsS: 10,
      PXTS: 4 * 4 * N,
      HS: 4 * 4 * 4,
      PhiG: N * 3,
      PhiTG: 3 * N,
      XFG: 3 * 12,
      fsG: 3,
      ...gradShared(2),
    },
    // A (alpha 2) needs K^x, C (beta 1) K^z; G has beta = 0 (no K^z-adjoint features).
    scratch: {
      ...STACK_SCRATCH,
      ...KX,
      ...KZ,
      ...WEIGHTS,
      UA: TILE * 6,
      wdA: TILE,
      LA: TILE * 6,
      RS: TILE * 4,
      phi: 4,
      PXS: TILE * 4 * 4,
      UC: TILE * 6,
      wdC: TILE,
      LC: TILE * 6,
      GTC: BLOCK_COLUMNS * TILE,
      XtIC: 6 * TILE,
      RG: TILE * 12,
      ...ZBAR,
      ...ADJOINTS,
    },
  },
  {
    label: 'block all (hessian), A and C on features, S and G on pairs, gradients',
    variant: ALL,
    routes: ['features', 'pairs', 'features', 'pairs'],
    mode: 'gradients',
    shared: {
      ...BASE,
      ...t2rows(4),
      packedA: N * 78,
      Sstack: N * 76,
      C: N * 78,
      YO: N * 76,
      PhiA: N * 6,
      PhiTA: 6 * N,
      XFA: 6 * 6,
      fsA: 6,
      PhiC: N * 12,
      PhiTC: 12 * N,
      XFC: 12 * 6,
      fsC: 12,
      PXTC: 3 * 6 * N,
      HC: 3 * 6 * 4,
      ...gradShared(2),
    },
    // G (alpha 1) on pairs needs K^x, S (beta 2) K^z.
    scratch: {
      ...STACK_SCRATCH,
      ...KX,
      ...KZ,
      ...WEIGHTS,
      RA: TILE * 6,
      US: TILE * 4,
      wdS: TILE,
      LS: TILE * 4,
      GTS: BLOCK_COLUMNS * TILE,
      XtIS: 4 * TILE,
      RC: TILE * 6,
      phi: 3,
      PXC: TILE * 3 * 6,
      UG: TILE * 12,
      wdG: TILE,
      LG: TILE * 12,
      ...ZBAR,
      ...ADJOINTS,
    },
  },
  {
    label: 'block all (gauss-newton), A, S, C on pairs, traces',
    variant: ALL_GN,
    routes: ['pairs', 'pairs', 'pairs'],
    mode: 'traces',
    // No G term, so no [Y_n | O_n] stack.
    shared: { ...BASE, ...t2rows(3), packedA: N * 78, Sstack: N * 76, C: N * 78 },
    scratch: { ...STACK_SCRATCH, ...KX, ...KZ, ...WEIGHTS, UA: TILE * 6, wdA: TILE, US: TILE * 4, wdS: TILE, UC: TILE * 6, wdC: TILE },
  },
];

describe('the regions of a plan', () => {
  it.each(cases)('$label: the shared and scratch regions counted from their definitions', ({ variant, routes, mode, shared, scratch }) => {
    const plan = planTraces(SHAPE, variant, mode, { routes });
    expect(plan.routes.routes).toEqual(routes);
    expect(plan.tiles).toBe(2);
    expect(plan.shared).toEqual(shared);
    expect(plan.scratch).toEqual(scratch);
  });

  it.each(cases)('$label: bytes are 8 (shared + scratch + the JavaScript arrays), in 16-byte blocks', ({ variant, routes, mode, shared, scratch }) => {
    const plan = planTraces(SHAPE, variant, mode, { routes });
    expect(plan.threads).toBe(1);
    expect(plan.bytes).toBe(8 * (arenaDoubles(shared) + arenaDoubles(scratch) + jsDoubles(mode)));
  });

  it('the arena part of the bytes is what evaluateTraces allocates (every region in 16-byte blocks)', () => {
    // Odd regions (diagA = h = 3, d1b, zbar, ...) make the rounding visible.
    const { model, data } = seededCase({ activation: 'gelu', bias: true, inputDim: 2, hiddenDim: 3, classes: 2, samples: N, seed: 5 }, GLOROT);
    expect(problemShape(model, data)).toEqual(SHAPE);
    for (const { variant, routes, mode } of cases) {
      const plan = planTraces(SHAPE, variant, mode, { routes });
      const before = arenaInUse();
      let during = -1;
      // The tiles run after every region is allocated and the forward pass's temporaries are released.
      evaluateTraces(model, data, variant, mode, undefined, { routes, onProgress: () => (during = arenaInUse() - before) });
      expect(during).toBe(plan.bytes - 8 * jsDoubles(mode));
    }
  });
});

describe('how the bytes grow', () => {
  const at = (samples: number, options: TraceOptions = {}) => planTraces({ ...SHAPE, samples }, FIRST, 'gradients', { routes: ['pairs'], ...options });

  it('one more tile of rows adds exactly its rows and one V-bar per gradient', () => {
    // Per sample (block first, A on pairs, gradients): the BASE rows 3 + 4 + 3 * 3 + 3 * 2 + 4 + 6 + 3 + 4 + 2 = 41, t2rows 1,
    // the packed A_n stride 78, q_n and r^v_n 2 * 3 + 2 * 2 = 10: 130 arena doubles, and JS_PER_SAMPLE = 30 in JavaScript.
    // The new tile adds V-bar rows for T1 and T2 (2 * ch = 12). The scratch does not depend on N.
    const perTile = TILE * (130 + JS_PER_SAMPLE) + 2 * 6;
    for (const samples of [64, 96, 640]) expect(at(samples + TILE).bytes - at(samples).bytes).toBe(8 * perTile);
    expect(at(4000).scratch).toEqual(at(40).scratch);
  });

  it('threads multiply only the scratch', () => {
    const one = at(64, { threads: 1, threadThreshold: 0 });
    const two = at(64, { threads: 2, threadThreshold: 0 });
    expect(two.threads).toBe(2);
    expect(two.shared).toEqual(one.shared);
    expect(two.scratch).toEqual(one.scratch);
    expect(two.bytes - one.bytes).toBe(8 * arenaDoubles(one.scratch));
  });

  it('a shard holds every sample but only its own tiles of V-bar', () => {
    // Rows [32, 40) of N = 40: one (partial) tile, so V-bar has one row of ch = 6 per trace.
    const shard = at(40, { rows: [32, 40] });
    expect(shard.tiles).toBe(1);
    expect(shard.shared).toEqual({ ...BASE, ...t2rows(1), packedA: N * 78, ...gradShared(1) });
    // Rows [32, 96) of N = 128: two tiles.
    expect(at(128, { rows: [32, 96] }).tiles).toBe(2);
    expect(at(128, { rows: [64, 64] }).tiles).toBe(0);
  });
});

describe('work and threads', () => {
  const shape: ProblemShape = { ...SHAPE, samples: 128 };
  it.each(['traces', 'gradients'] as const)('%s: work is the per-sample cost plus the pair cost of the shard share of the rows', (mode) => {
    const work = (rows: readonly [number, number]) => planTraces(shape, ALL, mode, { rows }).work;
    const full = planTraces(shape, ALL, mode);
    // An empty shard does the per-sample work (every shard needs all stacks) and no pairs.
    const perSample = perSampleCost(shape, ALL)[mode];
    expect(perSample).toBeGreaterThan(0);
    expect(work([0, 0])).toBe(perSample);
    expect(work([128, 128])).toBe(perSample);
    expect(full.work - perSample).toBeAllClose(full.routes.cost[mode], { rtol: RTOL_SAME_FORMULA });
    // The pair work is proportional to the shard's rows: [32, 96) is half, [96, 128) a quarter.
    expect(work([32, 96]) - perSample).toBeAllClose(full.routes.cost[mode] / 2, { rtol: RTOL_SAME_FORMULA });
    expect(work([96, 128]) - perSample).toBeAllClose(full.routes.cost[mode] / 4, { rtol: RTOL_SAME_FORMULA });
  });

  it('takes the threads asked for when the work reaches the threshold, else one', () => {
    const plan = (options: TraceOptions) => planTraces(shape, ALL, 'gradients', options);
    const { work } = plan({});
    expect(work).toBeLessThan(THREAD_MIN_MULTIPLY_ADDS);
    expect(plan({ threads: 2 }).threads).toBe(1);
    // At the threshold exactly, and above it.
    expect(plan({ threads: 2, threadThreshold: work }).threads).toBe(2);
    expect(plan({ threads: 2, threadThreshold: work / 2 }).threads).toBe(2);
    expect(plan({ threads: 2, threadThreshold: work * 2 }).threads).toBe(1);
    expect(plan({ threads: 2, threadThreshold: 0 }).threads).toBe(2);
    // The default threshold: a shape whose work is above THREAD_MIN_MULTIPLY_ADDS gets them without one.
    const big = planTraces({ samples: 4000, inputDim: 30, hiddenDim: 28, classes: 5, bias: true }, ALL, 'gradients', { threads: 2 });
    expect(big.work).toBeGreaterThanOrEqual(THREAD_MIN_MULTIPLY_ADDS);
    expect(big.threads).toBe(2);
  });

  it('uses no more threads than tiles, and one for a shard without tiles', () => {
    // N = 40: two tiles.
    expect(planTraces(SHAPE, ALL, 'gradients', { threads: 4, threadThreshold: 0 }).threads).toBe(2);
    expect(planTraces(shape, ALL, 'gradients', { threads: 3, threadThreshold: 0 }).threads).toBe(3);
    expect(planTraces(shape, ALL, 'gradients', { threads: 4, threadThreshold: 0, rows: [32, 32] }).threads).toBe(1);
  });
});

/** The parenthesis of a refusal: "largest: <region>, <size>, <k> doubles per sample". */
function refusal(shape: ProblemShape, variant: Variant, mode: 'traces' | 'gradients', routes: Route[]): string {
  let error: unknown = null;
  try {
    planTraces(shape, variant, mode, { routes, maxMemoryBytes: 1 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MemoryLimitError);
  const message = (error as MemoryLimitError).message;
  const { samples, inputDim, hiddenDim, classes } = shape;
  expect(message.startsWith(`N = ${samples} at ${inputDim}-${hiddenDim}-${classes} needs about `)).toBe(true);
  expect(message.endsWith('), above the memory limit of 0.0 MiB')).toBe(true);
  return message.slice(message.indexOf('(') + 1, -'), above the memory limit of 0.0 MiB'.length);
}

describe('the refusal names the largest region', () => {
  // N = 2^17 samples: a region of k doubles per sample is 8 k 2^17 bytes = k MiB.
  const M = 2 ** 17;
  const shape = (inputDim: number, hiddenDim: number, classes: number, bias: boolean, samples = M): ProblemShape => ({ samples, inputDim, hiddenDim, classes, bias });
  const largest: { name: string; shape: ProblemShape; variant: Variant; routes: Route[]; k: number; mode: 'traces' | 'gradients' }[] = [
    // d~ = 101 against the packed A_n stride paddedStride(1) = 73 (h = 1, c = 1).
    { name: 'the inputs', shape: shape(100, 1, 1, true), variant: FIRST, routes: ['pairs'], k: 101, mode: 'traces' },
    // h~ = 101 against h = 100 (phi', delta, B = ch) and the S_n stride paddedStride(1) = 73.
    { name: 'the hidden activations', shape: shape(1, 100, 1, true), variant: SECOND, routes: ['pairs'], k: 101, mode: 'traces' },
    // h = 12: L = 78, 624 bytes, not padded; z~ has 12 doubles.
    { name: 'the packed A_n stack', shape: shape(1, 12, 1, false), variant: FIRST, routes: ['pairs'], k: 78, mode: 'traces' },
    // c = 2: c^2 = 4 padded to 76; S_n has 4.
    { name: 'the S_n stack', shape: shape(1, 1, 2, false), variant: SECOND, routes: ['pairs'], k: 76, mode: 'traces' },
    // c = 9: S_n has c^2 = 81 against the A_n stride 73 and B_n's ch = 9.
    { name: 'the S_n', shape: shape(1, 1, 9, false), variant: FIRST, routes: ['pairs'], k: 81, mode: 'traces' },
    // h = 40, c = 2: B_n has ch = 80 against the S_n stride 76 and h~ = 40.
    { name: 'the B_n stack', shape: shape(1, 40, 2, false), variant: SECOND, routes: ['pairs'], k: 80, mode: 'traces' },
    // h = 7, c = 1 (gauss-newton, no G): ch = 7 padded to 79 against L = 28 padded to 76 and c^2 = 1 padded to 73.
    { name: 'the C_n stack', shape: shape(1, 7, 1, true), variant: ALL_GN, routes: ['pairs', 'pairs', 'pairs'], k: 79, mode: 'traces' },
    // h = 10, c = 5: 2ch = 100 against L = 55 -> 79, c^2 = 25 -> 73, ch = 50 -> 74.
    { name: 'the [Y_n | O_n] stack', shape: shape(1, 10, 5, true), variant: ALL, routes: ['pairs', 'pairs', 'pairs', 'pairs'], k: 100, mode: 'traces' },
    // d~ = 16: A's features xi_n have 16 * 17 / 2 = 136 entries (Phi, then PhiT of the same size) against the stride 73.
    { name: "term A's feature rows", shape: shape(15, 1, 1, true), variant: FIRST, routes: ['features'], k: 136, mode: 'traces' },
    // h = 3, c = 10 (no biases): PXT has f' w = h~ c^2 = 300 per sample against S_n's 100 and Phi's 6.
    { name: "term S's K^z-adjoint features", shape: shape(1, 3, 10, false), variant: SECOND, routes: ['features'], k: 300, mode: 'gradients' },
  ];
  it.each(largest)('$name: its size and doubles per sample', ({ name, shape, variant, routes, k, mode }) => {
    expect(refusal(shape, variant, mode, routes)).toBe(`largest: ${name}, ${k}.0 MiB, ${k} doubles per sample`);
  });

  it("names the sample-independent regions too, divided by N: term A's feature-space sum", () => {
    // N = 2, d~ = 10, h = 20: X-frak is f x w = 55 * 210 = 11,550 doubles (92,400 bytes, 0.088 MiB), against the packed A_n
    // stack 2 * 210 and Phi 2 * 55; 11,550 / 2 = 5,775 "per sample".
    expect(refusal(shape(9, 20, 1, true, 2), FIRST, 'traces', ['features'])).toBe("largest: term A's feature-space sum, 0.1 MiB, 5775 doubles per sample");
  });

  it("names H-frak as term S's K^z-adjoint features", () => {
    // N = 2, h~ = 10, c = 2: H-frak is f' w h~ = 10 * 4 * 10 = 400 doubles, against X-frak 55 * 4 = 220, PXT 10 * 4 * 2 = 80,
    // the S_n stack 2 * 76 and Phi 2 * 55; 400 / 2 = 200.
    expect(refusal(shape(1, 9, 2, true, 2), SECOND, 'gradients', ['features'])).toBe("largest: term S's K^z-adjoint features, 0.0 MiB, 200 doubles per sample");
  });

  it('names an unlabelled region by its name', () => {
    // N = 1, h = 40, c = 2, no biases: V (c x h = 80) ties with B_n (N ch = 80) and comes first; the S_n stack has 76, z~ 40.
    expect(refusal(shape(1, 40, 2, false, 1), SECOND, 'traces', ['pairs'])).toBe('largest: V, 0.0 MiB, 80 doubles per sample');
  });
});
