/**
 * The verdict function on synthetic results: a claim that holds, one that fails, one within
 * the seed spread, and the edge cases (one seed, no data, diverged runs). Expected numbers are
 * worked out by hand in the comments, never read back from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { aggregateVerdict, CLAIMS, evaluateClaims, pairedVerdict, type ComparisonRule } from '../../src/report/verdicts.ts';
import { syntheticDataset, syntheticResults, type FinalValues } from './synthetic.ts';

const LOWER: ComparisonRule = { kind: 'better', better: 'lower', minRelativeEffect: 0.01 };
const NOT_WORSE_ACCURACY: ComparisonRule = { kind: 'not-worse', better: 'higher', absoluteMargin: 0.02, relativeMargin: 0 };

describe('pairedVerdict, "better" claims', () => {
  it('holds when HSR is lower on every seed by more than the spread', () => {
    // differences m - b = -0.5, -0.5, -0.45: improvement mean 0.48333..., sd 0.028867...
    const v = pairedVerdict([0.5, 0.6, 0.45], [1.0, 1.1, 0.9], LOWER);
    expect(v.verdict).toBe('holds');
    expect(v.n).toBe(3);
    expect(v.improvement).toBeAllClose(1.45 / 3, { rtol: RTOL_SAME_FORMULA });
    expect(v.difference.sd).toBeAllClose(Math.sqrt((0.05 ** 2 * (1 / 9 + 1 / 9 + 4 / 9)) / 2), { rtol: RTOL_SAME_FORMULA });
    expect(v.reason).toMatch(/beyond the seed spread/);
  });

  it('does not hold when HSR is decisively higher', () => {
    const v = pairedVerdict([1.5, 1.7, 1.4], [1.0, 1.1, 0.9], LOWER);
    expect(v.verdict).toBe('does not hold');
    // improvements -0.5, -0.6, -0.5: mean -0.5333...
    expect(v.improvement).toBeAllClose(-1.6 / 3, { rtol: RTOL_SAME_FORMULA });
    expect(v.reason).toMatch(/decisively worse/);
  });

  it('is inconclusive when the mean difference is within the seed spread', () => {
    // differences +0.1, -0.12, +0.05: mean 0.01, sd ~0.115 > |mean|.
    const v = pairedVerdict([1.1, 0.98, 0.95], [1.0, 1.1, 0.9], LOWER);
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toMatch(/within the seed spread/);
  });

  it('calls a consistent but negligible difference inconclusive (below 1% of the baseline)', () => {
    // HSR 0.1% lower on every seed: spread 0, but 0.001 < 0.01 * 1.
    const v = pairedVerdict([0.999, 0.999, 0.999], [1, 1, 1], LOWER);
    expect(v.verdict).toBe('inconclusive');
    expect(v.threshold).toBeAllClose(0.01, { rtol: RTOL_SAME_FORMULA });
  });

  it('respects the direction: higher-is-better metrics', () => {
    const rule: ComparisonRule = { kind: 'better', better: 'higher', minRelativeEffect: 0.01 };
    expect(pairedVerdict([0.9, 0.92, 0.91], [0.8, 0.81, 0.8], rule).verdict).toBe('holds');
    expect(pairedVerdict([0.8, 0.81, 0.8], [0.9, 0.92, 0.91], rule).verdict).toBe('does not hold');
  });

  it('drops unpaired seeds, needs two seeds for a spread, and says when there is no data', () => {
    const partial = pairedVerdict([0.5, null, 0.45, NaN], [1.0, 1.1, 0.9, 1.0], LOWER);
    expect(partial.n).toBe(2);
    expect(partial.verdict).toBe('holds');
    const one = pairedVerdict([0.5], [1.0], LOWER);
    expect(one.verdict).toBe('inconclusive');
    expect(one.reason).toMatch(/one seed/);
    expect(pairedVerdict([null, null], [1, 1], LOWER).verdict).toBe('no data');
    expect(() => pairedVerdict([1, 2], [1], LOWER)).toThrow(RangeError);
  });
});

describe('pairedVerdict, "not worse" claims (margins)', () => {
  it('holds when HSR matches the baseline', () => {
    expect(pairedVerdict([0.95, 0.96, 0.94], [0.95, 0.96, 0.94], NOT_WORSE_ACCURACY).verdict).toBe('holds');
  });

  it('holds when HSR trails by less than the margin, even one spread down', () => {
    // shortfall 0.01 on every seed: mean improvement -0.01, sd 0, margin 0.02.
    expect(pairedVerdict([0.94, 0.95, 0.93], [0.95, 0.96, 0.94], NOT_WORSE_ACCURACY).verdict).toBe('holds');
  });

  it('does not hold when HSR costs 15 points of accuracy', () => {
    const v = pairedVerdict([0.8, 0.82, 0.79], [0.95, 0.96, 0.94], NOT_WORSE_ACCURACY);
    expect(v.verdict).toBe('does not hold');
    expect(v.threshold).toBeAllClose(0.02, { rtol: RTOL_SAME_FORMULA });
  });

  it('is inconclusive when the margin lies inside the seed spread', () => {
    // differences -0.05, +0.03, -0.01: mean -0.01, sd 0.04: -0.05 < -0.02 < 0.03.
    expect(pairedVerdict([0.9, 0.99, 0.93], [0.95, 0.96, 0.94], NOT_WORSE_ACCURACY).verdict).toBe('inconclusive');
  });

  it('scales a relative margin by the baseline', () => {
    const rule: ComparisonRule = { kind: 'not-worse', better: 'lower', absoluteMargin: 0, relativeMargin: 0.1 };
    // lambda_max 5% above the baseline's 2.0: within 10% (0.2).
    expect(pairedVerdict([2.1, 2.1], [2, 2], rule).verdict).toBe('holds');
    // 30% above: outside.
    expect(pairedVerdict([2.6, 2.6], [2, 2], rule).verdict).toBe('does not hold');
  });
});

describe('aggregateVerdict', () => {
  it('agrees when all data sets agree, ignores missing data, and says mixed otherwise', () => {
    expect(aggregateVerdict(['holds', 'holds', 'no data'])).toBe('holds');
    expect(aggregateVerdict(['does not hold', 'does not hold'])).toBe('does not hold');
    expect(aggregateVerdict(['holds', 'does not hold'])).toBe('mixed');
    expect(aggregateVerdict(['no data'])).toBe('no data');
  });
});

describe('evaluateClaims on synthetic results', () => {
  const base = (lambdaMax: number, extra: FinalValues = {}): FinalValues => ({ lambdaMax, lambdaMin: -0.1, U: lambdaMax + 0.3, testAccuracy: 0.9, negativeEigenvalues: 3, ...extra });
  // Data set "flat": HSR lowers lambda_max clearly. Data set "sharp": HSR RAISES it (the claim fails).
  const flat = syntheticDataset('flat', {
    plain: [base(1.0), base(1.1), base(0.9)],
    'hsr-step': [base(0.5), base(0.6), base(0.45)],
    'hsr-penalty': [base(0.7), base(0.75), base(0.6)],
    sam: [base(0.95), base(1.0), base(0.85)],
  });
  const sharp = syntheticDataset('sharp', {
    plain: [base(1.0), base(1.1), base(0.9)],
    'hsr-step': [base(1.5, { testAccuracy: 0.7 }), base(1.7, { testAccuracy: 0.72 }), base(1.4, { testAccuracy: 0.69 })],
    'hsr-penalty': [base(1.02), base(1.05), base(0.93)],
    sam: [base(0.95), base(1.0), base(0.85)],
  });
  const rows = evaluateClaims(syntheticResults([flat, sharp]));
  const cell = (claim: string, method: string, dataset: string) => {
    const row = rows.find((r) => r.claimId === claim && r.method === method)!;
    return { row, cell: row.cells.find((c) => c.dataset === dataset)! };
  };

  it('covers every claim for both HSR methods and every data set', () => {
    expect(rows).toHaveLength(CLAIMS.length * 2);
    for (const r of rows) expect(r.cells.map((c) => c.dataset)).toEqual(['flat', 'sharp']);
  });

  it('says the sharp-minima claim holds where HSR lowers lambda_max and fails where it raises it', () => {
    expect(cell('flatter-lambda-max', 'hsr-step', 'flat').cell.verdict).toBe('holds');
    const failing = cell('flatter-lambda-max', 'hsr-step', 'sharp');
    expect(failing.cell.verdict).toBe('does not hold');
    expect(failing.cell.methodValues).toEqual([1.5, 1.7, 1.4]);
    expect(failing.cell.baselineValues).toEqual([1.0, 1.1, 0.9]);
    expect(failing.row.overall).toBe('mixed');
    expect(failing.row.counts).toEqual({ holds: 1, 'does not hold': 1, inconclusive: 0, 'no data': 0 });
  });

  it('is inconclusive where the HSR effect is inside the seed spread', () => {
    // hsr-penalty on "sharp": differences +0.02, -0.05, +0.03 (sd 0.038 > |mean| 0).
    expect(cell('flatter-lambda-max', 'hsr-penalty', 'sharp').cell.verdict).toBe('inconclusive');
  });

  it('reports the accuracy cost where HSR loses 20 points, and none where it does not', () => {
    expect(cell('no-accuracy-cost', 'hsr-step', 'sharp').cell.verdict).toBe('does not hold');
    expect(cell('no-accuracy-cost', 'hsr-step', 'flat').cell.verdict).toBe('holds');
    expect(cell('sam-accuracy', 'hsr-step', 'sharp').cell.verdict).toBe('does not hold');
  });

  it('judges "comparable to SAM" against SAM, not plain', () => {
    // flat: hsr-step 0.5 vs SAM ~0.93: holds; sharp: 1.53 vs 0.93 (65% above): fails.
    expect(cell('sam-flatness', 'hsr-step', 'flat').cell.verdict).toBe('holds');
    expect(cell('sam-flatness', 'hsr-step', 'sharp').cell.verdict).toBe('does not hold');
    expect(cell('sam-flatness', 'hsr-step', 'flat').row.baseline).toBe('sam');
  });

  it('gives no verdict on exact-spectrum claims when the spectrum was not computed', () => {
    const none = (acc: number): FinalValues => ({ lambdaMax: null, lambdaMin: null, negativeEigenvalues: null, relativeSharpness: null, testAccuracy: acc });
    const big = syntheticDataset('big', { plain: [none(0.9), none(0.9)], 'hsr-step': [none(0.9), none(0.9)], 'hsr-penalty': [none(0.9), none(0.9)], sam: [none(0.9), none(0.9)] });
    const r = evaluateClaims(syntheticResults([big]));
    for (const id of ['narrows-spectrum', 'flatter-lambda-max', 'flatter-scale-aware', 'fewer-saddles', 'sam-flatness']) {
      expect(r.find((x) => x.claimId === id)!.cells[0]!.verdict, id).toBe('no data');
    }
    expect(r.find((x) => x.claimId === 'no-accuracy-cost')!.cells[0]!.verdict).toBe('holds');
  });

  it('counts a diverged run as missing, not as a value', () => {
    const ds = syntheticDataset('div', { plain: [base(1.0), base(1.1), base(0.9)], 'hsr-step': [base(0.5), base(0.6), base(0.45)], 'hsr-penalty': [base(0.5), base(0.6), base(0.45)], sam: [base(1), base(1), base(1)] }, [
      { method: 'hsr-step', seed: 2 },
    ]);
    const c = evaluateClaims(syntheticResults([ds])).find((x) => x.claimId === 'flatter-lambda-max' && x.method === 'hsr-step')!.cells[0]!;
    expect(c.methodValues).toEqual([0.5, null, 0.45]);
    expect(c.n).toBe(2);
  });
});
