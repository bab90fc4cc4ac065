/**
 * The results model of `hsr reproduce`: every number the report shows, in one plain JSON
 * value (written verbatim as DIR/results.json), plus the small helpers the verdicts and the
 * plots share.
 */
import type { MetricsRecord, TrainingMethod, TrainingStatus, Variant } from '@hsr/numeric';
import type { EscapeProtocol, Hyperparameters, Knob, OptimizerProtocol, ReproductionProtocol, Study, SweepProtocol } from './settings.ts';

export const RESULTS_SCHEMA = 'hsr-reproduce/2';

/** One point of a sweep: the knob's value and what it gave on the validation part. */
export interface SweepCandidate {
  readonly value: number;
  /** Mean cross-entropy on the validation part after the last epoch; null when the run diverged. */
  readonly validationLoss: number | null;
  readonly validationAccuracy: number | null;
  readonly status: TrainingStatus;
}

/** One method's sweep on one seed. */
export interface SweepResult {
  readonly method: TrainingMethod;
  readonly seed: number;
  readonly knob: Knob;
  readonly candidates: readonly SweepCandidate[];
  /** The value with the lowest validation loss (ties: the smaller value). */
  readonly chosen: number;
  /** The chosen value is the smallest or largest of the grid. */
  readonly atEdge: boolean;
}

/** A run's metrics at the first epoch its training loss reached a target (matched-loss comparisons). */
export interface Checkpoint {
  readonly epoch: number;
  readonly record: MetricsRecord;
}

/**
 * The comparison with plain training at matched training loss: the target is the larger of the
 * two runs' final training losses (plain's final loss when this run gets there, else this run's
 * own), and each run contributes its first epoch at or below it.
 */
export interface MatchedLoss {
  readonly targetLoss: number;
  readonly method: Checkpoint;
  readonly baseline: Checkpoint;
}

/** One training run: one method, one seed, one study, with the chosen hyperparameters. */
export interface RunResult {
  readonly method: TrainingMethod;
  readonly seed: number;
  readonly hyperparameters: Hyperparameters;
  readonly status: TrainingStatus;
  readonly message: string | null;
  readonly epochsCompleted: number;
  readonly steps: number;
  readonly regulariserSkipped: number;
  /** Wall-clock seconds for training and its metrics (not part of any verdict). */
  readonly seconds: number;
  /** Median wall time of one optimizer step, metrics epochs excluded (the cost column). */
  readonly secondsPerStep: number;
  /** Metrics at epoch 0, every metricsEvery epochs and at the end (numeric training/metrics.ts). */
  readonly records: readonly MetricsRecord[];
  /** Full-training-set mean loss and ||grad L|| after every epoch (index = epoch, from 0). */
  readonly history: { readonly trainLoss: readonly number[]; readonly gradientNorm: readonly number[] };
  /** All eigenvalues of the final model's Hessian on the training set, ascending; null above the dense limit. */
  readonly finalSpectrum: readonly number[] | null;
  /** Against plain from the same start; null for plain itself and when either run did not complete. */
  readonly matched: MatchedLoss | null;
}

/** One method's run from the small-norm start (settings.ts EscapeProtocol). */
export interface EscapeRun {
  readonly method: TrainingMethod;
  readonly seed: number;
  readonly status: TrainingStatus;
  /** First epoch at an approximate second-order stationary point; null: not within the budget. */
  readonly escapedAt: number | null;
  /** The epochs allowed. */
  readonly epochs: number;
  /** lambda_min / lambda_max (Lanczos) at every epoch until the escape. */
  readonly curvatureRatio: readonly number[];
  readonly gradientNorm: readonly number[];
  readonly seconds: number;
}

export interface StudyResult {
  readonly study: Study;
  readonly name: string;
  /** Citation or generator call. */
  readonly source: string;
  readonly trainSamples: number;
  readonly testSamples: number;
  readonly validationSamples: number;
  readonly features: number;
  readonly classes: number;
  /** P of the Hessian block the metrics cover. */
  readonly parameters: number;
  readonly sweep: readonly SweepResult[];
  readonly runs: readonly RunResult[];
  readonly escape: readonly EscapeRun[];
}

export interface ReproductionResults {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly protocol: {
    readonly name: ReproductionProtocol['name'];
    readonly seeds: readonly number[];
    readonly methods: readonly TrainingMethod[];
    readonly variant: Variant;
    readonly optimizer: OptimizerProtocol;
    readonly sweep: SweepProtocol | null;
    readonly defaults: Readonly<Record<TrainingMethod, Hyperparameters>>;
    readonly escape: EscapeProtocol | null;
  };
  readonly studies: readonly StudyResult[];
  /** 'aborted' when Ctrl-C stopped the run: the report then covers the runs that finished. */
  readonly status: 'completed' | 'aborted';
  readonly seconds: number;
  readonly environment: { readonly node: string; readonly platform: string; readonly cpus: number; readonly loadAverage: readonly number[] };
}

/** Mean, sample standard deviation (n - 1; 0 for n = 1), min, max and n of the finite values. */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Summary statistics of a sample, ignoring null and non-finite entries (a diverged run's
 * missing values). Two-pass variance for accuracy. n = 0 gives NaN fields.
 */
export function summarise(values: readonly (number | null)[]): Summary {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, sd: NaN, min: NaN, max: NaN };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
}

/** The runs of one method, in seed order. */
export function runsOf(study: StudyResult, method: TrainingMethod): RunResult[] {
  return study.runs.filter((r) => r.method === method).sort((a, b) => a.seed - b.seed);
}

/** A run's last metrics record (the final model's, or the last finite one of a diverged run). */
export function finalRecord(run: RunResult): MetricsRecord | null {
  return run.records.at(-1) ?? null;
}

/** The seeds present in a study, ascending. */
export function seedsOf(study: StudyResult): number[] {
  return [...new Set(study.runs.map((r) => r.seed))].sort((a, b) => a - b);
}
