/**
 * Training a three-layer network with or without Hessian-spectrum regularisation
 * (docs/mathematics.md §6), full batch or mini-batch, deterministic in float64.
 *
 * With g = \nabla L_B(\theta) the gradient of the MEAN cross-entropy on the current batch B,
 * and \mathrm{opt}(d) the chosen optimizer's update along a direction d (optimizers.ts):
 *
 * eq:train-plain        \theta \leftarrow \mathrm{opt}(g)
 * eq:train-hsr-step     \theta \leftarrow \mathrm{opt}(g) - \rho\,\nabla U_B/\|\nabla U_B\|
 *                       (update (A) of docs/mathematics.md §6; with `sgd` exactly
 *                       \theta - \eta g - \rho\nabla U/\|\nabla U\|. The normalised step has fixed
 *                       length rho and bypasses the optimizer's state on purpose: it is a step
 *                       of prescribed length, not a gradient to be rescaled.)
 * eq:train-hsr-penalty  \theta \leftarrow \mathrm{opt}(g + \lambda\nabla U_B)
 *                       (update (B): descend L + lambda U through the optimizer)
 * eq:train-sam          \epsilon = \rho\,g/\|g\|,\quad \theta \leftarrow \mathrm{opt}(\nabla L_B(\theta + \epsilon))
 *                       (SAM, Foret et al. 2021, Eq. 3 with p = 2 and the second-order
 *                       term dropped, as in their Algorithm 1; same batch for both passes)
 *
 * U_B is the Wolkowicz–Styan upper bound on lambda_max of the chosen variant's Hessian on
 * the batch, and \nabla U_B its closed-form gradient (boundGradient.ts) over all parameters.
 * The loss is always the batch mean (so eta means the same at every batch size); the
 * variant's reduction applies to U only.
 *
 * Guards. When \nabla U_B = 0 or U is degenerate (s = 0, no gradient of the R-part), hsr-step
 * and hsr-penalty drop the regulariser for that step and count it (`regulariserSkipped`).
 * When \|g\| = 0, SAM's perturbation is 0 and the step is plain.
 *
 * Divergence. A non-finite batch loss, loss gradient, bound or bound gradient, non-finite
 * parameters after a step, or a non-finite metrics record stops training with a message
 * naming the epoch; the model kept is the last one whose checked quantities were finite
 * (the parameters before the failing step, or before the step that produced them).
 *
 * Mini-batches: each epoch draws one permutation from the seeded RNG and cuts it into
 * consecutive batches of `batchSize` (the last may be smaller); batchSize >= N (or null) is
 * full-batch gradient descent with no shuffling. Same inputs and seed => bit-for-bit the same
 * parameters and records (`train.test.ts`, determinism).
 *
 * Metrics subset: with `metricsSamples` M < N the curvature metrics (T1, T2, bounds, spectrum)
 * are taken on one fixed subset of M training samples, drawn once (a permutation's first M,
 * in index order) from createRng(seed XOR METRICS_SUBSET_SEED_MIX), so every record of a run
 * sees the same samples; losses and accuracies stay on the full sets.
 *
 * Resuming (`hooks.resume`, a TrainingCheckpoint: theta, the optimizer state and the step,
 * epoch and skip counts of a run stopped after any step): the shuffle RNG is advanced past the
 * permutations of the completed epochs, the steps already taken in the current epoch are
 * skipped, and training goes on, so the parameters and the records from there on are bit for
 * bit those of one uninterrupted run (`train.resume.test.ts`). No epoch-0 record is made.
 *
 * Cost per step: O(B(hd + ch)) for L, twice that for SAM, plus
 * O(B^2(h^2 + c^2 + ch) + B(ch^2 + c^2h)) for the bound gradient of the hsr methods.
 *
 * Any depth. The loop sees a network only through a `TrainableModel` (flat theta, the batch
 * loss gradient, the bound gradient, the metrics record): `twoLayerTrainable` is the three-layer
 * network above (parameters.ts, boundGradient.ts, metrics.ts computeMetrics), `layeredTrainable`
 * an MLP of any depth (deep/: deepLossGradient, deepBoundGradient on the block of layers
 * `config.layers`, computeLayeredMetrics). `train` and `trainLayered` are the one loop over each.
 */
