/**
 * Verdicts on the second paper's claims (arXiv 2606.28662), COMPUTED from the runs by tests
 * of paired differences: nothing in the report's claims table is written by hand.
 *
 * Every claim compares an HSR method with a baseline (plain training or SAM) started from the
 * same initial model on the same split, for each seed (eq:paired-verdict). For seed s let m_s
 * be the HSR run's value and b_s the baseline's. On a positive quantity the comparison is the
 * log-ratio r_s = ln(m_s / b_s) (scale-free, so data sets and seeds whose values differ 6x weigh
 * alike, and a ratio's interval stays positive); on a bounded one (accuracy) the difference
 * r_s = m_s - b_s. The improvement I_s = -r_s when lower is better, r_s when higher is. A claim
 * states a boundary beta:
 *
 *   "better" (HSR lowers lambda_max, ...): beta is the smallest effect worth the name, a 1%
 *     change (beta = -ln 0.99 on the log scale), so a consistent but negligible difference is
 *     not called an effect;
 *   "not worse" (accuracy within 2 points, lambda_max within 10% of SAM's): beta = -margin.
 *
 * and is tested two-sided on d_s = I_s - beta:
 *
 *   per data set (a cell): the paired t-test over the seeds, with a 95% t-interval for mean I;
 *   pooled (a row): the sign-flip permutation test over every (data set, seed) pair, exact up to
 *     2^20 patterns, with the t-interval of the pooled mean for reading;
 *
 * then Holm's correction: over every cell of the table, and separately over the rows. With the
 * adjusted p below alpha = 0.05 the claim HOLDS if mean d > 0 and DOES NOT HOLD if mean d < 0
 * (the data establish the opposite: HSR worse, or better by less than the smallest effect);
 * otherwise it is INCONCLUSIVE. Fewer than 2 paired seeds: inconclusive (no test); none: no data.
 * A knife-edge mean (d about 0) therefore never holds. Companion metrics (the spectral range
 * beside lambda_max, test loss beside accuracy, ...) get the same interval and an uncorrected p,
 * for reading only.
 *
 * Depth: the claims are judged at each depth of network on its own (byDepth), so whether a
 * claim holds beyond the papers' three layers is a verdict of its own, not diluted into theirs.
 *
 * Pure functions, no I/O. Verified by packages/cli/test/report/verdicts.test.ts on synthetic
 * results where a claim holds, fails and is inconclusive, and statistics.test.ts.
 */
import type { Loss, MetricsRecord, TrainingMethod } from '@hsr/numeric';
import { finalRecord, runsOf, seedsOf, type ReproductionResults, type RunResult, type StudyResult } from './results.ts';
import { holmAdjust, pairedTTest, signFlipTest } from './statistics.ts';
import { linearLayers } from './settings.ts';

export type Verdict = 'holds' | 'does not hold' | 'inconclusive' | 'no data';

/** Family-wise error rate of each family of tests (cells; rows). */
export const ALPHA = 0.05;
/** "Better" claims: the smallest relative (log scale) or absolute (linear) change called an effect. */
export const MIN_RELATIVE_EFFECT = 0.01;
/** "No accuracy cost": HSR may trail by at most 2 percentage points of test accuracy. */
export const ACCURACY_MARGIN = 0.02;
/** "Comparable to SAM": HSR's lambda_max may exceed SAM's by at most 10%. */
export const SAM_FLATNESS_MARGIN = 0.1;
/**
 * Log-scale values below this count as this: the negative mass of a spectrum with no
 * eigenvalue below the counting threshold is 0, and 1e-10 is that threshold (numeric's
 * NEGATIVE_EIGENVALUE_RTOL), the level under which a share of the spectrum is round-off.
 */
export const LOG_FLOOR = 1e-10;

