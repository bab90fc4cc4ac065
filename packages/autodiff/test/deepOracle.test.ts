/**
 * deepOracle.ts over deepLoss.ts: the deep loss definition reads theta in the layered contract
 * order, its gradient and Hessian are the five-point differences of its loss and gradient at
 * L = 3, and at L = 2 it is the three-layer definition of loss.ts.
 */
import { describe, expect, test } from 'vitest';
import { fivePointJacobian } from '@hsr/crosscheck';
import { ACTIVATION_NAMES, CURVATURES, createModel, flattenLayered, unflattenLayered, type LayeredModel } from '@hsr/numeric';
import { ATOL_FLOOR, deepCase, RTOL_VS_AUTODIFF, RTOL_VS_FINITE_DIFFERENCE } from '@hsr/testkit';
import { layeredParametersOf } from '../src/deepLoss.ts';
import { autodiffDeepGradient, autodiffDeepHessian, autodiffDeepLoss, autodiffDeepTraceGradients } from '../src/deepOracle.ts';
import { autodiffGradient, autodiffLoss } from '../src/oracle.ts';
import { autodiffTraceGradients } from '../src/traces.ts';

const at =
  <R>(model: LayeredModel, f: (m: LayeredModel) => R) =>
  (theta: Float64Array) =>
    f(unflattenLayered(model, theta));