import { boundGradient as closedFormBoundGradient, type BoundGradient, type BoundKind } from '../boundGradient.ts';
import { lossGradient } from '../network.ts';
import { flattenParameters, parameterCount, unflattenParameters } from '../parameters.ts';
import { createRng } from '../random.ts';
import { subsetDataset } from '../model.ts';
import { BLOCKS, CURVATURES, REDUCTIONS, type Dataset, type Model, type Variant } from '../types.ts';
import { computeLayeredMetrics, computeMetrics, isFiniteRecord, METRICS_MAX_EXACT_PARAMETERS, type MetricsContext, type MetricsRecord } from './metrics.ts';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerName, type OptimizerState } from './optimizers.ts';
import { blockRange } from '../parameters.ts';
import { deepLossGradient } from '../deep/forward.ts';
import { deepBoundGradient } from '../deep/traceGradient.ts';
import { checkLayerSet, flattenLayered, layeredParameterCount, layersOfBlock, unflattenLayered, type DeepVariant, type LayeredModel } from '../deep/model.ts';

export type TrainingMethod = 'plain' | 'hsr-step' | 'hsr-penalty' | 'sam';
export const TRAINING_METHODS: readonly TrainingMethod[] = ['plain', 'hsr-step', 'hsr-penalty', 'sam'];

export interface TrainingConfig {
  readonly method: TrainingMethod;
  readonly optimizer: OptimizerName;
  /** eta > 0. */
  readonly learningRate: number;
  /** mu in [0, 1), used by `momentum`. */
  readonly momentum: number;
  /** Step length of hsr-step's normalised bound step, and SAM's radius; >= 0. */
  readonly rho: number;
  /** Weight of U in hsr-penalty; >= 0. */
  readonly lambda: number;
  /** Samples per step; null = full batch. */
  readonly batchSize: number | null;
  /** Size of the fixed, seeded subset the curvature metrics use; null (or >= N) = the full training set. */
  readonly metricsSamples?: number | null;
  /** Decoupled weight decay omega >= 0 (optimizers.ts). */
  readonly weightDecay: number;
  /** Epochs >= 1 (passes over the training set). */
  readonly epochs: number;
  /** Seeds the mini-batch shuffles (initialisation and splits are the caller's). */
  readonly seed: number;
  /** Record metrics every k epochs (and after the last, and at epoch 0). */
  readonly metricsEvery: number;
  /** The curvature U is taken of, and that metrics report. */
  readonly variant: Variant;
  /**
   * Layered models only: the block of layers (0-based) U and the metrics cover; absent means
   * the layers of `variant.block` (deep/model.ts layersOfBlock: all, the first, the last).
   */
  readonly layers?: readonly number[];
}

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  method: 'plain',
  optimizer: 'sgd',
  learningRate: 0.1,
  momentum: 0.9,
  rho: 0.05,
  lambda: 0.01,
  batchSize: null,
  weightDecay: 0,
  epochs: 100,
  seed: 0,
  metricsEvery: 10,
  variant: { reduction: 'mean', block: 'all', curvature: 'hessian' },
};

/** An invalid hyperparameter, named; thrown before any work starts. */
export class HyperparameterError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'HyperparameterError';
  }
}