export type ComparisonRule =
  | {
      readonly kind: 'better';
      /** Relative on the log scale (0.01 = 1%), absolute on the linear one. */
      readonly minEffect: number;
    }
  | {
      readonly kind: 'not-worse';
      /** Relative on the log scale (0.1 = 10%), absolute on the linear one (0.02 = 2 points). */
      readonly margin: number;
    };

/** The values of one seed: the HSR run's and the baseline's (null: missing, diverged). */
export type PairedValues = readonly [number | null, number | null];

export interface ClaimMetric {
  readonly key: string;
  readonly label: string;
  readonly scale: 'log' | 'linear';
  readonly better: 'lower' | 'higher';
  /** The paired values of one seed in one study. */
  pair(study: StudyResult, method: TrainingMethod, baseline: TrainingMethod, seed: number): PairedValues;
}

export interface ClaimSpec {
  readonly id: string;
  /** What is measured, for the table. */
  readonly title: string;
  /** What the paper claims, in words. */
  readonly claim: string;
  /** How this report tests it. */
  readonly test: string;
  /** Verb phrase for the summary sentence ("lowers λmax at the end"). */
  readonly phrase: string;
  readonly metric: ClaimMetric;
  readonly baseline: TrainingMethod;
  readonly rule: ComparisonRule;
  /** Measured beside the metric on the same pairs (uncorrected, for reading). */
  readonly companions: readonly ClaimMetric[];
}

/** A comparison on one scale: the effect is mean r (HSR relative to the baseline), with its interval. */
export interface Comparison {
  readonly n: number;
  /** mean r_s: ln(HSR / baseline) on the log scale, HSR - baseline on the linear one. */
  readonly effect: number;
  readonly lower: number;
  readonly upper: number;
  /** Two-sided p of the test of mean d = 0 (t per cell, sign flip pooled); NaN below 2 pairs. */
  readonly p: number;
  readonly test: 't' | 'sign-flip (exact)' | 'sign-flip (sampled)' | 'none';
}

export interface CompanionCell extends Comparison {
  readonly key: string;
  readonly label: string;
  readonly scale: 'log' | 'linear';
}

export interface ClaimCell extends Comparison {
  readonly study: string;
  readonly seeds: readonly number[];
  /** Per-seed values, seed order (null: missing or diverged). */
  readonly methodValues: readonly (number | null)[];
  readonly baselineValues: readonly (number | null)[];
  /** d_s = I_s - beta of the paired seeds. */
  readonly differences: readonly number[];
  readonly boundary: number;
  /** Holm over every cell of the table. */
  readonly pAdjusted: number;
  readonly correction: string;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly companions: readonly CompanionCell[];
}

export interface PooledVerdict extends Comparison {
  readonly boundary: number;
  /** Holm over the rows. */
  readonly pAdjusted: number;
  readonly correction: string;
  readonly verdict: Verdict;
  readonly reason: string;
}

export interface ClaimRow {
  readonly claimId: string;
  readonly title: string;
  readonly claim: string;
  readonly test: string;
  readonly phrase: string;
  readonly method: TrainingMethod;
  readonly baseline: TrainingMethod;
  readonly metric: string;
  readonly scale: 'log' | 'linear';
  readonly rule: ComparisonRule;
  readonly cells: readonly ClaimCell[];
  readonly pooled: PooledVerdict;
  readonly counts: Readonly<Record<Verdict, number>>;
}

export interface ClaimsSummary {
  readonly rows: readonly ClaimRow[];
  readonly alpha: number;
  /** Tests in each Holm family. */
  readonly cellTests: number;
  readonly rowTests: number;
  /** One sentence: what the data support, what they contradict, what they cannot tell. */
  readonly sentence: string;
  /**
   * With studies of more than one loss: the same pooled tests over each loss's studies alone
   * (its own Holm family), so the report says whether each claim carries over to that loss.
   */
  readonly byLoss?: readonly LossVerdicts[];
  /**
   * With studies of deeper networks too: the claims over each deeper depth's studies alone
   * (their own Holm families, every cell and row), so the report says per claim whether it holds
   * beyond three layers. The rest of this summary then covers the three-layer studies only.
   */
  readonly byDepth?: readonly DepthVerdicts[];
}

