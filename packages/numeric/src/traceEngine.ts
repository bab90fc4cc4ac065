/**
 * The evaluation of T1, T2 (eq:trace-h, eq:trace-h2) and their gradients (eq:grad-assembly)
 * in bounded memory, on any number of threads and over any shard of the samples, with the
 * same bits in every case. hessianTraces and traceGradients are thin wrappers around
 * `evaluateTraces`; the formulas and their derivations are in hessianTrace.ts and
 * boundGradient.ts, the choice of contraction per term in parallel/costModel.ts.
 *
 * Structure (every large array lives in the shared arena, parallel/arena.ts):
 * 1. stacks (a job over blocks of samples): S_n, B_n = S_nV, C_n = B_nD_n, delta_n = V^T g_n,
 *    the packed A_n, the cancellation-free S_n stack, [Y_n | O_n], the diagonals
 *    \|\tilde x_n\|^2, \|\tilde z_n\|^2, tr A_n, tr S_n, and the feature rows of the terms on the
 *    features route. O(N) memory per stack; nothing of size N^2.
 * 2. features (a job over blocks of output rows): \mathfrak X_t = \Phi_t^\top X_t, the global
 *    scalars c_t B(\mathfrak X_t, \mathfrak X_t) and, for the gradient, \mathfrak H_t.
 * 3. tiles (a job over tiles of TILE rows): for rows n of the tile and blocks of BLOCK_COLUMNS
 *    columns m, the blocks of K^x, K^z, the weights W = (K^x)^\alpha(K^z)^\beta and the row
 *    sums U_n = \sum_{m>n}W_{nm}X_m (and L_n = \sum_{m<n}W_{nm}X_m for the gradient) of every
 *    term on the pairs route. Then per row: T1_n, T2_{t,n} = c_t[W_{nn}B(X_n,X_n) + 2B(X_n,U_n)],
 *    and for the gradient the adjoints of the row's pieces, pushed through the per-sample chain
 *    (`assembleRow`) to q_n (h), r^v_n (c) and the tile's share of \bar V.
 *    Memory per thread O(TILE (BLOCK_COLUMNS + \sum_t w_t)), independent of N.
 * 4. the caller's thread: T1 = \kappa\,\mathrm{fsum}_n T1_n and T2 = \kappa^2\,\mathrm{fsum}(T2_{t,n},
 *    globals), exactly summed and rounded once (parallel/exactSum.ts); the gradient
 *    \partial_{\tilde W} = Q^\top\tilde X, \partial_{\tilde V} = R^\top\tilde Z + \sum_{tiles}\bar V.
 *
 * Bits: every row value (T1_n, T2_{t,n}, q_n, r^v_n) is a function of the row alone, summed in a
 * fixed order by the kernels (parallel/kernels.ts: zero weights outside a row's triangle are
 * exact no-ops), so the thread count never changes a bit. T1 and T2 are exact sums, so a shard
 * (a tile-aligned range of rows, `rows`) reports components whose exact merge (shards.ts)
 * rounds to the same T1 and T2, hence the same bounds, as one process. A shard's gradient is
 * the same sum over its rows; merging shards regroups that sum, so sharded gradients agree with
 * the one-process gradient to the reordered-summation bound (about N eps relative to the sum of
 * the per-sample magnitudes), not bit for bit.
 *
 * Cost: see parallel/costModel.ts (per term and route); memory: `planTraces(...).bytes`, checked
 * against `maxMemoryBytes` before anything is computed.
 */
// hessianTrace.ts imports this module too; the cycle is safe because neither uses the other's
// bindings at module evaluation, only inside functions.
import { LOSSES, type LossRule } from './losses.ts';
import { reductionScale, type ForwardPass } from './network.ts';
import { forwardPassGemm } from './parallel/forwardKernel.ts';
import { parameterCount } from './parameters.ts';
import { ARENA_MAX_BYTES, arenaAlloc, arenaMark, arenaRelease, arenaView } from './parallel/arena.ts';
import { BLOCK_COLUMNS, TILE, chooseRoutes, dimensions, rankRoutes, featureWidth, perSampleCost, type Dimensions, type PairTerm, type ProblemShape, type Route, type RoutePlan } from './parallel/costModel.ts';
import { ExactSum } from './parallel/exactSum.ts';
import { gemm } from './parallel/kernels.ts';
import { availableThreads, defineJob, runJob, type JobContext } from './parallel/threads.ts';
import { lossOf, type Dataset, type Loss, type Model, type Variant } from './types.ts';

/**
 * Row stride (doubles) of a stack of width w: w, padded by multiples of 8 when w * 8 bytes is
 * within 576 bytes of a multiple of 4 KiB. Rows whose addresses differ by a multiple of 4 KiB
 * fall into the same L1 sets, and a gemm walking such rows ran at half speed (6.9 against 14.4 G
 * multiply-adds/s at w = 2560 on the development machine). Padding changes no value.
 */
export function paddedStride(w: number): number {
  let ld = w;
  for (;;) {
    const r = (ld * 8) % 4096;
    if (r >= 576 && r <= 4096 - 576) return ld;
    ld += 8;
  }
}

/** HSR_PROFILE=1: print each evaluation's phase times on stderr (for tuning; Node only). */
const PROFILE = typeof process === 'object' && process.env?.HSR_PROFILE === '1';

/** Samples per item of the stacks job. */
const STACK_BLOCK = 64;
/**
 * Below this many estimated multiply-adds (about 10 ms on one core) a call stays on one thread:
 * at 30-28-5 with N = 128 (2.4e7) two threads measured 5.30 against 5.43 ms on a quiet machine
 * and 33 against 13 ms on a loaded one (the join waits for a descheduled worker); at 100-90-10
 * (2.2e8) they halve the time.
 */
export const THREAD_MIN_MULTIPLY_ADDS = 1e8;

