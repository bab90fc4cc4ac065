/** The experiment protocol: one seed order, the split and standardisation, the initial model. */
import { describe, expect, test } from 'vitest';
import { deriveSeeds, experimentData, initialModel } from '../src/experiment.ts';
import { gaussianBlobs } from '../src/datasets/synthetic.ts';
import { fitStandardizer, trainTestSplit } from '../src/datasets/split.ts';
import { initModel } from '../src/model.ts';
import { createRng } from '../src/random.ts';

describe('deriveSeeds', () => {
  test('draws data, split, init, shuffle in that order from createRng(seed)', () => {
    for (const seed of [0, 1, 7, -3, 2 ** 30]) {
      const rng = createRng(seed);
      const draws = [0, 1, 2, 3].map(() => rng.int(2 ** 31));
      const s = deriveSeeds(seed);
      expect([s.data, s.split, s.init, s.shuffle]).toEqual(draws);
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
    const { train, test } = experimentData(data, { testFraction: 0, standardize: false }, seeds);
    expect(test).toBeNull();
    expect(train).toBe(data);
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
});