/** The claims over the studies of one deeper depth. */
export interface DepthVerdicts {
  /** Layers as the papers count them (input, hidden layers, output): 4 for two hidden layers. */
  readonly layers: number;
  /** The model-table rows of those studies. */
  readonly models: readonly string[];
  /** "Beyond three layers (4 layers: ...), pooled over ...". */
  readonly sentence: string;
  readonly summary: ClaimsSummary;
}

/** Layers of a study's network as the papers count them: input, each hidden layer, output. */
export function layersOf(study: StudyResult): number {
  return linearLayers(study.study.model) + 1;
}

/** The pooled verdicts over one loss's studies. */
export interface LossVerdicts {
  readonly loss: Loss;
  readonly sentence: string;
  readonly rows: readonly { readonly claimId: string; readonly method: TrainingMethod; readonly pooled: PooledVerdict }[];
}

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const ax = Math.abs(x);
  return ax >= 1e-3 && ax < 1e5 ? Number(x.toPrecision(3)).toString() : x.toExponential(2);
};

/** p for reading: three significant digits, "< 1e-4" below that. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return '–';
  if (p < 1e-4) return '< 1e-4';
  return Number(p.toPrecision(2)).toString();
}

/**
 * An effect in words: "-38% [-45%, -30%]" (log scale: the geometric-mean change) or
 * "+0.2 pt [-0.4, +0.7]" (linear scale: every linear metric here is a fraction, shown in points).
 */
export function formatEffect(c: Pick<Comparison, 'effect' | 'lower' | 'upper' | 'n'>, scale: 'log' | 'linear'): string {
  if (c.n === 0 || !Number.isFinite(c.effect)) return '–';
  const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
  if (scale === 'log') {
    const pct = (x: number) => `${signed(100 * Math.expm1(x), Math.abs(Math.expm1(x)) < 0.1 ? 1 : 0)}%`;
    return Number.isFinite(c.lower) ? `${pct(c.effect)} [${pct(c.lower)}, ${pct(c.upper)}]` : pct(c.effect);
  }
  const pt = (x: number) => signed(100 * x, 1);
  return Number.isFinite(c.lower) ? `${pt(c.effect)} pt [${pt(c.lower)}, ${pt(c.upper)}]` : `${pt(c.effect)} pt`;
}

/** beta of a rule on a metric's scale, in improvement units (I = -r for lower-is-better). */
export function boundaryOf(rule: ComparisonRule, metric: Pick<ClaimMetric, 'scale' | 'better'>): number {
  const lower = metric.better === 'lower';
  if (metric.scale === 'linear') return rule.kind === 'better' ? rule.minEffect : -rule.margin;
  if (rule.kind === 'better') return lower ? -Math.log1p(-rule.minEffect) : Math.log1p(rule.minEffect);
  return lower ? -Math.log1p(rule.margin) : Math.log1p(-rule.margin);
}

/** r_s of one pair on the metric's scale, or null when either value is missing or not finite. */
export function pairedEffect(m: number | null, b: number | null, scale: 'log' | 'linear'): number | null {
  if (m === null || b === null || !Number.isFinite(m) || !Number.isFinite(b)) return null;
  if (scale === 'linear') return m - b;
  if (m < 0 || b < 0) return null;
  return Math.log(Math.max(m, LOG_FLOOR) / Math.max(b, LOG_FLOOR));
}

/**
 * Mean r with its 95% t-interval and the t-test's p of mean(I - beta) = 0 (NaN below 2 pairs).
 * When every d_s is the same (ties of a discrete quantity, e.g. equal accuracies on every seed)
 * the t statistic is infinite and says nothing: the exact sign-flip p (2^{1-n}) is used instead.
 */