export interface TraceOptions {
  /** Threads to use (the calling thread included); default 1. Results do not depend on it. */
  readonly threads?: number;
  /** Refuse (MemoryLimitError, before any work) when the plan needs more bytes than this. Default: no limit. */
  readonly maxMemoryBytes?: number;
  /** Rows [start, end) of this shard (start a multiple of TILE); default all. */
  readonly rows?: readonly [number, number];
  /**
   * Force the route of each pair term (in pairTerms order) instead of the cost model's choice:
   * for tests that hold the routes against each other and for measuring them. Both routes are
   * exact; they differ by round-off only.
   */
  readonly routes?: readonly Route[];
  /** Also return the per-row gradient pieces (for tests that bound the sum over rows). */
  readonly keepRows?: boolean;
  /** Multiply-adds above which `threads` > 1 is used (default THREAD_MIN_MULTIPLY_ADDS; tests pass 0). */
  readonly threadThreshold?: number;
  /** Called during the pair tiles (the long phase) with tiles done and the tile count. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The per-row pieces the gradient is summed from: dW~ = Q^T X~, dV~ = R^T Z~ + sum_tiles V-bar_tile. */
export interface GradientRows {
  /** h x N (q_n in column n) and c x N (r^v_n), for T1 ('1') and T2 ('2'). */
  readonly QT1: Float64Array;
  readonly QT2: Float64Array;
  readonly RT1: Float64Array;
  readonly RT2: Float64Array;
  /** tiles x ch: each tile's V-bar. */
  readonly VB1: Float64Array;
  readonly VB2: Float64Array;
}

/** A request whose memory plan does not fit the limit; its message is one line. */
export class MemoryLimitError extends Error {
  constructor(
    message: string,
    readonly neededBytes: number,
    readonly limitBytes: number,
  ) {
    super(message);
    this.name = 'MemoryLimitError';
  }
}

type Mode = 'traces' | 'gradients';

/** A region of the arena plan: name and length in doubles. */
type Regions = Record<string, number>;

export interface TracePlan {
  readonly shape: ProblemShape;
  readonly dims: Dimensions;
  readonly variant: Variant;
  readonly mode: Mode;
  readonly routes: RoutePlan;
  /** Rows of this evaluation (a shard's, or all). */
  readonly rows: readonly [number, number];
  readonly tiles: number;
  /** Threads the evaluation will use (1 when the work is too small to pay for a dispatch). */
  readonly threads: number;
  /** Estimated multiply-adds. */
  readonly work: number;
  /** Peak bytes: the arena regions plus the forward pass held in JavaScript arrays. */
  readonly bytes: number;
  readonly shared: Regions;
  readonly scratch: Regions;
  /** Row stride of each term's stack (paddedStride). */
  readonly lds: Record<PairTerm['name'], number>;
}

export function problemShape(model: Model, data: Dataset): ProblemShape {
  return { samples: data.samples, inputDim: model.inputDim, hiddenDim: model.hiddenDim, classes: model.classes, bias: model.b !== null };
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * The memory and work plan of one evaluation (no work done): the cheapest routes (cost model)
 * that fit `maxMemoryBytes` and the 4 GiB arena, and the threads; MemoryLimitError (one line)
 * when nothing fits. The routes depend on the shapes and the limit only, so hessianTraces and
 * traceGradients under the same limit (the CLI's bound and grad with the same --max-memory) take
 * the same routes, on any number of threads.
 */
export function planTraces(shape: ProblemShape, variant: Variant, mode: Mode, options: TraceOptions = {}): TracePlan {
  const limit = Math.min(options.maxMemoryBytes ?? Infinity, ARENA_MAX_BYTES);
  const candidates = options.routes ? [forcedRoutes(shape, variant, options.routes)] : rankRoutes(shape, variant);
  // Routes: the cheapest whose gradient plan fits on one thread, so that the bound and its
  // gradient, on any number of threads, take the same routes; failing that (a bound whose
  // gradient could not run at all), the cheapest whose own plan fits.
  const one = { ...options, threads: 1 };
  const fits = (m: Mode) => candidates.find((r) => planFor(shape, variant, m, one, r).bytes <= limit);
  const routes = fits('gradients') ?? fits(mode);
  if (routes === undefined) {
    const p = candidates.map((r) => planFor(shape, variant, mode, one, r)).sort((a, b) => a.bytes - b.bytes)[0]!;
    const { N, h, c } = p.dims;
    throw new MemoryLimitError(`N = ${N} at ${shape.inputDim}-${h}-${c} needs about ${formatBytes(p.bytes)} (${describeBiggest(p.shared, N)}), above the memory limit of ${formatBytes(limit)}`, p.bytes, limit);
  }
  // Threads: as many as asked for whose tile buffers still fit.
  let plan = planFor(shape, variant, mode, options, routes);
  while (plan.threads > 1 && plan.bytes > limit) plan = planFor(shape, variant, mode, { ...options, threads: plan.threads - 1 }, routes);
  return plan;
}

function forcedRoutes(shape: ProblemShape, variant: Variant, routes: readonly Route[]): RoutePlan {
  const chosen = chooseRoutes(shape, variant);
  if (routes.length !== chosen.terms.length) throw new RangeError(`routes: ${routes.length} given for ${chosen.terms.length} pair terms`);
  return { ...chosen, routes: [...routes] };
}

function planFor(shape: ProblemShape, variant: Variant, mode: Mode, options: TraceOptions, routes: RoutePlan): TracePlan {
  const dims = dimensions(shape);
  const { N, h, c, dt, ht, ch } = dims;
  const rows = options.rows ?? [0, N];
  if (!(rows[0] >= 0 && rows[1] <= N && rows[0] <= rows[1] && (rows[0] % TILE === 0 || rows[0] === rows[1]))) throw new RangeError(`rows [${rows[0]}, ${rows[1]}) is not a tile-aligned range of [0, ${N})`);
  const grad = mode === 'gradients';
  const first = variant.block !== 'second';
  const second = variant.block !== 'first';
  const terms = routes.terms;
  const shared: Regions = {
    xt: N * dt,
    zt: N * ht,
    d1: N * h,
    d2: N * h,
    d3: N * h,
    v: N * c,
    p: N * c,
    g: N * c,
    V: c * h,
    Vt: h * c,
    S: N * c * c,
    B: N * ch,
    delta: N * h,
    kxx: N,
    kzz: N,
    trA: N,
    trS: N,
    t1rows: 2 * N,
    t2rows: terms.length * N,
  };
  const lds = Object.fromEntries(terms.map((t) => [t.name, paddedStride(t.width)])) as Record<PairTerm['name'], number>;
  if (first) shared.packedA = N * lds.A;
  if (second) shared.Sstack = N * lds.S;
  if (lds.C) shared.C = N * lds.C;
  if (lds.G) shared.YO = N * lds.G;
  const scratch: Regions = { VtB: h * h * stackBatch(h), Bcat: c * h * stackBatch(h) };
  const needX = terms.some((t, i) => routes.routes[i] === 'pairs' && t.alpha > 0);
  const needZ = terms.some((t, i) => routes.routes[i] === 'pairs' && t.beta > 0);
  if (needX) Object.assign(scratch, { XIT: dt * TILE, KxT: BLOCK_COLUMNS * TILE });
  if (needZ) Object.assign(scratch, { ZIT: ht * TILE, KzT: BLOCK_COLUMNS * TILE });
  scratch.Wb = TILE * BLOCK_COLUMNS;
  scratch.Wlo = TILE * TILE;
  terms.forEach((t, i) => {
    const f = featureWidth(t.alpha, t.beta, dims);
    if (routes.routes[i] === 'pairs') {
      scratch[`U${t.name}`] = TILE * t.width;
      scratch[`wd${t.name}`] = TILE;
      if (grad) scratch[`L${t.name}`] = TILE * t.width;
      if (grad && t.beta > 0) {
        scratch[`GT${t.name}`] = BLOCK_COLUMNS * TILE;
        scratch[`XtI${t.name}`] = t.width * TILE;
      }
    } else {
      shared[`Phi${t.name}`] = N * f;
      shared[`PhiT${t.name}`] = f * N;
      shared[`XF${t.name}`] = f * t.width;
      shared[`fs${t.name}`] = f;
      if (grad) scratch[`R${t.name}`] = TILE * t.width;
      if (grad && t.beta > 0) {
        const fp = featureWidth(t.alpha, t.beta - 1, dims);
        scratch.phi = Math.max(scratch.phi ?? 0, fp);
        shared[`PXT${t.name}`] = fp * t.width * N;
        shared[`H${t.name}`] = fp * t.width * ht;
        scratch[`PX${t.name}`] = TILE * fp * t.width;
      }
    }
  });
  const tiles = Math.ceil((rows[1] - rows[0]) / TILE);
  if (grad) {
    Object.assign(shared, { QT1: h * N, QT2: h * N, RT1: c * N, RT2: c * N, VB1: tiles * ch, VB2: tiles * ch });
    if (needZ || terms.some((t, i) => routes.routes[i] === 'features' && t.beta > 0)) scratch.zb = TILE * ht;
    Object.assign(scratch, { Abar: h * h, diagA: h, F: ch, Ft: ch, Yd: ch, Zd: ch, Bb: ch, Sbar: c * c, d1b: h, d2b: h, zbar: h, gb: c, pb: c, adjS: c * c, adjC: ch, adjYO: 2 * ch, rv: c });
  }
  const work = routes.cost[grad ? 'gradients' : 'traces'] * ((rows[1] - rows[0]) / Math.max(1, N)) + perSampleCost(shape, variant)[grad ? 'gradients' : 'traces'];
  const threads = work >= (options.threadThreshold ?? THREAD_MIN_MULTIPLY_ADDS) ? Math.max(1, Math.min(availableThreads(options.threads ?? 1), Math.max(tiles, 1))) : 1;
  const doubles = (r: Regions) => Object.values(r).reduce((s, v) => s + Math.ceil(v / 2) * 2, 0);
  // The forward pass (network.ts) in JavaScript arrays, and the gradient output.
  const js = N * (dt + 2 * ht + 4 * h + 3 * c + 1) + (grad ? 3 * parameterCountOf(dims) : 0);
  const bytes = 8 * (doubles(shared) + threads * doubles(scratch) + js);
  return { shape, dims, variant, mode, routes, rows, tiles, threads, work, bytes, shared, scratch, lds };
}

function parameterCountOf(d: Dimensions): number {
  return d.h * d.dt + d.c * d.ht;
}

function describeBiggest(shared: Regions, N: number): string {
  const [name, n] = Object.entries(shared).sort((a, b) => b[1] - a[1])[0]!;
  const label: Record<string, string> = {
    packedA: 'the packed A_n stack',
    Sstack: 'the S_n stack',
    YO: 'the [Y_n | O_n] stack',
    B: 'the B_n stack',
    C: 'the C_n stack',
    S: 'the S_n',
    xt: 'the inputs',
    zt: 'the hidden activations',
  };
  const term = /^(Phi|PhiT|PXT|XF|H)([ASCG])$/.exec(name);
  const what = term ? `term ${term[2]}'s ${term[1] === 'XF' ? 'feature-space sum' : term[1] === 'H' || term[1] === 'PXT' ? 'K^z-adjoint features' : 'feature rows'}` : (label[name] ?? name);
  return `largest: ${what}, ${formatBytes(8 * n)}, ${Math.round(n / Math.max(1, N))} doubles per sample`;
}

/** Byte offsets of each region (shared once, scratch once per thread). */
interface Layout {
  shared: Record<string, [number, number]>;
  scratch: Record<string, [number, number]>[];
}

/**
 * Regions that are accumulated into (+=) and so must start at zero; every other region is
 * written in full before it is read, and is not cleared (clearing tens of MB per call showed).
 */
const ACCUMULATED = new Set(['B', 'delta', 'VB1', 'VB2']);

function allocate(regions: Regions): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const [name, n] of Object.entries(regions)) {
    const v = arenaAlloc(n, ACCUMULATED.has(name) || name.startsWith('XF') || name.startsWith('H'));
    out[name] = [v.byteOffset, n];
  }
  return out;
}

type Views = Record<string, Float64Array>;
/** The named regions a job knows are present. */
type Named<K extends string> = Record<K, Float64Array>;

function bind(regions: Record<string, [number, number]>): Views {
  const out: Views = {};
  for (const [name, [offset, n]] of Object.entries(regions)) out[name] = arenaView(offset, n);
  return out;
}

/** Everything a job needs: the plan's numbers and the arena layout (plain data, posted to workers). */
interface JobArgs {
  dims: Dimensions;
  terms: PairTerm[];
  routes: Route[];
  /** Row stride of each term's stack. */
  lds: Record<PairTerm['name'], number>;
  rows: [number, number];
  mode: Mode;
  first: boolean;
  second: boolean;
  hessian: boolean;
  activation: Model['activation'];
  /** The loss whose g_n, S_n and third derivative the stacks and adjoints use (losses.ts). */
  loss: Loss;
  kappa: number;
  layout: Layout;
}

const STACK_NAME: Record<PairTerm['name'], string> = { A: 'packedA', S: 'Sstack', C: 'C', G: 'YO' };

/** The result of one evaluation over `rows`: exact-sum components and, for the gradient, partial vectors. */
export interface TraceParts {
  /** Components of sum_n T1_n (unscaled) over the rows. */
  readonly traceH: number[];
  /** Components of sum T2 contributions (unscaled) over the rows (plus the global feature terms when rows start at 0). */
  readonly traceH2: number[];
  readonly kappa: number;
  readonly parameters: number;
  readonly gradTraceH: Float64Array | null;
  readonly gradTraceH2: Float64Array | null;
  readonly plan: TracePlan;
  /** With options.keepRows and the gradient: the per-row pieces (copies). */
  readonly gradientRows?: GradientRows;
}

/**
 * T1 = kappa fsum(T1 parts) and T2 = kappa^2 fsum(T2 parts): the one place both traces are
 * formed, shared by hessianTraces, traceGradients and the reduce of shards, so a bound and its
 * gradient (and a sharded run) see the same bits.
 */
export function tracesFromParts(parts: { readonly traceH: ArrayLike<number>; readonly traceH2: ArrayLike<number>; readonly kappa: number }): { traceH: number; traceH2: number } {
  return { traceH: parts.kappa * new ExactSum().addAll(parts.traceH).value(), traceH2: parts.kappa * parts.kappa * new ExactSum().addAll(parts.traceH2).value() };
}

/**
 * Evaluate the parts of T1, T2 (and their gradients) over `options.rows` (see the module
 * comment). `fp` defaults to the forward pass of `model` on `data`.
 */
export function evaluateTraces(model: Model, data: Dataset, variant: Variant, mode: Mode, fp: ForwardPass | undefined, options: TraceOptions = {}): TraceParts {
  const T0 = performance.now();
  const plan = planTraces(problemShape(model, data), variant, mode, options);
  const { dims } = plan;
  const { N, h, c } = dims;
  const mark = arenaMark();
  try {
    const layout: Layout = { shared: allocate(plan.shared), scratch: [] };
    for (let t = 0; t < plan.threads; t++) layout.scratch.push(allocate(plan.scratch));
    const v = bind(layout.shared);
    // The per-sample rows of the forward pass, written into (or copied to) the arena.
    const storage = { xt: v.xt!, zt: v.zt!, d1: v.d1!, d2: v.d2!, d3: v.d3!, v: v.v!, p: v.p!, g: v.g! };
    if (fp === undefined) forwardPassGemm(model, data, storage);
    else for (const [k, view] of Object.entries(storage)) view.set(fp[k as keyof typeof storage]);
    v.V!.set(model.V);
    const Vt = v.Vt!;
    for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) Vt[i * c + k] = model.V[k * h + i]!;
    const args: JobArgs = {
      dims,
      terms: [...plan.routes.terms],
      routes: [...plan.routes.routes],
      lds: plan.lds,
      rows: [plan.rows[0], plan.rows[1]],
      mode,
      first: variant.block !== 'second',
      second: variant.block !== 'first',
      hessian: variant.curvature === 'hessian',
      activation: model.activation,
      loss: lossOf(model),
      kappa: reductionScale(variant.reduction, N),
      layout,
    };
    const T: number[] = [T0, performance.now()];
    runJob(stacksJob, args, Math.ceil(N / STACK_BLOCK), plan.threads);
    T.push(performance.now());
    const featureItems = featureJobItems(args);
    if (featureItems.length) runJob(featuresJob, args, featureItems.length, plan.threads);
    T.push(performance.now());
    const progress = options.onProgress;
    if (plan.tiles > 0) runJob(tileJob, args, plan.tiles, plan.threads, progress ? (done) => progress(done, plan.tiles) : undefined);
    T.push(performance.now());

    const [r0, r1] = plan.rows;
    const t1 = new ExactSum();
    const t2 = new ExactSum();
    for (let n = r0; n < r1; n++) {
      t1.add(v.t1rows![n]!).add(v.t1rows![N + n]!);
      for (let t = 0; t < args.terms.length; t++) if (args.routes[t] === 'pairs') t2.add(v.t2rows![t * N + n]!);
    }
    if (r0 === 0) for (const [i, t] of args.terms.entries()) if (args.routes[i] === 'features') t2.addAll(v[`fs${t.name}`]!);
    let g1: Float64Array | null = null;
    let g2: Float64Array | null = null;
    if (mode === 'gradients') {
      g1 = gradientFromRows(v, '1', dims, plan);
      g2 = gradientFromRows(v, '2', dims, plan);
    }
    T.push(performance.now());
    if (PROFILE)
      process.stderr.write(
        `[${mode} ${plan.threads}t] setup ${(T[1]! - T[0]!).toFixed(2)} stacks ${(T[2]! - T[1]!).toFixed(2)} features ${(T[3]! - T[2]!).toFixed(2)} tiles ${(T[4]! - T[3]!).toFixed(2)} sums+grad ${(T[5]! - T[4]!).toFixed(2)} routes ${args.routes.join(',')}\n`,
      );
    const gradientRows = options.keepRows && mode === 'gradients' ? { QT1: v.QT1!.slice(), QT2: v.QT2!.slice(), RT1: v.RT1!.slice(), RT2: v.RT2!.slice(), VB1: v.VB1!.slice(), VB2: v.VB2!.slice() } : undefined;
    return { traceH: t1.components(), traceH2: t2.components(), kappa: args.kappa, parameters: parameterCount(model, variant.block), gradTraceH: g1, gradTraceH2: g2, plan, ...(gradientRows ? { gradientRows } : {}) };
  } finally {
    arenaRelease(mark);
  }
}

