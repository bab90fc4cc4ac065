/**
 * The verdicts on synthetic results: claims that hold, fail and are inconclusive, the knife edge
 * that must not hold, the consistent but negligible effect that fails, non-inferiority margins,
 * matched-loss and escape metrics, multiplicity, and the edge cases (one seed, no data,
 * diverged runs). Expected numbers are worked out by hand in the comments, never read back
 * from the code under test.
 */
import { describe, expect, it } from 'vitest';
import type { TrainingMethod } from '@hsr/numeric';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { boundaryOf, CLAIMS, evaluateClaims, formatEffect, HSR_METHODS, pairedEffect, type ClaimsSummary } from '../../src/report/verdicts.ts';
import { syntheticDataset, syntheticResults, type FinalValues } from './synthetic.ts';
import { DEEPER_QUICK_MODEL } from '../../src/report/settings.ts';
import { verdictTable } from '../../src/report/textTable.ts';

const SEEDS = 5;
/** Deterministic jitter in [-1, 1] by seed, so samples have a spread. */
const jitter = (s: number) => [0.3, -0.8, 1, -0.4, 0.6, -1, 0.1][s % 7]!;

/** Per method, values for seeds 1..SEEDS from a function of the seed. */
function study(name: string, make: Partial<Record<TrainingMethod, (s: number) => FinalValues>>) {
  const finals: Partial<Record<TrainingMethod, FinalValues[]>> = {};
  for (const [m, f] of Object.entries(make)) finals[m as TrainingMethod] = Array.from({ length: SEEDS }, (_, i) => f!(i + 1));
  return syntheticDataset(name, finals);
}

const plainLambda = (s: number) => 1 + 0.5 * s;
const base = (lambdaMax: number, extra: FinalValues = {}): FinalValues => ({ lambdaMax, testAccuracy: 0.9, matchedLambdaMax: lambdaMax, ...extra });

const cellOf = (c: ClaimsSummary, claim: string, method: string, studyName: string) => {
  const row = c.rows.find((r) => r.claimId === claim && r.method === method)!;
  return { row, cell: row.cells.find((x) => x.study === studyName)! };
};

describe('pairedEffect and boundaryOf', () => {
  it('are the log-ratio (with its floor) or the difference, and the claim boundaries', () => {
    expect(pairedEffect(0.5, 2, 'log')).toBeAllClose(Math.log(0.25), { rtol: RTOL_SAME_FORMULA });
    expect(pairedEffect(0.9, 0.95, 'linear')).toBeAllClose(-0.05, { rtol: RTOL_SAME_FORMULA });
    expect(pairedEffect(0, 1e-10, 'log')).toBe(0);
    expect(pairedEffect(null, 1, 'log')).toBeNull();
    expect(pairedEffect(1, Number.NaN, 'log')).toBeNull();
    // 1% lower: improvement -ln(0.99); within 10% of SAM: -ln(1.1); 2 points: -0.02.
    expect(boundaryOf({ kind: 'better', minEffect: 0.01 }, { scale: 'log', better: 'lower' })).toBeAllClose(-Math.log(0.99), { rtol: RTOL_SAME_FORMULA });
    expect(boundaryOf({ kind: 'not-worse', margin: 0.1 }, { scale: 'log', better: 'lower' })).toBeAllClose(-Math.log(1.1), { rtol: RTOL_SAME_FORMULA });
    expect(boundaryOf({ kind: 'not-worse', margin: 0.02 }, { scale: 'linear', better: 'higher' })).toBe(-0.02);
  });
});

