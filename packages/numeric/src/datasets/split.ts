/**
 * Seeded train/test splits and feature standardisation fitted on the training part only
 * (so no statistic of the test samples leaks into training or into the bound).
 */
import { subsetDataset } from '../model.ts';
import { createRng } from '../random.ts';
import type { Dataset } from '../types.ts';

export interface SplitOptions {
  /** Fraction of samples in the test set, in (0, 1) (default 0.2). */
  testFraction?: number;
  /** Keep every class's share equal in both parts (default true). */
  stratify?: boolean;
  seed?: number;
}

export interface TrainTestSplit {
  readonly train: Dataset;
  readonly test: Dataset;
  /** Row indices into the original data, ascending (rows keep their original order). */
  readonly trainIndices: Int32Array;
  readonly testIndices: Int32Array;
}

/**
 * Split N samples into round(N * testFraction) test samples (at least 1, at most N - 1)
 * and the rest. Plain: a seeded permutation's first n_test entries. Stratified: each
 * class k gets n_k * testFraction test samples rounded by the largest-remainder method so
 * the total is still exactly round(N * testFraction); within a class the test samples are
 * a seeded random choice. Cost O(N). Verified by test/datasets/split.test.ts.
 */
export function trainTestSplit(data: Dataset, opts: SplitOptions = {}): TrainTestSplit {
  const { testFraction = 0.2, stratify = true, seed = 0 } = opts;
  const N = data.samples;
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  if (N < 2) throw new RangeError(`cannot split ${N} sample${N === 1 ? '' : 's'} into two non-empty parts`);
  const nTest = Math.min(N - 1, Math.max(1, Math.round(N * testFraction)));
  const rng = createRng(seed);
  const isTest = new Uint8Array(N);
  if (!stratify) {
    const order = rng.permutation(N);
    for (let r = 0; r < nTest; r++) isTest[order[r]!] = 1;
  } else {
    const byClass = new Map<number, number[]>();
    for (let n = 0; n < N; n++) {
      const members = byClass.get(data.y[n]!) ?? [];
      members.push(n);
      byClass.set(data.y[n]!, members);
    }
    const classes = [...byClass.keys()].sort((p, q) => p - q);
    const exact = classes.map((k) => (byClass.get(k)!.length * nTest) / N);
    const quota = exact.map(Math.floor);
    let remaining = nTest - quota.reduce((s, q) => s + q, 0);
    // Largest remainders first; ties go to the smaller class label, so the result is deterministic.
    const byRemainder = classes.map((_, i) => i).sort((i, j) => exact[j]! - quota[j]! - (exact[i]! - quota[i]!) || i - j);
    for (const i of byRemainder) {
      if (remaining === 0) break;
      quota[i]!++;
      remaining--;
    }
    classes.forEach((k, i) => {
      const members = byClass.get(k)!;
      const order = rng.permutation(members.length);
      for (let r = 0; r < quota[i]!; r++) isTest[members[order[r]!]!] = 1;
    });
  }
  const testIndices = new Int32Array(nTest);
  const trainIndices = new Int32Array(N - nTest);
  let t = 0;
  let s = 0;
  for (let n = 0; n < N; n++) {
    if (isTest[n]) testIndices[t++] = n;
    else trainIndices[s++] = n;
  }
  return { train: subsetDataset(data, trainIndices), test: subsetDataset(data, testIndices), trainIndices, testIndices };
}

/** Per-feature shift and scale: x'_j = (x_j - mean_j) / std_j. */
export interface Standardizer {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/**
 * Fit mean_j and the population standard deviation std_j = sqrt(1/N sum_n (x_nj - mean_j)^2)
 * (two passes, for accuracy) of every feature. A constant column (all values equal) gets
 * std 1, so it maps to zeros instead of 0/0. Cost O(N d).
 */
export function fitStandardizer(data: Dataset): Standardizer {
  const { samples: N, features: d, X } = data;
  if (N === 0) throw new RangeError('cannot fit a standardizer to 0 samples');
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let n = 0; n < N; n++) {
      const x = X[n * d + j]!;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const mu = sum / N;
    let sq = 0;
    for (let n = 0; n < N; n++) sq += (X[n * d + j]! - mu) ** 2;
    mean[j] = min === max ? min : mu;
    std[j] = min === max ? 1 : Math.sqrt(sq / N);
  }
  return { mean, std };
}

/** Apply a fitted standardizer (to train or test data alike); labels are shared, not copied. */
export function applyStandardizer(data: Dataset, standardizer: Standardizer): Dataset {
  const { samples: N, features: d, X } = data;
  if (standardizer.mean.length !== d) throw new RangeError(`standardizer has ${standardizer.mean.length} features, data has ${d}`);
  const out = new Float64Array(N * d);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < d; j++) out[n * d + j] = (X[n * d + j]! - standardizer.mean[j]!) / standardizer.std[j]!;
  }
  return { samples: N, features: d, X: out, y: data.y };
}

/** Fit on `train`, apply to both: the usual way to standardise without leaking test statistics. */
export function standardizeSplit(split: Pick<TrainTestSplit, 'train' | 'test'>): { train: Dataset; test: Dataset; standardizer: Standardizer } {
  const standardizer = fitStandardizer(split.train);
  return { train: applyStandardizer(split.train, standardizer), test: applyStandardizer(split.test, standardizer), standardizer };
}