/** Throws HyperparameterError for the first invalid field; returns the config unchanged. */
export function validateTrainingConfig(config: TrainingConfig): TrainingConfig {
  const fail = (field: string, msg: string): never => {
    throw new HyperparameterError(field, msg);
  };
  const oneOf = (field: string, v: unknown, xs: readonly string[]) => {
    if (typeof v !== 'string' || !xs.includes(v)) fail(field, `expected one of ${xs.join(', ')}, got "${String(v)}"`);
  };
  const finite = (field: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `must be a finite number, got ${String(v)}`);
  };
  const integer = (field: string, v: unknown, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(field, `must be an integer, got ${String(v)}`);
    if ((v as number) < min) fail(field, `must be >= ${min}, got ${String(v)}`);
  };
  oneOf('method', config.method, TRAINING_METHODS);
  oneOf('optimizer', config.optimizer, OPTIMIZER_NAMES);
  finite('learningRate', config.learningRate);
  if (!(config.learningRate > 0)) fail('learningRate', `must be > 0, got ${config.learningRate}`);
  finite('momentum', config.momentum);
  if (config.momentum < 0 || config.momentum >= 1) fail('momentum', `must be in [0, 1), got ${config.momentum}`);
  finite('rho', config.rho);
  if (config.rho < 0) fail('rho', `must be >= 0, got ${config.rho}`);
  finite('lambda', config.lambda);
  if (config.lambda < 0) fail('lambda', `must be >= 0, got ${config.lambda}`);
  finite('weightDecay', config.weightDecay);
  if (config.weightDecay < 0) fail('weightDecay', `must be >= 0, got ${config.weightDecay}`);
  if (config.batchSize !== null) integer('batchSize', config.batchSize, 1);
  if (config.metricsSamples !== undefined && config.metricsSamples !== null) integer('metricsSamples', config.metricsSamples, 1);
  integer('epochs', config.epochs, 1);
  integer('seed', config.seed, -(2 ** 31));
  integer('metricsEvery', config.metricsEvery, 1);
  const v = config.variant as Partial<Variant> | undefined;
  if (!v) fail('variant', 'is required');
  oneOf('reduction', v!.reduction, REDUCTIONS);
  oneOf('block', v!.block, BLOCKS);
  oneOf('curvature', v!.curvature, CURVATURES);
  if (config.layers !== undefined) {
    if (!Array.isArray(config.layers) || config.layers.length === 0) fail('layers', 'must be a non-empty list of layer indices');
    for (const l of config.layers) integer('layers', l, 0);
  }
  return config;
}

export type TrainingStatus = 'completed' | 'diverged' | 'aborted';

export interface StepInfo {
  epoch: number;
  /** 1-based index of the step within the epoch. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  /** Total steps taken. */
  step: number;
  /** Batch loss before the step. */
  batchLoss: number;
}

/**
 * The parameters at the end of an epoch with the loss and gradient norm of the MEAN loss on the
 * full training set there. `theta` is training's own buffer: read it during the call, copy it
 * to keep it.
 */
export interface ParameterState {
  /** Epochs completed (0: the initial parameters). */
  epoch: number;
  /** Steps taken. */
  step: number;
  trainLoss: number;
  gradientNorm: number;
  theta: Float64Array;
}

export interface TrainingHooks {
  /** Checked after every step: training stops cleanly after the current step. */
  signal?: AbortSignal;
  onStep?(info: StepInfo): void;
  /**
   * Called at epoch 0 and after every completed epoch (the last one too, unless training stopped
   * early), e.g. to keep checkpoints or a gradient-norm history. Full batch: the loss and
   * gradient are the ones the next step computes anyway (the last one costs one extra
   * gradient); mini-batch: one extra full-set gradient per epoch. Reading never changes the run.
   */
  onParameters?(state: ParameterState): void;
  onMetrics?(record: MetricsRecord): void;
  /** One-time human notices (e.g. the dense spectrum switched off above the P limit). */
  onNotice?(message: string): void;
  /** The bound gradient; the closed form by default. Tests may inject another. */
  boundGradient?(model: Model, data: Dataset, variant: Variant, of: BoundKind): BoundGradient;
  /** Override METRICS_MAX_EXACT_PARAMETERS (metrics.ts). */
  maxExactParameters?: number;
  /** Continue a run from this checkpoint (see the module comment) instead of from `initial`'s parameters. */
  resume?: TrainingCheckpoint;
}

/** Everything a run needs to continue after its last step, bit for bit. */
export interface TrainingCheckpoint {
  theta: Float64Array;
  optimizer: OptimizerState;
  /** Steps taken in all. */
  steps: number;
  /** Epochs fully completed (the current one may be part done: steps - epochsCompleted * steps per epoch). */
  epochsCompleted: number;
  regulariserSkipped: number;
}

/**
 * Wall-clock time of the steps (never part of a record): `stepSeconds` in all, and
 * `plainSeconds` of it in the loss gradient and the optimizer update, i.e. what a plain step
 * does; stepSeconds / plainSeconds is the step-time ratio of the method over plain.
 */
