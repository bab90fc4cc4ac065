/**
 * eq:xtrace: equal to its leave-one-out definition written out densely on the same probes at
 * every budget of a nested run, exact when rank H < k, and unbiased over many seeds within a
 * CLT bound from its variance bound 2 ||H||_F^2.
 */
import { describe, expect, it } from 'vitest';
import { createRng, denseOperator, drawProbe, normalQuantile, xtrace, xtraceAtBudgets, type Probe, type SymmetricMatrix } from '@hsr/numeric';
import { exactOf, lowRankPsd, matVec, orthonormalBasis, projectOut, RTOL_SKETCH_EXACT_ON_LOW_RANK, RTOL_XTRACE_VS_LEAVE_ONE_OUT, randomSymmetric, STATISTICAL_CHECK_ALPHA } from '@hsr/testkit';

/** A correct implementation fails the unbiasedness check with probability ALPHA over the seeds. */
const ALPHA = STATISTICAL_CHECK_ALPHA;

/** (1/k) sum_i [tr(Q_i^T H Q_i) + w_i^T (I - Q_i Q_i^T) H (I - Q_i Q_i^T) w_i], Q_i = orth(H W without w_i). */
function denseXTrace(H: SymmetricMatrix, W: Float64Array[]): number {
  let sum = 0;
  for (let i = 0; i < W.length; i++) {
    const Qi = orthonormalBasis(W.filter((_, j) => j !== i).map((w) => matVec(H, w)));
    let t = 0;
    for (const q of Qi) t += q.reduce((s, x, a) => s + x * matVec(H, q)[a]!, 0);
    const pw = projectOut(Qi, W[i]!);
    const hpw = projectOut(Qi, matVec(H, pw));
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
        expect(r.estimate).toBeAllClose(denseXTrace(H, W.slice(0, k)), { rtol: RTOL_XTRACE_VS_LEAVE_ONE_OUT, scale: exactOf(H).frobeniusSquared ** 0.5 });
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
    expect(r.estimate).toBeAllClose(exactOf(H).trace, { rtol: RTOL_SKETCH_EXACT_ON_LOW_RANK });
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