describe('the deep loss definition', () => {
  test('reads theta in the layered contract order', () => {
    const { model } = deepCase({ widths: [2, 3, 2, 2], activation: 'tanh', bias: true, samples: 1, seed: 1 });
    const params = layeredParametersOf(model, Array.from(flattenLayered(model)));
    model.layers.forEach((layer, l) => {
      expect(params[l]!.W).toEqual(Array.from(layer.W));
      expect(params[l]!.b).toEqual(Array.from(layer.b!));
    });
  });

  test('at L = 2 is the three-layer definition: same loss and gradient', () => {
    const { model: layered, data } = deepCase({ widths: [3, 4, 3], activation: 'silu', bias: false, samples: 6, seed: 2 });
    const rows = (x: Float64Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(x.subarray(i * c, (i + 1) * c)));
    const model = createModel({ activation: 'silu', W: rows(layered.layers[0]!.W, 4, 3), V: rows(layered.layers[1]!.W, 3, 4) });
    expect(autodiffDeepLoss(layered, data, 'sum')).toBeAllClose(autodiffLoss(model, data, 'sum'), { rtol: RTOL_VS_AUTODIFF, atol: 0 });
    expect(autodiffDeepGradient(layered, data)).toBeAllClose(autodiffGradient(model, data), { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
  });

  test.each(ACTIVATION_NAMES)('L = 3 gradient and Hessian are five-point differences of the loss and gradient (%s)', (activation) => {
    for (const bias of [true, false]) {
      const { model, data, label } = deepCase({ widths: [2, 3, 2, 2], activation, bias, samples: 3, seed: 12 });
      const theta = flattenLayered(model);
      const g = fivePointJacobian(
        at(model, (m) => [autodiffDeepLoss(m, data, 'sum')]),
        theta,
      );
      expect(autodiffDeepGradient(model, data, 'sum'), label).toBeAllClose(g.jacobian, { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: Math.max(...g.roundoff) });
      const h = fivePointJacobian(
        at(model, (m) => autodiffDeepGradient(m, data, 'sum')),
        theta,
      );
      const H = autodiffDeepHessian(model, data, { reduction: 'sum', curvature: 'hessian', layers: [0, 1, 2] });
      expect(H.data, label).toBeAllClose(h.jacobian, { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: Math.max(...h.roundoff) });
    }
  });

  test('trace gradients at L = 2 equal the three-layer oracle; at L = 3 they are differences of T1, T2', () => {
    const { model: layered, data } = deepCase({ widths: [2, 3, 2], activation: 'gelu', bias: true, samples: 3, seed: 5 });
    const rows = (x: Float64Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(x.subarray(i * c, (i + 1) * c)));
    const model = createModel({ activation: 'gelu', W: rows(layered.layers[0]!.W, 3, 2), b: Array.from(layered.layers[0]!.b!), V: rows(layered.layers[1]!.W, 2, 3), a: Array.from(layered.layers[1]!.b!) });
    for (const curvature of CURVATURES) {
      const deep = autodiffDeepTraceGradients(layered, data, { reduction: 'mean', curvature, layers: [1] });
      const flat = autodiffTraceGradients(model, data, { reduction: 'mean', curvature, block: 'second' });
      expect([deep.traceH, deep.traceH2]).toBeAllClose([flat.traceH, flat.traceH2], { rtol: RTOL_VS_AUTODIFF, atol: 0 });
      expect(deep.gradTraceH2).toBeAllClose(flat.gradTraceH2, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
    }
    const { model: deepModel, data: deepData } = deepCase({ widths: [2, 2, 2, 2], activation: 'tanh', bias: false, samples: 2, seed: 6 });
    const variant = { reduction: 'mean' as const, curvature: 'hessian' as const, layers: [0, 2] };
    const traces = (m: LayeredModel) => {
      const H = autodiffDeepHessian(m, deepData, variant);
      let t1 = 0;
      let t2 = 0;
      for (let i = 0; i < H.size; i++) t1 += H.data[i * H.size + i]!;
      for (const x of H.data) t2 += x * x;
      return [t1, t2];
    };
    const fd = fivePointJacobian(at(deepModel, traces), flattenLayered(deepModel));
    const P = flattenLayered(deepModel).length;
    const tg = autodiffDeepTraceGradients(deepModel, deepData, variant);
    expect(tg.gradTraceH).toBeAllClose(fd.jacobian.subarray(0, P), { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: Math.max(...fd.roundoff.subarray(0, P)) });
    expect(tg.gradTraceH2).toBeAllClose(fd.jacobian.subarray(P), { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: Math.max(...fd.roundoff.subarray(P)) });
  });

  test('a block is its layers in theta order, whatever order they are named in', () => {
    // widths 2-3-2-2, no bias: layer 0 has 6 parameters (theta 0..5), layer 1 6 (6..11), layer 2 4 (12..15).
    const { model, data } = deepCase({ widths: [2, 3, 2, 2], activation: 'softplus', bias: false, samples: 3, seed: 9 });
    const full = autodiffDeepHessian(model, data, { reduction: 'sum', curvature: 'hessian', layers: [0, 1, 2] });
    const rows = [0, 1, 2, 3, 4, 5, 12, 13, 14, 15];
    const sub = rows.flatMap((i) => rows.map((j) => full.data[i * full.size + j]!));
    for (const layers of [
      [0, 2],
      [2, 0],
    ]) {
      const H = autodiffDeepHessian(model, data, { reduction: 'sum', curvature: 'hessian', layers });
      expect(H.size).toBe(10);
      expect(H.data, `layers ${layers}`).toBeAllClose(sub, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
    }
    // Three layers named out of order: (1, 2, 0) and (2, 0, 1) are the whole Hessian.
    for (const layers of [
      [1, 2, 0],
      [2, 0, 1],
    ])
      expect(autodiffDeepHessian(model, data, { reduction: 'sum', curvature: 'hessian', layers }).data, `layers ${layers}`).toEqual(full.data);
  });

  test('trace gradients in chosen columns are those columns of the full gradients', () => {
    const { model, data } = deepCase({ widths: [2, 2, 2], activation: 'sigmoid', bias: true, samples: 2, seed: 4 });
    const variant = { reduction: 'mean' as const, curvature: 'hessian' as const, layers: [1] };
    const all = autodiffDeepTraceGradients(model, data, variant);
    const columns = [7, 0, 3];
    const some = autodiffDeepTraceGradients(model, data, variant, columns);
    expect([some.traceH, some.traceH2]).toEqual([all.traceH, all.traceH2]);
    expect(Array.from(some.gradTraceH)).toEqual(columns.map((k) => all.gradTraceH[k]!));
    expect(Array.from(some.gradTraceH2)).toEqual(columns.map((k) => all.gradTraceH2[k]!));
  });
});