/** d T / d theta over the plan's rows from the per-row q_n, r^v_n and the tiles' V-bar (a fresh array). */
function gradientFromRows(v: Views, which: '1' | '2', dims: Dimensions, plan: TracePlan): Float64Array {
  const { N, h, c, dt, ht, ch } = dims;
  const [r0, r1] = plan.rows;
  const P = h * dt + c * ht;
  const out = arenaAlloc(P);
  const QT = v[`QT${which}`]!;
  const RT = v[`RT${which}`]!;
  const VB = v[`VB${which}`]!;
  gemm(QT, r0, N, v.xt!, r0 * dt, dt, out, 0, dt, h, dt, r1 - r0);
  const off = h * dt;
  gemm(RT, r0, N, v.zt!, r0 * ht, ht, out, off, ht, c, ht, r1 - r0);
  for (let t = 0; t < plan.tiles; t++) for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) out[off + k * ht + i]! += VB[t * ch + k * h + i]!;
  return Float64Array.from(out);
}

/** The per-sample stacks of rows [64 item, 64 item + 64) (all N samples are needed by every shard). */
const stacksJob = defineJob(import.meta.url, 'stacks', function stacksItem(a: JobArgs, item: number, ctx: JobContext) {
  const { dims, terms, routes } = a;
  const { N, h, c, dt, ht, ch } = dims;
  const v = bind(a.layout.shared);
  const s = bind(a.layout.scratch[ctx.thread]!);
  const { xt, zt, d1, d2, v: logits, p, g, V, Vt, S, B, delta, kxx, kzz, trA, trS } = v as Named<'xt' | 'zt' | 'd1' | 'd2' | 'v' | 'p' | 'g' | 'V' | 'Vt' | 'S' | 'B' | 'delta' | 'kxx' | 'kzz' | 'trA' | 'trS'>;
  const rule = LOSSES[a.loss];
  const C = v.C;
  const YO = v.YO;
  const n0 = item * STACK_BLOCK;
  const n1 = Math.min(N, n0 + STACK_BLOCK);
  const VtB = s.VtB!;
  const Bcat = s.Bcat!;
  for (let n = n0; n < n1; n++) rule.curvature(logits, p, n, c, S, n * c * c);
  // B_n = S_n V and delta_n = V^T g_n for the whole block, one product each (the sums of
  // sampleCurvature.ts, in its order: the S and g rows of the block stacked).
  gemm(S, n0 * c * c, c, V, 0, h, B, n0 * ch, h, (n1 - n0) * c, h, c);
  gemm(g, n0 * c, c, V, 0, h, delta, n0 * h, h, n1 - n0, h, c);
  // V^T B_n for a batch of samples at once: V^T [B_n | B_n+1 | ...] (c x batch h).
  const batch = stackBatch(h);
  let vtbFirst = n0;
  for (let n = n0; n < n1; n++) {
    const pn = n * c;
    const Bo = n * ch;
    if (a.first && n === vtbFirst) {
      const nb = Math.min(batch, n1 - n);
      const wide = nb * h;
      for (let q = 0; q < nb; q++) for (let k = 0; k < c; k++) Bcat.set(B.subarray((n + q) * ch + k * h, (n + q) * ch + k * h + h), k * wide + q * h);
      VtB.fill(0, 0, h * wide);
      gemm(Vt, 0, c, Bcat, 0, wide, VtB, 0, wide, h, wide, c);
      vtbFirst = n + nb;
    }
    if (C) {
      const Co = n * a.lds.C;
      for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) C[Co + k * h + i] = B[Bo + k * h + i]! * d1[n * h + i]!;
    }
    let sx = 0;
    for (let j = 0; j < dt; j++) sx += xt[n * dt + j]! * xt[n * dt + j]!;
    kxx[n] = sx;
    let sz = 0;
    for (let j = 0; j < ht; j++) sz += zt[n * ht + j]! * zt[n * ht + j]!;
    kzz[n] = sz;
    if (a.first) {
      const q = (n - n0) % batch;
      const wide = Math.min(batch, n1 - (n - q)) * h;
      trA[n] = packRow(VtB, q * h, wide, v.packedA!, n * a.lds.A, d1, d2, delta, n * h, h, a.hessian);
    }
    if (a.second) {
      rule.curvature(logits, p, n, c, v.Sstack!, n * a.lds.S);
      trS[n] = rule.curvatureTrace(logits, p, n, c);
    }
    if (YO) {
      const o = n * a.lds.G;
      for (let k = 0; k < c; k++) {
        const gk = g[pn + k]!;
        for (let i = 0; i < h; i++) {
          const dd = d1[n * h + i]!;
          YO[o + k * h + i] = B[Bo + k * h + i]! * dd * zt[n * ht + i]!;
          YO[o + ch + k * h + i] = gk * dd;
        }
      }
    }
    for (let t = 0; t < terms.length; t++) {
      if (routes[t] !== 'features') continue;
      const term = terms[t]!;
      const f = featureWidth(term.alpha, term.beta, dims);
      featureRow(term.alpha, term.beta, xt, n * dt, dt, zt, n * ht, ht, v[`Phi${term.name}`]!, n * f, 1);
      featureRow(term.alpha, term.beta, xt, n * dt, dt, zt, n * ht, ht, v[`PhiT${term.name}`]!, n, N);
      const PXT = v[`PXT${term.name}`];
      if (PXT) {
        // (Phi'_n (x) X_n), transposed, for the K^z adjoint (Phi' = features of (K^x)^alpha (K^z)^(beta-1)).
        const fp = featureWidth(term.alpha, term.beta - 1, dims);
        const X = v[STACK_NAME[term.name]]!;
        const w = term.width;
        const xo = n * a.lds[term.name];
        const phi = s.phi!;
        featureRow(term.alpha, term.beta - 1, xt, n * dt, dt, zt, n * ht, ht, phi, 0, 1);
        for (let q = 0; q < fp; q++) for (let l = 0; l < w; l++) PXT[(q * w + l) * N + n] = phi[q]! * X[xo + l]!;
      }
    }
    v.t1rows![n] = a.first ? kxx[n]! * trA[n]! : 0;
    v.t1rows![N + n] = a.second ? trS[n]! * kzz[n]! : 0;
  }
});

