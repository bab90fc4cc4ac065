/**
 * The loss table of losses.ts (eq:loss-table), rule by rule, against an 80-digit mpmath
 * reference from the definitions (fixtures/losses/generate.py, committed beside its output):
 * the loss as written, g and S as its derivatives, the logit adjoint as S gb plus the
 * derivatives of <S, Q> and s w tr S. Every entry is compared with its own reference, to the
 * accuracy of the terms it is a sum of (the fixture's scales), so a saturated entry of 1e-19
 * beside one of 1 is held to its own digits. The rows: unsaturated, saturated on the label and
 * on another class, logits of 800 (after the saturated row: reading one entry past a row sees
 * them), the logistic tails -710, 40, -40 (e^{710} overflows, e^{-710} is subnormal) and ties.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { RTOL_LOSS_TABLE_VS_HIGH_PRECISION } from '@hsr/testkit';
import { LOSSES, LOSS_NAMES, isLabelSmoothing, isLoss, logisticCurvature, softplus } from '../src/losses.ts';
import type { Loss } from '../src/types.ts';

interface LossRow {
  p: number[];
  loss: number;
  lossScale: number;
  g: number[];
  gScale: number[];
  S: number[];
  trace: number;
  apply: number[];
  applyScale: number[];
  logitAdjoint: number[];
  logitAdjointScale: number[];
}
interface LossFixture {
  classes: number;
  labelSmoothing: number;
  logits: number[][];
  labels: number[];
  Q: number[];
  gb: number[];
  traceScale: number;
  traceWeight: number;
  x: number[];
  losses: Record<Loss, { rows: LossRow[]; inner: number[][] }>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/losses/losses.json', import.meta.url), 'utf8')) as LossFixture;
const c = fixture.classes;
const N = fixture.logits.length;
const v = Float64Array.from(fixture.logits.flat());
const eps = fixture.labelSmoothing;

/**
 * Entry by entry: |actual - reference| <= rtol_n max(|reference|, scale), where scale is the
 * sum of the magnitudes of the entry's terms and rtol_n grows with the row's largest logit,
 * the condition of exp(v_k - lse) (see RTOL_LOSS_TABLE_VS_HIGH_PRECISION). The absolute floor
 * is one subnormal spacing: e^{-710} is held to the last bit float64 has there.
 */
function expectEntries(label: string, n: number, actual: ArrayLike<number>, reference: readonly number[], scale: readonly number[] | number): void {
  const rtol = RTOL_LOSS_TABLE_VS_HIGH_PRECISION * (1 + Math.max(...fixture.logits[n]!.map(Math.abs)));
  expect(actual.length, `${label}: length`).toBe(reference.length);
  for (let k = 0; k < reference.length; k++) {
    const s = typeof scale === 'number' ? scale : scale[k]!;
    expect(actual[k]!, `${label}[${k}] of row ${n} (logits ${fixture.logits[n]!.join(', ')})`).toBeAllClose(reference[k]!, { rtol, atol: Number.MIN_VALUE, scale: s });
  }
}

