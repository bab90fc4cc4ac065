/** parameters.ts: the flattening contract theta = (vec_row [W | b], vec_row [V | a]) and its block ranges. */
import { seededCase } from '@hsr/crosscheck/cases';
import { describe, expect, test } from 'vitest';
import { blockRange, firstLayerIndex, flattenParameters, parameterCount, secondLayerIndex, toParameterShapes, unflattenParameters } from '../src/parameters.ts';

const NORMAL = { weights: { kind: 'normal', scale: 1 } } as const;
const shapes = [true, false].map((bias) => seededCase({ activation: 'tanh', bias, inputDim: 3, hiddenDim: 4, classes: 2, samples: 1, seed: 1 }, NORMAL).model);

describe.each(shapes)('theta order (biases $b)', (model) => {
  const { inputDim: d, hiddenDim: h, classes: c } = model;
  const bias = model.b !== null;
  const theta = flattenParameters(model);

  test('P = h(d+1) + c(h+1) with biases, hd + ch without', () => {
    expect(parameterCount(model)).toBe(bias ? h * (d + 1) + c * (h + 1) : h * d + c * h);
    expect(theta.length).toBe(parameterCount(model));
  });

  test('row i of [W | b] then row k of [V | a], at the indices the helpers name', () => {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < d; j++) expect(theta[firstLayerIndex(model, i, j)]).toBe(model.W[i * d + j]);
      if (bias) expect(theta[firstLayerIndex(model, i, d)]).toBe(model.b![i]);
    }
    for (let k = 0; k < c; k++) {
      for (let l = 0; l < h; l++) expect(theta[secondLayerIndex(model, k, l)]).toBe(model.V[k * h + l]);
      if (bias) expect(theta[secondLayerIndex(model, k, h)]).toBe(model.a![k]);
    }
  });

  test('unflatten inverts flatten, and the shapes split theta as the model file writes it', () => {
    const back = unflattenParameters(model, theta);
    expect(Array.from(flattenParameters(back))).toEqual(Array.from(theta));
    const shaped = toParameterShapes(model, theta);
    expect(shaped.W[h - 1]![d - 1]).toBe(model.W[h * d - 1]);
    expect(shaped.V[c - 1]![h - 1]).toBe(model.V[c * h - 1]);
    expect(shaped.b === undefined).toBe(!bias);
    expect(() => unflattenParameters(model, theta.subarray(1))).toThrow(RangeError);
  });

  test('the first and second blocks partition all of theta', () => {
    const all = blockRange(model, 'all');
    const first = blockRange(model, 'first');
    const second = blockRange(model, 'second');
    expect([first.start, first.end, second.start, second.end]).toEqual([all.start, firstLayerIndex(model, 0, 0) + h * (d + (bias ? 1 : 0)), first.end, all.end]);
    expect(parameterCount(model, 'first') + parameterCount(model, 'second')).toBe(parameterCount(model));
  });
});
