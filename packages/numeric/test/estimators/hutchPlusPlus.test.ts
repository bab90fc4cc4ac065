/**
 * eq:hutch-plus-plus: exact on low-rank matrices with rank <= budget/3 (explicit ones and a
 * network's Gauss-Newton block, with XTrace), equal to the algorithm
 * written out densely on the same draws at every budget of a nested run, and unbiased over
 * many seeds within a CLT bound from its variance bound 2 ||H||_F^2 / (m - 2k).
 */
import { describe, expect, it } from 'vitest';
import { createRng, denseOperator, drawProbe, hessianOperator, hessianTraces, hutchPlusPlus, hutchPlusPlusAtBudgets, normalQuantile, xtrace, type Probe, type SymmetricMatrix, type Variant } from '@hsr/numeric';
import { seededCase } from '@hsr/crosscheck/cases';
import { exactOf, lowRankPsd, matVec, orthonormalBasis, projectOut, RTOL_HUTCHPP_VS_PROJECTIONS, RTOL_SKETCH_EXACT_ON_LOW_RANK, randomSymmetric, STATISTICAL_CHECK_ALPHA } from '@hsr/testkit';

/** Glorot weights, biases ~ N(0, 0.3^2): the case builder's recipe for mildly curved networks. */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

/** A correct implementation fails the unbiasedness check with probability ALPHA over the seeds. */
const ALPHA = STATISTICAL_CHECK_ALPHA;

/** Hutch++ written out with explicit projections, from the sketch vectors S and probes G. */
function denseHutchPlusPlus(H: SymmetricMatrix, S: Float64Array[], G: Float64Array[]): number {
  const Q = orthonormalBasis(S.map((s) => matVec(H, s)));
  let t = 0;
  for (const q of Q) t += q.reduce((s, x, i) => s + x * matVec(H, q)[i]!, 0);
  if (G.length === 0) return t;
  let c = 0;
  for (const g of G) {
    const pg = projectOut(Q, g);
    const hpg = projectOut(Q, matVec(H, pg));
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
      expect(r.estimate).toBeAllClose(exactOf(H).trace, { rtol: RTOL_SKETCH_EXACT_ON_LOW_RANK });
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
        expect(r.estimate).toBeAllClose(denseHutchPlusPlus(H, S.slice(0, k), G.slice(0, m - 2 * k)), { rtol: RTOL_HUTCHPP_VS_PROJECTIONS, scale: exactOf(H).frobeniusSquared ** 0.5 });
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
  const { model, data } = seededCase({ activation: 'tanh', bias: true, inputDim: 3, hiddenDim: 8, classes: 3, samples: 2, seed: 5 }, GLOROT);
  const variant: Variant = { reduction: 'mean', block: 'second', curvature: 'gauss-newton' };
  it('are exact at budgets with k >= rank, against the closed-form T1', () => {
    const op = hessianOperator(model, data, variant);
    const t1 = hessianTraces(model, data, variant).traceH;
    expect(op.size).toBe(27);
    expect(hutchPlusPlus(op, createRng(1), { products: 12 }).estimate).toBeAllClose(t1, { rtol: RTOL_SKETCH_EXACT_ON_LOW_RANK });
    const x = xtrace(op, createRng(1), { products: 10 });
    expect(x.rankDeficient).toBe(true);
    expect(x.estimate).toBeAllClose(t1, { rtol: RTOL_SKETCH_EXACT_ON_LOW_RANK });
  });
});
