/**
 * deep/hessianVectorProduct.ts (§9 deep-hessian-vector-product): H v equals the dense deep
 * Hessian times v at L = 2, 3, 4 for every activation, loss, bias, reduction, layer set and
 * curvature; at L = 2 it equals the two-layer hessianOperator; Lanczos on it finds the dense
 * spectrum's lambda_max and lambda_min.
 */
import { describe, expect, test } from 'vitest';
import {
  ACTIVATION_NAMES,
  BLOCKS,
  createRng,
  CURVATURES,
  deepDenseHessian,
  deepHessianOperator,
  deepHessianVectorProduct,
  hessianOperator,
  type LayeredModel,
  lanczosExtremes,
  layersOfBlock,
  LOSS_NAMES,
  modelFromLayered,
  REDUCTIONS,
  symmetricEigenvalues,
} from '@hsr/numeric';
import { deepCase, describeDeepVariant, layerSubsets, matVec, RTOL_DEPTH_TWO_VS_THREE_LAYER, RTOL_LANCZOS_VS_DENSE, RTOL_SAME_FORMULA } from '@hsr/testkit';

const SHAPES = [
  [3, 3, 2],
  [2, 3, 3, 3],
  [2, 2, 3, 2, 3],
];

describe('deep Hessian-vector products equal the dense deep Hessian times v', () => {
  test.each(SHAPES.map((w) => [w.join('-'), w] as const))('%s: every activation, loss, bias, reduction, layer set and curvature', (_name, widths) => {
    const L = widths.length - 1;
    const rng = createRng(17);
    ACTIVATION_NAMES.forEach((activation, i) => {
      for (const bias of [true, false])
        LOSS_NAMES.forEach((loss, k) => {
          const base = deepCase({ widths, activation, bias, samples: 4, seed: 60 + 7 * i + k });
          const model: LayeredModel = { ...base.model, loss };
          for (const reduction of REDUCTIONS)
            for (const curvature of CURVATURES)
              for (const layers of layerSubsets(L)) {
                const variant = { reduction, curvature, layers };
                const H = deepDenseHessian(model, base.data, variant);
                const op = deepHessianOperator(model, base.data, variant);
                expect(op.size, base.label).toBe(H.size);
                const v = Float64Array.from({ length: H.size }, () => rng.normal());
                expect(op.apply(v), `${base.label} ${loss} ${describeDeepVariant(variant)}`).toBeAllClose(matVec(H, v), { rtol: RTOL_SAME_FORMULA });
              }
        });
    });
  });

  test('mixed activations, a saturated network, and the output buffer reused', () => {
    const { model, data, label } = deepCase({ widths: [3, 4, 3, 2, 3], activation: ['softplus', 'tanh', 'gelu'], bias: true, samples: 6, seed: 5, scale: 4 });
    const rng = createRng(2);
    for (const curvature of CURVATURES) {
      const variant = { reduction: 'mean' as const, curvature, layers: [0, 1, 2, 3] };
      const H = deepDenseHessian(model, data, variant);
      const op = deepHessianOperator(model, data, variant);
      const out = new Float64Array(op.size);
      for (let t = 0; t < 2; t++) {
        const v = Float64Array.from({ length: op.size }, () => rng.normal());
        expect(op.apply(v, out), label).toBe(out);
        expect(out, `${label} ${curvature}`).toBeAllClose(matVec(H, v), { rtol: RTOL_SAME_FORMULA });
        expect(deepHessianVectorProduct(model, data, variant, v)).toEqual(out);
      }
    }
  });

  test('a vector of the wrong length and an empty layer set are refused', () => {
    const { model, data } = deepCase({ widths: [2, 3, 3, 2], activation: 'tanh', bias: false, samples: 3, seed: 1 });
    const op = deepHessianOperator(model, data, { reduction: 'mean', curvature: 'hessian', layers: [1] });
    expect(() => op.apply(new Float64Array(op.size + 1))).toThrow(/length 10, the layers 2 have 9 parameters/);
    expect(() => deepHessianOperator(model, data, { reduction: 'mean', curvature: 'hessian', layers: [] })).toThrow(RangeError);
  });
});

describe('at L = 2 the deep operator is the two-layer hessianOperator', () => {
  test.each(ACTIVATION_NAMES.map((a) => [a] as const))('%s: every loss, bias, block and curvature', (activation) => {
    const rng = createRng(23);
    for (const bias of [true, false])
      LOSS_NAMES.forEach((loss, k) => {
        const base = deepCase({ widths: [3, 4, 3], activation, bias, samples: 5, seed: 90 + k });
        const layered: LayeredModel = { ...base.model, loss };
        const model = modelFromLayered(layered)!;
        for (const block of BLOCKS)
          for (const curvature of CURVATURES)
            for (const reduction of REDUCTIONS) {
              const two = hessianOperator(model, base.data, { reduction, block, curvature });
              const deep = deepHessianOperator(layered, base.data, { reduction, curvature, layers: layersOfBlock(layered, block) });
              expect(deep.size).toBe(two.size);
              const v = Float64Array.from({ length: two.size }, () => rng.normal());
              expect(deep.apply(v), `${base.label} ${loss} ${block} ${curvature} ${reduction}`).toBeAllClose(two.apply(v), { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER });
            }
      });
  });
});

describe('Lanczos on the deep operator finds the dense spectrum extremes', () => {
  const cases = [
    { widths: [3, 4, 3, 3], activation: 'tanh' as const, loss: 'cross-entropy' as const, layers: [0, 1, 2] },
    { widths: [3, 4, 3, 3], activation: 'gelu' as const, loss: 'mse' as const, layers: [1, 2] },
    { widths: [2, 3, 4, 3, 3], activation: 'silu' as const, loss: 'cross-entropy' as const, layers: [0, 2] },
    { widths: [2, 3, 4, 3, 3], activation: 'softplus' as const, loss: 'cross-entropy' as const, layers: [0, 1, 2, 3] },
  ];
  test.each(cases.map((c) => [`${c.widths.join('-')} ${c.activation} ${c.loss} layers ${c.layers.join(',')}`, c] as const))('%s', (_name, c) => {
    const base = deepCase({ widths: c.widths, activation: c.activation, bias: true, samples: 8, seed: 31 });
    const model: LayeredModel = { ...base.model, loss: c.loss };
    for (const curvature of CURVATURES) {
      const variant = { reduction: 'mean' as const, curvature, layers: c.layers };
      const eig = symmetricEigenvalues(deepDenseHessian(model, base.data, variant));
      const lo = eig[0]!;
      const hi = eig[eig.length - 1]!;
      const scale = Math.max(Math.abs(lo), Math.abs(hi));
      const r = lanczosExtremes(deepHessianOperator(model, base.data, variant), { tol: 1e-11, seed: 3 });
      expect(r.converged).toBe(true);
      expect([r.lambdaMax, r.lambdaMin], `${base.label} ${curvature}`).toBeAllClose([hi, lo], { rtol: RTOL_LANCZOS_VS_DENSE, scale });
    }
  });
});
