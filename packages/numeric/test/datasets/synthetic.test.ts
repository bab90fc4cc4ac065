import { ATOL_FLOOR, RTOL_SAME_FORMULA } from '@hsr/testkit';
import { describe, expect, test } from 'vitest';
import type { NamedDataset } from '../../src/datasets/namedDataset.ts';
import { cosineInputs, gaussianBlobs, meanPairwiseCosine, twoMoons, xorData } from '../../src/datasets/synthetic.ts';
import type { Dataset } from '../../src/types.ts';

/**
 * The generator's documented accuracy beyond the exact regime: the mean pairwise cosine is
 * rho + (1 - rho) * (mean of N(N-1)/2 uncorrelated e_n.e_m, each of variance 1/m), so one
 * standard deviation is (1 - rho) sqrt(2 / (N (N-1) m)). Five of them: a false alarm about
 * once in 1.7 million runs.
 */
const COSINE_MEAN_SIGMAS = 5;

const bytes = (data: Dataset) => Buffer.concat([Buffer.from(data.X.buffer, data.X.byteOffset, data.X.byteLength), Buffer.from(data.y.buffer, data.y.byteOffset, data.y.byteLength)]);

function expectWellFormed(named: NamedDataset, samples: number, features: number, classes: number) {
  const { data } = named;
  expect([data.samples, data.features, named.classes]).toEqual([samples, features, classes]);
  expect(data.X.length).toBe(samples * features);
  expect(data.y.length).toBe(samples);
  expect(named.featureNames).toHaveLength(features);
  expect(named.classNames).toHaveLength(classes);
  expect(data.X.every(Number.isFinite)).toBe(true);
  const counts = new Array<number>(classes).fill(0);
  for (const label of data.y) {
    expect(label >= 0 && label < classes).toBe(true);
    counts[label]!++;
  }
  // Round-robin labels: balanced to within one sample.
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
}

const generators: [string, (seed: number) => NamedDataset, number, number, number][] = [
  ['blobs', (seed) => gaussianBlobs({ samples: 90, classes: 4, features: 3, seed }), 90, 3, 4],
  ['moons', (seed) => twoMoons({ samples: 101, seed }), 101, 2, 2],
  ['xor', (seed) => xorData({ samples: 64, seed }), 64, 2, 2],
  ['cosine', (seed) => cosineInputs({ samples: 20, features: 8, cosine: 0.3, classes: 3, seed }), 20, 8, 3],
];

describe.each(generators)('%s', (_name, generate, samples, features, classes) => {
  test('shape, label range, balance', () => expectWellFormed(generate(7), samples, features, classes));
  test('same seed gives the same bytes; another seed different ones', () => {
    expect(bytes(generate(7).data).equals(bytes(generate(7).data))).toBe(true);
    expect(bytes(generate(7).data).equals(bytes(generate(8).data))).toBe(false);
  });
  test('the source names the generator and its seed', () => expect(generate(7).source).toMatch(/"seed":7/));
});

describe('geometry of the generators', () => {
  test('noise-free moons lie on their two unit half circles', () => {
    const { data } = twoMoons({ samples: 50, noise: 0, seed: 3 });
    const residuals: number[] = [];
    for (let n = 0; n < data.samples; n++) {
      const [u, v] = [data.X[2 * n]!, data.X[2 * n + 1]!];
      // Class 0: centre (0, 0), upper half; class 1: centre (1, 0.5), lower half.
      const [cu, cv, side] = data.y[n] === 0 ? [0, 0, 1] : [1, 0.5, -1];
      residuals.push(Math.hypot(u - cu, v - cv));
      expect(side * (v - cv)).toBeGreaterThanOrEqual(0);
    }
    expect(residuals).toBeAllClose(new Array(data.samples).fill(1), { rtol: RTOL_SAME_FORMULA });
  });

  test('noise-free XOR: label 1 exactly when the coordinates have opposite signs', () => {
    const { data } = xorData({ samples: 12, noise: 0 });
    for (let n = 0; n < data.samples; n++) {
      expect(Math.abs(data.X[2 * n]!)).toBe(1);
      expect(data.y[n]).toBe(data.X[2 * n]! * data.X[2 * n + 1]! < 0 ? 1 : 0);
    }
  });

  test('blobs: the within-class standard deviation is the spread', () => {
    const spread = 0.7;
    const { data } = gaussianBlobs({ samples: 3000, classes: 3, features: 2, spread, seed: 5 });
    for (let k = 0; k < 3; k++) {
      const rows = [...data.y.keys()].filter((n) => data.y[n] === k);
      const xs = rows.map((n) => data.X[2 * n]!);
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
      // Sample sd of 1000 normals: relative standard error 1/sqrt(2 * 999) ~ 2.2%; 5 sigma is 11%.
      expect(Math.abs(sd / spread - 1)).toBeLessThan(5 / Math.sqrt(2 * 999));
    }
  });
});

