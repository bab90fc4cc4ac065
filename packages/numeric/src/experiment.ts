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
import { standardizeSplit, trainTestSplit } from './datasets/split.ts';
import type { Activation, Dataset, Model } from './types.ts';

/** The four seeds an experiment needs, all drawn from one. */
export interface ExperimentSeeds {
  /** Generates synthetic data (or picks MNIST digits); unused by fixed data sets. */
  readonly data: number;
  readonly split: number;
  readonly init: number;
  /** Mini-batch shuffles (TrainingConfig.seed). */
  readonly shuffle: number;
}

/**
 * Seeds for data, split, initialisation and shuffles, drawn in that order from createRng(seed)
 * as uniform integers in [0, 2^31). The order is part of the protocol: changing it changes every
 * run of every command (it is the order `hsr reproduce` has always used).
 */
export function deriveSeeds(seed: number): ExperimentSeeds {
  const rng = createRng(seed);
  const draw = () => rng.int(2 ** 31);
  const data = draw();
  const split = draw();
  const init = draw();
  const shuffle = draw();
  return { data, split, init, shuffle };
}

/** How the loaded data become the training and test sets. */
export interface DataProtocol {
  /** Held-out fraction in [0, 1); 0 keeps every sample for training (no test set). */
  readonly testFraction: number;
  /** Standardise features with the training part's mean and sd (also applied to the test part). */
  readonly standardize: boolean;
}

export interface ExperimentData {
  readonly train: Dataset;
  /** null when testFraction is 0. */
  readonly test: Dataset | null;
}

/**
 * The stratified, seeded split (when testFraction > 0), then standardisation fitted on the
 * training part only, so no statistic of the test samples leaks into training or the bounds.
 */
export function experimentData(data: Dataset, protocol: DataProtocol, seeds: Pick<ExperimentSeeds, 'split'>): ExperimentData {
  let train = data;
  let test: Dataset | null = null;
  if (protocol.testFraction > 0) {
    const split = trainTestSplit(data, { testFraction: protocol.testFraction, seed: seeds.split });
    train = split.train;
    test = split.test;
  }
  if (protocol.standardize) {
    if (test) ({ train, test } = standardizeSplit({ train, test }));
    else ({ train } = standardizeSplit({ train, test: train }));
  }
  return { train, test };
}

/** The network an experiment trains. */
export interface NetworkProtocol {
  readonly activation: Activation;
  readonly hidden: number;
  readonly bias: boolean;
}

/** The seeded Glorot-normal initial model for the training data's d and c classes. */
export function initialModel(network: NetworkProtocol, inputDim: number, classes: number, seeds: Pick<ExperimentSeeds, 'init'>): Model {
  return initModel({ activation: network.activation, inputDim, hiddenDim: network.hidden, classes, bias: network.bias, seed: seeds.init });
}
