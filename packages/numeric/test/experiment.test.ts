/** The experiment protocol: one seed order, the split and standardisation, the initial model. */
import { describe, expect, test } from 'vitest';
import { deriveSeeds, experimentData, initialModel } from '../src/experiment.ts';
import { gaussianBlobs } from '../src/datasets/synthetic.ts';
import { applyPca, fitPca } from '../src/datasets/pca.ts';
import { applyStandardizer, fitStandardizer, trainTestSplit } from '../src/datasets/split.ts';
import { initModel } from '../src/model.ts';
import { createRng } from '../src/random.ts';

describe('deriveSeeds', () => {
  test('draws data, split, init, shuffle, validation in that order from createRng(seed)', () => {
    for (const seed of [0, 1, 7, -3, 2 ** 30]) {
      const rng = createRng(seed);
      const draws = [0, 1, 2, 3, 4].map(() => rng.int(2 ** 31));
      const s = deriveSeeds(seed);
      expect([s.data, s.split, s.init, s.shuffle, s.validation]).toEqual(draws);
    }
  });

  test('different seeds give different streams', () => {
    expect(deriveSeeds(1)).not.toEqual(deriveSeeds(2));
  });
});

describe('experimentData', () => {
  const data = gaussianBlobs({ samples: 60, features: 3, classes: 3, seed: 5 }).data;
  const seeds = deriveSeeds(4);

  test('splits with the split seed and standardises with the training part only', () => {
    const { train, test } = experimentData(data, { testFraction: 0.25, standardize: true }, seeds);
    const split = trainTestSplit(data, { testFraction: 0.25, seed: seeds.split });
    expect(train.samples).toBe(split.train.samples);
    expect(test?.samples).toBe(split.test.samples);
    const z = fitStandardizer(split.train);
    const x0 = split.test.X[0]!;
    expect(test!.X[0]).toBe((x0 - z.mean[0]!) / z.std[0]!);
    expect(Array.from(test!.y)).toEqual(Array.from(split.test.y));
  });

  test('testFraction 0 keeps every sample for training and has no test set', () => {
    const { train, test, validation } = experimentData(data, { testFraction: 0, standardize: false }, seeds);
    expect(test).toBeNull();
    expect(validation).toBeNull();
    expect(train).toBe(data);
  });

  test('a validation split changes neither part and is standardised on its own fitting part', () => {
    const plain = experimentData(data, { testFraction: 0.25, standardize: true }, seeds);
    const withValidation = experimentData(data, { testFraction: 0.25, standardize: true, validationFraction: 0.2 }, seeds);
    expect(Array.from(withValidation.train.X)).toEqual(Array.from(plain.train.X));
    expect(Array.from(withValidation.test!.X)).toEqual(Array.from(plain.test!.X));
    const raw = trainTestSplit(data, { testFraction: 0.25, seed: seeds.split }).train;
    const inner = trainTestSplit(raw, { testFraction: 0.2, seed: seeds.validation });
    const z = fitStandardizer(inner.train);
    const v = withValidation.validation!;
    expect(v.train.samples + v.validation.samples).toBe(raw.samples);
    expect(Array.from(v.validation.X)).toEqual(Array.from(applyStandardizer(inner.test, z).X));
    expect(Array.from(v.validation.y)).toEqual(Array.from(inner.test.y));
    expect(() => experimentData(data, { testFraction: 0.25, standardize: true, validationFraction: 0.2 }, { split: seeds.split })).toThrow(/seeds.validation/);
  });

  test('PCA is fitted on the training part and applied before standardisation', () => {
    const { train, test } = experimentData(data, { testFraction: 0.25, standardize: true, pcaComponents: 2 }, seeds);
    expect(train.features).toBe(2);
    const split = trainTestSplit(data, { testFraction: 0.25, seed: seeds.split });
    const pca = fitPca(split.train, 2);
    const z = fitStandardizer(applyPca(split.train, pca));
    expect(Array.from(test!.X)).toEqual(Array.from(applyStandardizer(applyPca(split.test, pca), z).X));
  });
});

describe('initialModel', () => {
  test('is initModel with the init seed', () => {
    const seeds = deriveSeeds(9);
    const m = initialModel({ activation: 'tanh', hidden: 5, bias: true }, 4, 3, seeds);
    const ref = initModel({ activation: 'tanh', inputDim: 4, hiddenDim: 5, classes: 3, bias: true, seed: seeds.init });
    expect(Array.from(m.W)).toEqual(Array.from(ref.W));
    expect(Array.from(m.V)).toEqual(Array.from(ref.V));
  });

  test('initScale scales the Glorot draws of the same seed', () => {
    const seeds = deriveSeeds(9);
    const m = initialModel({ activation: 'tanh', hidden: 5, bias: true }, 4, 3, seeds);
    const small = initialModel({ activation: 'tanh', hidden: 5, bias: true, initScale: 0.25 }, 4, 3, seeds);
    expect(Array.from(small.W)).toEqual(Array.from(m.W, (w) => 0.25 * w));
  });
});
