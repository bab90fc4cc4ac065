/** forwardPassGemm equals network.ts's forwardPass field by field, bit for bit. */
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, forwardPass } from '@hsr/numeric';
import { forwardPassGemm } from '../../src/parallel/forwardKernel.ts';
import { seededCase } from '@hsr/crosscheck/cases';

/** crosscheck's seeded-case recipe: Glorot weights at twice the scale (some units near saturation), biases ~ N(0, 0.3^2). */
const GLOROT_X2 = { weights: { kind: 'glorot', scale: 2, biasScale: 0.3 } } as const;
/** The same at the Glorot scale. */
const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

describe('forwardPassGemm', () => {
  const cases = ACTIVATION_NAMES.flatMap((activation, i) =>
    [true, false].map((bias) => seededCase({ activation, bias, inputDim: 7, hiddenDim: 9, classes: 4, samples: 11, seed: 300 + 2 * i + (bias ? 1 : 0) }, GLOROT_X2)),
  );
  cases.push(seededCase({ activation: 'tanh', bias: true, inputDim: 70, hiddenDim: 33, classes: 10, samples: 37, seed: 901 }, GLOROT));
  it.each(cases)('equals forwardPass bit for bit on $name', ({ model, data }) => {
    const a = forwardPass(model, data);
    const b = forwardPassGemm(model, data);
    for (const key of ['xt', 'u', 'zt', 'd1', 'd2', 'd3', 'v', 'p', 'g', 'losses'] as const) expect(Array.from(b[key]), key).toEqual(Array.from(a[key]));
    expect([b.samples, b.inputDim, b.hiddenDim, b.classes, b.augmentedInputDim, b.augmentedHiddenDim]).toEqual([a.samples, a.inputDim, a.hiddenDim, a.classes, a.augmentedInputDim, a.augmentedHiddenDim]);
  });
});
