/**
 * Sharding the closed forms over processes: shard I of K evaluates the parts of T1, T2 (and
 * their gradients) that belong to one contiguous, tile-aligned range of sample rows, over all
 * of its pairs; `reduceTracePartials` merges the K partials. The scheduler that runs the K
 * processes is the user's (a Slurm array, a Kubernetes indexed Job, GNU parallel; see
 * docs/performance.md): a partial is a small JSON-ready object, and file I/O is the caller's.
 *
 * What is exact: T1 and T2 are exact sums of per-row parts (traceEngine.ts); a partial carries
 * the components of its rows' exact sum and the reduce merges them exactly and rounds once, so
 * T1, T2 and every bound equal the one-process values bit for bit. A partial gradient is the
 * sum over its rows in the one-process order; the reduce adds the K partial sums exactly and
 * rounds once, which regroups the one-process sum, so it agrees with it to the reordered-sum
 * bound (a few units of N eps relative to the sum of the per-sample magnitudes), not bit for bit.
 *
 * Row ranges are balanced by the cost model: for T2 alone row n pairs with the N - n rows above
 * it (plus its per-sample work), for the gradient every row pairs with all N.
 */
import { TILE, chooseRoutes, dimensions, perSampleCost, type ProblemShape } from './parallel/costModel.ts';
import { ExactSum } from './parallel/exactSum.ts';
import { evaluateTraces, problemShape, tracesFromParts, type TraceOptions } from './traceEngine.ts';
import { parameterCount } from './parameters.ts';
import { labelSmoothingOf, lossOf, type Activation, type Dataset, type Loss, type Model, type Variant } from './types.ts';

export const PARTIAL_FORMAT = 'hsr-trace-partial';
export const PARTIAL_VERSION = 1;

export type PartialKind = 'traces' | 'gradients';

/** One shard's result, ready for JSON.stringify (numbers print exactly and parse back exactly). */
export interface TracePartial {
  readonly format: typeof PARTIAL_FORMAT;
  readonly version: typeof PARTIAL_VERSION;
  readonly kind: PartialKind;
  /** 1-based shard index and the shard count. */
  readonly shard: { readonly index: number; readonly count: number };
  /** The sample rows [start, end) this shard owns. */
  readonly rows: readonly [number, number];
  readonly problem: {
    readonly samples: number;
    readonly inputDim: number;
    readonly hiddenDim: number;
    readonly classes: number;
    readonly bias: boolean;
    readonly activation: Activation;
    /** The loss (a reduce of shards of different losses is refused); eps only for label-smoothing, else null. */
    readonly loss: Loss;
    readonly labelSmoothing: number | null;
    readonly variant: Variant;
    readonly parameters: number;
    /** A hash of the model's parameters and the data, so partials of different problems are never merged. */
    readonly fingerprint: string;
  };
  readonly kappa: number;
  /** Components of the exact sum of this shard's T1 parts (unscaled). */
  readonly traceH: readonly number[];
  /** Components of the exact sum of this shard's T2 parts (unscaled). */
  readonly traceH2: readonly number[];
  /** The shard's share of dT1/dtheta and dT2/dtheta (kind 'gradients'). */
  readonly gradTraceH?: readonly number[];
  readonly gradTraceH2?: readonly number[];
}

/** A set of partials that cannot be merged (missing or repeated shards, different problems); one-line message. */
export class PartialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartialError';
  }
}

/**
 * The tile-aligned rows [start, end) of shard `index` (1-based) of `count`: contiguous ranges
 * whose estimated costs are as equal as whole tiles allow. Empty ranges when count > tiles.
 */
export function shardRows(shape: ProblemShape, variant: Variant, kind: PartialKind, index: number, count: number): [number, number] {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) throw new RangeError(`shard ${index}/${count}: need 1 <= I <= K`);
  const { N } = dimensions(shape);
  const tiles = Math.ceil(N / TILE);
  const routes = chooseRoutes(shape, variant);
  const pairs = routes.cost[kind] / Math.max(1, N * N);
  const sample = perSampleCost(shape, variant)[kind] / Math.max(1, N);
  // Cost of the rows of tile t: each row pairs with N (gradient) or N - n (T2 alone) columns.
  const cost = (t: number) => {
    let s = 0;
    for (let n = t * TILE; n < Math.min(N, (t + 1) * TILE); n++) s += sample + pairs * (kind === 'gradients' ? N : 2 * (N - n));
    return s;
  };
  const costs = Array.from({ length: tiles }, (_, t) => cost(t));
  const total = costs.reduce((a, b) => a + b, 0);
  const boundary = (k: number) => {
    // First tile whose cumulative cost reaches k/count of the total.
    if (k <= 0) return 0;
    if (k >= count) return tiles;
    let acc = 0;
    for (let t = 0; t < tiles; t++) {
      if (acc >= (k * total) / count) return t;
      acc += costs[t]!;
    }
    return tiles;
  };
  const t0 = boundary(index - 1);
  const t1 = boundary(index);
  return [Math.min(N, t0 * TILE), Math.min(N, t1 * TILE)];
}

