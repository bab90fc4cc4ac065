/**
 * deep/traces.ts: the closed-form T1, T2 of an MLP of any depth equal the traces of the dense
 * deep Hessian (RTOL_VS_DENSE) at L = 2, 3, 4 for every activation, biases on and off, mean and
 * sum, every block of layers and both curvatures; at L = 2 they equal the three-layer
 * hessianTraces on every golden fixture to 1e-14 relative.
 */
import { describe, expect, test } from 'vitest';
import { readGoldenFixtures } from '../golden/fixtures.ts';
import {
  ACTIVATION_NAMES,
  createDataset,
  createModel,
  CURVATURES,
  deepDenseHessian,
  deepHessianTraces,
  hessianTraces,
  layeredFromModel,
  layersOfBlock,
  matrixTraces,
  type ModelArrays,
  REDUCTIONS,
  type Variant,
} from '@hsr/numeric';
import { deepCase, describeDeepVariant, layerSubsets, RTOL_DEPTH_TWO_VS_THREE_LAYER, RTOL_VS_DENSE } from '@hsr/testkit';

const SHAPES = [
  [3, 4, 3],
  [3, 3, 4, 3],
  [2, 3, 2, 4, 3],
];

/** Worst relative errors seen, per depth (printed for the record). */
const worst = new Map<number, number>();

describe('deep closed-form traces against the dense deep Hessian', () => {
  test.each(SHAPES.map((w) => [w.join('-'), w] as const))('%s: every activation, bias, reduction, block and curvature', (_name, widths) => {
    const L = widths.length - 1;
    ACTIVATION_NAMES.forEach((activation, i) => {
      for (const bias of [true, false]) {
        const { model, data, label } = deepCase({ widths, activation, bias, samples: 5, seed: 60 + i });
        for (const reduction of REDUCTIONS)
          for (const curvature of CURVATURES)
            for (const layers of layerSubsets(L)) {
              const variant = { reduction, curvature, layers };
              const closed = deepHessianTraces(model, data, variant);
              const dense = deepDenseHessian(model, data, variant);
              const ref = matrixTraces(dense);
              expect(closed.parameters).toBe(dense.size);
              const where = `${label} ${describeDeepVariant(variant)}`;
              // T1 may cancel (eigenvalues of both signs): its scale is the trace of |H|'s diagonal.
              let diagScale = 0;
              for (let k = 0; k < dense.size; k++) diagScale += Math.abs(dense.data[k * dense.size + k]!);
              expect(closed.traceH, `${where} T1`).toBeAllClose(ref.traceH, { rtol: RTOL_VS_DENSE, atol: 0, scale: diagScale });
              expect(closed.traceH2, `${where} T2`).toBeAllClose(ref.traceH2, { rtol: RTOL_VS_DENSE, atol: 0 });
              const e = Math.max(Math.abs(closed.traceH - ref.traceH) / diagScale, Math.abs(closed.traceH2 - ref.traceH2) / ref.traceH2);
              worst.set(L, Math.max(worst.get(L) ?? 0, e));
            }
      }
    });
    console.log(`deep traces, L = ${L}: worst relative error against the dense deep Hessian ${worst.get(L)!.toExponential(2)}`);
  });

  test('saturated hidden units and over-confident outputs', () => {
    const { model, data } = deepCase({ widths: [3, 4, 4, 3], activation: ['sigmoid', 'tanh'], bias: true, samples: 6, seed: 4, scale: 6 });
    for (const curvature of CURVATURES) {
      const variant = { reduction: 'sum' as const, curvature, layers: [0, 1, 2] };
      const ref = matrixTraces(deepDenseHessian(model, data, variant));
      const closed = deepHessianTraces(model, data, variant);
      expect(closed.traceH2).toBeAllClose(ref.traceH2, { rtol: RTOL_VS_DENSE, atol: 0 });
    }
  });
});

const fixtures = readGoldenFixtures<{ name: string; model: ModelArrays; data: { X: number[][]; y: number[] }; variant: Variant }>();

describe('deep closed-form traces at L = 2 equal hessianTraces on the golden fixtures', () => {
  test.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const model = createModel(fixture.model);
    const data = createDataset(fixture.data.X, fixture.data.y, model.classes);
    const layered = layeredFromModel(model);
    const deep = deepHessianTraces(layered, data, { reduction: fixture.variant.reduction, curvature: fixture.variant.curvature, layers: layersOfBlock(layered, fixture.variant.block) });
    const flat = hessianTraces(model, data, fixture.variant);
    expect(deep.parameters).toBe(flat.parameters);
    expect([deep.traceH, deep.traceH2]).toBeAllClose([flat.traceH, flat.traceH2], { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER, atol: 0, scale: 0 });
  });
});
