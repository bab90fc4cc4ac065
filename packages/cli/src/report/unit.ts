/**
 * One study and one seed of the reproduction protocol (settings.ts): ONE split, ONE
 * preprocessing and ONE initial model by numeric's experiment protocol, shared by every method,
 * so the methods differ only in their update rule and their own knob (paired comparisons;
 * verdicts.ts relies on that pairing). In order:
 *
 * 1. the sweep: plain's learning rates, then every other method's knob at plain's chosen rate,
 *    each candidate trained on the validation split's fitting part and scored by its loss on
 *    the validation part (the test part is not touched);
 * 2. the evaluation runs: every method on the whole training part with its chosen values,
 *    metrics on the test part, the loss and ||grad L|| after every epoch, the final spectrum;
 * 3. the matched-loss checkpoints: each method and plain at the first epoch where both have
 *    reached the larger of their two final training losses (from parameters kept per epoch);
 * 4. the escape experiment: every method from the small-norm start until it reaches an
 *    approximate second-order stationary point.
 *
 * A unit depends on nothing but the protocol, the study and the seed, so units can run in any
 * order or on any thread and give the same numbers (experiment.ts schedules them).
 */
import {
  deepDenseHessian,
  deepHessianOperator,
  denseHessian,
  deriveSeeds,
  experimentData,
  extremeEigenvalues,
  initialModel,
  initLayeredModel,
  lanczosExtremes,
  layeredTrainable,
  layeredVariant,
  METRICS_MAX_EXACT_PARAMETERS,
  symmetricEigenvalues,
  trainModelAsync,
  twoLayerTrainable,
  unflattenLayered,
  unflattenParameters,
  type Dataset,
  type ExperimentSeeds,
  type LayeredModel,
  type Model,
  type NamedDataset,
  type TrainableModel,
  type TrainingConfig,
  type TrainingHooks,
  type TrainingMethod,
  type TrainingResult,
  type ValidationData,
  type Variant,
} from '@hsr/numeric';
import { loadDataset, loadMnist, MNIST_DEFAULT_SAMPLES } from '@hsr/io';
import type { Checkpoint, EscapeRun, MatchedLoss, RunResult, SweepCandidate, SweepResult } from './results.ts';
import { escapeOf, REPRODUCE_VARIANT, sweepOf, withKnob, type DatasetEntry, type Hyperparameters, type ModelEntry, type ReproductionProtocol, type Study } from './settings.ts';

/** A trained network of a study: the three-layer Model or, for a hidden-width list, a LayeredModel. */
export type StudyModel = Model | LayeredModel;

/**
 * A study's network from one initialisation, as the unit uses it: what numeric's training loop
 * trains (the two-layer or the layered TrainableModel over the protocol's variant), and the
 * spectra at a parameter vector theta on some data.
 */
export interface UnitNetwork {
  /** The initial model. */
  readonly model0: StudyModel;
  readonly trainable: TrainableModel<StudyModel>;
  /** Every eigenvalue of the block's Hessian at theta, ascending; null above the dense limit. */
  spectrum(theta: Float64Array, data: Dataset): number[] | null;
  /** lambda_max and lambda_min by Lanczos at theta (the escape experiment's test). */
  extremes(theta: Float64Array, data: Dataset): { lambdaMax: number; lambdaMin: number };
}

/**
 * The network of a model entry on d features and c classes from the init seed (scaled by
 * `initScale`, absent: 1): numeric's initialModel for one hidden width, initLayeredModel
 * (Glorot-normal, zero biases) for a list, the block of `variant` either way.
 */
export function unitNetwork(model: ModelEntry, inputDim: number, classes: number, seeds: Pick<ExperimentSeeds, 'init'>, variant: Variant, initScale?: number): UnitNetwork {
  const scale = initScale === undefined ? {} : { initScale };
  if (typeof model.hidden === 'number') {
    const model0 = initialModel({ ...model, hidden: model.hidden, ...scale }, inputDim, classes, seeds);
    return {
      model0,
      trainable: twoLayerTrainable(model0, variant) as TrainableModel<StudyModel>,
      spectrum: (theta, data) =>
        twoLayerTrainable(model0, variant).block.parameters > METRICS_MAX_EXACT_PARAMETERS ? null : Array.from(symmetricEigenvalues(denseHessian(unflattenParameters(model0, theta), data, variant))),
      extremes: (theta, data) => extremeEigenvalues(unflattenParameters(model0, theta), data, variant, { tol: 1e-6 }),
    };
  }
  const layered = initLayeredModel({
    activation: model.activation,
    widths: [inputDim, ...model.hidden, classes],
    bias: model.bias,
    seed: seeds.init,
    ...(initScale === undefined ? {} : { scale: initScale }),
    ...(model.loss === undefined ? {} : { loss: model.loss }),
  });
  const deep = layeredVariant(layered, { variant });
  const trainable = layeredTrainable(layered, deep);
  return {
    model0: layered,
    trainable: trainable as TrainableModel<StudyModel>,
    spectrum: (theta, data) => (trainable.block.parameters > METRICS_MAX_EXACT_PARAMETERS ? null : Array.from(symmetricEigenvalues(deepDenseHessian(unflattenLayered(layered, theta), data, deep)))),
    extremes: (theta, data) => lanczosExtremes(deepHessianOperator(unflattenLayered(layered, theta), data, deep), { tol: 1e-6 }),
  };
}

