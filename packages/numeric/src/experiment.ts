/**
 * The experiment protocol: how one integer seed becomes a split, a standardisation, an initial
 * model and a shuffle order. `hsr train` and `hsr reproduce` both run through it (and so may
 * anything else that trains), so `hsr train --seed s --data D --method M` with the protocol's
 * hyperparameters is, bit for bit, the `hsr reproduce` run of D, M and seed s.
 *
 * Loading a data set by name is @hsr/io's job; the caller passes it `seeds.data` (a synthetic
 * set's generator seed, or which MNIST digits are drawn), then hands the loaded data here.
 * Verified by the cli's seed-protocol test (train vs reproduce, final parameters and metrics).
 */
import { initModel } from './model.ts';
import { createRng } from './random.ts';
import { applyPca, fitPca } from './datasets/pca.ts';
import { applyStandardizer, fitStandardizer, trainTestSplit } from './datasets/split.ts';
import { lossFields, type Activation, type Dataset, type Loss, type Model } from './types.ts';

/** The seeds an experiment needs, all drawn from one. */
export interface ExperimentSeeds {
  /** Generates synthetic data (or picks MNIST digits); unused by fixed data sets. */
  readonly data: number;
  readonly split: number;
  readonly init: number;
  /** Mini-batch shuffles (TrainingConfig.seed). */
  readonly shuffle: number;
  /** Carves the validation part out of the training part (DataProtocol.validationFraction). */
  readonly validation: number;
}

/**
 * Seeds for data, split, initialisation, shuffles and the validation split, drawn in that order
 * from createRng(seed) as uniform integers in [0, 2^31). The order is part of the protocol:
 * changing it changes every run of every command (the first four are the order `hsr reproduce`
 * has always used; the validation seed came later and is drawn last, so it changed none of them).
 */
export function deriveSeeds(seed: number): ExperimentSeeds {
  const rng = createRng(seed);
  const draw = () => rng.int(2 ** 31);
  const data = draw();
  const split = draw();
  const init = draw();
  const shuffle = draw();
  const validation = draw();
  return { data, split, init, shuffle, validation };
}

/** How the loaded data become the training and test sets. */
export interface DataProtocol {
  /** Held-out fraction in [0, 1); 0 keeps every sample for training (no test set). */
  readonly testFraction: number;
  /** Standardise features with the training part's mean and sd (also applied to the test part). */
  readonly standardize: boolean;
  /** Project onto this many principal components of the training part first (datasets/pca.ts); absent: no projection. */
  readonly pcaComponents?: number;
  /**
   * Fraction in (0, 1) of the training part held out again as a validation set (stratified,
   * seeded with seeds.validation), for choosing hyperparameters without the test set; absent or
   * 0: none. It changes nothing about `train` and `test`.
   */
  readonly validationFraction?: number;
}

/** A training part split once more: fit on `train`, choose hyperparameters on `validation`. */
export interface ValidationData {
  readonly train: Dataset;
  readonly validation: Dataset;
}

export interface ExperimentData {
  readonly train: Dataset;
  /** null when testFraction is 0. */
  readonly test: Dataset | null;
  /** null unless validationFraction > 0; preprocessed with statistics of its own `train` part. */
  readonly validation: ValidationData | null;
}

/**
 * PCA (if asked) then standardisation (if asked), both fitted on `fit` only and applied to
 * `fit` and to every set in `others`.
 */
function preprocess(fit: Dataset, others: readonly Dataset[], protocol: DataProtocol): Dataset[] {
  let sets = [fit, ...others];
  if (protocol.pcaComponents !== undefined) {
    const pca = fitPca(fit, protocol.pcaComponents);
    sets = sets.map((s) => applyPca(s, pca));
  }
  if (protocol.standardize) {
    const standardizer = fitStandardizer(sets[0]!);
    sets = sets.map((s) => applyStandardizer(s, standardizer));
  }
  return sets;
}

/**
 * The stratified, seeded split (when testFraction > 0), then the preprocessing (PCA,
 * standardisation) fitted on the training part only, so no statistic of the test samples leaks
 * into training or the bounds. With validationFraction, the raw training part is split again
 * (seeds.validation) and that pair preprocessed with statistics of its own fitting part, so
 * the validation samples do not leak into the fit either.
 */
export function experimentData(data: Dataset, protocol: DataProtocol, seeds: Pick<ExperimentSeeds, 'split'> & Partial<Pick<ExperimentSeeds, 'validation'>>): ExperimentData {
  let train = data;
  let test: Dataset | null = null;
  if (protocol.testFraction > 0) {
    const split = trainTestSplit(data, { testFraction: protocol.testFraction, seed: seeds.split });
    train = split.train;
    test = split.test;
  }
  let validation: ValidationData | null = null;
  const vf = protocol.validationFraction ?? 0;
  if (vf > 0) {
    if (!(vf < 1)) throw new RangeError(`validationFraction must be in [0, 1), got ${vf}`);
    if (seeds.validation === undefined) throw new RangeError('a validation split needs seeds.validation');
    const inner = trainTestSplit(train, { testFraction: vf, seed: seeds.validation });
    const [fit, held] = preprocess(inner.train, [inner.test], protocol);
    validation = { train: fit!, validation: held! };
  }
  if (protocol.standardize || protocol.pcaComponents !== undefined) {
    const [t, held] = preprocess(train, test ? [test] : [], protocol);
    train = t!;
    if (test) test = held!;
  }
  return { train, test, validation };
}

/** The network an experiment trains. */
export interface NetworkProtocol {
  readonly activation: Activation;
  readonly hidden: number;
  readonly bias: boolean;
  /** Multiplies the Glorot standard deviations (initModel's `scale`); absent: 1. A small value starts near the saddle at theta = 0. */
  readonly initScale?: number;
  /** The loss the network is trained and measured with (absent: cross-entropy) and label smoothing's eps. */
  readonly loss?: Loss;
  readonly labelSmoothing?: number;
}

/** The seeded Glorot-normal initial model for the training data's d and c classes. */
export function initialModel(network: NetworkProtocol, inputDim: number, classes: number, seeds: Pick<ExperimentSeeds, 'init'>): Model {
  return initModel({
    activation: network.activation,
    inputDim,
    hiddenDim: network.hidden,
    classes,
    bias: network.bias,
    seed: seeds.init,
    ...(network.initScale === undefined ? {} : { scale: network.initScale }),
    ...lossFields(network),
  });
}
