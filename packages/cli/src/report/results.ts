/**
 * The results model of `hsr reproduce`: every number the report shows, in one plain JSON
 * value (written verbatim as DIR/results.json), plus the small statistics both the verdicts
 * and the plots use.
 */
import type { MetricsRecord, TrainingMethod, TrainingStatus, Variant } from '@hsr/numeric';
import type { DatasetProtocol } from './settings.ts';

export const RESULTS_SCHEMA = 'hsr-reproduce/1';

/** One training run: one method, one seed, one data set. */
export interface RunResult {
  readonly method: TrainingMethod;
  readonly seed: number;
  readonly status: TrainingStatus;
  readonly message: string | null;
  readonly epochsCompleted: number;
  readonly steps: number;
  readonly regulariserSkipped: number;
  /** Wall-clock seconds for training and its metrics (not part of any verdict). */
  readonly seconds: number;
  /** Metrics at epoch 0, every metricsEvery epochs and at the end (packages/numeric training/metrics.ts). */
  readonly records: readonly MetricsRecord[];
  /** All eigenvalues of the final model's Hessian on the training set, ascending; null above the dense limit. */
  readonly finalSpectrum: readonly number[] | null;
}

export interface DatasetResult {
  readonly protocol: DatasetProtocol;
  readonly name: string;
  /** Citation or generator call. */
  readonly source: string;
  readonly trainSamples: number;
  readonly testSamples: number;
  readonly features: number;
  readonly classes: number;
  /** P of the Hessian block the metrics cover. */
  readonly parameters: number;
  readonly runs: readonly RunResult[];
}

export interface ReproductionResults {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly protocol: {
    readonly name: 'quick' | 'full' | 'custom';
    readonly seeds: readonly number[];
    readonly methods: readonly TrainingMethod[];
    readonly variant: Variant;
  };
  readonly datasets: readonly DatasetResult[];
  /** 'aborted' when Ctrl-C stopped the run: the report then covers the runs that finished. */
  readonly status: 'completed' | 'aborted';
  readonly seconds: number;
  readonly environment: { readonly node: string; readonly platform: string; readonly cpus: number };
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
export function runsOf(dataset: DatasetResult, method: TrainingMethod): RunResult[] {
  return dataset.runs.filter((r) => r.method === method).sort((a, b) => a.seed - b.seed);
}

/** A run's last metrics record (the final model's, or the last finite one of a diverged run). */
export function finalRecord(run: RunResult): MetricsRecord | null {
  return run.records.at(-1) ?? null;
}