/** One study and seed: the data and the initial network every method starts from. */
export interface PreparedUnit {
  name: string;
  source: string;
  classes: number;
  train: Dataset;
  test: Dataset;
  validation: ValidationData;
  seeds: ExperimentSeeds;
  network: UnitNetwork;
  /** network.model0. */
  model0: StudyModel;
}

/** The raw data set of an entry, generated or drawn with the data seed. */
export function loadEntry(entry: DatasetEntry, seed: number): NamedDataset {
  if (entry.dataset === 'mnist') return loadMnist({ samples: entry.samples ?? MNIST_DEFAULT_SAMPLES, seed });
  return loadDataset(entry.dataset, { seed });
}

/** One study and seed by the experiment protocol (numeric's experiment.ts), shared by all methods. */
export function prepareUnit(study: Study, seed: number, variant: Variant = REPRODUCE_VARIANT): PreparedUnit {
  const seeds = deriveSeeds(seed);
  const named = loadEntry(study.data, seeds.data);
  const { train, test, validation } = experimentData(
    named.data,
    {
      testFraction: study.data.testFraction,
      standardize: true,
      validationFraction: study.data.validationFraction,
      ...(study.data.pcaComponents === undefined ? {} : { pcaComponents: study.data.pcaComponents }),
    },
    seeds,
  );
  const network = unitNetwork(study.model, train.features, named.classes, seeds, variant);
  // Every protocol's testFraction and validationFraction are in (0, 1), so both parts exist.
  return { name: named.name, source: named.source, classes: named.classes, train, test: test!, validation: validation!, seeds, network, model0: network.model0 };
}

export function stepsPerEpoch(entry: DatasetEntry, trainSamples: number): number {
  return entry.batchSize === null || entry.batchSize >= trainSamples ? 1 : Math.ceil(trainSamples / entry.batchSize);
}

/** The training config of one method with its hyperparameters (settings.ts documents the choices). */
export function trainingConfig(
  protocol: Pick<ReproductionProtocol, 'optimizer' | 'variant'>,
  entry: DatasetEntry,
  method: TrainingMethod,
  hp: Hyperparameters,
  shuffleSeed: number,
  metricsEvery = entry.metricsEvery,
): TrainingConfig {
  return {
    method,
    optimizer: protocol.optimizer.name,
    learningRate: hp.learningRate,
    momentum: protocol.optimizer.momentum,
    rho: method === 'hsr-step' || method === 'sam' ? hp.rho : 0,
    lambda: method === 'hsr-penalty' ? hp.lambda : 0,
    batchSize: entry.batchSize,
    weightDecay: 0,
    epochs: entry.epochs,
    seed: shuffleSeed,
    metricsEvery,
    variant: protocol.variant,
  };
}

/** The first candidate with the lowest validation loss; a diverged candidate never wins unless all did. */
export function chooseCandidate(candidates: readonly SweepCandidate[]): number {
  let best: SweepCandidate | null = null;
  for (const c of candidates) if (c.validationLoss !== null && (best === null || c.validationLoss < best.validationLoss!)) best = c;
  return (best ?? candidates[0]!).value;
}

/** What one unit produced (partial when `aborted`). */
export interface UnitResult {
  readonly sweep: SweepResult[];
  readonly runs: RunResult[];
  readonly escape: EscapeRun[];
  readonly aborted: boolean;
}

/** Everything a unit reports while it runs. */
export interface UnitEvents {
  /** Optimizer steps taken since the last call (every phase counts). */
  steps?(count: number): void;
  runStart?(method: TrainingMethod): void;
  runEnd?(run: RunResult, model: StudyModel): void;
  sweepEnd?(chosen: Readonly<Record<string, Hyperparameters>>): void;
  escapeEnd?(run: EscapeRun): void;
  notice?(message: string): void;
}

