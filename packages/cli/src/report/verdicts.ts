/**
 * Verdicts on the second paper's claims (arXiv 2606.28662), COMPUTED from the runs: nothing
 * in the report's claims table is written by hand.
 *
 * Every claim compares an HSR method with a baseline (plain training or SAM) started from the
 * same initial model, on the same split, for each seed; so the comparison is PAIRED: for
 * seed s, the improvement is
 *
 *   I_s = b_s - m_s  (when lower is better)   or   I_s = m_s - b_s  (when higher is better),
 *
 * with m_s the HSR run's final value and b_s the baseline's. Over the n seeds where both runs
 * have a value, \bar I is the mean and \sigma the sample standard deviation (n - 1).
 *
 * "better" claims (HSR lowers lambda_max, ...): with the decisiveness threshold
 *   \tau = \max(\sigma, r_{\min}\,|\bar b|)
 * (the seed spread, or a minimum effect r_min of the baseline's size so that a consistent but
 * negligible difference is not called an effect), the claim
 *   holds          if \bar I > \tau,
 *   does not hold  if \bar I < -\tau   (HSR is decisively worse),
 *   inconclusive   otherwise (the difference is within the seed spread).
 *
 * "not-worse" claims (no accuracy cost, as flat as SAM): with an allowed shortfall
 *   \delta = \max(\delta_{abs}, \delta_{rel}|\bar b|),
 *   holds          if \bar I - \sigma > -\delta   (even one spread below the mean is within the margin),
 *   does not hold  if \bar I + \sigma < -\delta   (even one spread above the mean is outside it),
 *   inconclusive   otherwise.
 *
 * Fewer than 2 paired seeds give no spread: inconclusive. No paired seed at all: no data.
 * Pure functions, no I/O. Verified by packages/cli/test/report/verdicts.test.ts on synthetic
 * results where a claim holds, fails and is inconclusive.
 */
import type { MetricsRecord, TrainingMethod } from '@hsr/numeric';
import { finalRecord, runsOf, summarise, type DatasetResult, type ReproductionResults, type Summary } from './results.ts';

export type Verdict = 'holds' | 'does not hold' | 'inconclusive' | 'no data';
/** Across data sets: one verdict when all agree, else 'mixed'. */
export type AggregateVerdict = Verdict | 'mixed';

export type ComparisonRule =
  | {
      readonly kind: 'better';
      readonly better: 'lower' | 'higher';
      /** r_min: the smallest decisive improvement, as a fraction of |mean baseline|. */
      readonly minRelativeEffect: number;
    }
  | {
      readonly kind: 'not-worse';
      readonly better: 'lower' | 'higher';
      /** delta_abs, in the metric's units. */
      readonly absoluteMargin: number;
      /** delta_rel, as a fraction of |mean baseline|. */
      readonly relativeMargin: number;
    };

export interface PairedVerdict {
  readonly verdict: Verdict;
  /** Seeds where both runs have a finite value. */
  readonly n: number;
  readonly method: Summary;
  readonly baseline: Summary;
  /** m_s - b_s over paired seeds (signed in the metric's own direction, not the improvement's). */
  readonly difference: Summary;
  /** Mean improvement \bar I (positive = HSR better) and its decisiveness threshold (tau or delta). */
  readonly improvement: number;
  readonly threshold: number;
  /** One sentence saying why, with the numbers. */
  readonly reason: string;
}

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const ax = Math.abs(x);
  return ax >= 1e-3 && ax < 1e5 ? Number(x.toPrecision(3)).toString() : x.toExponential(2);
};

/**
 * The verdict of one paired comparison (module comment: the rules). `method[s]` and
 * `baseline[s]` are the same seed's final values; null or non-finite entries drop that seed.
 */
