/**
 * inputRange.ts: the first input, pre-activation, hidden activation or logit the closed forms
 * cannot square in float64, and nothing for inputs just inside the limit, whose T1 and T2 are
 * then finite.
 */
import { describe, expect, test } from 'vitest';
import { MAX_ROW_NORM, createDataset, createModel, findInputRangeProblem, findOutputOverflow, findRangeProblem, hessianTraces, DEFAULT_VARIANT } from '../src/index.ts';

const model = (activation: string, scale = 1) =>
  createModel({
    activation,
    W: [
      [scale, 0.5 * scale],
      [-0.3 * scale, scale],
    ],
    b: [0.1, -0.1],
    V: [
      [1, -1],
      [0.5, 0.2],
    ],
    a: [0, 0.1],
  });

describe('findRangeProblem', () => {
  test('MAX_ROW_NORM: its Gram entry squared is finite with room for a sum of 8 such terms; 2^256 is not', () => {
    expect(Number.isFinite(8 * (MAX_ROW_NORM * MAX_ROW_NORM) ** 2)).toBe(true);
    expect(Number.isFinite((4 * MAX_ROW_NORM * MAX_ROW_NORM) ** 2)).toBe(false);
  });

  test('an input row at the limit is refused with its sample and its largest feature; the norm is computed without overflow', () => {
    const data = createDataset(
      [
        [1, 2],
        [3, 1e308],
      ],
      [0, 1],
    );
    expect(findInputRangeProblem(data, true)).toEqual({ kind: 'input', sample: 1, index: 1, magnitude: 1e308 });
    // Two entries of 0.8 x the limit: each is fine, their norm (1.13 x) is not.
    const pair = createDataset([[0.8 * MAX_ROW_NORM, 0.8 * MAX_ROW_NORM]], [0]);
    expect(findInputRangeProblem(pair, false)?.kind).toBe('input');
    expect(findInputRangeProblem(createDataset([[0.7 * MAX_ROW_NORM, 1]], [0]), false)).toBeNull();
  });

  test('inputs just inside the limit through saturated tanh units: no problem, and T1, T2 are finite', () => {
    const data = createDataset(
      [
        [0.5 * MAX_ROW_NORM, 0],
        [0, 1],
      ],
      [0, 1],
    );
    const m = model('tanh');
    expect(findRangeProblem(m, data)).toBeNull();
    const t = hessianTraces(m, data, DEFAULT_VARIANT);
    expect(Number.isFinite(t.traceH) && Number.isFinite(t.traceH2)).toBe(true);
  });

  test('softplus grows linearly: hidden activations past the limit name the hidden unit', () => {
    const data = createDataset([[1e70, 1e70]], [0]);
    expect(findRangeProblem(model('softplus', 1e10), data)).toMatchObject({ kind: 'hidden', sample: 0 });
    expect(findRangeProblem(model('tanh', 1e10), data)).toBeNull();
  });

  test('a pre-activation that overflows, and logits that overflow', () => {
    const data = createDataset([[1e70, 1e70]], [0]);
    expect(findRangeProblem(model('tanh', 1e300), data)).toMatchObject({ kind: 'pre-activation', sample: 0, index: 0 });
    const bigV = createModel({ activation: 'tanh', W: [[1]], V: [[1.7e308], [-1.7e308]] });
    const one = createDataset([[1]], [0]);
    expect(findRangeProblem(bigV, one)).toBeNull();
    const overflowV = createModel({ activation: 'softplus', W: [[1]], b: [0], V: [[1.7e308], [-1.7e308]], a: [1.7e308, 0] });
    expect(findRangeProblem(overflowV, createDataset([[3]], [0]))).toMatchObject({ kind: 'logit', sample: 0, index: 0 });
  });
});

describe('findOutputOverflow', () => {
  test('names the first non-finite output, scalars and arrays alike', () => {
    expect(findOutputOverflow({ a: 1, b: [2, 3] })).toBeNull();
    expect(findOutputOverflow({ a: 1, b: [2, Number.NaN], c: Infinity })).toBe('b');
    expect(findOutputOverflow({ a: -Infinity })).toBe('a');
  });
});