/** Optimizer steps a unit plans, for the progress total. */
export function unitSteps(protocol: ReproductionProtocol, study: Study, trainSamples: number, fitSamples: number): number {
  const K = sweepOf(protocol, study)?.budget ?? 0;
  const spe = stepsPerEpoch(study.data, trainSamples);
  return protocol.methods.length * study.data.epochs * (K * stepsPerEpoch(study.data, fitSamples) + spe + (escapeOf(protocol, study) ? spe : 0));
}

class Aborted extends Error {}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Run one study and seed (module comment). Stops between steps when `signal` aborts and returns
 * what finished with `aborted` set. Cost: K sweep runs per method on the fitting part, one
 * evaluation run per method, two metrics records per matched pair, one escape run per method.
 */
export async function runUnit(protocol: ReproductionProtocol, study: Study, seed: number, events: UnitEvents = {}, signal?: AbortSignal): Promise<UnitResult> {
  const u = prepareUnit(study, seed, protocol.variant);
  const sweep = sweepOf(protocol, study);
  const sweeps: SweepResult[] = [];
  const runs: RunResult[] = [];
  const escapes: EscapeRun[] = [];
  // Evaluation runs before their matched-loss step; an abort keeps them without it.
  const kept = new Map<TrainingMethod, Kept>();

  const train = async (net: UnitNetwork, data: Dataset, held: Dataset | null, config: TrainingConfig, extra: TrainingHooks = {}, localSignal?: AbortSignal): Promise<TrainingResult<StudyModel>> => {
    let reported = 0;
    const signals = [signal, localSignal].filter((s): s is AbortSignal => s !== undefined);
    const result = await trainModelAsync(net.trainable, data, held, config, {
      ...extra,
      ...(signals.length ? { signal: signals.length === 1 ? signals[0]! : AbortSignal.any(signals) } : {}),
      onStep: (s) => {
        events.steps?.(s.step - reported);
        reported = s.step;
        extra.onStep?.(s);
      },
    });
    // A run that stops early (diverged, escaped) still counts its planned steps as done.
    events.steps?.(config.epochs * stepsPerEpoch(study.data, data.samples) - reported);
    if (signal?.aborted) throw new Aborted();
    return result;
  };

  try {
    // 1. The sweep.
    const chosen: Record<string, Hyperparameters> = {};
    if (sweep === null) {
      for (const m of protocol.methods) chosen[m] = protocol.defaults[m];
    } else {
      const order = [...protocol.methods].sort((a, b) => (a === 'plain' ? -1 : b === 'plain' ? 1 : 0));
      let learningRate = protocol.defaults.plain.learningRate;
      for (const method of order) {
        const grid = sweep.grids[method];
        const base = { ...protocol.defaults[method], learningRate };
        const candidates: SweepCandidate[] = [];
        for (const value of grid.values) {
          const cfg = trainingConfig(protocol, study.data, method, withKnob(base, grid.knob, value), u.seeds.shuffle, study.data.epochs);
          const r = await train(u.network, u.validation.train, u.validation.validation, cfg, { maxExactParameters: 0 });
          const last = r.records.at(-1);
          const ok = r.status === 'completed' && last !== undefined;
          candidates.push({ value, validationLoss: ok ? last.testLoss : null, validationAccuracy: ok ? last.testAccuracy : null, status: r.status });
        }
        const value = chooseCandidate(candidates);
        const hp = withKnob(base, grid.knob, value);
        if (method === 'plain') learningRate = hp.learningRate;
        chosen[method] = hp;
        sweeps.push({ method, seed, knob: grid.knob, candidates, chosen: value, atEdge: value === grid.values[0] || value === grid.values.at(-1) });
      }
    }
    events.sweepEnd?.(chosen);

    // 2. The evaluation runs, keeping the parameters after every epoch for step 3.
    for (const method of protocol.methods) {
      events.runStart?.(method);
      const hp = chosen[method]!;
      const thetas: Float64Array[] = [];
      const stepAt: number[] = [];
      const trainLoss: number[] = [];
      const gradientNorm: number[] = [];
      const intervals: number[] = [];
      let lastStep = performance.now();
      const t0 = performance.now();
      const result = await train(u.network, u.train, u.test, trainingConfig(protocol, study.data, method, hp, u.seeds.shuffle), {
        onParameters: (s) => {
          thetas.push(s.theta.slice());
          stepAt.push(s.step);
          trainLoss.push(s.trainLoss);
          gradientNorm.push(s.gradientNorm);
        },
        onStep: () => {
          const now = performance.now();
          intervals.push((now - lastStep) / 1000);
          lastStep = now;
        },
        onNotice: (m) => events.notice?.(`${study.id}: ${m}`),
      });
      const run: RunResult = {
        method,
        seed,
        hyperparameters: hp,
        status: result.status,
        message: result.message,
        epochsCompleted: result.epochsCompleted,
        steps: result.steps,
        regulariserSkipped: result.regulariserSkipped,
        seconds: (performance.now() - t0) / 1000,
        // The first interval includes the initial metrics record.
        secondsPerStep: median(intervals.slice(1)),
        records: result.records,
        history: { trainLoss, gradientNorm },
        finalSpectrum: result.status === 'completed' ? u.network.spectrum(result.checkpoint.theta, u.train) : null,
        matched: null,
      };
      kept.set(method, { run, thetas, steps: stepAt });
      events.runEnd?.(run, result.model);
    }

    // 3. Matched training loss, against plain.
    const plain = kept.get('plain');
    for (const method of protocol.methods) {
      const own = kept.get(method)!;
      const matched = method === 'plain' || !plain ? null : matchedLoss(own, plain, u);
      runs.push({ ...own.run, matched });
    }

    // 4. The escape experiment.
    const esc = escapeOf(protocol, study);
    if (esc) {
      const start = unitNetwork(study.model, u.train.features, u.classes, u.seeds, protocol.variant, esc.initScale);
      for (const method of protocol.methods) {
        const local = new AbortController();
        const curvatureRatio: number[] = [];
        const gradients: number[] = [];
        let escapedAt: number | null = null;
        const t0 = performance.now();
        const result = await train(
          start,
          u.train,
          null,
          trainingConfig(protocol, study.data, method, chosen[method]!, u.seeds.shuffle, study.data.epochs),
          {
            maxExactParameters: 0,
            onParameters: (s) => {
              if (escapedAt !== null) return;
              const ex = start.extremes(s.theta, u.train);
              const ratio = ex.lambdaMax > 0 ? ex.lambdaMin / ex.lambdaMax : -1;
              curvatureRatio.push(ratio);
              gradients.push(s.gradientNorm);
              if (ratio >= -esc.curvature && s.gradientNorm <= esc.gradient) {
                escapedAt = s.epoch;
                local.abort();
              }
            },
          },
          local.signal,
        );
        const run: EscapeRun = {
          method,
          seed,
          status: escapedAt !== null ? 'completed' : result.status,
          escapedAt,
          epochs: study.data.epochs,
          curvatureRatio,
          gradientNorm: gradients,
          seconds: (performance.now() - t0) / 1000,
        };
        escapes.push(run);
        events.escapeEnd?.(run);
      }
    }
  } catch (error) {
    if (!(error instanceof Aborted)) throw error;
    if (runs.length === 0) for (const k of kept.values()) runs.push(k.run);
    return { sweep: sweeps, runs, escape: escapes, aborted: true };
  }
  return { sweep: sweeps, runs, escape: escapes, aborted: false };
}

interface Kept {
  run: RunResult;
  thetas: Float64Array[];
  steps: number[];
}

/** The first kept epoch whose training loss is at or below `target` (the run whose final loss is the target reaches it at the latest at its end). */
function firstAtOrBelow(losses: readonly number[], target: number): number {
  const e = losses.findIndex((l) => l <= target);
  return e < 0 ? losses.length - 1 : e;
}

function matchedLoss(own: Kept, plain: Kept, u: PreparedUnit): MatchedLoss | null {
  if (own.run.status !== 'completed' || plain.run.status !== 'completed') return null;
  const a = own.run.history.trainLoss;
  const b = plain.run.history.trainLoss;
  if (a.length === 0 || b.length === 0) return null;
  const targetLoss = Math.max(a.at(-1)!, b.at(-1)!);
  const at = (k: Kept, losses: readonly number[]): Checkpoint => {
    const epoch = firstAtOrBelow(losses, targetLoss);
    return { epoch, record: u.network.trainable.metrics(k.thetas[epoch]!, u.train, u.test, { epoch, step: k.steps[epoch]!, regulariserSkipped: 0 }) };
  };
  return { targetLoss, method: at(own, a), baseline: at(plain, b) };
}