/**
 * Pack the upper triangle of A_n = D V^T B_n D + diag(delta . phi'') (VtB = V^T B_n, h x h) into
 * `out` row by row, off-diagonal entries times sqrt 2; returns tr A_n. The same arithmetic as
 * sampleCurvatureIn's dense A_n, so packing that gives these bits.
 */
export function packRow(VtB: Float64Array, vo: number, ldv: number, out: Float64Array, o: number, d1: Float64Array, d2: Float64Array, delta: Float64Array, nh: number, h: number, withDiagonal: boolean): number {
  let r = o;
  let tr = 0;
  for (let i = 0; i < h; i++) {
    const di = d1[nh + i]!;
    const row = vo + i * ldv;
    let aii = di * VtB[row + i]! * di;
    if (withDiagonal) aii += delta[nh + i]! * d2[nh + i]!;
    out[r++] = aii;
    tr += aii;
    for (let j = i + 1; j < h; j++) out[r++] = Math.SQRT2 * (di * VtB[row + j]! * d1[nh + j]!);
  }
  return tr;
}

/** Samples per V^T B_n product in the stacks job: as many as keep the h x (batch h) result near 64k doubles. */
function stackBatch(h: number): number {
  return Math.max(1, Math.min(STACK_BLOCK, Math.floor(65536 / (h * h))));
}

