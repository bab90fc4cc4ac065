/**
 * network.ts: the loss gradient by backpropagation (eq:loss-gradient) equals a five-point
 * difference of the loss and the autodiff gradient of the loss definition; the forward pass
 * rejects data of the wrong width; the mean is the default reduction; accuracy counts the
 * samples whose first largest logit is the label.
 */
import { describe, expect, it } from 'vitest';
import { lossGradientEqualsAutodiff, lossGradientVsCentralDifference } from '@hsr/crosscheck/properties';
import { RTOL_ACTIVATION_VS_TEXTBOOK, RTOL_SAME_FORMULA } from '@hsr/testkit';
import { AUTODIFF_CASES, describeProperties } from '@hsr/testkit/properties';
import { seededCase } from '@hsr/crosscheck/cases';
import { accuracy, createDataset, createModel, forwardPass, loss, lossGradient, reductionScale } from '../src/index.ts';

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

describe('forwardPass per-sample arrays', () => {
  // A 2-3-2 tanh network with biases on three samples, every quantity written out by hand:
  // u_n = W x_n + b, and phi', phi'', phi''' from the textbook tanh derivatives
  // 1 - t^2, -2t(1 - t^2), (1 - t^2)(6t^2 - 2), which share no code with the activation table.
  // The pass's outputs u and d1..d3 have no consumer inside network.ts, so only a test that
  // reads them sample by sample can tell whether each sample's row is where it belongs.
  const W = [
    [0.5, -1],
    [0.25, 0.75],
    [-1.5, 0.125],
  ];
  const b = [0.125, -0.25, 0.375];
  const X = [
    [1, 2],
    [-0.5, 0.25],
    [2, -1],
  ];
  const model = createModel({
    activation: 'tanh',
    W,
    b,
    V: [
      [1, 0, -1],
      [0.5, 0.5, 0.5],
    ],
    a: [0, 0.125],
  });
  const fp = forwardPass(model, createDataset(X, [0, 1, 0], 2));
  const u = X.flatMap((x) => W.map((w, i) => w[0]! * x[0]! + w[1]! * x[1]! + b[i]!));

  it('stores each sample pre-activation u_n = W x_n + b in its own row', () => {
    expect(fp.u).toHaveLength(9);
    // Sums of three exact binary fractions: exact in float64.
    expect(Array.from(fp.u)).toEqual(u);
  });

  it("stores phi', phi'', phi''' of u_n in each sample's row", () => {
    const t = u.map(Math.tanh);
    const d1 = t.map((x) => 1 - x * x);
    // The textbook forms against the table's sigmoid route: a few roundings each at |u| <= 3.
    expect(fp.d1).toBeAllClose(d1, { rtol: RTOL_ACTIVATION_VS_TEXTBOOK });
    expect(fp.d2).toBeAllClose(
      t.map((x, k) => -2 * x * d1[k]!),
      { rtol: RTOL_ACTIVATION_VS_TEXTBOOK },
    );
    expect(fp.d3).toBeAllClose(
      t.map((x, k) => d1[k]! * (6 * x * x - 2)),
      { rtol: RTOL_ACTIVATION_VS_TEXTBOOK },
    );
    for (const a of [fp.d1, fp.d2, fp.d3]) expect(a).toHaveLength(9);
  });
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