export function pairedVerdict(method: readonly (number | null)[], baseline: readonly (number | null)[], rule: ComparisonRule): PairedVerdict {
  if (method.length !== baseline.length) throw new RangeError(`paired samples differ in length: ${method.length} vs ${baseline.length}`);
  const m: number[] = [];
  const b: number[] = [];
  for (let s = 0; s < method.length; s++) {
    const x = method[s];
    const y = baseline[s];
    if (x !== null && x !== undefined && y !== null && y !== undefined && Number.isFinite(x) && Number.isFinite(y)) {
      m.push(x);
      b.push(y);
    }
  }
  const n = m.length;
  const sign = rule.better === 'lower' ? -1 : 1;
  const differences = m.map((x, s) => x - b[s]!);
  const ms = summarise(m);
  const bs = summarise(b);
  const ds = summarise(differences);
  const base = { n, method: ms, baseline: bs, difference: ds };
  if (n === 0) return { ...base, verdict: 'no data', improvement: NaN, threshold: NaN, reason: 'no seed has a finite value for both runs' };
  // The improvement is the difference signed so that positive is better (negation is exact).
  const mean = sign * ds.mean;
  const sigma = ds.sd;
  const judged = (verdict: Verdict, threshold: number, reason: string): PairedVerdict => ({ ...base, verdict, improvement: mean, threshold, reason });
  if (rule.kind === 'better') {
    const tau = Math.max(sigma, rule.minRelativeEffect * Math.abs(bs.mean));
    const what = `mean improvement ${fmt(mean)} (HSR ${fmt(ms.mean)} vs ${fmt(bs.mean)}), threshold ${fmt(tau)} = max(seed spread ${fmt(sigma)}, ${fmt(rule.minRelativeEffect * 100)}% of baseline)`;
    if (n < 2) return judged('inconclusive', tau, `one seed only: no spread to judge against; ${what}`);
    if (mean > tau) return judged('holds', tau, `${rule.better} than the baseline beyond the seed spread: ${what}`);
    if (mean < -tau) return judged('does not hold', tau, `decisively worse than the baseline: ${what}`);
    return judged('inconclusive', tau, `difference within the seed spread: ${what}`);
  }
  const delta = Math.max(rule.absoluteMargin, rule.relativeMargin * Math.abs(bs.mean));
  const what = `mean improvement ${fmt(mean)} +- ${fmt(sigma)} (HSR ${fmt(ms.mean)} vs ${fmt(bs.mean)}), allowed shortfall ${fmt(delta)}`;
  if (n < 2) return judged('inconclusive', delta, `one seed only: no spread to judge against; ${what}`);
  if (mean - sigma > -delta) return judged('holds', delta, `within the margin even one spread below the mean: ${what}`);
  if (mean + sigma < -delta) return judged('does not hold', delta, `short by more than the margin even one spread above the mean: ${what}`);
  return judged('inconclusive', delta, `the margin lies within the seed spread: ${what}`);
}

export interface ClaimMetric {
  readonly key: string;
  readonly label: string;
  /** The final value of one run (null when unavailable, e.g. no exact spectrum). */
  get(record: MetricsRecord): number | null;
}

export interface ClaimSpec {
  readonly id: string;
  /** Short name for the table. */
  readonly title: string;
  /** What the paper claims, in words. */
  readonly claim: string;
  /** How this report tests it. */
  readonly test: string;
  readonly metric: ClaimMetric;
  readonly baseline: TrainingMethod;
  readonly rule: ComparisonRule;
}

/** r_min for "better" claims: differences under 1% of the baseline are not called effects. */
export const MIN_RELATIVE_EFFECT = 0.01;
/** "No accuracy cost": HSR may trail by at most 2 percentage points of test accuracy. */
export const ACCURACY_MARGIN = 0.02;
/** "Comparable to SAM": HSR's lambda_max may exceed SAM's by at most 10%. */
export const SAM_FLATNESS_MARGIN = 0.1;

const exactRange = (r: MetricsRecord) => (r.lambdaMax === null || r.lambdaMin === null ? null : r.lambdaMax - r.lambdaMin);

export const CLAIMS: readonly ClaimSpec[] = [
  {
    id: 'narrows-spectrum',
    title: 'Narrows the Hessian spectrum',
    claim: 'HSR narrows the Hessian spectrum.',
    test: 'final exact range λmax − λmin lower than plain training',
    metric: { key: 'range', label: 'λmax − λmin', get: exactRange },
    baseline: 'plain',
    rule: { kind: 'better', better: 'lower', minRelativeEffect: MIN_RELATIVE_EFFECT },
  },
  {
    id: 'lowers-bound',
    title: 'Lowers the bound U',
    claim: 'HSR lowers the Wolkowicz–Styan upper bound U it descends.',
    test: 'final U lower than plain training',
    metric: { key: 'U', label: 'U', get: (r) => r.bounds.lambdaMaxUpper },
    baseline: 'plain',
    rule: { kind: 'better', better: 'lower', minRelativeEffect: MIN_RELATIVE_EFFECT },
  },
  {
    id: 'flatter-lambda-max',
    title: 'Avoids sharp minima (λmax)',
    claim: 'HSR avoids sharp minima.',
    test: 'final exact λmax lower than plain training',
    metric: { key: 'lambdaMax', label: 'λmax', get: (r) => r.lambdaMax },
    baseline: 'plain',
    rule: { kind: 'better', better: 'lower', minRelativeEffect: MIN_RELATIVE_EFFECT },
  },
  {
    id: 'flatter-scale-aware',
    title: 'Avoids sharp minima (scale-aware)',
    claim: 'HSR avoids sharp minima, not merely by growing the weights.',
    test: 'final relative sharpness λmax‖θ‖²/P lower than plain training',
    metric: { key: 'relativeSharpness', label: 'λmax‖θ‖²/P', get: (r) => r.relativeSharpness },
    baseline: 'plain',
    rule: { kind: 'better', better: 'lower', minRelativeEffect: MIN_RELATIVE_EFFECT },
  },
  {
    id: 'fewer-saddles',
    title: 'Avoids saddle points',
    claim: 'HSR avoids saddle points.',
    test: 'fewer negative Hessian eigenvalues at the end than plain training',
    metric: { key: 'negativeEigenvalues', label: '# λ < 0', get: (r) => r.negativeEigenvalues },
    baseline: 'plain',
    rule: { kind: 'better', better: 'lower', minRelativeEffect: MIN_RELATIVE_EFFECT },
  },
  {
    id: 'sam-flatness',
    title: 'As flat as SAM',
    claim: 'HSR reaches flat minima comparably to SAM.',
    test: `final λmax at most ${SAM_FLATNESS_MARGIN * 100}% above SAM's`,
    metric: { key: 'lambdaMax', label: 'λmax', get: (r) => r.lambdaMax },
    baseline: 'sam',
    rule: { kind: 'not-worse', better: 'lower', absoluteMargin: 0, relativeMargin: SAM_FLATNESS_MARGIN },
  },
  {
    id: 'sam-accuracy',
    title: 'As accurate as SAM',
    claim: 'HSR generalises comparably to SAM.',
    test: `test accuracy at most ${ACCURACY_MARGIN * 100} points below SAM's`,
    metric: { key: 'testAccuracy', label: 'test accuracy', get: (r) => r.testAccuracy },
    baseline: 'sam',
    rule: { kind: 'not-worse', better: 'higher', absoluteMargin: ACCURACY_MARGIN, relativeMargin: 0 },
  },
  {
    id: 'no-accuracy-cost',
    title: 'No accuracy cost',
    claim: 'The regulariser costs no accuracy.',
    test: `test accuracy at most ${ACCURACY_MARGIN * 100} points below plain training`,
    metric: { key: 'testAccuracy', label: 'test accuracy', get: (r) => r.testAccuracy },
    baseline: 'plain',
    rule: { kind: 'not-worse', better: 'higher', absoluteMargin: ACCURACY_MARGIN, relativeMargin: 0 },
  },
];