export interface StepTiming {
  steps: number;
  stepSeconds: number;
  plainSeconds: number;
}

export interface TrainingResult<M = Model> {
  /** The final model (the last finite one if the run diverged). */
  model: M;
  records: MetricsRecord[];
  status: TrainingStatus;
  /** Why training stopped early (null when completed). */
  message: string | null;
  /** Epochs fully completed. */
  epochsCompleted: number;
  steps: number;
  regulariserSkipped: number;
  /** Where to continue from (meaningful unless the run diverged). */
  checkpoint: TrainingCheckpoint;
  timing: StepTiming;
}

/** Mixed into the seed of the metrics subset so it is not the first epoch's shuffle. */
export const METRICS_SUBSET_SEED_MIX = 0x6d657472;

/** The indices (ascending) of the metrics subset of M out of N samples; null when M is null or >= N. */
export function metricsSubsetIndices(N: number, M: number | null | undefined, seed: number): Int32Array | null {
  if (M === null || M === undefined || M >= N) return null;
  return createRng(seed ^ METRICS_SUBSET_SEED_MIX)
    .permutation(N)
    .subarray(0, M)
    .sort();
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

function norm2(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

/** The bound hsr-step and hsr-penalty regularise. */
export const REGULARISED_BOUND: BoundKind = 'upper';

/**
 * What the training loop needs of a network M, over its flat parameters theta: nothing else
 * of the network reaches the loop, so one loop trains every depth.
 */
export interface TrainableModel<M> {
  /** P of all of theta. */
  readonly parameters: number;
  /** The initial theta (a fresh copy). */
  initialTheta(): Float64Array;
  /** The network at theta (theta is copied). */
  model(theta: Float64Array): M;
  /** The MEAN loss on `batch` and its gradient in all of theta. */
  lossGradient(theta: Float64Array, batch: Dataset): { loss: number; gradient: Float64Array };
  /** The regularised bound (REGULARISED_BOUND) of the variant's block on `batch`, with its gradient in all of theta. */
  boundGradient(theta: Float64Array, batch: Dataset): BoundGradient;
  /** One metrics record at theta (metrics.ts). */
  metrics(theta: Float64Array, train: Dataset, test: Dataset | null, ctx: MetricsContext): MetricsRecord;
  /** The block U and the curvature metrics cover: its P and its name in notices. */
  readonly block: { readonly parameters: number; readonly name: string };
}

/** The three-layer network as a TrainableModel (parameters.ts order; `gradU` defaults to the closed form). */
export function twoLayerTrainable(initial: Model, variant: Variant, gradU: NonNullable<TrainingHooks['boundGradient']> = closedFormBoundGradient): TrainableModel<Model> {
  const { start, end } = blockRange(initial, variant.block);
  const at = (theta: Float64Array) => unflattenParameters(initial, theta);
  return {
    parameters: parameterCount(initial),
    initialTheta: () => flattenParameters(initial),
    model: at,
    lossGradient: (theta, batch) => lossGradient(at(theta), batch, 'mean'),
    boundGradient: (theta, batch) => gradU(at(theta), batch, variant, REGULARISED_BOUND),
    metrics: (theta, train, test, ctx) => computeMetrics(at(theta), train, test, variant, ctx),
    block: { parameters: end - start, name: `the ${variant.block} block` },
  };
}

/** The deep variant of a layered run: the config's variant over `config.layers` (or the layers of its block). */
export function layeredVariant(model: LayeredModel, config: Pick<TrainingConfig, 'variant' | 'layers'>): DeepVariant {
  let layers: number[];
  try {
    layers = checkLayerSet(model, config.layers ?? layersOfBlock(model, config.variant.block));
  } catch (error) {
    if (error instanceof RangeError) throw new HyperparameterError('layers', error.message);
    throw error;
  }
  return { reduction: config.variant.reduction, curvature: config.variant.curvature, layers };
}

/** An MLP of any depth as a TrainableModel (deep/model.ts theta order), its block the layers of `variant`. */
export function layeredTrainable(initial: LayeredModel, variant: DeepVariant): TrainableModel<LayeredModel> {
  const at = (theta: Float64Array) => unflattenLayered(initial, theta);
  const oneBased = variant.layers.map((l) => l + 1).join(',');
  return {
    parameters: layeredParameterCount(initial),
    initialTheta: () => flattenLayered(initial),
    model: at,
    lossGradient: (theta, batch) => deepLossGradient(at(theta), batch, 'mean'),
    boundGradient: (theta, batch) => deepBoundGradient(at(theta), batch, variant, REGULARISED_BOUND),
    metrics: (theta, train, test, ctx) => computeLayeredMetrics(at(theta), train, test, variant, ctx),
    block: { parameters: layeredParameterCount(initial, variant.layers), name: `the block of layers ${oneBased}` },
  };
}

/**
 * Train `initial` on `train` (metrics also on `test`, if given) with the method of
 * eq:train-plain .. eq:train-sam. Validates the config first (HyperparameterError).
 * Records metrics at epoch 0, every `metricsEvery` epochs and at the end (also on an early
 * stop, for the model kept).
 */
export function train(initial: Model, trainData: Dataset, testData: Dataset | null, config: TrainingConfig, hooks: TrainingHooks = {}): TrainingResult {
  validateTrainingConfig(config);
  return trainModel(twoLayerTrainable(initial, config.variant, hooks.boundGradient), trainData, testData, config, hooks);
}

/**
 * `train`, yielding to the event loop between steps (at most every `yieldMs` milliseconds) so
 * that a SIGINT handler or a timer can set the abort signal while training runs.
 * Same results as `train`, bit for bit: the schedule of yields does not touch the numbers.
 */
export function trainAsync(initial: Model, trainData: Dataset, testData: Dataset | null, config: TrainingConfig, hooks: TrainingHooks = {}, yieldMs = 20): Promise<TrainingResult> {
  validateTrainingConfig(config);
  return trainModelAsync(twoLayerTrainable(initial, config.variant, hooks.boundGradient), trainData, testData, config, hooks, yieldMs);
}

/** `train` for a layered model of any depth, U and the metrics over the block `config.layers` (layeredVariant). */
export function trainLayered(initial: LayeredModel, trainData: Dataset, testData: Dataset | null, config: TrainingConfig, hooks: TrainingHooks = {}): TrainingResult<LayeredModel> {
  validateTrainingConfig(config);
  return trainModel(layeredTrainable(initial, layeredVariant(initial, config)), trainData, testData, config, hooks);
}

/** `trainAsync` for a layered model (trainLayered, yielding between steps). */
export function trainLayeredAsync(initial: LayeredModel, trainData: Dataset, testData: Dataset | null, config: TrainingConfig, hooks: TrainingHooks = {}, yieldMs = 20): Promise<TrainingResult<LayeredModel>> {
  validateTrainingConfig(config);
  return trainModelAsync(layeredTrainable(initial, layeredVariant(initial, config)), trainData, testData, config, hooks, yieldMs);
}

/** The loop over any TrainableModel (validates the config; `hooks.boundGradient` is the trainable's business). */
export function trainModel<M>(trainable: TrainableModel<M>, trainData: Dataset, testData: Dataset | null, config: TrainingConfig, hooks: TrainingHooks = {}): TrainingResult<M> {
  const run = trainingRun(trainable, trainData, testData, validateTrainingConfig(config), hooks);
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
  }
}

/** trainModel, yielding to the event loop between steps (see trainAsync). */
export async function trainModelAsync<M>(trainable: TrainableModel<M>, trainData: Dataset, testData: Dataset | null, config: TrainingConfig, hooks: TrainingHooks = {}, yieldMs = 20): Promise<TrainingResult<M>> {
  const run = trainingRun(trainable, trainData, testData, validateTrainingConfig(config), hooks);
  let last = performance.now();
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
    if (performance.now() - last >= yieldMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
}

/** The training loop as a generator that yields after every step (config already validated). */
function* trainingRun<M>(net: TrainableModel<M>, trainData: Dataset, testData: Dataset | null, config: TrainingConfig, hooks: TrainingHooks): Generator<void, TrainingResult<M>, void> {
  if (trainData.samples < 1) throw new HyperparameterError('data', 'the training set is empty');
  const P = net.parameters;
  const resume = hooks.resume;
  if (resume && resume.theta.length !== P) throw new HyperparameterError('resume', `the checkpoint has ${resume.theta.length} parameters, the model ${P}`);
  const theta = resume ? Float64Array.from(resume.theta) : net.initialTheta();
  const previous = theta.slice();
  const optimizerOptions = { name: config.optimizer, learningRate: config.learningRate, momentum: config.momentum, weightDecay: config.weightDecay };
  let optimizer: ReturnType<typeof createOptimizer>;
  try {
    optimizer = createOptimizer(optimizerOptions, P, resume?.optimizer);
  } catch (error) {
    if (error instanceof RangeError) throw new HyperparameterError('resume', error.message);
    throw error;
  }
  const rng = createRng(config.seed);
  const N = trainData.samples;
  const fullBatch = config.batchSize === null || config.batchSize >= N;
  const B = fullBatch ? N : config.batchSize!;
  const stepsPerEpoch = Math.ceil(N / B);
  const records: MetricsRecord[] = [];
  const maxExact = hooks.maxExactParameters ?? METRICS_MAX_EXACT_PARAMETERS;
  const subset = metricsSubsetIndices(N, config.metricsSamples, config.seed);
  const curvatureData = subset ? subsetDataset(trainData, subset) : trainData;
  let steps = resume?.steps ?? 0;
  let skipped = resume?.regulariserSkipped ?? 0;
  let status: TrainingStatus = 'completed';
  let message: string | null = null;
  let epochsCompleted = resume?.epochsCompleted ?? 0;
  const startEpoch = epochsCompleted + 1;
  const skipInFirst = steps - epochsCompleted * stepsPerEpoch;
  if (resume && !(Number.isInteger(skipInFirst) && skipInFirst >= 0 && skipInFirst <= stepsPerEpoch))
    throw new HyperparameterError('resume', `${steps} steps do not fit ${epochsCompleted} completed epochs of ${stepsPerEpoch} steps`);
  // The shuffles of the completed epochs, drawn and dropped, so epoch startEpoch gets its own.
  if (!fullBatch) for (let e = 1; e < startEpoch; e++) rng.permutation(N);
  const timing: StepTiming = { steps: 0, stepSeconds: 0, plainSeconds: 0 };

  const record = (epoch: number): MetricsRecord => {
    const r = net.metrics(theta, trainData, testData, {
      epoch,
      step: steps,
      regulariserSkipped: skipped,
      maxExactParameters: maxExact,
      curvatureData,
      spectrumSeed: config.seed,
    });
    return r;
  };
  const emit = (r: MetricsRecord) => {
    records.push(r);
    hooks.onMetrics?.(r);
  };

  const where = subset ? `a fixed subset of ${curvatureData.samples} of the ${N} training samples` : `the ${N} training samples`;
  if (net.block.parameters > maxExact) {
    hooks.onNotice?.(
      `${net.block.name} has P = ${net.block.parameters} > ${maxExact} parameters: metrics take lambda_max and lambda_min by Lanczos on Hessian-vector products (with residual bounds) and the negative mass by stochastic Lanczos quadrature (with a standard error), on ${where}`,
    );
  } else if (subset) hooks.onNotice?.(`curvature metrics on ${where}`);
  if (!resume) {
    const first = record(0);
    if (!isFiniteRecord(first)) throw new HyperparameterError('model', 'the initial model has a non-finite loss or bound');
    emit(first);
  }

  // undo = 'counted': go back over the last counted step; 'uncounted': undo the step just
  // applied (not yet counted); 'none': theta is still the last checked one.
  const diverge = (epoch: number, what: string, undo: 'counted' | 'uncounted' | 'none') => {
    if (undo !== 'none') theta.set(previous);
    if (undo === 'counted') steps--;
    status = 'diverged';
    message = `diverged in epoch ${epoch}: ${what} is not finite; keeping the last finite model (step ${steps})`;
  };

  const observe = (epoch: number, lg: { loss: number; gradient: Float64Array } | null) => {
    if (!hooks.onParameters) return;
    const full = lg ?? net.lossGradient(theta, trainData);
    hooks.onParameters({ epoch, step: steps, trainLoss: full.loss, gradientNorm: norm2(full.gradient), theta });
  };

  let currentEpoch = 0;
  outer: for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
    currentEpoch = epoch;
    const order = fullBatch ? null : rng.permutation(N);
    for (let s = epoch === startEpoch ? skipInFirst : 0; s < stepsPerEpoch; s++) {
      const batch = order ? subsetDataset(trainData, order.subarray(s * B, Math.min((s + 1) * B, N))) : trainData;
      const t0 = performance.now();
      const lg = net.lossGradient(theta, batch);
      let plainTime = performance.now() - t0;
      if (!Number.isFinite(lg.loss) || !allFinite(lg.gradient)) {
        // theta itself came out of the last step unchecked on this batch: go back one step.
        diverge(epoch, 'the batch loss', steps > 0 ? 'counted' : 'none');
        break outer;
      }
      // The state after epoch - 1; full batch: this step's loss and gradient are the full set's.
      if (s === 0) observe(epoch - 1, fullBatch ? lg : null);
      let direction = lg.gradient;
      let boundStep: Float64Array | null = null;
      if (config.method === 'sam') {
        const gn = norm2(lg.gradient);
        if (gn > 0) {
          const perturbed = theta.slice();
          for (let i = 0; i < P; i++) perturbed[i]! += (config.rho * lg.gradient[i]!) / gn;
          const g2 = net.lossGradient(perturbed, batch).gradient;
          if (!allFinite(g2)) {
            diverge(epoch, 'the SAM perturbed gradient', 'none');
            break outer;
          }
          direction = g2;
        }
      } else if (config.method === 'hsr-step' || config.method === 'hsr-penalty') {
        const bg = net.boundGradient(theta, batch);
        if (!Number.isFinite(bg.value) || !allFinite(bg.gradient)) {
          diverge(epoch, 'the bound U on the batch', 'none');
          break outer;
        }
        const un = norm2(bg.gradient);
        if (bg.degenerate || !(un > 0)) {
          skipped++;
        } else if (config.method === 'hsr-penalty') {
          direction = new Float64Array(P);
          for (let i = 0; i < P; i++) direction[i] = lg.gradient[i]! + config.lambda * bg.gradient[i]!;
        } else {
          boundStep = new Float64Array(P);
          for (let i = 0; i < P; i++) boundStep[i] = (config.rho * bg.gradient[i]!) / un;
        }
      }
      previous.set(theta);
      const t1 = performance.now();
      optimizer.step(theta, direction);
      plainTime += performance.now() - t1;
      if (boundStep) for (let i = 0; i < P; i++) theta[i]! -= boundStep[i]!;
      if (!allFinite(theta)) {
        diverge(epoch, 'a parameter after the step', 'uncounted');
        break outer;
      }
      steps++;
      timing.steps++;
      timing.stepSeconds += (performance.now() - t0) / 1000;
      timing.plainSeconds += plainTime / 1000;
      hooks.onStep?.({ epoch, stepInEpoch: s + 1, stepsPerEpoch, step: steps, batchLoss: lg.loss });
      if (hooks.signal?.aborted) {
        status = 'aborted';
        message = `stopped by request in epoch ${epoch} after step ${steps}`;
        break outer;
      }
      yield;
    }
    epochsCompleted = epoch;
    if (epoch % config.metricsEvery === 0 || epoch === config.epochs) {
      const r = record(epoch);
      if (!isFiniteRecord(r)) {
        diverge(epoch, 'the training loss or bound on the full training set', 'counted');
        break;
      }
      emit(r);
    }
  }
  if (status !== 'completed') {
    // The kept model gets its own record, labelled with the epoch in progress.
    const r = record(currentEpoch);
    if (isFiniteRecord(r)) emit(r);
  } else observe(epochsCompleted, null);
  const checkpoint: TrainingCheckpoint = { theta: theta.slice(), optimizer: optimizer.state(), steps, epochsCompleted, regulariserSkipped: skipped };
  return { model: net.model(theta), records, status, message, epochsCompleted, steps, regulariserSkipped: skipped, checkpoint, timing };
}