/** FNV-1a over the bytes of the model and the data (two 32-bit lanes), as 16 hex digits. */
export function problemFingerprint(model: Model, data: Dataset): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const eat = (bytes: Uint8Array) => {
    for (let i = 0; i < bytes.length; i++) {
      h1 = Math.imul(h1 ^ bytes[i]!, 0x01000193);
      h2 = Math.imul(h2 ^ bytes[i]!, 0x01000193) ^ (h2 >>> 15);
    }
  };
  const arrays = [model.W, model.b ?? new Float64Array(0), model.V, model.a ?? new Float64Array(0), data.X];
  for (const a of arrays) eat(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  eat(new Uint8Array(data.y.buffer, data.y.byteOffset, data.y.byteLength));
  eat(new TextEncoder().encode(model.activation));
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** Shard `index` of `count` (1-based): its parts of T1, T2 and, for kind 'gradients', of their gradients. */
export function tracePartial(model: Model, data: Dataset, variant: Variant, kind: PartialKind, shard: { index: number; count: number }, options: Omit<TraceOptions, 'rows'> = {}): TracePartial {
  const shape = problemShape(model, data);
  const rows = shardRows(shape, variant, kind, shard.index, shard.count);
  const parts = evaluateTraces(model, data, variant, kind, undefined, { ...options, rows });
  return {
    format: PARTIAL_FORMAT,
    version: PARTIAL_VERSION,
    kind,
    shard: { index: shard.index, count: shard.count },
    rows,
    problem: {
      samples: data.samples,
      inputDim: model.inputDim,
      hiddenDim: model.hiddenDim,
      classes: model.classes,
      bias: model.b !== null,
      activation: model.activation,
      loss: lossOf(model),
      labelSmoothing: lossOf(model) === 'label-smoothing' ? labelSmoothingOf(model) : null,
      variant: { reduction: variant.reduction, block: variant.block, curvature: variant.curvature },
      parameters: parameterCount(model, variant.block),
      fingerprint: problemFingerprint(model, data),
    },
    kappa: parts.kappa,
    traceH: parts.traceH,
    traceH2: parts.traceH2,
    ...(kind === 'gradients' ? { gradTraceH: Array.from(parts.gradTraceH!), gradTraceH2: Array.from(parts.gradTraceH2!) } : {}),
  };
}

export interface ReducedTraces {
  readonly kind: PartialKind;
  readonly problem: TracePartial['problem'];
  readonly traceH: number;
  readonly traceH2: number;
  readonly parameters: number;
  readonly gradTraceH: Float64Array | null;
  readonly gradTraceH2: Float64Array | null;
}

function sameProblem(a: TracePartial['problem'], b: TracePartial['problem']): string | null {
  for (const key of ['fingerprint', 'samples', 'inputDim', 'hiddenDim', 'classes', 'bias', 'activation', 'loss', 'labelSmoothing', 'parameters'] as const) if (a[key] !== b[key]) return key;
  for (const key of ['reduction', 'block', 'curvature'] as const) if (a.variant[key] !== b.variant[key]) return `variant.${key}`;
  return null;
}

/**
 * Merge the partials of shards 1..K of one problem: T1 and T2 exactly (the one-process bits),
 * the gradients by an exact sum of the K partial vectors rounded once. `labels` name the
 * partials in error messages (file names, say).
 */
export function reduceTracePartials(partials: readonly TracePartial[], labels: readonly string[] = partials.map((_, i) => `partial ${i + 1}`)): ReducedTraces {
  if (partials.length === 0) throw new PartialError('no partials to reduce');
  const first = partials[0]!;
  const count = first.shard.count;
  const seen = new Map<number, string>();
  partials.forEach((p, i) => {
    const label = labels[i]!;
    if (p.kind !== first.kind) throw new PartialError(`${label}: kind "${p.kind}" differs from ${labels[0]}'s "${first.kind}" (mixing hsr bound and hsr grad shards)`);
    if (p.shard.count !== count) throw new PartialError(`${label}: shard ${p.shard.index}/${p.shard.count} does not belong to a split into ${count} (${labels[0]})`);
    const diff = sameProblem(p.problem, first.problem);
    if (diff) throw new PartialError(`${label}: problem.${diff} differs from ${labels[0]}'s: the shards are of different models, data or variants`);
    if (seen.has(p.shard.index)) throw new PartialError(`${label}: shard ${p.shard.index}/${count} is also in ${seen.get(p.shard.index)}`);
    seen.set(p.shard.index, label);
  });
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new PartialError(`missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count}`);
  const traces = tracesFromParts({ traceH: partials.flatMap((p) => p.traceH), traceH2: partials.flatMap((p) => p.traceH2), kappa: first.kappa });
  let g1: Float64Array | null = null;
  let g2: Float64Array | null = null;
  if (first.kind === 'gradients') {
    const P = first.gradTraceH?.length ?? 0;
    partials.forEach((p, i) => {
      if (p.gradTraceH?.length !== P || p.gradTraceH2?.length !== P) throw new PartialError(`${labels[i]}: gradient has ${p.gradTraceH?.length ?? 0} entries, expected ${P}`);
    });
    // Shard order, so the rounding does not depend on the order of the files either.
    const ordered = [...partials].sort((a, b) => a.shard.index - b.shard.index);
    g1 = new Float64Array(P);
    g2 = new Float64Array(P);
    for (let j = 0; j < P; j++) {
      const s1 = new ExactSum();
      const s2 = new ExactSum();
      for (const p of ordered) {
        s1.add(p.gradTraceH![j]!);
        s2.add(p.gradTraceH2![j]!);
      }
      g1[j] = s1.value();
      g2[j] = s2.value();
    }
  }
  return { kind: first.kind, problem: first.problem, traceH: traces.traceH, traceH2: traces.traceH2, parameters: first.problem.parameters, gradTraceH: g1, gradTraceH2: g2 };
}