function compare(r: readonly number[], sign: number, boundary: number): Comparison & { differences: number[] } {
  const n = r.length;
  const differences = r.map((x) => sign * x - boundary);
  if (n === 0) return { n, effect: NaN, lower: NaN, upper: NaN, p: NaN, test: 'none', differences };
  const effect = r.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { n, effect, lower: NaN, upper: NaN, p: NaN, test: 'none', differences };
  const t = pairedTTest(r);
  const d = pairedTTest(differences);
  if (d.degenerate) return { n, effect, lower: t.lower, upper: t.upper, p: signFlipTest(differences).p, test: 'sign-flip (exact)', differences };
  return { n, effect, lower: t.lower, upper: t.upper, p: d.p, test: 't', differences };
}

/** Verdict from an adjusted p and the sign of mean d. */
function judge(n: number, pAdjusted: number, meanD: number): Verdict {
  if (n === 0) return 'no data';
  if (n < 2 || !(pAdjusted < ALPHA)) return 'inconclusive';
  return meanD > 0 ? 'holds' : 'does not hold';
}

function reasonFor(verdict: Verdict, c: Comparison & { pAdjusted: number }, scale: 'log' | 'linear', rule: ComparisonRule, correction: string): string {
  const what = `effect ${formatEffect(c, scale)} (n = ${c.n}), ${c.test} p = ${formatP(c.p)}, Holm-adjusted p = ${formatP(c.pAdjusted)} over ${correction}`;
  const size = (x: number) => (scale === 'log' ? `${x * 100}%` : `${fmt(100 * x)}-point`);
  const bound = rule.kind === 'better' ? `a ${size(rule.minEffect)} improvement` : `the ${size(rule.margin)} margin`;
  switch (verdict) {
    case 'no data':
      return 'no seed has a value for both runs';
    case 'inconclusive':
      return c.n < 2 ? `fewer than 2 paired seeds: no test; ${what}` : `not distinguishable from ${bound} at alpha = ${ALPHA}: ${what}`;
    case 'holds':
      return `beyond ${bound}: ${what}`;
    case 'does not hold':
      return rule.kind === 'better' ? `short of ${bound} (or worse): ${what}` : `outside ${bound}: ${what}`;
  }
}

const finalOf = (study: StudyResult, method: TrainingMethod, seed: number): RunResult | null => {
  const run = runsOf(study, method).find((r) => r.seed === seed);
  return run?.status === 'completed' ? run : null;
};

/** A metric read from each run's final record. */
function finalMetric(key: string, label: string, scale: 'log' | 'linear', better: 'lower' | 'higher', get: (r: MetricsRecord) => number | null): ClaimMetric {
  const value = (run: RunResult | null) => {
    const rec = run ? finalRecord(run) : null;
    return rec ? get(rec) : null;
  };
  return { key, label, scale, better, pair: (study, method, baseline, seed) => [value(finalOf(study, method, seed)), value(finalOf(study, baseline, seed))] };
}

/** A metric read at the matched-loss checkpoints of the HSR run and plain. */
function matchedMetric(key: string, label: string, scale: 'log' | 'linear', better: 'lower' | 'higher', get: (r: MetricsRecord) => number | null): ClaimMetric {
  return {
    key,
    label,
    scale,
    better,
    pair: (study, method, _baseline, seed) => {
      const m = finalOf(study, method, seed)?.matched;
      return m ? [get(m.method.record), get(m.baseline.record)] : [null, null];
    },
  };
}

/** Epochs to escape the small-norm saddle; a run that does not escape counts as the budget (understating its time). */
const escapeEpochs: ClaimMetric = {
  key: 'escapeEpochs',
  label: 'epochs to escape',
  scale: 'log',
  better: 'lower',
  pair: (study, method, baseline, seed) => {
    const of = (m: TrainingMethod) => {
      const e = study.escape.find((x) => x.method === m && x.seed === seed);
      if (!e || (e.status !== 'completed' && e.escapedAt === null)) return null;
      return Math.max(1, e.escapedAt ?? e.epochs);
    };
    return [of(method), of(baseline)];
  },
};

