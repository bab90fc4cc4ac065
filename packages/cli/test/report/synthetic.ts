/**
 * Synthetic results objects for the report tests: hand-chosen final values per method and
 * seed, so a test states what the verdict must be without running any training.
 */
import type { MetricsRecord, TrainingMethod } from '@hsr/numeric';
import type { EscapeRun, ReproductionResults, RunResult, StudyResult, SweepResult } from '../../src/report/results.ts';
import { DEFAULT_HYPERPARAMETERS, ESCAPE, MODELS, OPTIMIZER, QUICK_DATASETS, QUICK_SWEEP, REPRODUCE_METHODS, REPRODUCE_VARIANT } from '../../src/report/settings.ts';

export type FinalValues = Partial<{
  lambdaMax: number | null;
  lambdaMin: number | null;
  U: number;
  lowerBound: number;
  negativeEigenvalues: number | null;
  negativeMass: number | null;
  testAccuracy: number | null;
  testLoss: number;
  weightNorm: number;
  relativeSharpness: number | null;
  /** lambda_max and negative mass at the matched-loss checkpoint (for plain: what its partners are compared with). */
  matchedLambdaMax: number;
  matchedNegativeMass: number;
  /** Escape epoch from the small-norm start; null: never within the budget; absent: 40. */
  escapedAt: number | null;
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
    testLoss: v.testLoss ?? 0.35,
    testAccuracy: v.testAccuracy === undefined ? 0.9 : v.testAccuracy,
    curvatureSamples: 100,
    traceH: 2,
    traceH2: 3,
    parameters: 10,
    bounds: { lambdaMaxUpper: v.U ?? 1.5, lambdaMaxLower: 0.5, lambdaMinUpper: 0, lambdaMinLower: v.lowerBound ?? -1.2, rangeUpper: 3 },
    exactAvailable: lambdaMax !== null,
    spectrumMethod: lambdaMax === null ? null : 'dense',
    lambdaMax,
    lambdaMin,
    lambdaMaxResidual: lambdaMax === null ? null : 0,
    lambdaMinResidual: lambdaMax === null ? null : 0,
    negativeEigenvalues: v.negativeEigenvalues === undefined ? 3 : v.negativeEigenvalues,
    relativeSharpness: v.relativeSharpness === undefined ? (lambdaMax === null ? null : lambdaMax * 0.5) : v.relativeSharpness,
    boundedRelativeSharpness: 0.75,
    weightNorm: v.weightNorm ?? 3,
    regulariserSkipped: 0,
    gradientNorm: 0.01,
    negativeMass: v.negativeMass === undefined ? (lambdaMax === null ? null : 0.01) : v.negativeMass,
    negativeMassError: lambdaMax === null ? null : 0,
    testCalibrationError: 0.05,
    layerNorms: { W: 2, b: 0.5, V: 2, a: 0.3 },
    saturatedFraction: 0.1,
  };
}

const matchedRecord = (v: FinalValues) => syntheticRecord(3, { ...v, lambdaMax: v.matchedLambdaMax ?? v.lambdaMax ?? 1, negativeMass: v.matchedNegativeMass ?? v.negativeMass ?? 0.01 });

/** One run whose initial record is shared and whose final record carries `final`; `plain` gives the matched-loss partner. */
export function syntheticRun(method: TrainingMethod, seed: number, final: FinalValues, status: RunResult['status'] = 'completed', plain: FinalValues | null = null): RunResult {
  return {
    method,
    seed,
    hyperparameters: DEFAULT_HYPERPARAMETERS[method],
    status,
    message: status === 'completed' ? null : `diverged in epoch 2: the batch loss is not finite; keeping the last finite model (step 1)`,
    epochsCompleted: 4,
    steps: 4,
    regulariserSkipped: 0,
    seconds: 0.01,
    secondsPerStep: method === 'plain' ? 0.001 : 0.004,
    records: [syntheticRecord(0), syntheticRecord(2, { ...final, lambdaMax: final.lambdaMax === undefined ? 1.2 : final.lambdaMax }), syntheticRecord(4, final)],
    history: { trainLoss: [1, 0.8, 0.5, 0.35, 0.3], gradientNorm: [0.5, 0.3, 0.1, 0.05, 0.01] },
    finalSpectrum: [-0.1, -0.01, 0, 0, 0.02, 0.3, final.lambdaMax ?? 1],
    matched: method === 'plain' || plain === null ? null : { targetLoss: 0.3, method: { epoch: 3, record: matchedRecord(final) }, baseline: { epoch: 4, record: matchedRecord(plain) } },
  };
}

function syntheticSweep(method: TrainingMethod, seed: number): SweepResult {
  const grid = QUICK_SWEEP.grids[method];
  return {
    method,
    seed,
    knob: grid.knob,
    candidates: grid.values.map((value, k) => ({ value, validationLoss: 0.3 + 0.01 * Math.abs(k - 1), validationAccuracy: 0.9, status: 'completed' as const })),
    chosen: grid.values[1]!,
    atEdge: false,
  };
}

function syntheticEscape(method: TrainingMethod, seed: number, escapedAt: number | null): EscapeRun {
  const epochs = escapedAt ?? 6;
  return {
    method,
    seed,
    status: 'completed',
    escapedAt,
    epochs: 6,
    curvatureRatio: Array.from({ length: epochs + 1 }, (_, e) => -1 + e / (epochs + 1)),
    gradientNorm: Array.from({ length: epochs + 1 }, () => 0.05),
    seconds: 0.01,
  };
}

/** A study whose runs have, per method, the given final values for seeds 1..k. */
export function syntheticDataset(name: string, finals: Partial<Record<TrainingMethod, FinalValues[]>>, diverged: { method: TrainingMethod; seed: number }[] = []): StudyResult {
  const runs: RunResult[] = [];
  const sweep: SweepResult[] = [];
  const escapes: EscapeRun[] = [];
  for (const method of REPRODUCE_METHODS) {
    (finals[method] ?? []).forEach((final, i) => {
      const seed = i + 1;
      const bad = diverged.some((d) => d.method === method && d.seed === seed);
      runs.push(syntheticRun(method, seed, final, bad ? 'diverged' : 'completed', finals.plain?.[i] ?? null));
      sweep.push(syntheticSweep(method, seed));
      escapes.push(syntheticEscape(method, seed, final.escapedAt === undefined ? 40 : final.escapedAt));
    });
  }
  const data = { ...QUICK_DATASETS[0]!, epochs: 4, metricsEvery: 2 };
  return {
    study: { id: name, data, model: MODELS[0]! },
    name,
    source: 'synthetic test results',
    trainSamples: 40,
    testSamples: 10,
    validationSamples: 8,
    features: 2,
    classes: 2,
    parameters: 10,
    sweep,
    runs,
    escape: escapes,
  };
}

export function syntheticResults(studies: StudyResult[]): ReproductionResults {
  const seeds = [...new Set(studies.flatMap((d) => d.runs.map((r) => r.seed)))].sort((a, b) => a - b);
  return {
    schema: 'hsr-reproduce/2',
    protocol: { name: 'custom', seeds, methods: REPRODUCE_METHODS, variant: REPRODUCE_VARIANT, optimizer: OPTIMIZER, sweep: QUICK_SWEEP, defaults: DEFAULT_HYPERPARAMETERS, escape: ESCAPE },
    studies,
    status: 'completed',
    seconds: 1,
    environment: { node: 'v20', platform: 'test', cpus: 2, loadAverage: [0, 0, 0] },
  };
}