/**
 * Feature row Phi_n with <Phi_n, Phi_m> = (K^x_nm)^alpha (K^z_nm)^beta, written at out[o + stride q]:
 * the x-part (1, x~, or the packed x~ x~^T with sqrt 2 off the diagonal) times the z-part (likewise).
 */
function featureRow(alpha: number, beta: number, xt: Float64Array, xo: number, dt: number, zt: Float64Array, zo: number, ht: number, out: Float64Array, o: number, stride: number): void {
  let q = 0;
  const part = (power: number, v: Float64Array, vo: number, w: number, emit: (x: number) => void) => {
    if (power === 0) emit(1);
    else if (power === 1) for (let j = 0; j < w; j++) emit(v[vo + j]!);
    else
      for (let j = 0; j < w; j++) {
        const a = v[vo + j]!;
        emit(a * a);
        for (let k = j + 1; k < w; k++) emit(Math.SQRT2 * (a * v[vo + k]!));
      }
  };
  part(alpha, xt, xo, dt, (x) =>
    part(beta, zt, zo, ht, (z) => {
      out[o + stride * q++] = x * z;
    }),
  );
}

/** The features job's items: (term index, first row, rows) of X-frak and, for the gradient, of H-frak. */
function featureJobItems(a: JobArgs): { term: number; what: 'X' | 'H'; r0: number; r1: number }[] {
  const out: { term: number; what: 'X' | 'H'; r0: number; r1: number }[] = [];
  a.terms.forEach((t, i) => {
    if (a.routes[i] !== 'features') return;
    const f = featureWidth(t.alpha, t.beta, a.dims);
    const rowsPer = Math.max(4, Math.ceil(2e6 / Math.max(1, a.dims.N * t.width)));
    for (let r = 0; r < f; r += rowsPer) out.push({ term: i, what: 'X', r0: r, r1: Math.min(f, r + rowsPer) });
    if (a.mode === 'gradients' && t.beta > 0) {
      const rowsH = featureWidth(t.alpha, t.beta - 1, a.dims) * t.width;
      const per = Math.max(4, Math.ceil(2e6 / Math.max(1, a.dims.N * a.dims.ht)));
      for (let r = 0; r < rowsH; r += per) out.push({ term: i, what: 'H', r0: r, r1: Math.min(rowsH, r + per) });
    }
  });
  return out;
}

const featuresJob = defineJob(import.meta.url, 'features', function featuresItem(a: JobArgs, item: number) {
  const it = featureJobItems(a)[item]!;
  const term = a.terms[it.term]!;
  const { N, ht } = a.dims;
  const v = bind(a.layout.shared);
  const X = v[STACK_NAME[term.name]]!;
  const w = term.width;
  if (it.what === 'X') {
    // X-frak rows [r0, r1) = Phi^T rows times the stack, then c_t B(X-frak_f, X-frak_f) per row.
    const XF = v[`XF${term.name}`]!;
    gemm(v[`PhiT${term.name}`]!, it.r0 * N, N, X, 0, a.lds[term.name], XF, it.r0 * w, w, it.r1 - it.r0, w, N);
    const fs = v[`fs${term.name}`]!;
    for (let r = it.r0; r < it.r1; r++) fs[r] = term.coef * bilinear(term, XF, r * w, XF, r * w);
  } else {
    gemm(v[`PXT${term.name}`]!, it.r0 * N, N, v.zt!, 0, ht, v[`H${term.name}`]!, it.r0 * ht, ht, it.r1 - it.r0, ht, N);
  }
});

/**
 * B(x, y) of a term: the dot product, or for G on [Y | O]: <Y, O'> + <O, Y'> + <O, O'>.
 * Each dot is summed in four interleaved partial sums (index mod 4) combined as
 * (s0 + s1) + (s2 + s3): a fixed order (the same on every thread and shard) with four times
 * the instruction-level parallelism of one running sum.
 */