const curvatureRatio = (r: MetricsRecord) => (r.lambdaMax === null || r.lambdaMin === null || !(r.lambdaMax > 0) ? null : Math.max(0, -r.lambdaMin) / r.lambdaMax);

const lambdaMaxFinal = finalMetric('lambdaMax', 'λmax', 'log', 'lower', (r) => r.lambdaMax);
const testAccuracy = finalMetric('testAccuracy', 'test accuracy', 'linear', 'higher', (r) => r.testAccuracy);
const accuracyCompanions = [finalMetric('testLoss', 'test loss', 'log', 'lower', (r) => r.testLoss), finalMetric('testCalibrationError', 'test ECE', 'linear', 'lower', (r) => r.testCalibrationError)];

export const CLAIMS: readonly ClaimSpec[] = [
  {
    id: 'lambda-max-final',
    title: 'Lower λmax at the end (the range λmax − λmin and U move with it)',
    claim: 'HSR narrows the Hessian spectrum and avoids sharp minima.',
    test: 'final exact λmax vs plain; log-ratio at least 1% lower',
    phrase: 'lowers λmax at the end',
    metric: lambdaMaxFinal,
    baseline: 'plain',
    rule: { kind: 'better', minEffect: MIN_RELATIVE_EFFECT },
    companions: [
      finalMetric('range', 'λmax − λmin', 'log', 'lower', (r) => (r.lambdaMax === null || r.lambdaMin === null ? null : r.lambdaMax - r.lambdaMin)),
      finalMetric('U', 'U', 'log', 'lower', (r) => r.bounds.lambdaMaxUpper),
    ],
  },
  {
    id: 'lambda-max-matched',
    title: 'Lower λmax at matched training loss',
    claim: 'HSR finds flatter minima, not merely lower-loss or larger-weight ones.',
    test: 'exact λmax of both runs at the first epoch each reaches the larger of their final training losses; at least 1% lower',
    phrase: 'lowers λmax at matched training loss',
    metric: matchedMetric('lambdaMaxMatched', 'λmax at matched loss', 'log', 'lower', (r) => r.lambdaMax),
    baseline: 'plain',
    rule: { kind: 'better', minEffect: MIN_RELATIVE_EFFECT },
    companions: [matchedMetric('weightNormMatched', '‖θ‖ at matched loss', 'log', 'lower', (r) => r.weightNorm), finalMetric('weightNorm', '‖θ‖ at the end', 'log', 'lower', (r) => r.weightNorm)],
  },
  {
    id: 'relative-sharpness',
    title: 'Lower λmax·‖θ‖²/P (loss rise per unit of relative perturbation) at the end',
    claim: 'HSR avoids sharp minima, measured per unit of relative weight perturbation.',
    test: 'final λmax‖θ‖²/P vs plain; at least 1% lower (it still falls with over-confidence, docs/guide-sharpness.md)',
    phrase: 'lowers λmax‖θ‖²/P at the end',
    metric: finalMetric('relativeSharpness', 'λmax‖θ‖²/P', 'log', 'lower', (r) => r.relativeSharpness),
    baseline: 'plain',
    rule: { kind: 'better', minEffect: MIN_RELATIVE_EFFECT },
    companions: [finalMetric('saturatedFraction', 'saturated units', 'linear', 'lower', (r) => r.saturatedFraction)],
  },
  {
    id: 'negative-mass',
    title: 'Less negative curvature at matched training loss: Σ_{λ<0}|λ| / Σ|λ|',
    claim: 'HSR avoids saddle points.',
    test: 'negative share of the spectrum at the matched-loss checkpoints vs plain; at least 1% lower',
    phrase: 'leaves less negative curvature at matched loss',
    metric: matchedMetric('negativeMassMatched', 'negative mass at matched loss', 'log', 'lower', (r) => r.negativeMass),
    baseline: 'plain',
    rule: { kind: 'better', minEffect: MIN_RELATIVE_EFFECT },
    companions: [matchedMetric('curvatureRatioMatched', '|λmin|/λmax at matched loss', 'log', 'lower', curvatureRatio), finalMetric('gradientNorm', '‖∇L‖ at the end', 'log', 'lower', (r) => r.gradientNorm)],
  },
  {
    id: 'saddle-escape',
    title: 'Leaves a small-norm saddle sooner: epochs until λmin ≥ −0.1·λmax with ‖∇L‖ ≤ 0.1',
    claim: 'HSR avoids saddle points.',
    test: 'from the initial model scaled by 0.01 (next to the saddle at θ = 0), epochs to an approximate second-order stationary point vs plain; at least 1% fewer',
    phrase: 'escapes a small-norm saddle sooner',
    metric: escapeEpochs,
    baseline: 'plain',
    rule: { kind: 'better', minEffect: MIN_RELATIVE_EFFECT },
    companions: [],
  },
  {
    id: 'sam-flatness',
    title: `λmax at the end within ${SAM_FLATNESS_MARGIN * 100}% of SAM's (SAM's ρ swept like HSR's knobs)`,
    claim: 'HSR reaches flat minima comparably to SAM.',
    test: `final λmax at most ${SAM_FLATNESS_MARGIN * 100}% above SAM's (non-inferiority)`,
    phrase: 'ends as flat as SAM',
    metric: lambdaMaxFinal,
    baseline: 'sam',
    rule: { kind: 'not-worse', margin: SAM_FLATNESS_MARGIN },
    companions: [],
  },
  {
    id: 'sam-accuracy',
    title: `Test accuracy within ${ACCURACY_MARGIN * 100} points of SAM's`,
    claim: 'HSR generalises comparably to SAM.',
    test: `test accuracy at most ${ACCURACY_MARGIN * 100} points below SAM's (non-inferiority)`,
    phrase: 'is as accurate as SAM',
    metric: testAccuracy,
    baseline: 'sam',
    rule: { kind: 'not-worse', margin: ACCURACY_MARGIN },
    companions: accuracyCompanions,
  },
  {
    id: 'no-accuracy-cost',
    title: `Test accuracy within ${ACCURACY_MARGIN * 100} points of plain training's`,
    claim: 'The regulariser costs no accuracy.',
    test: `test accuracy at most ${ACCURACY_MARGIN * 100} points below plain's (non-inferiority); test loss and calibration beside it`,
    phrase: 'costs no accuracy',
    metric: testAccuracy,
    baseline: 'plain',
    rule: { kind: 'not-worse', margin: ACCURACY_MARGIN },
    companions: accuracyCompanions,
  },
];

