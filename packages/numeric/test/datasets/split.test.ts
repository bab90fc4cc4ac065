import { ATOL_FLOOR, ATOL_STANDARDIZED_MEAN, RTOL_SAME_FORMULA } from '@hsr/testkit';
import { describe, expect, test } from 'vitest';
import { loadIris, loadRealDataset } from '@hsr/io';
import { applyStandardizer, fitStandardizer, standardizeSplit, trainTestSplit } from '../../src/datasets/split.ts';
import type { Dataset } from '../../src/types.ts';

const iris = loadIris().data;

function column(data: Dataset, j: number): number[] {
  return Array.from({ length: data.samples }, (_, n) => data.X[n * data.features + j]!);
}

function classCounts(y: ArrayLike<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let n = 0; n < y.length; n++) counts[y[n]!]!++;
  return counts;
}

describe('trainTestSplit', () => {
  test.each([true, false])('stratify=%s: sizes, disjoint, covering, rows copied from the source', (stratify) => {
    const split = trainTestSplit(iris, { testFraction: 0.2, seed: 1, stratify });
    expect([split.train.samples, split.test.samples]).toEqual([120, 30]);
    const all = [...split.trainIndices, ...split.testIndices].sort((a, b) => a - b);
    expect(all).toEqual([...Array(150).keys()]);
    for (const [part, indices] of [
      [split.train, split.trainIndices],
      [split.test, split.testIndices],
    ] as const) {
      indices.forEach((n, r) => {
        expect(Array.from(part.X.subarray(r * 4, r * 4 + 4))).toEqual(Array.from(iris.X.subarray(n * 4, n * 4 + 4)));
        expect(part.y[r]).toBe(iris.y[n]);
      });
    }
  });

  test('stratified: each class keeps its share (Iris 50/50/50 -> 10/10/10 in test)', () => {
    for (let seed = 0; seed < 5; seed++) {
      expect(classCounts(trainTestSplit(iris, { testFraction: 0.2, seed }).test.y, 3)).toEqual([10, 10, 10]);
    }
  });

  test('stratified with uneven classes: largest-remainder quotas still sum to round(N f)', () => {
    // Wine: 59/71/48; 0.25 * 178 = 44.5 -> 45 test samples; exact shares n_k * 45 / 178 = 14.92/17.95/12.13 -> floors 14/17/12, two largest remainders -> 15/18/12.
    const wine = loadRealDataset('wine').data;
    const split = trainTestSplit(wine, { testFraction: 0.25, seed: 3 });
    expect(split.test.samples).toBe(45);
    expect(classCounts(split.test.y, 3)).toEqual([15, 18, 12]);
  });

  test('seeded: same seed same split, another seed another split', () => {
    const a = trainTestSplit(iris, { seed: 9, stratify: false });
    expect(Array.from(trainTestSplit(iris, { seed: 9, stratify: false }).testIndices)).toEqual(Array.from(a.testIndices));
    expect(Array.from(trainTestSplit(iris, { seed: 10, stratify: false }).testIndices)).not.toEqual(Array.from(a.testIndices));
  });

  test('both parts are non-empty, and bad fractions are rejected', () => {
    const tiny: Dataset = { samples: 3, features: 1, X: Float64Array.from([1, 2, 3]), y: Int32Array.from([0, 1, 0]) };
    expect(trainTestSplit(tiny, { testFraction: 0.01, stratify: false }).test.samples).toBe(1);
    expect(trainTestSplit(tiny, { testFraction: 0.99, stratify: false }).train.samples).toBe(1);
    expect(() => trainTestSplit(iris, { testFraction: 0 })).toThrow(RangeError);
    expect(() => trainTestSplit(iris, { testFraction: 1 })).toThrow(RangeError);
  });
});

describe('standardisation', () => {
  test('fitted on train: train columns have mean 0 and (population) std 1', () => {
    for (const data of [iris, loadRealDataset('digits').data]) {
      const { train } = standardizeSplit(trainTestSplit(data, { seed: 2 }));
      for (let j = 0; j < train.features; j++) {
        const xs = column(train, j);
        const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
        const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
        expect(mean).toBeAllClose(0, { rtol: 0, atol: ATOL_STANDARDIZED_MEAN });
        // Constant columns (digits has pixels that are always 0) map to zeros instead.
        if (variance !== 0) expect(Math.sqrt(variance)).toBeAllClose(1, { rtol: RTOL_SAME_FORMULA, atol: ATOL_FLOOR });
      }
    }
  });

  test('the test part uses the train statistics (no leak of test statistics)', () => {
    const split = trainTestSplit(iris, { seed: 4 });
    const { test: standardized, standardizer } = standardizeSplit(split);
    const xs = column(split.train, 2);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(standardizer.mean[2]).toBeAllClose(mean, { rtol: RTOL_SAME_FORMULA });
    expect(column(standardized, 2)).toBeAllClose(
      column(split.test, 2).map((x) => (x - mean) / sd),
      { rtol: RTOL_SAME_FORMULA, atol: ATOL_FLOOR },
    );
  });

  test('a constant column gets std 1 and maps to exactly 0', () => {
    const data: Dataset = { samples: 3, features: 2, X: Float64Array.from([0.1, 1, 0.1, 2, 0.1, 3]), y: new Int32Array(3) };
    const standardizer = fitStandardizer(data);
    expect(standardizer.std[0]).toBe(1);
    expect(column(applyStandardizer(data, standardizer), 0)).toEqual([0, 0, 0]);
    // Population std of 1, 2, 3 is sqrt(2/3).
    expect(standardizer.std[1]).toBeAllClose(Math.sqrt(2 / 3), { rtol: RTOL_SAME_FORMULA });
  });
});