function bilinear(term: PairTerm, x: Float64Array, xo: number, y: Float64Array, yo: number): number {
  const w = term.width;
  if (term.bilinear === 'dot') return dot4(x, xo, y, yo, w);
  const half = w / 2;
  return dot4(x, xo, y, yo + half, half) + dot4(x, xo + half, y, yo, half) + dot4(x, xo + half, y, yo + half, half);
}

function dot4(x: Float64Array, xo: number, y: Float64Array, yo: number, w: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let l = 0;
  for (; l + 4 <= w; l += 4) {
    s0 += x[xo + l]! * y[yo + l]!;
    s1 += x[xo + l + 1]! * y[yo + l + 1]!;
    s2 += x[xo + l + 2]! * y[yo + l + 2]!;
    s3 += x[xo + l + 3]! * y[yo + l + 3]!;
  }
  if (l < w) s0 += x[xo + l]! * y[yo + l]!;
  if (l + 1 < w) s1 += x[xo + l + 1]! * y[yo + l + 1]!;
  if (l + 2 < w) s2 += x[xo + l + 2]! * y[yo + l + 2]!;
  return s0 + s1 + (s2 + s3);
}

/** One pair term's arrays for a job item, resolved once (no lookups by name in the row loops). */
interface TermView {
  readonly t: PairTerm;
  /** Index of the term (its row of t2rows). */
  readonly ti: number;
  readonly pairs: boolean;
  /** The stack and its row stride. */
  readonly X: Float64Array;
  readonly ld: number;
  readonly w: number;
  // pairs route (per-thread scratch)
  readonly U: Float64Array | undefined;
  readonly L: Float64Array | undefined;
  readonly GT: Float64Array | undefined;
  readonly XtI: Float64Array | undefined;
  readonly wd: Float64Array | undefined;
  // features route
  readonly f: number;
  readonly Phi: Float64Array | undefined;
  readonly XF: Float64Array | undefined;
  readonly R: Float64Array | undefined;
  readonly PX: Float64Array | undefined;
  readonly PXT: Float64Array | undefined;
  readonly H: Float64Array | undefined;
  /** The row's adjoint buffer in assembleRow (S, C, G; A goes straight to the dense A-bar). */
  readonly adj: Float64Array | undefined;
}

function termViews(a: JobArgs, v: Views, s: Views): TermView[] {
  return a.terms.map((t, ti) => ({
    t,
    ti,
    pairs: a.routes[ti] === 'pairs',
    X: v[STACK_NAME[t.name]]!,
    ld: a.lds[t.name],
    w: t.width,
    U: s[`U${t.name}`],
    L: s[`L${t.name}`],
    GT: s[`GT${t.name}`],
    XtI: s[`XtI${t.name}`],
    wd: s[`wd${t.name}`],
    f: featureWidth(t.alpha, t.beta, a.dims),
    Phi: v[`Phi${t.name}`],
    XF: v[`XF${t.name}`],
    R: s[`R${t.name}`],
    PX: s[`PX${t.name}`],
    PXT: v[`PXT${t.name}`],
    H: v[`H${t.name}`],
    adj: t.name === 'S' ? s.adjS : t.name === 'C' ? s.adjC : t.name === 'G' ? s.adjYO : undefined,
  }));
}

const tileJob = defineJob(import.meta.url, 'tile', function tileItem(a: JobArgs, item: number, ctx: JobContext) {
  const { dims, mode } = a;
  const { N, dt, ht } = dims;
  const grad = mode === 'gradients';
  const v = bind(a.layout.shared);
  const s = bind(a.layout.scratch[ctx.thread]!);
  const n0 = a.rows[0] + item * TILE;
  const n1 = Math.min(a.rows[1], n0 + TILE);
  const b = n1 - n0;
  const { xt, zt, t2rows } = v as Named<'xt' | 'zt' | 't2rows'>;
  const views = termViews(a, v, s);
  const pairViews = views.filter((tv) => tv.pairs);
  const { XIT, ZIT } = s;
  if (XIT) for (let i = 0; i < b; i++) for (let j = 0; j < dt; j++) XIT[j * b + i] = xt[(n0 + i) * dt + j]!;
  if (ZIT) for (let i = 0; i < b; i++) for (let j = 0; j < ht; j++) ZIT[j * b + i] = zt[(n0 + i) * ht + j]!;
  for (const tv of pairViews) {
    tv.U!.fill(0, 0, b * tv.w);
    if (grad) tv.L!.fill(0, 0, b * tv.w);
    if (tv.XtI) for (let i = 0; i < b; i++) for (let l = 0; l < tv.w; l++) tv.XtI[l * b + i] = tv.X[(n0 + i) * tv.ld + l]!;
  }
  if (s.zb) s.zb.fill(0, 0, b * ht);
  if (pairViews.length) {
    // The gradient needs whole rows; T2 alone only the upper triangle (blocks from the tile's own square on).
    const mStart = grad ? 0 : n0;
    for (let m0 = mStart; m0 < N; m0 += BLOCK_COLUMNS) {
      const m1 = Math.min(N, m0 + BLOCK_COLUMNS);
      const nb = m1 - m0;
      if (s.KxT) {
        s.KxT.fill(0, 0, nb * b);
        gemm(xt, m0 * dt, dt, s.XIT!, 0, b, s.KxT, 0, b, nb, b, dt);
      }
      if (s.KzT) {
        s.KzT.fill(0, 0, nb * b);
        gemm(zt, m0 * ht, ht, s.ZIT!, 0, b, s.KzT, 0, b, nb, b, ht);
      }
      for (const tv of pairViews) pairBlock(a, v, s, tv, n0, n1, m0, m1);
    }
  }
  // Per-row T2 contributions of the pairs terms: c_t [W_nn B(X_n, X_n) + 2 B(X_n, U_n)].
  for (const tv of pairViews) {
    const { t, X, ld, w } = tv;
    const U = tv.U!;
    const wd = tv.wd!;
    for (let i = 0; i < b; i++) {
      const n = n0 + i;
      t2rows[tv.ti * N + n] = t.coef * (wd[i]! * bilinear(t, X, n * ld, X, n * ld) + 2 * bilinear(t, X, n * ld, U, i * w));
    }
  }
  if (!grad) return;
  // Features-route row sums R_n = Phi_n X-frak and their K^z adjoints.
  for (const tv of views) {
    if (tv.pairs) continue;
    const { t, w, f } = tv;
    const R = tv.R!;
    R.fill(0, 0, b * w);
    gemm(tv.Phi!, n0 * f, f, tv.XF!, 0, w, R, 0, w, b, w, f);
    if (t.beta > 0) {
      const fw = featureWidth(t.alpha, t.beta - 1, dims) * w;
      const PX = tv.PX!;
      const PXT = tv.PXT!;
      const scale = 2 * t.coef * t.beta;
      for (let i = 0; i < b; i++) for (let q = 0; q < fw; q++) PX[i * fw + q] = scale * PXT[q * N + n0 + i]!;
      gemm(PX, 0, fw, tv.H!, 0, ht, s.zb!, 0, ht, b, ht, fw);
    }
  }
  const rule = LOSSES[a.loss];
  for (let i = 0; i < b; i++) {
    const n = n0 + i;
    assembleRow(a, v, s, views, n, i, '2', item, rule);
    assembleRow(a, v, s, views, n, i, '1', item, rule);
  }
});