/** The methods whose claims are judged. */
export const HSR_METHODS: readonly TrainingMethod[] = ['hsr-step', 'hsr-penalty'];

interface Draft {
  spec: ClaimSpec;
  method: TrainingMethod;
  boundary: number;
  sign: number;
  cells: (Omit<ClaimCell, 'pAdjusted' | 'correction' | 'verdict' | 'reason'> & { meanD: number })[];
  pooled: Comparison & { meanD: number };
}

function companionCell(metric: ClaimMetric, study: StudyResult, method: TrainingMethod, baseline: TrainingMethod, seeds: readonly number[]): CompanionCell {
  const r = seeds.map((s) => pairedEffect(...metric.pair(study, method, baseline, s), metric.scale)).filter((x): x is number => x !== null);
  const { differences: _d, ...c } = compare(r, 1, 0);
  return { ...c, key: metric.key, label: metric.label, scale: metric.scale };
}

/**
 * Every claim x HSR method x study verdict of a results object, the Holm corrections, and the
 * summary sentence (pure). Studies of more than one depth: the shallowest (the papers' three
 * layers) make the summary, each deeper depth its own `byDepth` entry.
 */
export function evaluateClaims(results: ReproductionResults, claims: readonly ClaimSpec[] = CLAIMS, methods: readonly TrainingMethod[] = HSR_METHODS): ClaimsSummary {
  const depths = [...new Set(results.studies.map(layersOf))].sort((a, b) => a - b);
  if (depths.length < 2) return evaluateOneDepth(results, claims, methods);
  const at = (layers: number) => ({ ...results, studies: results.studies.filter((s) => layersOf(s) === layers) });
  const byDepth = depths.slice(1).map((layers): DepthVerdicts => {
    const part = at(layers);
    const summary = evaluateOneDepth(part, claims, methods);
    const models = [...new Set(part.studies.map((s) => s.study.model.label))];
    return { layers, models, sentence: `Beyond three layers (${layers} layers: ${models.join('; ')}), ${lowerFirst(summary.sentence)}`, summary };
  });
  return { ...evaluateOneDepth(at(depths[0]!), claims, methods), byDepth };
}

