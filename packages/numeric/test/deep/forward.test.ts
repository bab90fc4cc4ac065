/**
 * deep/forward.ts: the loss and its backpropagated gradient for any depth, against the
 * three-layer network.ts at L = 2 and against the autodiff oracle's deep loss definition at
 * L = 2, 3, 4.
 */
import { describe, expect, test } from 'vitest';
import { autodiffDeepGradient, autodiffDeepLoss } from '@hsr/autodiff';
import { ACTIVATION_NAMES, deepLoss, deepLossGradient, initModel, layeredFromModel, loss, lossGradient, REDUCTIONS, createRng } from '@hsr/numeric';
import { ATOL_FLOOR, deepCase, RTOL_DEPTH_TWO_VS_THREE_LAYER, RTOL_VS_AUTODIFF } from '@hsr/testkit';

describe('deep loss and gradient', () => {
  test.each(ACTIVATION_NAMES)('L = 2 equals the three-layer loss and gradient (%s)', (activation) => {
    for (const bias of [true, false]) {
      const model = initModel({ activation, inputDim: 4, hiddenDim: 5, classes: 3, bias, seed: 11, scale: 1.5 });
      const rng = createRng(3);
      const N = 9;
      const data = { samples: N, features: 4, X: Float64Array.from({ length: N * 4 }, () => rng.normal()), y: Int32Array.from({ length: N }, (_, n) => n % 3) };
      for (const reduction of REDUCTIONS) {
        const layered = layeredFromModel(model);
        expect(deepLoss(layered, data, reduction)).toBeAllClose(loss(model, data, reduction), { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER, atol: 0 });
        expect(deepLossGradient(layered, data, reduction).gradient).toBeAllClose(lossGradient(model, data, reduction).gradient, { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER, atol: 0 });
      }
    }
  });

  const shapes = [
    [3, 4, 2],
    [3, 4, 3, 3],
    [2, 3, 4, 3, 4],
  ];
  test.each(shapes.map((w) => [w.join('-'), w] as const))('%s equals the autodiff loss and gradient, every activation, bias, reduction', (_name, widths) => {
    ACTIVATION_NAMES.forEach((activation, i) => {
      for (const bias of [true, false]) {
        const { model, data, label } = deepCase({ widths, activation, bias, samples: 6, seed: 20 + i });
        for (const reduction of REDUCTIONS) {
          expect(deepLoss(model, data, reduction), label).toBeAllClose(autodiffDeepLoss(model, data, reduction), { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
          expect(deepLossGradient(model, data, reduction).gradient, label).toBeAllClose(autodiffDeepGradient(model, data, reduction), { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
        }
      }
    });
  });

  test('mixed activations per layer', () => {
    const { model, data } = deepCase({ widths: [3, 3, 4, 2], activation: ['gelu', 'sigmoid'], bias: true, samples: 5, seed: 2 });
    expect(deepLossGradient(model, data).gradient).toBeAllClose(autodiffDeepGradient(model, data), { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
  });
});
