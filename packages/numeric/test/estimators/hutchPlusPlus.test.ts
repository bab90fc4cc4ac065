/**
 * eq:hutch-plus-plus: exact on low-rank matrices with rank <= budget/3 (explicit ones and a
 * network's Gauss-Newton block, with XTrace), equal to the algorithm
 * written out densely on the same draws at every budget of a nested run, and unbiased over
 * many seeds within a CLT bound from its variance bound 2 ||H||_F^2 / (m - 2k).
 */
import { describe, expect, it } from 'vitest';
import { createRng, denseOperator, drawProbe, hessianOperator, hessianTraces, hutchPlusPlus, hutchPlusPlusAtBudgets, normalQuantile, xtrace, type Probe, type SymmetricMatrix, type Variant } from '@hsr/numeric';
import { makeCase } from '../perf/cases.ts';
import { exactOf, lowRankPsd, matVec, randomSymmetric } from './matrices.ts';

/**
 * An identity that is exact in exact arithmetic, through an O(P k^2) orthogonalisation of a
 * sketch whose condition number is that of the low-rank H: round-off ~ k P eps cond ~ 1e-12.
 */
const RTOL_EXACT_IN_EXACT_ARITHMETIC = 1e-10;
/** Two dense evaluations of the same formula in a different order (projections vs p, q, M). */
const RTOL_REORDERED = 1e-10;
/** A correct implementation fails the unbiasedness check with probability ALPHA over the seeds. */
const ALPHA = 1e-6;

/** Orthonormal basis of the columns `cols` by modified Gram-Schmidt (the test's own), dropping dependent ones. */
function basis(cols: Float64Array[]): Float64Array[] {
  const Q: Float64Array[] = [];
  for (const c of cols) {
    const w = Float64Array.from(c);
    const norm0 = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    for (let pass = 0; pass < 2; pass++)
      for (const q of Q) {
        const d = q.reduce((s, x, i) => s + x * w[i]!, 0);
        for (let i = 0; i < w.length; i++) w[i]! -= d * q[i]!;
      }
    const n = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    if (n > 1e-10 * norm0) Q.push(w.map((x) => x / n));
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

/** Hutch++ written out with explicit projections, from the sketch vectors S and probes G. */
function denseHutchPlusPlus(H: SymmetricMatrix, S: Float64Array[], G: Float64Array[]): number {
  const Q = basis(S.map((s) => matVec(H, s)));
  let t = 0;
  for (const q of Q) t += q.reduce((s, x, i) => s + x * matVec(H, q)[i]!, 0);
  if (G.length === 0) return t;
  let c = 0;
  for (const g of G) {
    const pg = project(Q, g);
    const hpg = project(Q, matVec(H, pg));
    c += g.reduce((s, x, i) => s + x * hpg[i]!, 0);
  }
  return t + c / G.length;
}

describe('Hutch++', () => {
  it.each([
    [1, 3],
    [3, 9],
    [3, 11],
    [4, 30],
    [7, 21],
  ])('is exact on a rank-%i PSD matrix with budget %i (rank <= budget/3)', (rank, m) => {
    const H = lowRankPsd(25, rank, 10 + rank);
    for (const probe of ['rademacher', 'gaussian'] as Probe[]) {
      const r = hutchPlusPlus(denseOperator(H), createRng(m), { products: m, probe });
      expect(r.estimate).toBeAllClose(exactOf(H).trace, { rtol: RTOL_EXACT_IN_EXACT_ARITHMETIC });
      expect(r.sketchRank).toBe(rank);
    }
  });

  it('is not exact when the rank exceeds budget/3 (so the exactness check can fail)', () => {
    const H = lowRankPsd(25, 4, 14);
    const r = hutchPlusPlus(denseOperator(H), createRng(1), { products: 9 });
    expect(Math.abs(r.estimate - exactOf(H).trace) / exactOf(H).trace).toBeGreaterThan(1e-6);
  });

  it('equals the dense algorithm on the same draws at every budget of a nested run, and spends k + rank + g products', () => {
    const H = randomSymmetric(14, 3, 1);
    const budgets = [1, 2, 4, 7, 12, 20];
    for (const probe of ['rademacher', 'gaussian'] as Probe[]) {
      const nested = hutchPlusPlusAtBudgets(denseOperator(H), createRng(5), budgets, { probe });
      // The same draws: max k sketch vectors, then max g complement probes.
      const rng = createRng(5);
      const kMax = Math.floor(20 / 3);
      const gMax = Math.max(...budgets.map((m) => m - 2 * Math.floor(m / 3)));
      const S = Array.from({ length: kMax }, () => drawProbe(rng, probe, new Float64Array(14)));
      const G = Array.from({ length: gMax }, () => drawProbe(rng, probe, new Float64Array(14)));
      nested.forEach((r, b) => {
        const m = budgets[b]!;
        const k = Math.floor(m / 3);
        expect(r.estimate).toBeAllClose(denseHutchPlusPlus(H, S.slice(0, k), G.slice(0, m - 2 * k)), { rtol: RTOL_REORDERED, scale: exactOf(H).frobeniusSquared ** 0.5 });
        expect(r.products).toBe(m);
      });
    }
  });

  it('is unbiased over 4000 seeds within z(1 - ALPHA/2) standard errors of its variance bound', () => {
    const H = randomSymmetric(16, 8, 1);
    const e = exactOf(H);
    const seeds = 4000;
    const m = 9;
    const g = m - 2 * Math.floor(m / 3);
    let sum = 0;
    for (let s = 0; s < seeds; s++) sum += hutchPlusPlus(denseOperator(H), createRng(s), { products: m }).estimate;
    expect(Math.abs(sum / seeds - e.trace)).toBeLessThanOrEqual(normalQuantile(1 - ALPHA / 2) * Math.sqrt((2 * e.frobeniusSquared) / g / seeds));
  });
});

describe('Hutch++ and XTrace on a low-rank network Hessian block', () => {
  // The second block's Gauss-Newton matrix kappa sum_n S_n (x) z~_n z~_n^T has rank <= N (c - 1) = 4
  // (each S_n has rank c - 1), far below its P = 3 x 9 = 27.
  const { model, data } = makeCase({ activation: 'tanh', bias: true, inputDim: 3, hiddenDim: 8, classes: 3, samples: 2, seed: 5 });
  const variant: Variant = { reduction: 'mean', block: 'second', curvature: 'gauss-newton' };
  it('are exact at budgets with k >= rank, against the closed-form T1', () => {
    const op = hessianOperator(model, data, variant);
    const t1 = hessianTraces(model, data, variant).traceH;
    expect(op.size).toBe(27);
    expect(hutchPlusPlus(op, createRng(1), { products: 12 }).estimate).toBeAllClose(t1, { rtol: RTOL_EXACT_IN_EXACT_ARITHMETIC });
    const x = xtrace(op, createRng(1), { products: 10 });
    expect(x.rankDeficient).toBe(true);
    expect(x.estimate).toBeAllClose(t1, { rtol: RTOL_EXACT_IN_EXACT_ARITHMETIC });
  });
});
