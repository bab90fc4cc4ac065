import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadIris } from '../../src/datasets/iris.ts';
import { REAL_DATASET_SHAPES, loadBreastCancer, loadDigits, loadRealDataset, loadWine, realDatasetPath, type RealDatasetName } from '../../src/datasets/realData.ts';
import type { Dataset } from '@hsr/numeric';

function column(data: Dataset, j: number): number[] {
  return Array.from({ length: data.samples }, (_, n) => data.X[n * data.features + j]!);
}

function classCounts(y: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of y) counts[label]!++;
  return counts;
}

describe('committed real data sets', () => {
  test.each(Object.keys(REAL_DATASET_SHAPES) as RealDatasetName[])('%s: shape, label range, names, attribution', (name) => {
    const named = loadRealDataset(name);
    const expected = REAL_DATASET_SHAPES[name];
    expect([named.data.samples, named.data.features, named.classes]).toEqual([expected.samples, expected.features, expected.classes]);
    expect(named.featureNames).toHaveLength(expected.features);
    expect(named.classNames).toHaveLength(expected.classes);
    expect(named.data.y.every((label) => label >= 0 && label < expected.classes)).toBe(true);
    expect(named.data.X.every(Number.isFinite)).toBe(true);
    const file = JSON.parse(readFileSync(realDatasetPath(name), 'utf8')) as { about: Record<string, string> };
    expect(file.about.citation!.length).toBeGreaterThan(50);
    expect(file.about.licence).toMatch(/BSD-3-Clause/);
    expect(named.source).toContain(file.about.citation);
  });

  // Class counts and value ranges as documented in scikit-learn's descr/*.rst (independent of the conversion).
  test('wine: class distribution 59/71/48, first sample, column ranges from the description', () => {
    const { data } = loadWine();
    expect(classCounts(data.y, 3)).toEqual([59, 71, 48]);
    expect(Array.from(data.X.subarray(0, 13))).toEqual([14.23, 1.71, 2.43, 15.6, 127, 2.8, 3.06, 0.28, 2.29, 5.64, 1.04, 3.92, 1065]);
    const alcohol = column(data, 0);
    expect([Math.min(...alcohol), Math.max(...alcohol)]).toEqual([11.03, 14.83]); // rst: 11.0 .. 14.8
    const proline = column(data, 12);
    expect([Math.min(...proline), Math.max(...proline)]).toEqual([278, 1680]);
  });

  test('breast cancer: 212 malignant (0) / 357 benign (1), ranges from the description', () => {
    const named = loadBreastCancer();
    expect(named.classNames).toEqual(['malignant', 'benign']);
    expect(classCounts(named.data.y, 2)).toEqual([212, 357]);
    const radius = column(named.data, 0);
    expect([Math.min(...radius), Math.max(...radius)]).toEqual([6.981, 28.11]);
    const worstArea = column(named.data, 23);
    expect([Math.min(...worstArea), Math.max(...worstArea)]).toEqual([185.2, 4254]);
  });

  test('digits: integer pixels in 0..16, ten classes all present, 8x8 names', () => {
    const named = loadDigits();
    expect(named.data.X.every((x) => Number.isInteger(x) && x >= 0 && x <= 16)).toBe(true);
    expect(Math.max(...named.data.X)).toBe(16);
    expect(classCounts(named.data.y, 10).every((count) => count > 150)).toBe(true);
    expect(named.featureNames[9]).toBe('pixel_1_1');
  });

  test("iris: 150 x 4, 50 per class, Fisher's first sample", () => {
    const named = loadIris();
    expect([named.data.samples, named.data.features, named.classes]).toEqual([150, 4, 3]);
    expect(classCounts(named.data.y, 3)).toEqual([50, 50, 50]);
    expect(Array.from(named.data.X.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(named.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
  });
});
