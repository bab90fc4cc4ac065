/**
 * deepLoss.ts's own contract, beside what deepOracle.test.ts derives from it: the refusals of a
 * theta, a dataset or a label that does not fit the model (each names what is wrong, and a
 * label one past the last class is refused, not read as an extra class), the loss options it
 * reads from the model (label smoothing and its default), and layer 0 reading the inputs.
 */
import { describe, expect, test } from 'vitest';
import { createModel, DEFAULT_LABEL_SMOOTHING, flattenLayered, type Dataset } from '@hsr/numeric';
import { deepCase, RTOL_VS_AUTODIFF } from '@hsr/testkit';
import { NUMBER_ALGEBRA } from '../src/algebra.ts';
import { deepLossOver, layeredParametersOf } from '../src/deepLoss.ts';
import { autodiffDeepLoss } from '../src/deepOracle.ts';
import { autodiffLoss } from '../src/oracle.ts';

// widths 3-4-2: P = 4 (3 + 1) + 2 (4 + 1) = 26 parameters, c = 2 classes.
const { model, data } = deepCase({ widths: [3, 4, 2], activation: 'tanh', bias: true, samples: 4, seed: 3 });
const theta = Array.from(flattenLayered(model));
const loss = (d: Dataset) => deepLossOver(NUMBER_ALGEBRA, model, theta, d, { reduction: 'sum' });
const withLabel = (n: number, label: number): Dataset => ({ ...data, y: Int32Array.from(data.y, (y, m) => (m === n ? label : y)) });

describe('deepLossOver refuses what does not fit the model', () => {
  test('a theta one entry too long or too short, naming both lengths', () => {
    expect(theta).toHaveLength(26);
    expect(() => layeredParametersOf(model, [...theta, 0])).toThrow(new RangeError('theta has length 27, expected 26'));
    expect(() => layeredParametersOf(model, theta.slice(1))).toThrow(new RangeError('theta has length 25, expected 26'));
  });

  test('data with another feature count, naming both', () => {
    const wide: Dataset = { samples: 4, features: 4, X: new Float64Array(16), y: data.y };
    expect(() => loss(wide)).toThrow(new RangeError('data has 4 features, model expects 3'));
  });

  test('a label outside 0..c-1 (c = 2: -1, 2 and NaN), naming the sample', () => {
    expect(() => loss(withLabel(2, -1))).toThrow(new RangeError('label -1 of sample 2 is outside 0..1'));
    expect(() => loss(withLabel(1, 2))).toThrow(new RangeError('label 2 of sample 1 is outside 0..1'));
    const y = Float64Array.from(data.y);
    y[3] = NaN;
    expect(() => loss({ ...data, y: y as unknown as Int32Array })).toThrow(new RangeError('label NaN of sample 3 is outside 0..1'));
  });

  test('labels 0 and c - 1 are classes: each gives a finite loss, and they differ', () => {
    const zero = loss(withLabel(0, 0));
    const last = loss(withLabel(0, 1));
    expect(Number.isFinite(zero) && Number.isFinite(last)).toBe(true);
    expect(zero).not.toBe(last);
  });
});

describe('deepLossOver reads the loss options of the model', () => {
  // At L = 2 the deep definition is the three-layer one of loss.ts, which reads the same fields.
  const rows = (x: Float64Array, r: number, c: number) => Array.from({ length: r }, (_, i) => Array.from(x.subarray(i * c, (i + 1) * c)));
  const three = createModel({ activation: 'tanh', W: rows(model.layers[0]!.W, 4, 3), b: Array.from(model.layers[0]!.b!), V: rows(model.layers[1]!.W, 2, 4), a: Array.from(model.layers[1]!.b!) });

  test('label smoothing with eps = 0.05 is the three-layer loss with eps = 0.05, not the default 0.1', () => {
    const deep = autodiffDeepLoss({ ...model, loss: 'label-smoothing', labelSmoothing: 0.05 }, data, 'sum');
    expect(deep).toBeAllClose(autodiffLoss({ ...three, loss: 'label-smoothing', labelSmoothing: 0.05 }, data, 'sum'), { rtol: RTOL_VS_AUTODIFF, atol: 0 });
    expect(Math.abs(deep - autodiffDeepLoss({ ...model, loss: 'label-smoothing', labelSmoothing: 0.1 }, data, 'sum'))).toBeGreaterThan(1e-3 * Math.abs(deep));
  });

  test('label smoothing without eps uses DEFAULT_LABEL_SMOOTHING', () => {
    expect(autodiffDeepLoss({ ...model, loss: 'label-smoothing' }, data, 'sum')).toBe(autodiffDeepLoss({ ...model, loss: 'label-smoothing', labelSmoothing: DEFAULT_LABEL_SMOOTHING }, data, 'sum'));
  });

  test('the default reduction is the mean over samples', () => {
    expect(autodiffDeepLoss(model, data)).toBe(autodiffDeepLoss(model, data, 'mean'));
    expect(autodiffDeepLoss(model, data)).toBeAllClose(autodiffDeepLoss(model, data, 'sum') / 4, { rtol: RTOL_VS_AUTODIFF, atol: 0 });
  });
});