/** The methods whose claims are judged. */
export const HSR_METHODS: readonly TrainingMethod[] = ['hsr-step', 'hsr-penalty'];

export interface ClaimCell extends PairedVerdict {
  readonly dataset: string;
  /** Per-seed final values, seed order (null: missing or diverged). */
  readonly seeds: readonly number[];
  readonly methodValues: readonly (number | null)[];
  readonly baselineValues: readonly (number | null)[];
}

export interface ClaimRow {
  readonly claimId: string;
  readonly title: string;
  readonly claim: string;
  readonly test: string;
  readonly method: TrainingMethod;
  readonly baseline: TrainingMethod;
  readonly metric: string;
  readonly cells: readonly ClaimCell[];
  readonly overall: AggregateVerdict;
  readonly counts: Readonly<Record<Verdict, number>>;
}

/** One verdict across data sets: the common verdict, ignoring 'no data'; 'mixed' if they differ. */
export function aggregateVerdict(verdicts: readonly Verdict[]): AggregateVerdict {
  const informative = verdicts.filter((v) => v !== 'no data');
  if (informative.length === 0) return 'no data';
  return informative.every((v) => v === informative[0]) ? informative[0]! : 'mixed';
}

/** Final values of `method`'s runs on `dataset`, aligned to `seeds` (a diverged run counts as missing). */
function finalValues(dataset: DatasetResult, method: TrainingMethod, seeds: readonly number[], metric: ClaimMetric): (number | null)[] {
  const runs = runsOf(dataset, method);
  return seeds.map((seed) => {
    const run = runs.find((r) => r.seed === seed);
    if (run?.status !== 'completed') return null;
    const rec = finalRecord(run);
    return rec ? metric.get(rec) : null;
  });
}

/** Every claim x HSR method x data set verdict of a results object (pure). */
export function evaluateClaims(results: ReproductionResults, claims: readonly ClaimSpec[] = CLAIMS, methods: readonly TrainingMethod[] = HSR_METHODS): ClaimRow[] {
  const rows: ClaimRow[] = [];
  for (const spec of claims) {
    for (const method of methods) {
      const cells: ClaimCell[] = results.datasets.map((ds) => {
        const seeds = [...new Set(ds.runs.map((r) => r.seed))].sort((a, b) => a - b);
        const methodValues = finalValues(ds, method, seeds, spec.metric);
        const baselineValues = finalValues(ds, spec.baseline, seeds, spec.metric);
        return { dataset: ds.name, seeds, methodValues, baselineValues, ...pairedVerdict(methodValues, baselineValues, spec.rule) };
      });
      const counts: Record<Verdict, number> = { holds: 0, 'does not hold': 0, inconclusive: 0, 'no data': 0 };
      for (const c of cells) counts[c.verdict]++;
      rows.push({
        claimId: spec.id,
        title: spec.title,
        claim: spec.claim,
        test: spec.test,
        method,
        baseline: spec.baseline,
        metric: spec.metric.label,
        cells,
        overall: aggregateVerdict(cells.map((c) => c.verdict)),
        counts,
      });
    }
  }
  return rows;
}