describe('evaluateClaims: λmax at the end', () => {
  // "flat": hsr-step halves lambda_max on every seed (0.1% jitter); "sharp": it raises it by 30%;
  // "noisy": hsr-step is 20% lower or higher by seed; "edge": exactly 1% lower (the boundary), 0.2% jitter.
  const flat = study('flat', { plain: (s) => base(plainLambda(s)), 'hsr-step': (s) => base(0.5 * plainLambda(s) * (1 + 0.001 * jitter(s))), 'hsr-penalty': (s) => base(plainLambda(s)), sam: (s) => base(plainLambda(s)) });
  const sharp = study('sharp', {
    plain: (s) => base(plainLambda(s)),
    'hsr-step': (s) => base(1.3 * plainLambda(s) * (1 + 0.001 * jitter(s))),
    'hsr-penalty': (s) => base(plainLambda(s)),
    sam: (s) => base(plainLambda(s)),
  });
  const noisy = study('noisy', { plain: (s) => base(plainLambda(s)), 'hsr-step': (s) => base(plainLambda(s) * (s % 2 ? 0.8 : 1.2)), 'hsr-penalty': (s) => base(plainLambda(s)), sam: (s) => base(plainLambda(s)) });
  const edge = study('edge', {
    plain: (s) => base(plainLambda(s)),
    'hsr-step': (s) => base(0.99 * plainLambda(s) * (1 + 0.002 * jitter(s))),
    'hsr-penalty': (s) => base(0.998 * plainLambda(s) * (1 + 0.0001 * jitter(s))),
    sam: (s) => base(plainLambda(s)),
  });
  const summary = evaluateClaims(syntheticResults([flat, sharp, noisy, edge]));

  it('covers every claim for both HSR methods and every study, with the number of tests per family', () => {
    expect(summary.rows).toHaveLength(CLAIMS.length * HSR_METHODS.length);
    for (const r of summary.rows) expect(r.cells.map((c) => c.study)).toEqual(['flat', 'sharp', 'noisy', 'edge']);
    expect(summary.rowTests).toBe(CLAIMS.length * HSR_METHODS.length);
    expect(summary.cellTests).toBe(CLAIMS.length * HSR_METHODS.length * 4);
  });

  it('holds where HSR halves λmax on every seed, with the effect and interval of the log-ratios', () => {
    const { cell } = cellOf(summary, 'lambda-max-final', 'hsr-step', 'flat');
    expect(cell.verdict).toBe('holds');
    expect(cell.n).toBe(SEEDS);
    // mean of ln(0.5 (1 + 0.001 j_s)) over the five seeds.
    const expected = Array.from({ length: SEEDS }, (_, i) => Math.log(0.5 * (1 + 0.001 * jitter(i + 1)))).reduce((a, b) => a + b, 0) / SEEDS;
    expect(cell.effect).toBeAllClose(expected, { rtol: RTOL_SAME_FORMULA });
    expect(cell.lower).toBeLessThan(cell.effect);
    expect(cell.upper).toBeGreaterThan(cell.effect);
    expect(cell.upper).toBeLessThan(Math.log(0.51));
    expect(cell.pAdjusted).toBeLessThan(0.05);
    expect(cell.pAdjusted).toBeGreaterThanOrEqual(cell.p);
    expect(cell.correction).toBe(`Holm over ${summary.cellTests} cell tests`);
    expect(cell.methodValues).toHaveLength(SEEDS);
    expect(formatEffect(cell, 'log')).toBe('-50% [-50%, -50%]');
  });

  it('does not hold where HSR raises λmax on every seed', () => {
    const { cell } = cellOf(summary, 'lambda-max-final', 'hsr-step', 'sharp');
    expect(cell.verdict).toBe('does not hold');
    expect(cell.reason).toMatch(/short of a 1% improvement/);
  });

  it('is inconclusive where the seeds disagree, and at the knife edge of the smallest effect', () => {
    expect(cellOf(summary, 'lambda-max-final', 'hsr-step', 'noisy').cell.verdict).toBe('inconclusive');
    // Exactly 1% lower: the old rule said "holds" (mean above a tiny spread); a test of the boundary cannot.
    const knife = cellOf(summary, 'lambda-max-final', 'hsr-step', 'edge').cell;
    expect(knife.verdict).toBe('inconclusive');
    expect(knife.p).toBeGreaterThan(0.05);
  });

  it('says a consistent but negligible reduction (0.2%) does not reach the smallest effect', () => {
    expect(cellOf(summary, 'lambda-max-final', 'hsr-penalty', 'edge').cell.verdict).toBe('does not hold');
  });

  it('pools over studies with the sign-flip test and corrects over the rows', () => {
    const row = summary.rows.find((r) => r.claimId === 'lambda-max-final' && r.method === 'hsr-step')!;
    expect(row.pooled.n).toBe(4 * SEEDS);
    expect(row.pooled.test).toBe('sign-flip (exact)');
    expect(row.pooled.correction).toBe(`Holm over ${summary.rowTests} pooled tests`);
    // 10 of 20 pairs favour HSR (flat, half of noisy, ...), 5 strongly against (sharp): not decided.
    expect(row.pooled.verdict).toBe('inconclusive');
    expect(row.counts).toEqual({ holds: 1, 'does not hold': 1, inconclusive: 2, 'no data': 0 });
  });
});