/** R = scale (Ls_i + wn X_n + Us_i): a row's full weighted sum from its lower, diagonal and upper parts (Us null: Ls is the sum). */
function rowAdjoint(R: Float64Array, scale: number, Ls: Float64Array, wn: number, X: Float64Array, Us: Float64Array | null, io: number, xo: number, w: number): void {
  if (Us === null) {
    for (let l = 0; l < w; l++) R[l] = scale * Ls[io + l]!;
    return;
  }
  for (let l = 0; l < w; l++) R[l] = scale * (Ls[io + l]! + wn * X[xo + l]! + Us[io + l]!);
}

/**
 * The dense symmetric h x h A-bar_n = scale (Ls + wn X_n + Us) of a row given in the packed
 * layout (off-diagonal entries carry sqrt 2, undone here); Us null means Ls is the whole sum.
 */
function unpackAdjoint(out: Float64Array, h: number, scale: number, Ls: Float64Array, io: number, wn: number, X: Float64Array, xo: number, Us: Float64Array | null): void {
  let r = 0;
  const off = scale * Math.SQRT1_2;
  for (let j = 0; j < h; j++) {
    for (let l = j; l < h; l++, r++) {
      const sum = Us === null ? Ls[io + r]! : Ls[io + r]! + wn * X[xo + r]! + Us[io + r]!;
      const x = l === j ? scale * sum : off * sum;
      out[j * h + l] = x;
      out[l * h + j] = x;
    }
  }
}

/** One block of columns [m0, m1) of a pairs term for the tile's rows [n0, n1). */
function pairBlock(a: JobArgs, v: Views, s: Views, tv: TermView, n0: number, n1: number, m0: number, m1: number): void {
  const grad = a.mode === 'gradients';
  const { t, X, ld, w } = tv;
  const U = tv.U!;
  const L = tv.L;
  const wd = tv.wd!;
  const b = n1 - n0;
  const nb = m1 - m0;
  const KxT = s.KxT;
  const KzT = s.KzT;
  const Wb = s.Wb!;
  fillWeights(Wb, t.alpha, t.beta, KxT, KzT, b, nb, 1, null);
  // The block splits at the tile's own square [n0, n1) (tiles never straddle a column block):
  // U gets the columns m > n, L the columns m < n. Inside the square the other triangle's
  // weights are zeroed, which adds exact zeros, so each of U and L is one product.
  const d0 = Math.max(m0, n0);
  const d1 = Math.min(m1, n1);
  const square = d1 > d0;
  const Wlo = s.Wlo!;
  if (square) {
    const off = d0 - m0;
    for (let i = 0; i < b; i++) {
      wd[i] = Wb[i * nb + off + i]!;
      for (let jj = 0; jj < b; jj++) {
        const r = i * nb + off + jj;
        if (grad) Wlo[i * b + jj] = jj < i ? Wb[r]! : 0;
        if (jj <= i) Wb[r] = 0;
      }
    }
  }
  const u0 = Math.max(m0, n0);
  if (m1 > u0) gemm(Wb, u0 - m0, nb, X, u0 * ld, ld, U, 0, w, b, w, m1 - u0);
  if (grad) {
    const l1 = Math.min(m1, n0);
    if (l1 > m0) gemm(Wb, 0, nb, X, m0 * ld, ld, L!, 0, w, b, w, l1 - m0);
    if (square) gemm(Wlo, 0, b, X, n0 * ld, ld, L!, 0, w, b, w, b);
  }
  if (grad && t.beta > 0) {
    // K^z adjoint: zb_n += 2 c_t beta sum_m (K^x)^alpha (K^z)^(beta-1) <X_n, X_m> z~_m (times kappa^2 later).
    const GT = tv.GT!;
    GT.fill(0, 0, nb * b);
    gemm(X, m0 * ld, ld, tv.XtI!, 0, b, GT, 0, b, nb, b, w);
    fillWeights(Wb, t.alpha, t.beta - 1, KxT, KzT, b, nb, 2 * t.coef * t.beta, GT);
    gemm(Wb, 0, nb, v.zt!, m0 * a.dims.ht, a.dims.ht, s.zb!, 0, a.dims.ht, b, a.dims.ht, nb);
  }
}

/**
 * Wb[i nb + jj] = scale (K^x)^alpha (K^z)^beta (times G) for the block's entry (i, jj), from the
 * transposed Gram blocks (entry jj b + i). The power is chosen outside the entry loop.
 */
function fillWeights(Wb: Float64Array, alpha: number, beta: number, KxT: Float64Array | undefined, KzT: Float64Array | undefined, b: number, nb: number, scale: number, G: Float64Array | null): void {
  const X = KxT ?? Wb;
  const Z = KzT ?? Wb;
  const kind = alpha * 3 + beta;
  for (let i = 0; i < b; i++) {
    const o = i * nb;
    let r = i;
    if (kind === 6) for (let jj = 0; jj < nb; jj++, r += b) Wb[o + jj] = X[r]! * X[r]!;
    else if (kind === 2) for (let jj = 0; jj < nb; jj++, r += b) Wb[o + jj] = Z[r]! * Z[r]!;
    else if (kind === 4) for (let jj = 0; jj < nb; jj++, r += b) Wb[o + jj] = X[r]! * Z[r]!;
    else if (kind === 3) for (let jj = 0; jj < nb; jj++, r += b) Wb[o + jj] = X[r]!;
    else if (kind === 1) for (let jj = 0; jj < nb; jj++, r += b) Wb[o + jj] = Z[r]!;
    else Wb.fill(1, o, o + nb);
    if (scale !== 1) for (let jj = 0; jj < nb; jj++) Wb[o + jj] = scale * Wb[o + jj]!;
    if (G !== null) for (let jj = 0, q = i; jj < nb; jj++, q += b) Wb[o + jj] = Wb[o + jj]! * G[q]!;
  }
}

