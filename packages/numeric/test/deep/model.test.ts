/**
 * deep/model.ts: the layered model, its parameter order (L = 2 is parameters.ts's order) and
 * its checks of shapes, biases and activations.
 */
import { describe, expect, test } from 'vitest';
import { deepCase } from '@hsr/testkit';
import {
  createLayeredModel,
  createModel,
  flattenLayered,
  flattenParameters,
  layeredFromModel,
  layeredModelToArrays,
  layeredParameterCount,
  layerOffset,
  modelFromLayered,
  parameterCount,
  ShapeError,
  toLayerShapes,
  unflattenLayered,
  checkLayerSet,
} from '@hsr/numeric';

const TWO_LAYER = {
  activation: 'tanh',
  W: [
    [1, 2, 3],
    [4, 5, 6],
  ],
  b: [0.5, -0.5],
  V: [
    [1, -1],
    [2, 0],
    [0, 3],
  ],
  a: [0.1, 0.2, 0.3],
};

describe('the layered model', () => {
  test('L = 2 has the three-layer theta and P, with and without biases', () => {
    for (const withBias of [true, false]) {
      const arrays = withBias ? TWO_LAYER : { activation: 'tanh', W: TWO_LAYER.W, V: TWO_LAYER.V };
      const model = createModel(arrays);
      const layered = layeredFromModel(model);
      expect(Array.from(flattenLayered(layered))).toEqual(Array.from(flattenParameters(model)));
      expect(layeredParameterCount(layered)).toBe(parameterCount(model));
      expect(layeredParameterCount(layered, [0])).toBe(parameterCount(model, 'first'));
      expect(layeredParameterCount(layered, [1])).toBe(parameterCount(model, 'second'));
      const back = modelFromLayered(layered)!;
      expect(Array.from(flattenParameters(back))).toEqual(Array.from(flattenParameters(model)));
    }
  });

  test('the model-file shape round-trips, and per-layer activations are kept', () => {
    const arrays = {
      activation: 'tanh',
      activations: ['tanh', 'gelu'],
      layers: [
        {
          W: [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
          b: [1, 2, 3],
        },
        {
          W: [
            [1, 0, -1],
            [0, 1, 1],
          ],
          b: [0, 1],
        },
        {
          W: [
            [2, 1],
            [1, 2],
          ],
          b: [0.5, 0.25],
        },
      ],
    };
    const model = createLayeredModel(arrays);
    expect(model.activations).toEqual(['tanh', 'gelu']);
    expect(layeredModelToArrays(model)).toEqual(arrays);
    expect(layeredParameterCount(model)).toBe(9 + 8 + 6);
    expect(layerOffset(model, 2)).toBe(17);
    const theta = flattenLayered(model);
    expect(Array.from(theta.subarray(0, 3))).toEqual([1, 2, 1]);
    expect(toLayerShapes(model, theta)).toEqual(arrays.layers);
  });

  test('unflatten inverts flatten at L = 4', () => {
    const { model } = deepCase({ widths: [3, 4, 2, 3, 2], activation: 'silu', bias: true, samples: 1, seed: 5 });
    const theta = flattenLayered(model);
    expect(Array.from(flattenLayered(unflattenLayered(model, theta)))).toEqual(Array.from(theta));
  });

  const bad: [string, object, string][] = [
    [
      'one layer',
      {
        activation: 'tanh',
        layers: [
          {
            W: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
      'layers',
    ],
    [
      'mismatched widths',
      {
        activation: 'tanh',
        layers: [
          {
            W: [
              [1, 2],
              [3, 4],
            ],
          },
          {
            W: [
              [1, 2, 3],
              [4, 5, 6],
            ],
          },
        ],
      },
      'layers[1].W[0]',
    ],
    [
      'bias in one layer only',
      {
        activation: 'tanh',
        layers: [
          { W: [[1], [2]], b: [0, 0] },
          {
            W: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
      'layers[1].b',
    ],
    [
      'wrong bias length',
      {
        activation: 'tanh',
        layers: [
          { W: [[1], [2]], b: [0] },
          {
            W: [
              [1, 2],
              [3, 4],
            ],
            b: [0, 0],
          },
        ],
      },
      'layers[0].b',
    ],
    ['one class', { activation: 'tanh', layers: [{ W: [[1], [2]] }, { W: [[1, 2]] }] }, 'layers[1].W'],
    [
      'unknown activation',
      {
        activation: 'relu',
        layers: [
          { W: [[1], [2]] },
          {
            W: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
      'activation',
    ],
    [
      'activations of the wrong length',
      {
        activation: 'tanh',
        activations: ['tanh', 'tanh'],
        layers: [
          { W: [[1], [2]] },
          {
            W: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
      'activations',
    ],
    [
      'NaN',
      {
        activation: 'tanh',
        layers: [
          { W: [[1], [Number.NaN]] },
          {
            W: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
      'layers[0].W[1][0]',
    ],
  ];
  test.each(bad)('refuses %s, naming the field', (_name, arrays, field) => {
    let error: unknown;
    try {
      createLayeredModel(arrays as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as ShapeError).field).toBe(field);
  });

  test('layer sets are checked and sorted', () => {
    const { model } = deepCase({ widths: [2, 3, 3, 2], activation: 'tanh', bias: false, samples: 1, seed: 1 });
    expect(checkLayerSet(model, [2, 0])).toEqual([0, 2]);
    expect(() => checkLayerSet(model, [3])).toThrow(/layer 4 does not exist/);
    expect(() => checkLayerSet(model, [1, 1])).toThrow(/listed twice/);
    expect(() => checkLayerSet(model, [])).toThrow(/empty/);
  });
});
