/**
 * Running the reproduction protocol: for every data set and seed, ONE split, ONE
 * standardisation and ONE initial model, trained by every method, so the methods differ only
 * in their update rule (paired comparisons; verdicts.ts relies on that pairing).
 */
import { cpus } from 'node:os';
import {
  denseHessian,
  deriveSeeds,
  experimentData,
  initialModel,
  METRICS_MAX_EXACT_PARAMETERS,
  parameterCount,
  symmetricEigenvalues,
  trainAsync,
  type Dataset,
  type ExperimentSeeds,
  type Model,
  type TrainingConfig,
  type TrainingMethod,
  type Variant,
} from '@hsr/numeric';
import { loadDataset } from '@hsr/io';
import { RESULTS_SCHEMA, type DatasetResult, type ReproductionResults, type RunResult } from './results.ts';
import { methodHyperparameters, type DatasetProtocol, type ReproductionProtocol } from './settings.ts';

export interface RunStart {
  dataset: string;
  method: TrainingMethod;
  seed: number;
  /** 1-based index of this run and the total number of runs. */
  index: number;
  total: number;
}

export interface ReproductionHooks {
  signal?: AbortSignal;
  onRunStart?(run: RunStart): void;
  /** Called after every optimizer step with the total steps done and planned (for a progress bar). */
  onProgress?(done: number, total: number): void;
  /** `model` is the run's final model (not part of results.json). */
  onRunEnd?(run: RunStart, result: RunResult, model: Model): void;
  onNotice?(message: string): void;
}

interface Prepared {
  name: string;
  source: string;
  classes: number;
  train: Dataset;
  test: Dataset;
  seeds: ExperimentSeeds;
  /** The initial model every method starts from (the pairing verdicts.ts relies on). */
  model0: Model;
}

/** One data set and seed by the experiment protocol (numeric's experiment.ts), shared by all methods. */
function prepare(p: DatasetProtocol, seed: number): Prepared {
  const seeds = deriveSeeds(seed);
  const named = loadDataset(p.dataset, { seed: seeds.data });
  const { train, test } = experimentData(named.data, { testFraction: p.testFraction, standardize: true }, seeds);
  const model0 = initialModel({ activation: p.activation, hidden: p.hidden, bias: true }, train.features, named.classes, seeds);
  // testFraction is in (0, 1) for every protocol, so there is always a test set.
  return { name: named.name, source: named.source, classes: named.classes, train, test: test!, seeds, model0 };
}

function stepsPerEpoch(p: DatasetProtocol, trainSamples: number): number {
  return p.batchSize === null || p.batchSize >= trainSamples ? 1 : Math.ceil(trainSamples / p.batchSize);
}

/** The training config one method gets (settings.ts documents the choices). */
export function trainingConfig(p: DatasetProtocol, method: TrainingMethod, shuffleSeed: number, variant: Variant): TrainingConfig {
  const { rho, lambda } = methodHyperparameters(p, method);
  return {
    method,
    optimizer: p.optimizer,
    learningRate: p.learningRate,
    momentum: p.momentum,
    rho,
    lambda,
    batchSize: p.batchSize,
    weightDecay: 0,
    epochs: p.epochs,
    seed: shuffleSeed,
    metricsEvery: p.metricsEvery,
    variant,
  };
}

/** Every eigenvalue of the final Hessian, ascending, or null above the dense limit. */
function finalSpectrum(model: Model, train: Dataset, variant: Variant, parameters: number): number[] | null {
  if (parameters > METRICS_MAX_EXACT_PARAMETERS) return null;
  return Array.from(symmetricEigenvalues(denseHessian(model, train, variant)));
}

/**
 * Run the protocol. Sequential and deterministic: the numbers depend only on the protocol
 * (timings aside). Stops between steps when `signal` aborts and returns what finished, with
 * status 'aborted'. Cost: the sum of the runs' training costs (train.ts) plus one dense
 * eigen-decomposition per run.
 */
export async function runReproduction(protocol: ReproductionProtocol, hooks: ReproductionHooks = {}): Promise<ReproductionResults> {
  const started = performance.now();
  // Data shapes are needed up front for the step total of the progress display.
  const prepared = protocol.datasets.map((p) => protocol.seeds.map((seed) => prepare(p, seed)));
  const total = protocol.datasets.length * protocol.seeds.length * protocol.methods.length;
  let totalSteps = 0;
  protocol.datasets.forEach((p, i) => {
    for (const data of prepared[i]!) totalSteps += protocol.methods.length * p.epochs * stepsPerEpoch(p, data.train.samples);
  });
  let stepsDone = 0;
  let index = 0;
  let aborted = false;
  const datasets: DatasetResult[] = [];
  for (const [i, p] of protocol.datasets.entries()) {
    const runs: RunResult[] = [];
    let parameters = 0;
    for (const [j, seed] of protocol.seeds.entries()) {
      const data = prepared[i]![j]!;
      const { seeds, model0 } = data;
      for (const method of protocol.methods) {
        if (hooks.signal?.aborted) {
          aborted = true;
          break;
        }
        const info: RunStart = { dataset: p.dataset, method, seed, index: ++index, total };
        hooks.onRunStart?.(info);
        const t0 = performance.now();
        const before = stepsDone;
        const result = await trainAsync(model0, data.train, data.test, trainingConfig(p, method, seeds.shuffle, protocol.variant), {
          ...(hooks.signal ? { signal: hooks.signal } : {}),
          onStep: (s) => {
            stepsDone = before + s.step;
            hooks.onProgress?.(stepsDone, totalSteps);
          },
          onNotice: (m) => hooks.onNotice?.(`${p.dataset}: ${m}`),
        });
        stepsDone = before + p.epochs * stepsPerEpoch(p, data.train.samples);
        const last = result.records.at(-1);
        parameters = last?.parameters ?? parameterCount(model0);
        const run: RunResult = {
          method,
          seed,
          status: result.status,
          message: result.message,
          epochsCompleted: result.epochsCompleted,
          steps: result.steps,
          regulariserSkipped: result.regulariserSkipped,
          seconds: (performance.now() - t0) / 1000,
          records: result.records,
          finalSpectrum: result.status === 'aborted' ? null : finalSpectrum(result.model, data.train, protocol.variant, parameters),
        };
        if (result.status === 'aborted') {
          aborted = true;
          break;
        }
        runs.push(run);
        hooks.onRunEnd?.(info, run, result.model);
      }
      if (aborted) break;
    }
    const data = prepared[i]![0]!;
    if (runs.length > 0) {
      datasets.push({
        protocol: p,
        name: data.name,
        source: data.source,
        trainSamples: data.train.samples,
        testSamples: data.test.samples,
        features: data.train.features,
        classes: data.classes,
        parameters,
        runs,
      });
    }
    if (aborted) break;
  }
  return {
    schema: RESULTS_SCHEMA,
    protocol: { name: protocol.name, seeds: protocol.seeds, methods: protocol.methods, variant: protocol.variant },
    datasets,
    status: aborted ? 'aborted' : 'completed',
    seconds: (performance.now() - started) / 1000,
    environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length },
  };
}
