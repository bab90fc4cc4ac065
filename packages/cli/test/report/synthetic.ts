/**
 * Synthetic results objects for the report tests: hand-chosen final values per method and
 * seed, so a test states what the verdict must be without running any training.
 */
import type { MetricsRecord, TrainingMethod } from '@hsr/numeric';
import type { DatasetResult, ReproductionResults, RunResult } from '../../src/report/results.ts';
import { QUICK_DATASETS, REPRODUCE_METHODS, REPRODUCE_VARIANT } from '../../src/report/settings.ts';

export type FinalValues = Partial<{
  lambdaMax: number | null;
  lambdaMin: number | null;
  U: number;
  lowerBound: number;
  negativeEigenvalues: number | null;
  testAccuracy: number | null;
  weightNorm: number;
  relativeSharpness: number | null;
}>;

/** A plausible record; `v` overrides the quantities the claims read. */
export function syntheticRecord(epoch: number, v: FinalValues = {}): MetricsRecord {
  const lambdaMax = v.lambdaMax === undefined ? 1 : v.lambdaMax;
  const lambdaMin = v.lambdaMin === undefined ? -0.1 : v.lambdaMin;
  return {
    epoch,
    step: epoch,
    trainLoss: 0.3,
    trainAccuracy: 0.9,
    testLoss: 0.35,
    testAccuracy: v.testAccuracy === undefined ? 0.9 : v.testAccuracy,
    traceH: 2,
    traceH2: 3,
    parameters: 10,
    bounds: { lambdaMaxUpper: v.U ?? 1.5, lambdaMaxLower: 0.5, lambdaMinUpper: 0, lambdaMinLower: v.lowerBound ?? -1.2, rangeUpper: 3 },
    exactAvailable: lambdaMax !== null,
    lambdaMax,
    lambdaMin,
    negativeEigenvalues: v.negativeEigenvalues === undefined ? 3 : v.negativeEigenvalues,
    relativeSharpness: v.relativeSharpness === undefined ? (lambdaMax === null ? null : lambdaMax * 0.5) : v.relativeSharpness,
    boundedRelativeSharpness: 0.75,
    weightNorm: v.weightNorm ?? 3,
    regulariserSkipped: 0,
    gradientNorm: 0.01,
    negativeMass: lambdaMax === null ? null : 0.01,
    testCalibrationError: 0.05,
    layerNorms: { W: 2, b: 0.5, V: 2, a: 0.3 },
    saturatedFraction: 0.1,
  };
}

/** One run whose initial record is shared and whose final record carries `final`. */
export function syntheticRun(method: TrainingMethod, seed: number, final: FinalValues, status: RunResult['status'] = 'completed'): RunResult {
  return {
    method,
    seed,
    status,
    message: status === 'completed' ? null : `diverged in epoch 2: the batch loss is not finite; keeping the last finite model (step 1)`,
    epochsCompleted: 4,
    steps: 4,
    regulariserSkipped: 0,
    seconds: 0.01,
    records: [syntheticRecord(0), syntheticRecord(2, { ...final, lambdaMax: final.lambdaMax === undefined ? 1.2 : final.lambdaMax }), syntheticRecord(4, final)],
    finalSpectrum: [-0.1, -0.01, 0, 0, 0.02, 0.3, final.lambdaMax ?? 1],
  };
}

/** A data set whose runs have, per method, the given final values for seeds 1..k. */
export function syntheticDataset(name: string, finals: Partial<Record<TrainingMethod, FinalValues[]>>, diverged: { method: TrainingMethod; seed: number }[] = []): DatasetResult {
  const runs: RunResult[] = [];
  for (const method of REPRODUCE_METHODS) {
    (finals[method] ?? []).forEach((final, i) => {
      const seed = i + 1;
      const bad = diverged.some((d) => d.method === method && d.seed === seed);
      runs.push(syntheticRun(method, seed, final, bad ? 'diverged' : 'completed'));
    });
  }
  return {
    protocol: { ...QUICK_DATASETS[0]!, epochs: 4, metricsEvery: 2 },
    name,
    source: 'synthetic test results',
    trainSamples: 40,
    testSamples: 10,
    features: 2,
    classes: 2,
    parameters: 10,
    runs,
  };
}

export function syntheticResults(datasets: DatasetResult[]): ReproductionResults {
  const seeds = [...new Set(datasets.flatMap((d) => d.runs.map((r) => r.seed)))].sort((a, b) => a - b);
  return {
    schema: 'hsr-reproduce/1',
    protocol: { name: 'custom', seeds, methods: REPRODUCE_METHODS, variant: REPRODUCE_VARIANT },
    datasets,
    status: 'completed',
    seconds: 1,
    environment: { node: 'v20', platform: 'test', cpus: 2 },
  };
}
