/**
 * The per-record quantities beside the curvature: calibration, saturation, negative mass, layer
 * norms and the gradient norm, each against a value worked out by hand or by an independent
 * computation (finite differences), and a critical point that is a saddle.
 */
import { describe, expect, it } from 'vitest';
import { fivePointGradient, parameterSteps } from '@hsr/crosscheck';
import { ATOL_FLOOR, RTOL_SAME_FORMULA, RTOL_VS_FINITE_DIFFERENCE } from '@hsr/testkit';
import { createDataset, createModel, initModel } from '../../src/model.ts';
import { forwardPass, loss } from '../../src/network.ts';
import { flattenParameters, unflattenParameters } from '../../src/parameters.ts';
import { computeMetrics, expectedCalibrationError, layerNorms, negativeMass, saturatedFraction } from '../../src/training/metrics.ts';
import { DEFAULT_VARIANT } from '../../src/types.ts';

/** 1-1-2 tanh network with logits v = (tanh x, -tanh x): p_0 = 1 / (1 + e^{-2 tanh x}). */
const ONE_UNIT = createModel({ activation: 'tanh', W: [[1]], b: [0], V: [[1], [-1]], a: [0, 0] });
const p0 = (x: number) => 1 / (1 + Math.exp(-2 * Math.tanh(x)));

describe('expectedCalibrationError', () => {
  it('is |accuracy - confidence| when every sample has the same confidence', () => {
    // V = 0, a = (log 3, 0): p = (0.75, 0.25) everywhere, prediction 0 everywhere.
    const model = createModel({ activation: 'tanh', W: [[0.3]], b: [0], V: [[0], [0]], a: [Math.log(3), 0] });
    const half = createDataset([[1], [2], [3], [4]], [0, 0, 1, 1], 2);
    expect(expectedCalibrationError(forwardPass(model, half), half.y)).toBeAllClose(0.25, { rtol: RTOL_SAME_FORMULA });
    const calibrated = createDataset([[1], [2], [3], [4]], [0, 0, 0, 1], 2);
    expect(expectedCalibrationError(forwardPass(model, calibrated), calibrated.y)).toBeAllClose(0, { rtol: 0, atol: ATOL_FLOOR });
  });

  it('weights each confidence bin by its share of the samples', () => {
    // x = 0.1, 0.2 land in one bin (p0 = 0.5498, 0.5987: bin (8/15, 9/15]); x = 2 has p0 = 0.8731, bin (13/15, 14/15];
    // x = -2 predicts class 1 with the same confidence. Labels: 0, 1, 0, 0.
    const xs = [0.1, 0.2, 2, -2];
    const data = createDataset(
      xs.map((x) => [x]),
      [0, 1, 0, 0],
      2,
    );
    const conf = xs.map((x) => Math.max(p0(x), 1 - p0(x)));
    expect(Math.ceil(conf[0]! * 15)).toBe(9);
    expect(Math.ceil(conf[1]! * 15)).toBe(9);
    expect(Math.ceil(conf[2]! * 15)).toBe(14);
    // bin 9: accuracy 1/2 (x = 0.1 right, 0.2 wrong), mean confidence (c0 + c1)/2; bin 14: accuracy 1/2, confidence c2.
    const expected = (2 / 4) * Math.abs(0.5 - (conf[0]! + conf[1]!) / 2) + (2 / 4) * Math.abs(0.5 - conf[2]!);
    expect(expectedCalibrationError(forwardPass(ONE_UNIT, data), data.y)).toBeAllClose(expected, { rtol: RTOL_SAME_FORMULA });
  });
});

describe('saturatedFraction', () => {
  it("counts units with tanh'(u) < 0.01", () => {
    // tanh'(u) = 1 - tanh(u)^2: 1, 0.42, 0.0036, 0.0013 at u = 0, 1, 3.5, -4.
    const data = createDataset([[0], [1], [3.5], [-4]], [0, 1, 0, 1], 2);
    expect(saturatedFraction(ONE_UNIT, forwardPass(ONE_UNIT, data))).toBe(0.5);
  });
});

describe('negativeMass', () => {
  it('is the negative share of sum |lambda|, ignoring eigenvalues within round-off of zero', () => {
    // max |lambda| = 5, threshold -5e-10: -1e-12 is not counted as negative but is in the total.
    expect(negativeMass([-2, -1e-12, 1, 5])).toBeAllClose(2 / (8 + 1e-12), { rtol: RTOL_SAME_FORMULA });
    expect(negativeMass([-1, 1])).toBe(0.5);
    expect(negativeMass([0, 0, 0])).toBe(0);
    expect(negativeMass([0.5, 2])).toBe(0);
  });
});

describe('layerNorms', () => {
  it('is the Frobenius norm of each layer', () => {
    const m = createModel({ activation: 'tanh', W: [[3, 4]], b: [12], V: [[1], [2]], a: [2, 1] });
    expect(layerNorms(m)).toEqual({ W: 5, b: 12, V: Math.sqrt(5), a: Math.sqrt(5) });
    const noBias = createModel({ activation: 'tanh', W: [[3, 4]], V: [[1], [2]] });
    expect(layerNorms(noBias).b).toBeNull();
  });
});

describe('computeMetrics', () => {
  const data = createDataset(
    [
      [0.5, -1],
      [1.5, 0.25],
      [-0.75, 0.8],
      [0.1, 2],
    ],
    [0, 1, 1, 0],
    2,
  );
  const ctx = { epoch: 0, step: 0, regulariserSkipped: 0 };

  it('reports the norm of the loss gradient (five-point differences)', () => {
    const model = initModel({ activation: 'tanh', inputDim: 2, hiddenDim: 3, classes: 2, bias: true, seed: 7 });
    const fd = fivePointGradient((t) => loss(unflattenParameters(model, t), data), flattenParameters(model), { step: parameterSteps(model, data) });
    const r = computeMetrics(model, data, null, DEFAULT_VARIANT, ctx);
    expect(r.gradientNorm).toBeAllClose(Math.hypot(...fd.gradient), { rtol: RTOL_VS_FINITE_DIFFERENCE });
    expect(r.testCalibrationError).toBeNull();
    expect(r.saturatedFraction).toBeGreaterThanOrEqual(0);
  });

  it('finds theta = 0 on balanced data a critical point that is a saddle', () => {
    // z = tanh(0) = 0 and p uniform: every gradient block vanishes (balanced labels for a),
    // while the W-V cross block's g-term makes the Hessian indefinite.
    const zero = createModel({
      activation: 'tanh',
      W: [
        [0, 0],
        [0, 0],
      ],
      b: [0, 0],
      V: [
        [0, 0],
        [0, 0],
      ],
      a: [0, 0],
    });
    const r = computeMetrics(zero, data, data, DEFAULT_VARIANT, ctx);
    expect(r.gradientNorm).toBe(0);
    expect(r.lambdaMin!).toBeLessThan(0);
    expect(r.negativeMass!).toBeGreaterThan(0);
    expect(r.negativeMass!).toBeLessThan(1);
    // p = (1/2, 1/2) and accuracy 1/2 (ties predict class 0): calibrated.
    expect(r.testCalibrationError).toBe(0);
    expect(r.layerNorms).toEqual({ W: 0, b: 0, V: 0, a: 0 });
  });
});
