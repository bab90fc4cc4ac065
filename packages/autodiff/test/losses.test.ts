/**
 * Every loss of the oracle, not only the cross-entropy the other autodiff tests use: each
 * LOSS_DEFINITIONS entry on plain numbers against the textbook formula written out here, and
 * the oracle's loss, gradient and Hessian (and Gauss–Newton block) against `@hsr/numeric`'s
 * closed forms for every loss, reduction and curvature. Without these, a wrong mse,
 * label-smoothing or binary cross-entropy definition in the oracle went unnoticed by the
 * oracle's own tests (mutation testing found it).
 */
import { describe, expect, test } from 'vitest';
import { RTOL_SAME_FORMULA, RTOL_VS_AUTODIFF } from '@hsr/testkit';
import { BLOCKS, CURVATURES, LOSS_NAMES, REDUCTIONS, denseHessian, loss, lossGradient, type Loss, type Variant } from '@hsr/numeric';
import { NUMBER_ALGEBRA } from '../src/algebra.ts';
import { LOSS_DEFINITIONS } from '../src/loss.ts';
import { autodiffGradient, autodiffHessian, autodiffLoss } from '../src/oracle.ts';
import { SMALL, randomCase } from './cases.ts';

/** Moderate logits (no overflow in the naive formulas below), a label, a smoothing epsilon. */
const LOGITS = [0.7, -1.2, 2.3, 0.1];
const EPS = 0.15;

/** The textbook definitions, naively: log(1 + e^x), log of the softmax by its definition. */
const softplus = (x: number) => Math.log(1 + Math.exp(x));
const logSoftmax = (v: readonly number[], k: number) => v[k]! - Math.log(v.reduce((s, t) => s + Math.exp(t), 0));
const TEXTBOOK: { readonly [L in Loss]: (v: readonly number[], y: number, eps: number) => number } = {
  'cross-entropy': (v, y) => -logSoftmax(v, y),
  'label-smoothing': (v, y, eps) => -v.reduce((s, _, k) => s + ((k === y ? 1 - eps : 0) + eps / v.length) * logSoftmax(v, k), 0),
  mse: (v, y) => 0.5 * v.reduce((s, t, k) => s + (t - (k === y ? 1 : 0)) ** 2, 0),
  'binary-cross-entropy': (v, y) => v.reduce((s, t, k) => s + softplus(t) - (k === y ? t : 0), 0),
};

describe('LOSS_DEFINITIONS', () => {
  test('each equals its textbook formula on plain numbers, for every label, both signs of the logits', () => {
    for (const name of LOSS_NAMES)
      for (const sign of [1, -1]) {
        const v = LOGITS.map((t) => sign * t);
        for (let y = 0; y < v.length; y++) {
          expect(LOSS_DEFINITIONS[name](NUMBER_ALGEBRA, v, y, EPS), `${name} y=${y} sign=${sign}`).toBeAllClose(TEXTBOOK[name](v, y, EPS), { rtol: RTOL_SAME_FORMULA });
        }
      }
  });
});

describe('the oracle for every loss', () => {
  test('loss, gradient, Hessian and Gauss–Newton blocks equal @hsr/numeric, every reduction', () => {
    for (const name of LOSS_NAMES) {
      const { model, data } = randomCase({ ...SMALL, activation: 'tanh', bias: true, seed: 31, loss: name, ...(name === 'label-smoothing' ? { labelSmoothing: 0.2 } : {}) });
      for (const reduction of REDUCTIONS) {
        const label = `${name} ${reduction}`;
        expect(autodiffLoss(model, data, reduction), label).toBeAllClose(loss(model, data, reduction), { rtol: RTOL_SAME_FORMULA });
        expect(autodiffGradient(model, data, reduction), label).toBeAllClose(lossGradient(model, data, reduction).gradient, { rtol: RTOL_VS_AUTODIFF });
        for (const block of BLOCKS)
          for (const curvature of CURVATURES) {
            const variant: Variant = { reduction, block, curvature };
            expect(autodiffHessian(model, data, variant).data, `${label} ${block} ${curvature}`).toBeAllClose(denseHessian(model, data, variant).data, { rtol: RTOL_VS_AUTODIFF });
          }
      }
    }
  });
});