const lowerFirst = (x: string) => x.charAt(0).toLowerCase() + x.slice(1);

function evaluateOneDepth(results: ReproductionResults, claims: readonly ClaimSpec[], methods: readonly TrainingMethod[]): ClaimsSummary {
  const drafts: Draft[] = [];
  for (const spec of claims) {
    for (const method of methods) {
      const boundary = boundaryOf(spec.rule, spec.metric);
      const sign = spec.metric.better === 'lower' ? -1 : 1;
      const pooledR: number[] = [];
      const cells = results.studies.map((study) => {
        const seeds = seedsOf(study);
        const pairs = seeds.map((s) => spec.metric.pair(study, method, spec.baseline, s));
        const r = pairs.map(([m, b]) => pairedEffect(m, b, spec.metric.scale)).filter((x): x is number => x !== null);
        pooledR.push(...r);
        const c = compare(r, sign, boundary);
        return {
          ...c,
          study: study.name,
          seeds,
          methodValues: pairs.map((p) => p[0]),
          baselineValues: pairs.map((p) => p[1]),
          boundary,
          meanD: c.differences.length ? c.differences.reduce((s, x) => s + x, 0) / c.differences.length : NaN,
          companions: spec.companions.map((m) => companionCell(m, study, method, spec.baseline, seeds)),
        };
      });
      const base = compare(pooledR, sign, boundary);
      let pooled: Comparison & { meanD: number } = { ...base, meanD: NaN };
      if (base.n >= 2) {
        const sf = signFlipTest(base.differences);
        pooled = { ...base, p: sf.p, test: sf.exact ? 'sign-flip (exact)' : 'sign-flip (sampled)', meanD: sf.mean };
      }
      drafts.push({ spec, method, boundary, sign, cells, pooled });
    }
  }
  const cellP = holmAdjust(drafts.flatMap((d) => d.cells.map((c) => c.p)));
  const rowP = holmAdjust(drafts.map((d) => d.pooled.p));
  const cellTests = cellP.filter((p) => !Number.isNaN(p)).length;
  const rowTests = rowP.filter((p) => !Number.isNaN(p)).length;
  const cellFamily = `${cellTests} cell tests`;
  const rowFamily = `${rowTests} pooled tests`;
  let k = 0;
  const rows: ClaimRow[] = drafts.map((d, i) => {
    const cells: ClaimCell[] = d.cells.map(({ meanD, ...c }) => {
      const pAdjusted = cellP[k++]!;
      const verdict = judge(c.n, pAdjusted, meanD);
      return { ...c, pAdjusted, correction: `Holm over ${cellFamily}`, verdict, reason: reasonFor(verdict, { ...c, pAdjusted }, d.spec.metric.scale, d.spec.rule, cellFamily) };
    });
    const { meanD, ...pc } = d.pooled;
    const { differences: _d, ...pooledComparison } = pc as typeof pc & { differences?: number[] };
    const pAdjusted = rowP[i]!;
    const verdict = judge(pc.n, pAdjusted, meanD);
    const counts: Record<Verdict, number> = { holds: 0, 'does not hold': 0, inconclusive: 0, 'no data': 0 };
    for (const c of cells) counts[c.verdict]++;
    return {
      claimId: d.spec.id,
      title: d.spec.title,
      claim: d.spec.claim,
      test: d.spec.test,
      phrase: d.spec.phrase,
      method: d.method,
      baseline: d.spec.baseline,
      metric: d.spec.metric.label,
      scale: d.spec.metric.scale,
      rule: d.spec.rule,
      cells,
      pooled: {
        ...pooledComparison,
        boundary: d.boundary,
        pAdjusted,
        correction: `Holm over ${rowFamily}`,
        verdict,
        reason: reasonFor(verdict, { ...pooledComparison, pAdjusted }, d.spec.metric.scale, d.spec.rule, rowFamily),
      },
      counts,
    };
  });
  const losses = [...new Set(results.studies.map((s) => s.study.model.loss))];
  const byLoss =
    losses.length > 1
      ? losses.map((loss) => {
          const one = evaluateOneDepth({ ...results, studies: results.studies.filter((s) => s.study.model.loss === loss) }, claims, methods);
          return { loss, sentence: `${loss}: ${one.sentence}`, rows: one.rows.map((r) => ({ claimId: r.claimId, method: r.method, pooled: r.pooled })) };
        })
      : undefined;
  return { rows, alpha: ALPHA, cellTests, rowTests, sentence: summarySentence(rows, results), ...(byLoss ? { byLoss } : {}) };
}

