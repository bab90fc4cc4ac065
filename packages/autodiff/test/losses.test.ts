/**
 * Every loss of the oracle, not only the cross-entropy the other autodiff tests use: each
 * LOSS_DEFINITIONS entry on plain numbers against the textbook formula written out here, and
 * the oracle's loss, gradient and Hessian (and Gauss–Newton block) against `@hsr/numeric`'s
 * closed forms for every loss, reduction and curvature. Without these, a wrong mse,
 * label-smoothing or binary cross-entropy definition in the oracle went unnoticed by the
 * oracle's own tests (mutation testing found it). Then the definitions where float64 breaks
 * naive formulas: each loss's value and gradient (by jets) against numeric's 80-digit mpmath
 * reference of the loss table (numeric/test/fixtures/losses/generate.py), whose rows include
 * the logistic tails -710, 40, -40 and logits of 800, where a softplus taken on the wrong branch
 * overflows or cancels. Last, the oracle's refusals of a theta, data or labels that do not fit
 * the model, each by its message.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { RTOL_LOSS_TABLE_VS_HIGH_PRECISION, RTOL_SAME_FORMULA, RTOL_VS_AUTODIFF } from '@hsr/testkit';
import { BLOCKS, CURVATURES, LOSS_NAMES, REDUCTIONS, denseHessian, loss, lossGradient, type Loss, type Variant } from '@hsr/numeric';
import { NUMBER_ALGEBRA } from '../src/algebra.ts';
import { JetAlgebra, denseGradientOf } from '../src/jet.ts';
import { LOSS_DEFINITIONS, lossOver, parametersOf } from '../src/loss.ts';
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

interface LossFixtureRow {
  loss: number;
  lossScale: number;
  g: number[];
  gScale: number[];
}
interface LossFixture {
  classes: number;
  labelSmoothing: number;
  logits: number[][];
  labels: number[];
  losses: Record<Loss, { rows: LossFixtureRow[] }>;
}
const fixture = JSON.parse(readFileSync(new URL('../../numeric/test/fixtures/losses/losses.json', import.meta.url), 'utf8')) as LossFixture;

describe('LOSS_DEFINITIONS against the 80-digit reference of the loss table', () => {
  // Entry by entry within RTOL_LOSS_TABLE_VS_HIGH_PRECISION (1 + max|v|) of max(|reference|,
  // the magnitudes of its terms), the tolerance numeric's loss table is held to on these rows.
  const expectEntry = (label: string, n: number, actual: number, reference: number, scale: number) =>
    expect(actual, `${label} of row ${n} (logits ${fixture.logits[n]!.join(', ')})`).toBeAllClose(reference, {
      rtol: RTOL_LOSS_TABLE_VS_HIGH_PRECISION * (1 + Math.max(...fixture.logits[n]!.map(Math.abs))),
      atol: Number.MIN_VALUE,
      scale,
    });
  test.each(LOSS_NAMES)('%s: the value on plain numbers and the gradient by jets, every row', (name) => {
    const A = new JetAlgebra({ order: 1, tangent: false });
    fixture.logits.forEach((v, n) => {
      const y = fixture.labels[n]!;
      const want = fixture.losses[name].rows[n]!;
      expectEntry('loss', n, LOSS_DEFINITIONS[name](NUMBER_ALGEBRA, v, y, fixture.labelSmoothing), want.loss, want.lossScale);
      const jet = LOSS_DEFINITIONS[name](
        A,
        v.map((vk, k) => A.variable(vk, k)),
        y,
        fixture.labelSmoothing,
      );
      expectEntry('jet value', n, jet.value, want.loss, want.lossScale);
      // The jets differentiate the definition as written, so g_k comes out as a sum that holds
      // its probability (or logistic value, at most 1) and the label's 1 (p_y - 1, sigma - 1):
      // unlike numeric's table, they are accurate to those terms' size, not to 1 - p_y's, and a
      // saturated row's g_y of 1e-19 is held to an absolute 1e-14 (1 + max|v|).
      const g = denseGradientOf(jet, fixture.classes);
      for (let k = 0; k < fixture.classes; k++) expectEntry(`g[${k}]`, n, g[k]!, want.g[k]!, Math.max(want.gScale[k]!, 1));
    });
  });
});

describe('the oracle refuses what does not fit the model', () => {
  const { model, data } = randomCase({ ...SMALL, activation: 'tanh', bias: true, seed: 5 });
  // P = h (d + 1) + c (h + 1) = 3 * 4 + 3 * 4.
  const P = 24;
  test('a theta of the wrong length, naming both lengths', () => {
    expect(parametersOf(model, new Array<number>(P).fill(0)).W).toHaveLength(9);
    expect(() => parametersOf(model, new Array<number>(P - 1).fill(0))).toThrow(`theta has length ${P - 1}, expected ${P}`);
    expect(() => parametersOf({ ...model, b: null, a: null }, new Array<number>(P).fill(0))).toThrow(`theta has length ${P}, expected 18`);
  });
  test('data with another number of features', () => {
    const theta = new Array<number>(P).fill(0.1);
    expect(() => lossOver(NUMBER_ALGEBRA, model, theta, { ...data, features: 4 }, { reduction: 'mean' })).toThrow('data has 4 features, model expects 3');
  });
  test('a label outside 0..c-1, on either side, naming the sample', () => {
    const theta = new Array<number>(P).fill(0.1);
    for (const [bad, at] of [
      [3, 1],
      [-1, 2],
    ] as const) {
      const y = Int32Array.from(data.y);
      y[at] = bad;
      expect(() => lossOver(NUMBER_ALGEBRA, model, theta, { ...data, y }, { reduction: 'sum' })).toThrow(`label ${bad} of sample ${at} is outside 0..2`);
    }
    expect(Number.isFinite(lossOver(NUMBER_ALGEBRA, model, theta, data, { reduction: 'sum' }))).toBe(true);
  });
});
