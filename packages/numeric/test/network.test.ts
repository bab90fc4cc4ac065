/**
 * network.ts: the loss gradient by backpropagation (eq:loss-gradient) equals a five-point
 * difference of the loss and the autodiff gradient of the loss definition; the forward pass
 * rejects data of the wrong width, and each of its per-sample arrays is its definition, entry by
 * entry, at its stated N x width shape; the mean is the default reduction; accuracy counts the
 * samples whose first largest logit is the label.
 */
import { describe, expect, it } from 'vitest';
import { lossGradientEqualsAutodiff, lossGradientVsCentralDifference } from '@hsr/crosscheck/properties';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { AUTODIFF_CASES, describeProperties } from '@hsr/testkit/properties';
import { seededCase } from '@hsr/crosscheck/cases';
import { ACTIVATIONS, accuracy, createDataset, createModel, forwardPass, loss, lossGradient, reductionScale } from '../src/index.ts';

const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

describeProperties('loss-gradient properties on generated cases', { file: 'packages/numeric/test/network.test.ts', properties: [lossGradientVsCentralDifference], numRuns: 200 });
describeProperties('autodiff legs on generated cases', { file: 'packages/numeric/test/network.test.ts', properties: [lossGradientEqualsAutodiff], numRuns: 30, cases: AUTODIFF_CASES });

describe('forwardPass', () => {
  it('rejects data whose feature count is not the model input width, naming both', () => {
    const { model } = seededCase({ activation: 'tanh', bias: true, inputDim: 3, hiddenDim: 2, classes: 2, samples: 4, seed: 1 }, GLOROT);
    const data = createDataset([[1, 2]], [0], 2);
    expect(() => forwardPass(model, data)).toThrow(new RangeError('data has 2 features, model expects 3'));
  });
});

describe('forwardPass arrays', () => {
  // u_n = W x_n + b, z_n = phi(u_n), v_n = V z_n + a (docs/mathematics.md §1), written here as
  // plain nested sums over the model's matrices; phi and its derivatives from ACTIVATIONS (held
  // to autodiff and the symbolic engines in activations.test.ts). Each array is N x its width,
  // row n at offset n * width. The sums differ from the code's only in order, hence
  // RTOL_SAME_FORMULA. N = 5 > h = 4 and N not a multiple of h, so an array of N / h entries or
  // a row written at n / h or n * h - i cannot coincide with the right one.
  for (const bias of [true, false]) {
    it(`are their definitions at N x width (${bias ? 'with' : 'without'} biases)`, () => {
      const { model, data } = seededCase({ activation: 'softplus', bias, inputDim: 3, hiddenDim: 4, classes: 3, samples: 5, seed: 3 }, GLOROT);
      const { inputDim: d, hiddenDim: h, classes: c } = model;
      const N = data.samples;
      const dt = d + (bias ? 1 : 0);
      const ht = h + (bias ? 1 : 0);
      const fp = forwardPass(model, data);
      const want = { xt: [] as number[], u: [] as number[], zt: [] as number[], d1: [] as number[], d2: [] as number[], d3: [] as number[], v: [] as number[] };
      for (let n = 0; n < N; n++) {
        const x = Array.from({ length: d }, (_, j) => data.X[n * d + j]!);
        want.xt.push(...x, ...(bias ? [1] : []));
        const z: number[] = [];
        for (let i = 0; i < h; i++) {
          const ui = x.reduce((s, xj, j) => s + model.W[i * d + j]! * xj, model.b ? model.b[i]! : 0);
          const [phi, phi1, phi2, phi3] = ACTIVATIONS.softplus.all(ui);
          want.u.push(ui);
          want.d1.push(phi1);
          want.d2.push(phi2);
          want.d3.push(phi3);
          z.push(phi);
        }
        want.zt.push(...z, ...(bias ? [1] : []));
        for (let k = 0; k < c; k++) want.v.push(z.reduce((s, zl, l) => s + model.V[k * h + l]! * zl, model.a ? model.a[k]! : 0));
      }
      expect([fp.samples, fp.augmentedInputDim, fp.augmentedHiddenDim]).toEqual([N, dt, ht]);
      const widths = { xt: dt, u: h, zt: ht, d1: h, d2: h, d3: h, v: c } as const;
      for (const key of Object.keys(widths) as (keyof typeof widths)[]) {
        expect(fp[key].length, key).toBe(N * widths[key]);
        expect(fp[key], key).toBeAllClose(want[key], { rtol: RTOL_SAME_FORMULA });
      }
    });
  }
});

describe('reductions', () => {
  it('scale the per-sample sums by 1/N for the mean and by 1 for the sum', () => {
    expect(reductionScale('mean', 8)).toBe(0.125);
    expect(reductionScale('sum', 8)).toBe(1);
  });

  it('default to the mean in loss and lossGradient', () => {
    const { model, data } = seededCase({ activation: 'silu', bias: true, inputDim: 3, hiddenDim: 4, classes: 3, samples: 5, seed: 2 }, GLOROT);
    const sum = loss(model, data, 'sum');
    expect(loss(model, data)).toBeAllClose(sum / data.samples, { rtol: RTOL_SAME_FORMULA });
    const g = lossGradient(model, data);
    const gs = lossGradient(model, data, 'sum');
    expect(g.loss).toBeAllClose(gs.loss / data.samples, { rtol: RTOL_SAME_FORMULA });
    expect(g.gradient).toBeAllClose(
      gs.gradient.map((x) => x / data.samples),
      { rtol: RTOL_SAME_FORMULA },
    );
  });
});

describe('accuracy', () => {
  // Identity weights without biases: the logits are (tanh x_1, tanh x_2, tanh x_3), so the
  // predicted class is the index of the first largest feature.
  const eye = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const model = createModel({ activation: 'tanh', W: eye, V: eye });

  it('is the fraction of samples whose largest logit is the label', () => {
    // Predictions 2, 0, 1, 1. The second sample's first logit exceeds every logit of the
    // first: a search running one class too far would step onto it.
    const X = [
      [0.1, 0.2, 0.3],
      [0.9, 0.4, 0.5],
      [0.2, 0.6, 0.1],
      [1.5, 2, 0],
    ];
    expect(accuracy(model, createDataset(X, [2, 0, 1, 1], 3))).toBe(1);
    expect(accuracy(model, createDataset(X, [2, 0, 0, 1], 3))).toBe(0.75);
    expect(accuracy(model, createDataset(X, [0, 1, 2, 0], 3))).toBe(0);
  });

  it('breaks ties towards the first largest class, as argmax does', () => {
    const X = [
      [0.5, 0.5, 0.5],
      [0, 0.5, 0.5],
    ];
    expect(accuracy(model, createDataset(X, [0, 1], 3))).toBe(1);
    expect(accuracy(model, createDataset(X, [2, 2], 3))).toBe(0);
  });
});
