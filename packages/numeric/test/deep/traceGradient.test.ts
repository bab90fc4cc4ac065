/**
 * deep/traceGradient.ts: the closed-form gradients of T1, T2 and of the upper, lower and range
 * WS bounds of an MLP of any depth. At L = 2 they equal the three-layer boundGradient
 * (RTOL_SAME_FORMULA); at L = 3, 4 they equal five-point central differences of the deep
 * closed-form bound (RTOL_VS_FINITE_DIFFERENCE) and the deep autodiff oracle (RTOL_VS_AUTODIFF),
 * for every activation, biases on and off, mean and sum, several blocks and both curvatures;
 * s = 0 gives the minimum-norm subgradient with `degenerate`.
 */
import { describe, expect, test } from 'vitest';
import { autodiffBoundGradientFromTraces, autodiffDeepTraceGradients } from '@hsr/autodiff';
import { fivePointJacobian } from '@hsr/crosscheck';
import {
  ACTIVATION_NAMES,
  BOUND_KINDS,
  boundGradient,
  boundGradientFromTraces,
  createModel,
  CURVATURES,
  deepBoundGradient,
  deepHessianTraces,
  deepTraceGradients,
  type DeepVariant,
  flattenLayered,
  layeredFromModel,
  type LayeredModel,
  REDUCTIONS,
  unflattenLayered,
  wolkowiczStyanBounds,
  BLOCKS,
  layersOfBlock,
  type Dataset,
} from '@hsr/numeric';
import { ATOL_FLOOR, deepCase, describeDeepVariant, RTOL_SAME_FORMULA, RTOL_VS_AUTODIFF, RTOL_VS_FINITE_DIFFERENCE } from '@hsr/testkit';

/** Worst relative errors seen, per depth and reference (printed for the record). */
const worst = new Map<string, number>();
function record(key: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) err = Math.max(err, Math.abs(actual[i]! - expected[i]!));
  worst.set(key, Math.max(worst.get(key) ?? 0, scale > 0 ? err / scale : err));
}

/** The three bounds of the deep closed-form traces, as a function of theta. */
const boundsAt = (model: LayeredModel, data: Dataset, variant: DeepVariant) => (theta: Float64Array) => {
  const t = deepHessianTraces(unflattenLayered(model, theta), data, variant);
  const b = wolkowiczStyanBounds(t.traceH, t.traceH2, t.parameters);
  return [b.lambdaMaxUpper, b.lambdaMinLower, b.rangeUpper];
};

describe('at L = 2 the deep bound gradients are the three-layer boundGradient', () => {
  test.each(ACTIVATION_NAMES)('%s: biases, reductions, blocks, curvatures', (activation) => {
    for (const bias of [true, false]) {
      const { model: layered, data } = deepCase({ widths: [3, 5, 3], activation, bias, samples: 6, seed: 31 });
      const rows = (x: Float64Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(x.subarray(i * c, (i + 1) * c)));
      const [l0, l1] = layered.layers as [LayeredModel['layers'][0], LayeredModel['layers'][0]];
      const model = createModel({ activation, W: rows(l0.W, 5, 3), V: rows(l1.W, 3, 5), ...(bias ? { b: Array.from(l0.b!), a: Array.from(l1.b!) } : {}) });
      expect(flattenLayered(layeredFromModel(model))).toEqual(flattenLayered(layered));
      for (const reduction of REDUCTIONS)
        for (const curvature of CURVATURES)
          for (const block of BLOCKS) {
            const variant = { reduction, curvature, layers: layersOfBlock(layered, block) };
            for (const of of BOUND_KINDS) {
              const deep = deepBoundGradient(layered, data, variant, of);
              const flat = boundGradient(model, data, { reduction, curvature, block }, of);
              const where = `${activation} ${bias ? 'bias' : 'nobias'} ${describeDeepVariant(variant)} ${of}`;
              expect(deep.value, where).toBeAllClose(flat.value, { rtol: RTOL_SAME_FORMULA, atol: 0 });
              expect(deep.gradient, where).toBeAllClose(flat.gradient, { rtol: RTOL_SAME_FORMULA, atol: 0 });
              record('L = 2 vs boundGradient', deep.gradient, flat.gradient);
            }
          }
    }
  });
});

const DEEP_CASES = [
  { widths: [3, 3, 4, 3], blocks: [[0, 1, 2], [0], [1], [2], [0, 2], [1, 2]] },
  { widths: [2, 3, 2, 3, 3], blocks: [[0, 1, 2, 3], [0, 3], [1, 2], [2]] },
];

describe('at L = 3, 4 the deep bound gradients are central differences of the deep closed-form bounds', () => {
  test.each(DEEP_CASES.map((c) => [c.widths.join('-'), c] as const))('%s: every activation, bias, reduction, block and curvature', (_name, { widths, blocks }) => {
    const L = widths.length - 1;
    ACTIVATION_NAMES.forEach((activation, i) => {
      for (const bias of [true, false]) {
        const { model, data, label } = deepCase({ widths, activation, bias, samples: 4, seed: 90 + i });
        const theta = flattenLayered(model);
        const P = theta.length;
        for (const reduction of REDUCTIONS)
          for (const curvature of CURVATURES)
            for (const layers of blocks) {
              const variant = { reduction, curvature, layers };
              const fd = fivePointJacobian(boundsAt(model, data, variant), theta);
              BOUND_KINDS.forEach((of, k) => {
                const g = deepBoundGradient(model, data, variant, of);
                const where = `${label} ${describeDeepVariant(variant)} ${of}`;
                expect(g.degenerate, where).toBe(false);
                const ref = fd.jacobian.subarray(k * P, (k + 1) * P);
                expect(g.gradient, where).toBeAllClose(ref, { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: Math.max(...fd.roundoff.subarray(k * P, (k + 1) * P)) });
                record(`L = ${L} vs central differences`, g.gradient, ref);
              });
            }
      }
    });
    console.log(`deep bound gradients, L = ${L}: worst relative error against central differences ${worst.get(`L = ${L} vs central differences`)!.toExponential(2)}`);
  });
});