function assembleRow(a: JobArgs, v: Views, s: Views, views: readonly TermView[], n: number, i: number, which: '1' | '2', tile: number, rule: LossRule): void {
  const { dims, kappa } = a;
  const { N, h, c, ht, ch } = dims;
  const k2 = kappa * kappa;
  const { d1, d2, d3, zt, g, v: logits, p, V, S, B, delta } = v as Named<'d1' | 'd2' | 'd3' | 'zt' | 'g' | 'v' | 'p' | 'V' | 'S' | 'B' | 'delta'>;
  const nh = n * h;
  const nch = n * ch;
  const ncc = n * c * c;
  const { d1b, d2b, zbar, gb, pb, Bb, Sbar, rv } = s as Named<'d1b' | 'd2b' | 'zbar' | 'gb' | 'pb' | 'Bb' | 'Sbar' | 'rv'>;
  d1b.fill(0);
  d2b.fill(0);
  zbar.fill(0);
  gb.fill(0);
  Bb.fill(0);
  Sbar.fill(0);
  const VB = which === '1' ? v.VB1! : v.VB2!;
  const vb = tile * ch;
  // Row adjoints of the stacks: T2 from the row sums, T1 from its seeds.
  let denseA = false; // the T2 A-bar has been written to s.Abar
  let Adiag = 0;
  let hasA = false;
  // The T1 seed of tr S_n K^z_nn: its weight kappa K^z_nn, applied by the loss's logit adjoint.
  let traceScale = 0;
  let traceWeight = 0;
  if (which === '2') {
    for (const tv of views) {
      const { t, w, X } = tv;
      // R_n = sum_m W_nm X_m (pairs: L_n + W_nn X_n + U_n; features: Phi_n X-frak), scaled by 2 kappa^2 c_t.
      const scale = 2 * k2 * t.coef;
      const xo = n * tv.ld;
      if (t.name === 'A') {
        // Straight into the dense symmetric A-bar (the packed layout's sqrt 2 undone).
        if (tv.pairs) unpackAdjoint(s.Abar!, h, scale, tv.L!, i * w, tv.wd![i]!, X, xo, tv.U!);
        else unpackAdjoint(s.Abar!, h, scale, tv.R!, i * w, 0, X, xo, null);
        denseA = true;
        hasA = true;
        continue;
      }
      const R = tv.adj!;
      if (tv.pairs) rowAdjoint(R, scale, tv.L!, tv.wd![i]!, X, tv.U!, i * w, xo, w);
      else rowAdjoint(R, scale, tv.R!, 0, X, null, i * w, xo, w);
      if (t.name === 'S') {
        for (let r = 0; r < c * c; r++) Sbar[r]! += R[r]!;
      } else if (t.name === 'C') {
        // C_n = B_n D_n: B-bar += C-bar D, phi'-bar_i += sum_k C-bar_ki B_ki.
        for (let k = 0; k < c; k++)
          for (let j = 0; j < h; j++) {
            const cb = R[k * h + j]!;
            Bb[k * h + j]! += cb * d1[nh + j]!;
            d1b[j]! += cb * B[nch + k * h + j]!;
          }
      } else {
        // G on [Y | O]: Y-bar = (R)_O, O-bar = (R)_Y + (R)_O (the form's matrix [[0, I], [I, I]]);
        // Y_n = B_n diag(phi' . z), O_n = g_n phi'^T.
        for (let j = 0; j < h; j++) {
          const dd = d1[nh + j]!;
          const z = zt[n * ht + j]!;
          let yb = 0;
          let ob = 0;
          for (let k = 0; k < c; k++) {
            const r = k * h + j;
            const ybar = R[ch + r]!;
            const obar = R[r]! + R[ch + r]!;
            Bb[r]! += ybar * dd * z;
            yb += ybar * B[nch + r]!;
            ob += obar * g[n * c + k]!;
            gb[k]! += obar * dd;
          }
          d1b[j]! += yb * z + ob;
          zbar[j]! += yb * dd;
        }
      }
    }
    const zb = s.zb;
    if (zb) for (let j = 0; j < h; j++) zbar[j]! += k2 * zb[i * ht + j]!;
  } else {
    // T1 seeds: A-bar = kappa K^x_nn I; d/dv (tr S_n kappa K^z_nn) (the loss's third derivative,
    // in logitAdjoint); d/dz K^z_nn = 2 z_n.
    if (a.first) {
      hasA = true;
      Adiag = kappa * v.kxx![n]!;
    }
    if (a.second) {
      traceScale = kappa;
      traceWeight = v.kzz![n]!;
      const w = 2 * kappa * v.trS![n]!;
      for (let j = 0; j < h; j++) zbar[j]! += w * zt[n * ht + j]!;
    }
  }
  if (hasA) {
    // A_n = F^T S F + diag(delta . phi''), F = V D_n. With Y = F A-bar and Z = S Y:
    // phi'-bar_i += 2 (V^T Z)_ii, S-bar += Y F^T, V-bar += 2 Z D.
    const { F, Ft, Yd, Zd, Abar, diagA } = s as Named<'F' | 'Ft' | 'Yd' | 'Zd' | 'Abar' | 'diagA'>;
    for (let k = 0; k < c; k++)
      for (let j = 0; j < h; j++) {
        const f = V[k * h + j]! * d1[nh + j]!;
        F[k * h + j] = f;
        Ft[j * c + k] = f;
      }
    if (denseA) {
      for (let j = 0; j < h; j++) diagA[j] = Abar[j * h + j]!;
      Yd.fill(0);
      gemm(F, 0, h, Abar, 0, h, Yd, 0, h, c, h, h);
    } else {
      for (let j = 0; j < h; j++) diagA[j] = Adiag;
      for (let r = 0; r < ch; r++) Yd[r] = F[r]! * Adiag;
    }
    Zd.fill(0);
    gemm(S, ncc, c, Yd, 0, h, Zd, 0, h, c, h, c);
    for (let j = 0; j < h; j++) {
      let acc = 0;
      for (let k = 0; k < c; k++) acc += V[k * h + j]! * Zd[k * h + j]!;
      d1b[j]! += 2 * acc;
    }
    gemm(Yd, 0, h, Ft, 0, c, Sbar, 0, c, c, c, h);
    for (let k = 0; k < c; k++) for (let j = 0; j < h; j++) VB[vb + k * h + j]! += 2 * Zd[k * h + j]! * d1[nh + j]!;
    if (a.hessian) {
      // diag(delta . phi''): delta-bar_j = A-bar_jj phi''_j, phi''-bar_j += A-bar_jj delta_j;
      // delta = V^T g: g-bar += V delta-bar, V-bar += g delta-bar^T.
      for (let j = 0; j < h; j++) {
        const ajj = diagA[j]!;
        const deltaBar = ajj * d2[nh + j]!;
        d2b[j]! += ajj * delta[nh + j]!;
        for (let k = 0; k < c; k++) {
          gb[k]! += V[k * h + j]! * deltaBar;
          VB[vb + k * h + j]! += g[n * c + k]! * deltaBar;
        }
      }
    }
  }
  // B_n = S_n V: S-bar += B-bar V^T, V-bar += S B-bar (T1 never reaches B: its B-bar is zero).
  if (which === '2') {
    gemm(Bb, 0, h, v.Vt!, 0, c, Sbar, 0, c, c, c, h);
    gemm(S, ncc, c, Bb, 0, h, VB, vb, h, c, h, c);
  }
  // r^v_n = S_n g-bar + d<S_n, S-bar>/dv_n (+ the T1 seed): dg/dv = S for every loss, the rest is the
  // loss's third derivative (losses.ts; for the softmax S = diag(p) - pp^T through p-bar = diag S-bar -
  // (S-bar + S-bar^T) p + g-bar, r^v = S p-bar).
  // q_n = phi'-bar phi'' + phi''-bar phi''' + z-bar phi' + phi' (V^T r^v_n).
  rule.logitAdjoint(logits, p, n, c, S, ncc, Sbar, gb, traceScale, traceWeight, pb, rv);
  const QT = which === '1' ? v.QT1! : v.QT2!;
  const RT = which === '1' ? v.RT1! : v.RT2!;
  for (let k = 0; k < c; k++) RT[k * N + n] = rv[k]!;
  for (let j = 0; j < h; j++) {
    let vr = 0;
    for (let k = 0; k < c; k++) vr += V[k * h + j]! * rv[k]!;
    const r = nh + j;
    QT[j * N + n] = d1b[j]! * d2[r]! + d2b[j]! * d3[r]! + zbar[j]! * d1[r]! + d1[r]! * vr;
  }
}
