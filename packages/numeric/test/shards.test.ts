/**
 * Sharding (shards.ts): K = 1, 3 and 7 shards against one process.
 * - T1, T2 and all five bounds: bit for bit (exact sums of the same per-row parts).
 * - Gradients: every per-row piece (q_n, r^v_n, each tile's V-bar) is bit for bit the same in
 *   the shard that owns the row as in one process; the sum over rows is regrouped (shard by
 *   shard, then an exact merge rounded once), so an entry g = sum of n_t terms t_i differs by at
 *   most the sum of both evaluations' recursive-summation errors, each <= gamma_{n_t} sum |t_i|
 *   (Higham, eq. 4.4), plus the merge's final rounding u |g|:
 *     |g_one - g_shards| <= 2 gamma_{n_t} sum_i |t_i| + u |g|,   gamma_k = k u / (1 - k u).
 *   The terms are q_ni x~_nj (W entries), r^v_nk z~_nl and the tiles' V-bar (V entries), read
 *   from the one-process run (keepRows), so the bound is computed, not assumed.
 * - The merge refuses missing, repeated or mixed shards in one line.
 */
import { describe, expect, it } from 'vitest';
import { BLOCKS, CURVATURES, DEFAULT_VARIANT, hessianTraces, parameterCount, traceGradients, wolkowiczStyanBounds, type Variant } from '@hsr/numeric';
import { TILE } from '../src/parallel/costModel.ts';
import { PartialError, reduceTracePartials, shardRows, tracePartial, type TracePartial } from '../src/shards.ts';
import { evaluateTraces, problemShape } from '../src/traceEngine.ts';
import { seededCase } from '@hsr/crosscheck/cases';

/** crosscheck's seeded-case recipe for these tests: Glorot weights, biases ~ N(0, 0.3^2). */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

const U = Number.EPSILON / 2;
const gamma = (k: number) => (k * U) / (1 - k * U);

// 8 tiles of 32 rows (the last one partial), so 7 shards each own one or two tiles.
const { model, data } = seededCase({ activation: 'tanh', bias: true, inputDim: 5, hiddenDim: 6, classes: 3, samples: 250, seed: 123 }, GLOROT);
const noBias = seededCase({ activation: 'softplus', bias: false, inputDim: 4, hiddenDim: 5, classes: 4, samples: 100, seed: 321 }, GLOROT);
const variants: Variant[] = BLOCKS.flatMap((block) => CURVATURES.map((curvature) => ({ reduction: 'sum' as const, block, curvature })));

function shards(m = model, d = data, variant: Variant, kind: 'traces' | 'gradients', K: number): TracePartial[] {
  // Through JSON, as the files `hsr reduce` reads.
  return Array.from({ length: K }, (_, i) => JSON.parse(JSON.stringify(tracePartial(m, d, variant, kind, { index: i + 1, count: K }))) as TracePartial);
}

describe.each([1, 3, 7])('K = %i shards', (K) => {
  it.each(variants)('reduce to the one-process T1, T2 and bounds bit for bit ($block, $curvature)', (variant) => {
    for (const [m, d] of [
      [model, data],
      [noBias.model, noBias.data],
    ] as const) {
      const one = hessianTraces(m, d, variant);
      const r = reduceTracePartials(shards(m, d, variant, 'traces', K).reverse());
      expect([r.traceH, r.traceH2, r.parameters]).toEqual([one.traceH, one.traceH2, one.parameters]);
      expect(wolkowiczStyanBounds(r.traceH, r.traceH2, r.parameters)).toEqual(wolkowiczStyanBounds(one.traceH, one.traceH2, one.parameters));
      const g = reduceTracePartials(shards(m, d, variant, 'gradients', K));
      const tg = traceGradients(m, d, variant);
      expect([g.traceH, g.traceH2]).toEqual([tg.traceH, tg.traceH2]);
    }
  });

  it.each(variants)('reduce to the one-process gradients within the regrouping bound ($block, $curvature)', (variant) => {
    const one = evaluateTraces(model, data, variant, 'gradients', undefined, { keepRows: true });
    const rows = one.gradientRows!;
    const reduced = reduceTracePartials(shards(model, data, variant, 'gradients', K));
    const { samples: N, hiddenDim: h, classes: c } = problemShape(model, data);
    const dt = model.inputDim + 1;
    const ht = h + 1;
    const tiles = Math.ceil(N / TILE);
    const xt = (n: number, j: number) => (j < model.inputDim ? data.X[n * model.inputDim + j]! : 1);
    for (const [which, g1, gShard] of [
      ['1', one.gradTraceH!, reduced.gradTraceH!],
      ['2', one.gradTraceH2!, reduced.gradTraceH2!],
    ] as const) {
      const QT = which === '1' ? rows.QT1 : rows.QT2;
      const RT = which === '1' ? rows.RT1 : rows.RT2;
      const VB = which === '1' ? rows.VB1 : rows.VB2;
      let worst = 0;
      for (let i = 0; i < h; i++)
        for (let j = 0; j < dt; j++) {
          let abs = 0;
          for (let n = 0; n < N; n++) abs += Math.abs(QT[i * N + n]! * xt(n, j));
          const r = i * dt + j;
          worst = Math.max(worst, Math.abs(g1[r]! - gShard[r]!) / (2 * gamma(N) * abs + U * Math.abs(g1[r]!) + Number.MIN_VALUE));
        }
      const zt = traceZ(N, h);
      for (let k = 0; k < c; k++)
        for (let l = 0; l < ht; l++) {
          let abs = 0;
          for (let n = 0; n < N; n++) abs += Math.abs(RT[k * N + n]! * zt(n, l));
          if (l < h) for (let t = 0; t < tiles; t++) abs += Math.abs(VB[t * c * h + k * h + l]!);
          const r = h * dt + k * ht + l;
          worst = Math.max(worst, Math.abs(g1[r]! - gShard[r]!) / (2 * gamma(N + tiles) * abs + U * Math.abs(g1[r]!) + Number.MIN_VALUE));
        }
      expect(worst).toBeLessThanOrEqual(1);
    }
    // The per-row pieces of the shard that owns a row are the one-process ones: check one shard's.
    if (K > 1) {
      const [r0, r1] = shardRows(problemShape(model, data), variant, 'gradients', 2, K);
      const mid = evaluateTraces(model, data, variant, 'gradients', undefined, { keepRows: true, rows: [r0, r1] }).gradientRows!;
      for (let i = 0; i < h; i++) for (let n = r0; n < r1; n++) expect(mid.QT2[i * N + n]).toBe(rows.QT2[i * N + n]);
    }
  });
});