describe('at L = 3, 4 the deep trace and bound gradients are the deep autodiff oracle', () => {
  test.each(DEEP_CASES.map((c) => [c.widths.join('-'), c] as const))('%s: every activation, bias, reduction, a few blocks, both curvatures', (_name, { widths, blocks }) => {
    const L = widths.length - 1;
    ACTIVATION_NAMES.forEach((activation, i) => {
      for (const bias of [true, false]) {
        const { model, data, label } = deepCase({ widths, activation, bias, samples: 3, seed: 120 + i });
        for (const reduction of REDUCTIONS)
          for (const curvature of CURVATURES)
            for (const layers of blocks.slice(0, 2)) {
              const variant = { reduction, curvature, layers };
              const where = `${label} ${describeDeepVariant(variant)}`;
              const closed = deepTraceGradients(model, data, variant);
              const oracle = autodiffDeepTraceGradients(model, data, variant);
              expect(closed.gradTraceH, `${where} T1`).toBeAllClose(oracle.gradTraceH, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
              expect(closed.gradTraceH2, `${where} T2`).toBeAllClose(oracle.gradTraceH2, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
              for (const of of BOUND_KINDS) {
                const g = boundGradientFromTraces(closed, of);
                const ref = autodiffBoundGradientFromTraces(oracle, closed.parameters, of);
                expect(g.gradient, `${where} ${of}`).toBeAllClose(ref.gradient, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
                record(`L = ${L} vs autodiff`, g.gradient, ref.gradient);
              }
            }
      }
    });
    console.log(`deep bound gradients, L = ${L}: worst relative error against the autodiff oracle ${worst.get(`L = ${L} vs autodiff`)!.toExponential(2)}`);
  });
});

describe('more samples than one block of the streamed lowest-layer adjoint', () => {
  test('N = 66 (two blocks of 64): L = 3 equals the deep autodiff oracle, L = 2 the three-layer boundGradient', () => {
    for (const curvature of CURVATURES) {
      const { model, data, label } = deepCase({ widths: [2, 3, 2, 2], activation: 'tanh', bias: true, samples: 66, seed: 77 });
      const variant = { reduction: 'mean' as const, curvature, layers: [0, 1, 2] };
      const closed = deepTraceGradients(model, data, variant);
      const oracle = autodiffDeepTraceGradients(model, data, variant);
      expect(closed.gradTraceH, `${label} ${curvature} T1`).toBeAllClose(oracle.gradTraceH, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
      expect(closed.gradTraceH2, `${label} ${curvature} T2`).toBeAllClose(oracle.gradTraceH2, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
      const two = deepCase({ widths: [3, 4, 2], activation: 'tanh', bias: true, samples: 66, seed: 78 });
      const [l0, l1] = two.model.layers as [LayeredModel['layers'][0], LayeredModel['layers'][0]];
      const rows = (x: Float64Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(x.subarray(i * c, (i + 1) * c)));
      const m2 = createModel({ activation: 'tanh', W: rows(l0.W, 4, 3), V: rows(l1.W, 2, 4), b: Array.from(l0.b!), a: Array.from(l1.b!) });
      const variant2 = { reduction: 'mean' as const, curvature, layers: [0, 1] };
      const deep = deepBoundGradient(two.model, two.data, variant2, 'upper');
      const ref = boundGradient(m2, two.data, { reduction: 'mean', curvature, block: 'all' }, 'upper');
      expect(deep.gradient, `L = 2 ${curvature}`).toBeAllClose(ref.gradient, { rtol: RTOL_SAME_FORMULA, atol: ATOL_FLOOR });
    }
  });
});

describe('s = 0', () => {
  test('a one-parameter block gives the minimum-norm subgradient, flagged degenerate', () => {
    const { model, data } = deepCase({ widths: [2, 1, 1, 2], activation: 'tanh', bias: false, samples: 3, seed: 5 });
    const variant = { reduction: 'mean' as const, curvature: 'hessian' as const, layers: [1] };
    const tg = deepTraceGradients(model, data, variant);
    expect(tg.parameters).toBe(1);
    const upper = deepBoundGradient(model, data, variant, 'upper');
    const range = deepBoundGradient(model, data, variant, 'range');
    expect(upper.degenerate).toBe(true);
    expect(range.degenerate).toBe(true);
    expect(upper.gradient).toEqual(tg.gradTraceH);
    expect(range.gradient.every((x) => x === 0)).toBe(true);
    expect(tg.gradTraceH.some((x) => x !== 0)).toBe(true);
    console.log([...worst].map(([k, v]) => `${k}: ${v.toExponential(2)}`).join('\n'));
  });
});
