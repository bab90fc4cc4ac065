/** The layered model file (layeredModelFile.ts): any depth, the three-layer shape as L = 2, one-line errors. */
import { join } from 'node:path';
import { flattenLayered, flattenParameters, initLayeredModel } from '@hsr/numeric';
import { describe, expect, test } from 'vitest';
import { formatLayeredModelJson, parseLayeredModelJson, parseModelJson, readLayeredModel, writeLayeredModelFile } from '../src/index.ts';
import { GOOD_MODEL, inputError, scratch } from './support.ts';

const LAYERED = {
  activation: 'tanh',
  layers: [
    {
      W: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      b: [0.1, 0.2, 0.3],
    },
    {
      W: [
        [1, 0, -1],
        [0, 1, 0],
      ],
      b: [0, 1],
    },
    {
      W: [
        [1, 2],
        [3, 4],
        [0, 1],
      ],
      b: [0.5, -0.5, 0],
    },
  ],
};

describe('parseLayeredModelJson', () => {
  test('the layered shape at L = 3, with biases and per-layer activations', () => {
    const model = parseLayeredModelJson(JSON.stringify({ ...LAYERED, activations: ['tanh', 'gelu'] }), 'm.json');
    expect(model.layers.map((l) => [l.outputs, l.inputs])).toEqual([
      [3, 2],
      [2, 3],
      [3, 2],
    ]);
    expect(model.activations).toEqual(['tanh', 'gelu']);
    expect(Array.from(model.layers[2]!.b!)).toEqual([0.5, -0.5, 0]);
  });

  test('the three-layer W, b, V, a shape reads as L = 2 with the same theta', () => {
    const model = parseLayeredModelJson(JSON.stringify(GOOD_MODEL), 'm.json');
    expect(model.layers.length).toBe(2);
    expect(Array.from(flattenLayered(model))).toEqual(Array.from(flattenParameters(parseModelJson(JSON.stringify(GOOD_MODEL), 'm.json'))));
  });

  test('write then read gives the identical float64 values', () => {
    const model = initLayeredModel({ activation: ['silu', 'sigmoid'], widths: [3, 4, 4, 2], bias: true, seed: 9, biasScale: 0.3 });
    const path = join(scratch, 'deep-layered.json');
    writeLayeredModelFile(path, model, { source: 'seeded' });
    const back = readLayeredModel(path);
    expect(Array.from(flattenLayered(back))).toEqual(Array.from(flattenLayered(model)));
    expect(back.activations).toEqual(['silu', 'sigmoid']);
    expect(parseLayeredModelJson(formatLayeredModelJson(back), 'again.json').activations).toEqual(['silu', 'sigmoid']);
  });

  const bad: [string, unknown, string][] = [
    ['a misspelt layer field', { activation: 'tanh', layers: [{ W: [[1]], bias: [0] }, { W: [[1], [2]] }] }, 'm.json: layers[0].bias: unknown field "bias" (expected W, b)'],
    ['a layer that is no object', { activation: 'tanh', layers: [[1, 2], { W: [[1], [2]] }] }, 'm.json: layers[0]: must be an object'],
    ['one layer', { activation: 'tanh', layers: [{ W: [[1], [2]] }] }, 'm.json: layers: has 1 layers, expected at least 2'],
    [
      'widths that do not chain',
      {
        activation: 'tanh',
        layers: [
          { W: [[1], [2]] },
          {
            W: [
              [1, 2, 3],
              [1, 2, 3],
            ],
          },
        ],
      },
      'm.json: layers[1].W[0]: has 3 entries, expected 2',
    ],
    [
      'biases in some layers only',
      {
        activation: 'tanh',
        layers: [
          { W: [[1], [2]] },
          {
            W: [
              [1, 2],
              [1, 2],
            ],
            b: [0, 0],
          },
        ],
      },
      'm.json: layers[1].b: is given while layers[0].b is not',
    ],
    [
      'an unknown activation',
      {
        activation: 'relu',
        layers: [
          { W: [[1], [2]] },
          {
            W: [
              [1, 2],
              [1, 2],
            ],
          },
        ],
      },
      'm.json: activation: unknown activation "relu"',
    ],
    ['an unknown top-level field', { activation: 'tanh', layer: [], layers: [] }, 'm.json: layer: unknown field "layer"'],
  ];
  test.each(bad)('refuses %s in one line', (_name, doc, message) => {
    const error = inputError(() => parseLayeredModelJson(JSON.stringify(doc), 'm.json'));
    expect(error.message.startsWith(message), error.message).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  test('a W, b, V, a file naming a loss keeps it as two layers; a layered file reads and writes "loss" and "labelSmoothing"', () => {
    const two = parseLayeredModelJson(JSON.stringify({ ...GOOD_MODEL, loss: 'mse' }), 'm.json');
    expect(two.layers).toHaveLength(2);
    expect(two.loss).toBe('mse');
    const model = parseLayeredModelJson(JSON.stringify({ ...LAYERED, loss: 'label-smoothing', labelSmoothing: 0.25 }), 'm.json');
    expect([model.loss, model.labelSmoothing]).toEqual(['label-smoothing', 0.25]);
    const back = parseLayeredModelJson(formatLayeredModelJson(model), 'again.json');
    expect([back.loss, back.labelSmoothing]).toEqual(['label-smoothing', 0.25]);
    expect(parseLayeredModelJson(JSON.stringify(LAYERED), 'm.json').loss).toBeUndefined();
    expect(formatLayeredModelJson(parseLayeredModelJson(JSON.stringify(LAYERED), 'm.json'))).not.toContain('"loss"');
  });

  test.each([
    ['an unknown loss', { ...LAYERED, loss: 'hinge' }, 'm.json: loss: unknown loss "hinge" (expected one of cross-entropy'],
    ['a loss that is no string', { ...LAYERED, loss: 3 }, 'm.json: loss: must be a string'],
    ['an eps outside (0, 1)', { ...LAYERED, loss: 'label-smoothing', labelSmoothing: 0 }, 'm.json: labelSmoothing: must be in (0, 1), got 0'],
  ])('refuses %s at its field', (_name, doc, message) => {
    const error = inputError(() => parseLayeredModelJson(JSON.stringify(doc), 'm.json'));
    expect(error.message.startsWith(message), error.message).toBe(true);
  });
});