describe.each(LOSS_NAMES)('the %s row of the loss table against an 80-digit reference', (name) => {
  const rule = LOSSES[name];
  const want = fixture.losses[name];
  const q = Float64Array.from(fixture.Q);
  const gb = Float64Array.from(fixture.gb);
  const x = Float64Array.from(fixture.x);

  test('forward: p = softmax(v), g = d l/d v and the loss, every row written in place', () => {
    // Filled with NaN: an entry the rule does not write stays NaN and fails.
    const p = new Float64Array(N * c).fill(Number.NaN);
    const g = new Float64Array(N * c).fill(Number.NaN);
    const losses = new Float64Array(N).fill(Number.NaN);
    for (let n = 0; n < N; n++) rule.forward(v, n, c, fixture.labels[n]!, eps, p, g, losses);
    for (let n = 0; n < N; n++) {
      const row = want.rows[n]!;
      expectEntries('p', n, p.subarray(n * c, (n + 1) * c), row.p, 0);
      expectEntries('g', n, g.subarray(n * c, (n + 1) * c), row.g, row.gScale);
      expectEntries('loss', n, [losses[n]!], [row.loss], row.lossScale);
    }
  });

  test('curvature: S_n = d^2 l/d v^2 at its offset, nothing outside its c x c block', () => {
    const p = Float64Array.from(want.rows.flatMap((r) => r.p));
    let offDiagonalSeen = false;
    for (let n = 0; n < N; n++) {
      const o = c * c + 1;
      const S = new Float64Array(o + 2 * c * c).fill(Number.NaN);
      rule.curvature(v, p, n, c, S, o);
      for (let i = 0; i < S.length; i++) if (i < o || i >= o + c * c) expect(S[i], `entry ${i} outside the block`).toBeNaN();
      expectEntries('S', n, S.subarray(o, o + c * c), want.rows[n]!.S, 0);
      // The flags callers branch on: S is diagonal (exact zeros off it), or it is diag(p) - pp^T.
      const offDiagonal = [...S.subarray(o, o + c * c)].filter((_, i) => Math.floor(i / c) !== i % c);
      if (rule.diagonalCurvature) expect(offDiagonal.every((e) => e === 0)).toBe(true);
      offDiagonalSeen ||= offDiagonal.some((e) => e !== 0);
    }
    expect(offDiagonalSeen).toBe(!rule.diagonalCurvature);
    expect(rule.softmaxCurvature).toBe(name === 'cross-entropy' || name === 'label-smoothing');
  });

  test('curvatureTrace and curvatureInner: tr S_n and <S_n, S_m> for every pair', () => {
    const p = Float64Array.from(want.rows.flatMap((r) => r.p));
    for (let n = 0; n < N; n++) {
      expectEntries('tr S', n, [rule.curvatureTrace(v, p, n, c)], [want.rows[n]!.trace], 0);
      expectEntries(
        '<S_n, S_m>',
        n,
        Array.from({ length: N }, (_, m) => rule.curvatureInner(v, p, n, m, c)),
        want.inner[n]!,
        0,
      );
    }
  });

  test('applyCurvature: S_n x', () => {
    const p = Float64Array.from(want.rows.flatMap((r) => r.p));
    for (let n = 0; n < N; n++) {
      const out = new Float64Array(c).fill(Number.NaN);
      rule.applyCurvature(v, p, n, c, x, out);
      expectEntries('S x', n, out, want.rows[n]!.apply, want.rows[n]!.applyScale);
    }
  });

  test('logitAdjoint: S_n gb + d<S_n, Q>/d v + s w d tr S_n/d v, and without the seed', () => {
    const p = Float64Array.from(want.rows.flatMap((r) => r.p));
    const S = Float64Array.from(want.rows.flatMap((r) => r.S));
    for (let n = 0; n < N; n++) {
      // Scratch full of garbage: the rule must clear what it accumulates into.
      const pb = new Float64Array(c).fill(1e3);
      const rv = new Float64Array(c).fill(Number.NaN);
      rule.logitAdjoint(v, p, n, c, S, n * c * c, q, gb, fixture.traceScale, fixture.traceWeight, pb, rv);
      expectEntries('r^v', n, rv, want.rows[n]!.logitAdjoint, want.rows[n]!.logitAdjointScale);
      // traceScale = 0 (no T1 seed) equals the seed given with weight 0.
      const noSeed = new Float64Array(c);
      const zeroWeight = new Float64Array(c);
      rule.logitAdjoint(v, p, n, c, S, n * c * c, q, gb, 0, fixture.traceWeight, pb.fill(1e3), noSeed);
      rule.logitAdjoint(v, p, n, c, S, n * c * c, q, gb, fixture.traceScale, 0, pb.fill(-7), zeroWeight);
      expect(noSeed, `row ${n}`).toEqual(zeroWeight);
    }
  });
});

describe('the loss table and its guards', () => {
  test('LOSS_NAMES lists the table; isLoss accepts exactly its names, not inherited keys', () => {
    expect([...LOSS_NAMES].sort()).toEqual(['binary-cross-entropy', 'cross-entropy', 'label-smoothing', 'mse']);
    for (const name of LOSS_NAMES) expect(isLoss(name)).toBe(true);
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', '', 'Cross-Entropy', 'mae']) expect(isLoss(name), name).toBe(false);
  });

  test('isLabelSmoothing: finite eps in the open interval (0, 1)', () => {
    for (const e of [Number.MIN_VALUE, 1e-12, 0.1, 0.5, 1 - 2 ** -53]) expect(isLabelSmoothing(e), String(e)).toBe(true);
    for (const e of [0, -0, 1, -0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(isLabelSmoothing(e), String(e)).toBe(false);
  });

  test('softplus and the logistic curvature in both tails (their defining formulas where those are exact)', () => {
    // softplus(x) = x + log1p(e^-x) for x >> 0 and e^x for x << 0 (to the last bit).
    expect(softplus(800)).toBe(800);
    expect(softplus(-800)).toBe(0);
    expect(softplus(-40)).toBe(Math.exp(-40));
    expect(softplus(40)).toBe(40 + Math.exp(-40));
    expect(softplus(0)).toBe(Math.LN2);
    // sigma(x) sigma(-x): 1/4 at 0, e^-|x| (1 + e^-|x|)^-2 symmetric, no overflow at |x| = 800.
    expect(logisticCurvature(0)).toBe(0.25);
    expect(logisticCurvature(-40)).toBe(logisticCurvature(40));
    expect(logisticCurvature(800)).toBe(0);
    expect(logisticCurvature(-710)).toBe(Math.exp(-710));
  });
});