describe('evaluateClaims: over-confidence, saddles, accuracy', () => {
  // hsr-step: lambda_max 40% lower at the end, but the SAME as plain's at matched training loss;
  // more negative mass at matched loss; escapes in 30 epochs vs plain's 40 (plain never escapes on seed 5);
  // accuracy 0.5 points below plain's.
  const make = (name: string) =>
    study(name, {
      plain: (s) => base(plainLambda(s), { matchedLambdaMax: plainLambda(s), matchedNegativeMass: 0.01 * s, escapedAt: s === 5 ? null : 40 + s, testAccuracy: 0.9 + 0.01 * jitter(s) }),
      'hsr-step': (s) =>
        base(0.6 * plainLambda(s) * (1 + 0.001 * jitter(s)), {
          matchedLambdaMax: plainLambda(s) * (1 + 0.0002 * jitter(s)),
          matchedNegativeMass: 0.02 * s * (1 + 0.001 * jitter(s)),
          escapedAt: 30 + s,
          testAccuracy: 0.895 + 0.01 * jitter(s),
        }),
      'hsr-penalty': (s) => base(plainLambda(s), { testAccuracy: 0.75 + 0.01 * jitter(s) }),
      sam: (s) => base(plainLambda(s), { testAccuracy: 0.9 + 0.01 * jitter(s) }),
    });
  const summary = evaluateClaims(syntheticResults([make('a'), make('b'), make('c')]));
  const pooled = (claim: string, method = 'hsr-step') => summary.rows.find((r) => r.claimId === claim && r.method === method)!.pooled;

  it('separates the final λmax from λmax at matched training loss', () => {
    expect(pooled('lambda-max-final').verdict).toBe('holds');
    expect(pooled('lambda-max-final').effect).toBeAllClose(Math.log(0.6), { rtol: 1e-3 });
    // At matched loss hsr-step is within 0.02% of plain: significantly short of a 1% effect.
    expect(pooled('lambda-max-matched').verdict).toBe('does not hold');
  });

  it('reads the negative mass at the matched-loss checkpoints and the escape epochs, censored at the budget', () => {
    expect(pooled('negative-mass').verdict).toBe('does not hold');
    expect(pooled('negative-mass').effect).toBeAllClose(Math.log(2), { rtol: 1e-2 });
    const { cell } = cellOf(summary, 'saddle-escape', 'hsr-step', 'a');
    // Seed 5: plain never escaped within 6 epochs (synthetic budget): counted as 6, hsr-step's 35.
    expect(cell.baselineValues).toEqual([41, 42, 43, 44, 6]);
    expect(cell.methodValues).toEqual([31, 32, 33, 34, 35]);
  });

  it('judges accuracy by its margin: half a point is within 2, fifteen points is not', () => {
    expect(pooled('no-accuracy-cost').verdict).toBe('holds');
    expect(pooled('no-accuracy-cost', 'hsr-penalty').verdict).toBe('does not hold');
    expect(pooled('sam-accuracy', 'hsr-penalty').verdict).toBe('does not hold');
    expect(formatEffect(pooled('no-accuracy-cost', 'hsr-penalty'), 'linear')).toMatch(/^-15\.0 pt/);
    const { row } = cellOf(summary, 'no-accuracy-cost', 'hsr-step', 'a');
    expect(row.cells[0]!.companions.map((c) => c.key)).toEqual(['testLoss', 'testCalibrationError']);
  });

  it('says in one sentence what is supported, contradicted and undecided', () => {
    expect(summary.sentence).toMatch(/^Pooled over 3 data sets × 5 seeds \(Holm over 16 claims, α = 0.05\), these runs support that hsr-step lowers λmax at the end/);
    expect(summary.sentence).toContain('hsr-step lowers λmax at matched training loss and leaves less negative curvature at matched loss');
    expect(summary.sentence).toMatch(/contradict that .*hsr-penalty lowers λmax at the end, .* and costs no accuracy/);
    expect(summary.sentence).toMatch(/cannot tell whether hsr-step escapes a small-norm saddle sooner, and whether hsr-penalty escapes a small-norm saddle sooner\.$/);
  });
});