describe('cosineInputs', () => {
  const pairwise = (data: Dataset) => {
    const { samples: N, features: d, X } = data;
    const out: number[] = [];
    const norm = (n: number) => Math.hypot(...X.subarray(n * d, (n + 1) * d));
    for (let n = 0; n < N; n++) {
      for (let m = n + 1; m < N; m++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += X[n * d + j]! * X[m * d + j]!;
        out.push(dot / (norm(n) * norm(m)));
      }
    }
    return out;
  };

  test.each([0.1, 0.5, 0.9, 0.99])('exact regime (N <= d - 1): every pairwise cosine is %s', (cosine) => {
    const { data } = cosineInputs({ samples: 15, features: 16, cosine, seed: 2 });
    const cosines = pairwise(data);
    expect(cosines).toBeAllClose(new Array(cosines.length).fill(cosine), { rtol: RTOL_SAME_FORMULA, atol: ATOL_FLOOR });
  });

  test('cosine 0 with N = d gives exactly orthogonal inputs of the chosen norm', () => {
    const { data } = cosineInputs({ samples: 10, features: 10, cosine: 0, norm: 3, seed: 4 });
    const cosines = pairwise(data);
    expect(cosines).toBeAllClose(new Array(cosines.length).fill(0), { rtol: RTOL_SAME_FORMULA, atol: ATOL_FLOOR });
    const norms = Array.from({ length: 10 }, (_, n) => Math.hypot(...data.X.subarray(n * 10, (n + 1) * 10)));
    expect(norms).toBeAllClose(new Array(10).fill(3), { rtol: RTOL_SAME_FORMULA });
  });

  test.each([
    [150, 4, 0.3],
    [64, 8, 0],
    [200, 16, 0.7],
  ])('approximate regime N=%i, d=%i, cosine %s: the mean is within the documented standard deviation', (samples, features, cosine) => {
    const m = cosine > 0 ? features - 1 : features;
    const sigma = (1 - cosine) * Math.sqrt(2 / (samples * (samples - 1) * m));
    const deviations: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const mean = meanPairwiseCosine(cosineInputs({ samples, features, cosine, seed }).data);
      expect(Math.abs(mean - cosine)).toBeLessThan(COSINE_MEAN_SIGMAS * sigma);
      deviations.push(mean - cosine);
    }
    // The stated sigma is the right scale, not a loose overestimate: the RMS deviation over
    // 20 seeds is close to it ((rms/sigma)^2 ~ chi-square(20)/20, inside 0.4^2..1.6^2 with probability > 99.9%).
    const rms = Math.sqrt(deviations.reduce((s, x) => s + x * x, 0) / deviations.length);
    expect(rms / sigma).toBeGreaterThan(0.4);
    expect(rms / sigma).toBeLessThan(1.6);
  });

  test('rejects a cosine outside [0, 1)', () => {
    expect(() => cosineInputs({ cosine: 1 })).toThrow(RangeError);
    expect(() => cosineInputs({ cosine: -0.1 })).toThrow(RangeError);
  });
});

describe('meanPairwiseCosine', () => {
  test('a hand-computed example: pairs at 45, 90 and 45 degrees', () => {
    const data: Dataset = { samples: 3, features: 2, X: Float64Array.from([1, 0, 1, 1, 0, 2]), y: new Int32Array(3) };
    expect(meanPairwiseCosine(data)).toBeAllClose(Math.SQRT2 / 3, { rtol: RTOL_SAME_FORMULA });
  });
});