/** "hsr-step lowers λmax at the end and costs no accuracy, and that hsr-penalty ..." grouped by method. */
function listOf(rows: readonly ClaimRow[], connective: 'that' | 'whether'): string {
  const byMethod = new Map<string, string[]>();
  for (const r of rows) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r.phrase]);
  const join = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
  return [...byMethod.entries()].map(([m, phrases]) => `${m} ${join(phrases)}`).join(`, and ${connective} `);
}

/** One sentence, generated from the pooled verdicts: supported, contradicted, undecided. */
export function summarySentence(rows: readonly ClaimRow[], results: Pick<ReproductionResults, 'studies'>): string {
  const of = (v: Verdict) => rows.filter((r) => r.pooled.verdict === v);
  const parts: string[] = [];
  if (of('holds').length) parts.push(`support that ${listOf(of('holds'), 'that')}`);
  if (of('does not hold').length) parts.push(`contradict that ${listOf(of('does not hold'), 'that')}`);
  if (of('inconclusive').length) parts.push(`cannot tell whether ${listOf(of('inconclusive'), 'whether')}`);
  const seeds = new Set(results.studies.flatMap((s) => s.runs.map((r) => r.seed))).size;
  // Studies are data sets x rows of the model table (one row per loss).
  const losses = [...new Set(results.studies.map((s) => s.study.model.loss))];
  const datasets = results.studies.filter((s) => s.study.model.loss === losses[0]).length;
  const over = `${datasets} data set${datasets === 1 ? '' : 's'}${losses.length > 1 ? ` × ${losses.length} losses (${losses.join(', ')})` : ''}`;
  const head = `Pooled over ${over} × ${seeds} seed${seeds === 1 ? '' : 's'} (Holm over ${rows.filter((r) => !Number.isNaN(r.pooled.p)).length} claims, α = ${ALPHA}), these runs`;
  if (parts.length === 0) return `${head} have no data for any claim.`;
  const body = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')}, and ${parts.at(-1)}`;
  return `${head} ${body}.`;
}
