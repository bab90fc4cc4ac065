/**
 * deep/outputLoss.ts: every loss of numeric's table through the deep path. At L = 2, 3, 4, for
 * each of mse, label smoothing (eps = 0.1 and 0.3) and binary cross-entropy, over two
 * activations each, biases on and off, mean and sum, both curvatures and two blocks of layers:
 * the loss and its gradient, the dense deep Hessian and the closed-form trace gradients equal
 * the deep autodiff oracle (which differentiates each loss's definition, @hsr/autodiff's
 * LOSS_DEFINITIONS), and the closed-form T1, T2 equal the dense deep Hessian's. At L = 2 the deep
 * path equals the three-layer code for every loss (the other losses' golden fixtures in
 * hessian.test.ts and traces.test.ts, and the bound gradients here). Cross-entropy through the
 * table is the same object as CROSS_ENTROPY_LOSS, so its results are unchanged.
 */
import { describe, expect, test } from 'vitest';
import { autodiffDeepGradient, autodiffDeepHessian, autodiffDeepLoss, autodiffDeepTraceGradients } from '@hsr/autodiff';
import {
  ACTIVATION_NAMES,
  BOUND_KINDS,
  boundGradient,
  CROSS_ENTROPY_LOSS,
  CURVATURES,
  DEFAULT_LOSS,
  deepBoundGradient,
  deepDenseHessian,
  deepHessianTraces,
  deepLoss,
  deepLossGradient,
  deepTraceGradients,
  type LayeredModel,
  type Loss,
  LOSS_NAMES,
  matrixTraces,
  modelFromLayered,
  outputLossOf,
  REDUCTIONS,
} from '@hsr/numeric';
import { ATOL_FLOOR, deepCase, describeDeepVariant, RTOL_DEPTH_TWO_VS_THREE_LAYER, RTOL_VS_AUTODIFF, RTOL_VS_DENSE } from '@hsr/testkit';

const OTHER_LOSSES: { loss: Loss; labelSmoothing?: number }[] = [...LOSS_NAMES.filter((l) => l !== DEFAULT_LOSS).map((loss) => ({ loss })), { loss: 'label-smoothing', labelSmoothing: 0.3 }];

const SHAPES = [
  { widths: [3, 3, 3], blocks: [[0, 1], [0]] },
  {
    widths: [2, 3, 3, 3],
    blocks: [
      [0, 1, 2],
      [0, 2],
    ],
  },
  {
    widths: [2, 2, 3, 2, 3],
    blocks: [
      [0, 1, 2, 3],
      [1, 3],
    ],
  },
];

function withLoss(model: LayeredModel, choice: { loss: Loss; labelSmoothing?: number }): LayeredModel {
  return { ...model, ...choice };
}

describe('the loss table through the deep path', () => {
  test('a layered model without a loss is cross-entropy; with one, its own rule and eps', () => {
    const { model } = deepCase({ widths: [2, 3, 3], activation: 'tanh', bias: true, samples: 2, seed: 1 });
    expect(outputLossOf(model)).toBe(CROSS_ENTROPY_LOSS);
    for (const choice of OTHER_LOSSES) expect(outputLossOf(withLoss(model, choice)).name).toBe(choice.loss);
  });

  for (const choice of OTHER_LOSSES) {
    const name = `${choice.loss}${choice.labelSmoothing !== undefined ? ` eps = ${choice.labelSmoothing}` : ''}`;
    test.each(SHAPES.map((s) => [s.widths.join('-'), s] as const))(`${name}, %s: loss, gradient, dense Hessian and trace gradients equal the deep autodiff oracle`, (_shape, { widths, blocks }) => {
      const L = widths.length - 1;
      const k = OTHER_LOSSES.indexOf(choice);
      for (const activation of [ACTIVATION_NAMES[k % 5]!, ACTIVATION_NAMES[(k + 2) % 5]!])
        for (const bias of [true, false]) {
          const base = deepCase({ widths, activation, bias, samples: 3, seed: 200 + 10 * k + L });
          const model = withLoss(base.model, choice);
          const { data } = base;
          const label = `${name} ${base.label}`;
          for (const reduction of REDUCTIONS) {
            expect(deepLoss(model, data, reduction), label).toBeAllClose(autodiffDeepLoss(model, data, reduction), { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
            expect(deepLossGradient(model, data, reduction).gradient, label).toBeAllClose(autodiffDeepGradient(model, data, reduction), { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
            for (const curvature of CURVATURES)
              for (const layers of blocks) {
                const variant = { reduction, curvature, layers };
                const where = `${label} ${describeDeepVariant(variant)}`;
                const dense = deepDenseHessian(model, data, variant);
                expect(dense.data, `${where} Hessian`).toBeAllClose(autodiffDeepHessian(model, data, variant).data, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
                const closed = deepHessianTraces(model, data, variant);
                const ref = matrixTraces(dense);
                let diagScale = 0;
                for (let i = 0; i < dense.size; i++) diagScale += Math.abs(dense.data[i * dense.size + i]!);
                expect(closed.traceH, `${where} T1`).toBeAllClose(ref.traceH, { rtol: RTOL_VS_DENSE, atol: 0, scale: diagScale });
                expect(closed.traceH2, `${where} T2`).toBeAllClose(ref.traceH2, { rtol: RTOL_VS_DENSE, atol: 0 });
                const tg = deepTraceGradients(model, data, variant);
                const oracle = autodiffDeepTraceGradients(model, data, variant);
                expect(tg.gradTraceH, `${where} grad T1`).toBeAllClose(oracle.gradTraceH, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
                expect(tg.gradTraceH2, `${where} grad T2`).toBeAllClose(oracle.gradTraceH2, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
              }
          }
        }
    });
  }

  test.each(OTHER_LOSSES.map((c) => [`${c.loss}${c.labelSmoothing ? ` eps = ${c.labelSmoothing}` : ''}`, c] as const))('%s at L = 2: the deep bound gradients are the three-layer ones', (_name, choice) => {
    const { model: base, data } = deepCase({ widths: [3, 4, 3], activation: 'silu', bias: true, samples: 5, seed: 31 });
    const layered = withLoss(base, choice);
    const two = modelFromLayered(layered)!;
    expect(two.loss).toBe(choice.loss);
    for (const curvature of CURVATURES)
      for (const of of BOUND_KINDS) {
        const deep = deepBoundGradient(layered, data, { reduction: 'mean', curvature, layers: [0, 1] }, of);
        const flat = boundGradient(two, data, { reduction: 'mean', block: 'all', curvature }, of);
        expect([deep.value, ...deep.gradient], `${curvature} ${of}`).toBeAllClose([flat.value, ...flat.gradient], { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER, atol: ATOL_FLOOR });
      }
  });
});
