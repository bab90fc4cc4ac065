/**
 * deep/hessian.ts: the dense Hessian of an MLP of any depth equals the autodiff oracle's
 * (which differentiates the deep loss definition) at L = 2, 3, 4 for every activation, biases
 * on and off, mean and sum, every block of layers and both curvatures; and at L = 2 it equals
 * the three-layer denseHessian on every PyTorch golden fixture.
 */
import { describe, expect, test } from 'vitest';
import { readGoldenFixtures } from '../golden/fixtures.ts';
import { autodiffDeepHessian, autodiffHessian } from '@hsr/autodiff';
import { ACTIVATION_NAMES, createDataset, createModel, CURVATURES, deepDenseHessian, denseHessian, layeredFromModel, layersOfBlock, type ModelArrays, REDUCTIONS, type Variant } from '@hsr/numeric';
import { ATOL_FLOOR, deepCase, describeDeepVariant, layerSubsets, RTOL_DEPTH_TWO_VS_THREE_LAYER, RTOL_VS_AUTODIFF } from '@hsr/testkit';

const SHAPES = [
  [3, 3, 2],
  [2, 3, 3, 3],
  [2, 2, 3, 2, 3],
];

describe('deep dense Hessian against the autodiff oracle', () => {
  test.each(SHAPES.map((w) => [w.join('-'), w] as const))('%s: every activation, bias, reduction, block and curvature', (_name, widths) => {
    const L = widths.length - 1;
    ACTIVATION_NAMES.forEach((activation, i) => {
      for (const bias of [true, false]) {
        const { model, data, label } = deepCase({ widths, activation, bias, samples: 4, seed: 40 + i });
        for (const reduction of REDUCTIONS)
          for (const curvature of CURVATURES)
            for (const layers of layerSubsets(L)) {
              const variant = { reduction, curvature, layers };
              const H = deepDenseHessian(model, data, variant);
              const A = autodiffDeepHessian(model, data, variant);
              expect(H.size, label).toBe(A.size);
              expect(H.data, `${label} ${describeDeepVariant(variant)}`).toBeAllClose(A.data, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
            }
      }
    });
  });

  test('mixed activations and a saturated network', () => {
    const { model, data } = deepCase({ widths: [3, 3, 4, 2], activation: ['softplus', 'tanh'], bias: true, samples: 5, seed: 3, scale: 4 });
    for (const curvature of CURVATURES) {
      const variant = { reduction: 'mean' as const, curvature, layers: [0, 1, 2] };
      expect(deepDenseHessian(model, data, variant).data).toBeAllClose(autodiffDeepHessian(model, data, variant).data, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
    }
  });

  test('the autodiff deep Hessian at L = 2 is the three-layer autodiff Hessian (the two definitions agree)', () => {
    const { model: layered, data } = deepCase({ widths: [3, 4, 3], activation: 'gelu', bias: true, samples: 5, seed: 8 });
    const model = createModel({ activation: 'gelu', W: rows(layered.layers[0]!.W, 4, 3), b: Array.from(layered.layers[0]!.b!), V: rows(layered.layers[1]!.W, 3, 4), a: Array.from(layered.layers[1]!.b!) });
    const variant: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };
    expect(autodiffDeepHessian(layered, data, { reduction: 'mean', curvature: 'hessian', layers: [0, 1] }).data).toBeAllClose(autodiffHessian(model, data, variant).data, {
      rtol: RTOL_VS_AUTODIFF,
      atol: ATOL_FLOOR,
    });
  });
});

function rows(x: Float64Array, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from(x.subarray(i * c, (i + 1) * c)));
}

const fixtures = readGoldenFixtures<{ name: string; model: ModelArrays; data: { X: number[][]; y: number[] }; variant: Variant }>();

describe('deep dense Hessian at L = 2 equals the three-layer dense Hessian on the golden fixtures', () => {
  test.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const model = createModel(fixture.model);
    const data = createDataset(fixture.data.X, fixture.data.y, model.classes);
    const layered = layeredFromModel(model);
    const H = deepDenseHessian(layered, data, { reduction: fixture.variant.reduction, curvature: fixture.variant.curvature, layers: layersOfBlock(layered, fixture.variant.block) });
    expect(H.data).toBeAllClose(denseHessian(model, data, fixture.variant).data, { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER, atol: 0 });
  });
});