/** z~_nl for the magnitudes of the bound (recomputed here from the definition: tanh units, bias column 1). */
function traceZ(N: number, h: number): (n: number, l: number) => number {
  const d = model.inputDim;
  const z = new Float64Array(N * h);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < h; i++) {
      let s = model.b![i]!;
      for (let j = 0; j < d; j++) s += model.W[i * d + j]! * data.X[n * d + j]!;
      z[n * h + i] = Math.tanh(s);
    }
  return (n, l) => (l < h ? z[n * h + l]! : 1);
}

describe('shardRows', () => {
  it('splits the rows into contiguous tile-aligned ranges covering [0, N), balanced by work', () => {
    const shape = problemShape(model, data);
    for (const kind of ['traces', 'gradients'] as const)
      for (const K of [1, 2, 3, 7, 8, 12]) {
        let next = 0;
        for (let i = 1; i <= K; i++) {
          const [a, b] = shardRows(shape, DEFAULT_VARIANT, kind, i, K);
          expect(a).toBe(next);
          expect(a % TILE === 0 || a === b).toBe(true);
          next = b;
        }
        expect(next).toBe(data.samples);
      }
    // T2 alone: row n pairs with N - n rows, so the first shard owns fewer rows than the last.
    const [a1, b1] = shardRows(shape, DEFAULT_VARIANT, 'traces', 1, 2);
    const [a2, b2] = shardRows(shape, DEFAULT_VARIANT, 'traces', 2, 2);
    expect(b1 - a1).toBeLessThan(b2 - a2);
  });
});

describe('reduceTracePartials', () => {
  const parts = shards(model, data, DEFAULT_VARIANT, 'traces', 3);
  it('refuses a missing, a repeated, or a foreign shard, and mixed kinds, in one line', () => {
    const refuse = (list: TracePartial[], message: RegExp) => {
      let error: unknown = null;
      try {
        reduceTracePartials(
          list,
          list.map((_, i) => `part-${i}.json`),
        );
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PartialError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    };
    refuse([parts[0]!, parts[2]!], /^missing shard 2 of 3$/);
    refuse([parts[0]!, parts[1]!, parts[1]!, parts[2]!], /^part-2\.json: shard 2\/3 is also in part-1\.json$/);
    const other = shards(noBias.model, noBias.data, DEFAULT_VARIANT, 'traces', 3);
    refuse([parts[0]!, other[1]!, parts[2]!], /^part-1\.json: problem\.\w+ differs from part-0\.json's/);
    refuse([parts[0]!, shards(model, data, DEFAULT_VARIANT, 'gradients', 3)[1]!, parts[2]!], /kind "gradients" differs/);
    refuse([parts[0]!, shards(model, data, DEFAULT_VARIANT, 'traces', 4)[1]!], /does not belong to a split into 3/);
    refuse([], /^no partials to reduce$/);
    expect(parameterCount(model)).toBe(parts[0]!.problem.parameters);
    // Same weights and data, another loss (or another eps): a different problem, refused by name.
    refuse([parts[0]!, shards({ ...model, loss: 'mse' }, data, DEFAULT_VARIANT, 'traces', 3)[1]!, parts[2]!], /^part-1\.json: problem\.loss differs from part-0\.json's/);
    const smooth = (eps: number) => shards({ ...model, loss: 'label-smoothing', labelSmoothing: eps }, data, DEFAULT_VARIANT, 'traces', 3);
    refuse([smooth(0.1)[0]!, smooth(0.2)[1]!, smooth(0.1)[2]!], /^part-1\.json: problem\.labelSmoothing differs/);
  });

  it('merges the shards of another loss to the one-process traces bit for bit', () => {
    const mse = { ...model, loss: 'mse' as const };
    const reduced = reduceTracePartials(shards(mse, data, DEFAULT_VARIANT, 'traces', 3));
    const one = hessianTraces(mse, data, DEFAULT_VARIANT);
    expect([reduced.traceH, reduced.traceH2]).toEqual([one.traceH, one.traceH2]);
    expect(reduced.problem.loss).toBe('mse');
  });
});