describe('edge cases', () => {
  it('one seed is inconclusive (no test), no paired value is no data, a diverged run is missing', () => {
    const one = syntheticDataset('one', { plain: [base(1)], 'hsr-step': [base(0.5)], 'hsr-penalty': [base(0.5)], sam: [base(1)] });
    const none = syntheticDataset('none', { plain: [base(1, { lambdaMax: null }), base(1, { lambdaMax: null })], 'hsr-step': [base(0.5), base(0.5)], 'hsr-penalty': [base(0.5), base(0.5)], sam: [base(1), base(1)] });
    const bad = syntheticDataset('bad', { plain: [base(1), base(2), base(3)], 'hsr-step': [base(0.5), base(1), base(1.5)], 'hsr-penalty': [base(1), base(1), base(1)], sam: [base(1), base(1), base(1)] }, [
      { method: 'hsr-step', seed: 2 },
    ]);
    const s = evaluateClaims(syntheticResults([one, none, bad]));
    const c = (name: string) => cellOf(s, 'lambda-max-final', 'hsr-step', name).cell;
    expect(c('one').verdict).toBe('inconclusive');
    expect(c('one').reason).toMatch(/fewer than 2 paired seeds/);
    expect(Number.isNaN(c('one').p)).toBe(true);
    expect(c('none').verdict).toBe('no data');
    expect(c('bad').n).toBe(2);
    expect(c('bad').methodValues).toEqual([0.5, null, 1.5]);
  });
});

describe('evaluateClaims beyond three layers', () => {
  // The three-layer study: hsr-step halves lambda_max on every seed; the 4-layer one (the
  // deeper model-table row, same data set): hsr-step raises it by 30% on every seed.
  const three = study('flat', {
    plain: (s) => base(plainLambda(s)),
    'hsr-step': (s) => base(0.5 * plainLambda(s) * (1 + 0.001 * jitter(s))),
    'hsr-penalty': (s) => base(plainLambda(s)),
    sam: (s) => base(plainLambda(s)),
  });
  const deeper = study('flat/tanh6x6-ce', {
    plain: (s) => base(plainLambda(s)),
    'hsr-step': (s) => base(1.3 * plainLambda(s) * (1 + 0.001 * jitter(s))),
    'hsr-penalty': (s) => base(plainLambda(s)),
    sam: (s) => base(plainLambda(s)),
  });
  const summary = evaluateClaims(syntheticResults([three, { ...deeper, study: { ...deeper.study, model: DEEPER_QUICK_MODEL } }]));

  it('judges the deeper studies on their own: the three-layer verdicts are those of the three-layer study alone', () => {
    const alone = evaluateClaims(syntheticResults([three]));
    expect(summary.rows.map((r) => r.cells.map((c) => [c.study, c.verdict, c.pAdjusted]))).toEqual(alone.rows.map((r) => r.cells.map((c) => [c.study, c.verdict, c.pAdjusted])));
    expect(summary.sentence).toBe(alone.sentence);
    expect(cellOf(summary, 'lambda-max-final', 'hsr-step', 'flat').cell.verdict).toBe('holds');
  });

  it('says per claim whether it holds at 4 layers, in its own Holm families', () => {
    expect(summary.byDepth).toHaveLength(1);
    const d = summary.byDepth![0]!;
    expect([d.layers, d.models]).toEqual([4, ['tanh d-6-6-c, cross-entropy']]);
    expect(d.summary.cellTests).toBe(CLAIMS.length * HSR_METHODS.length);
    expect(cellOf(d.summary, 'lambda-max-final', 'hsr-step', 'flat/tanh6x6-ce').cell.verdict).toBe('does not hold');
    expect(d.sentence).toMatch(/^Beyond three layers \(4 layers: tanh d-6-6-c, cross-entropy\), pooled over 1 data set × 5 seeds/);
    const table = verdictTable(summary).split('\n');
    expect(table[0]).toMatch(/ 4 layers +4 layers effect \[95% CI\]$/);
    const row = table.find((l) => l.startsWith('lambda-max-final') && l.includes('hsr-step'))!;
    // Pooled over 5 pairs the exact sign-flip p is 2/32 > 0.05: inconclusive, effect +30%.
    expect(row).toMatch(/inconclusive +\+30% \[\+30%, \+30%\]$/);
  });
});
