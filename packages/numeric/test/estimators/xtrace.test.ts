/**
 * eq:xtrace: equal to its leave-one-out definition written out densely on the same probes at
 * every budget of a nested run, exact when rank H < k, and unbiased over many seeds within a
 * CLT bound from its variance bound 2 ||H||_F^2.
 */
import { describe, expect, it } from 'vitest';
import { createRng, denseOperator, drawProbe, normalQuantile, xtrace, xtraceAtBudgets, type Probe, type SymmetricMatrix } from '@hsr/numeric';
import { exactOf, lowRankPsd, matVec, randomSymmetric } from './matrices.ts';

/** Exact in exact arithmetic through an O(P k^2) orthogonalisation: ~k P eps cond round-off. */
const RTOL_EXACT_IN_EXACT_ARITHMETIC = 1e-10;
/** The leave-one-out sum evaluated two ways (explicit bases vs R^{-T} and Grams). */
const RTOL_REORDERED = 1e-9;
const ALPHA = 1e-6;

function basis(cols: Float64Array[]): Float64Array[] {
  const Q: Float64Array[] = [];
  for (const c of cols) {
    const w = Float64Array.from(c);
    for (let pass = 0; pass < 2; pass++)
      for (const q of Q) {
        const d = q.reduce((s, x, i) => s + x * w[i]!, 0);
        for (let i = 0; i < w.length; i++) w[i]! -= d * q[i]!;
      }
    const n = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    Q.push(w.map((x) => x / n));
  }
  return Q;
}

function project(Q: Float64Array[], v: Float64Array): Float64Array {
  const out = Float64Array.from(v);
  for (const q of Q) {
    const d = q.reduce((s, x, i) => s + x * v[i]!, 0);
    for (let i = 0; i < out.length; i++) out[i]! -= d * q[i]!;
  }
  return out;
}

/** (1/k) sum_i [tr(Q_i^T H Q_i) + w_i^T (I - Q_i Q_i^T) H (I - Q_i Q_i^T) w_i], Q_i = orth(H W without w_i). */
function denseXTrace(H: SymmetricMatrix, W: Float64Array[]): number {
  let sum = 0;
  for (let i = 0; i < W.length; i++) {
    const Qi = basis(W.filter((_, j) => j !== i).map((w) => matVec(H, w)));
    let t = 0;
    for (const q of Qi) t += q.reduce((s, x, a) => s + x * matVec(H, q)[a]!, 0);
    const pw = project(Qi, W[i]!);
    const hpw = project(Qi, matVec(H, pw));
    sum += t + W[i]!.reduce((s, x, a) => s + x * hpw[a]!, 0);
  }
  return sum / W.length;
}

describe('XTrace', () => {
  it('equals the leave-one-out definition on the same probes at every budget of a nested run', () => {
    const H = randomSymmetric(15, 4, 1);
    const budgets = [2, 3, 6, 10, 16];
    for (const probe of ['rademacher', 'gaussian'] as Probe[]) {
      const nested = xtraceAtBudgets(denseOperator(H), createRng(2), budgets, { probe });
      const rng = createRng(2);
      const W = Array.from({ length: 8 }, () => drawProbe(rng, probe, new Float64Array(15)));
      nested.forEach((r, b) => {
        const k = Math.floor(budgets[b]! / 2);
        expect(r.rankDeficient).toBe(false);
        expect(r.products).toBe(2 * k);
        expect(r.estimate).toBeAllClose(denseXTrace(H, W.slice(0, k)), { rtol: RTOL_REORDERED, scale: exactOf(H).frobeniusSquared ** 0.5 });
      });
    }
  });

  it.each([
    [2, 6],
    [3, 8],
    [5, 30],
  ])('is exact on a rank-%i PSD matrix with budget %i (rank < m/2), and says the sketch was rank-deficient', (rank, m) => {
    const H = lowRankPsd(20, rank, 30 + rank);
    const r = xtrace(denseOperator(H), createRng(m), { products: m });
    expect(r.rankDeficient).toBe(true);
    expect(r.estimate).toBeAllClose(exactOf(H).trace, { rtol: RTOL_EXACT_IN_EXACT_ARITHMETIC });
  });

  it('refuses a budget below 2', () => {
    expect(() => xtrace(denseOperator(randomSymmetric(4, 1)), createRng(1), { products: 1 })).toThrow(/at least 2/);
  });

  it('is unbiased over 4000 seeds within z(1 - ALPHA/2) standard errors of its variance bound', () => {
    const H = randomSymmetric(16, 9, 1);
    const e = exactOf(H);
    const seeds = 4000;
    let sum = 0;
    for (let s = 0; s < seeds; s++) sum += xtrace(denseOperator(H), createRng(s), { products: 8 }).estimate;
    expect(Math.abs(sum / seeds - e.trace)).toBeLessThanOrEqual(normalQuantile(1 - ALPHA / 2) * Math.sqrt((2 * e.frobeniusSquared) / seeds));
  });
});
