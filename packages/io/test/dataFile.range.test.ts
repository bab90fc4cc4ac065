/**
 * dataFile.ts range checks: inputs the closed forms cannot square, and outputs that overflow,
 * become one InputError naming the file and the exact place (a JSON field, a CSV cell, a
 * model field), never a NaN result.
 */
import { createModel } from '@hsr/numeric';
import { describe, expect, test } from 'vitest';
import { checkDataRange, checkModelData, checkOutputsFinite, parseDataCsv, parseDataJson } from '../src/index.ts';
import { inputError } from './support.ts';

const tanh = createModel({ activation: 'tanh', W: [[1, 0.5]], b: [0], V: [[1], [-1]], a: [0, 0] });

describe('inputs out of range', () => {
  test('a JSON row names X[n][j] of its largest entry; a CSV row names the row and column', () => {
    const json = parseDataJson(
      JSON.stringify({
        X: [
          [1, 2],
          [1e154, 3],
        ],
        y: [0, 1],
      }),
      'd.json',
    );
    expect(inputError(() => checkModelData(tanh, 'm.json', json, 'd.json')).message).toBe(
      "d.json: X[1][0]: the sample's norm |(x, 1)| = 1.00e+154 is out of range: tr H^2 is quartic in the inputs, so it must be below 5.79e+76 in float64 (rescale or standardise the features)",
    );
    const csv = parseDataCsv('a,b,label\n1,2,0\n\n3,-1e308,1\n', 'd.csv');
    expect(inputError(() => checkModelData(tanh, 'm.json', csv, 'd.csv')).location).toEqual({ kind: 'cell', row: 4, column: 'b' });
    expect(inputError(() => checkDataRange(csv, 'd.csv', true)).file).toBe('d.csv');
  });

  test('hidden activations and logits out of range name the model field and the data row', () => {
    const softplus = createModel({ activation: 'softplus', W: [[1e10, 1e10]], b: [0], V: [[1], [-1]], a: [0, 0] });
    const data = parseDataCsv('a,b,label\n1e70,1e70,0\n', 'd.csv');
    expect(inputError(() => checkModelData(softplus, 'm.json', data, 'd.csv')).message).toMatch(/^m\.json: W\[0\]: the hidden activations on d\.csv row 2 have norm 2\.00e\+80, out of range/);
    const logits = createModel({ activation: 'softplus', W: [[1, 0]], b: [0], V: [[1.7e308], [-1.7e308]], a: [1.7e308, 0] });
    expect(inputError(() => checkModelData(logits, 'm.json', parseDataCsv('a,b,label\n3,0,0\n', 'd.csv'), 'd.csv')).message).toBe(
      'm.json: V[0]: the logit of class 0 overflows float64 on d.csv row 2 (|V z + a| > 1.8e308)',
    );
  });
});

describe('checkOutputsFinite', () => {
  const data = parseDataJson(JSON.stringify({ X: [[1, 2]], y: [0] }), 'd.json');
  test('finite outputs pass', () => {
    expect(() => checkOutputsFinite({ T1: 1, g: [1, 2] }, tanh, 'm.json', data, 'd.json')).not.toThrow();
  });
  test('an overflow names the quantity and the largest input, in the model or the data', () => {
    const big = createModel({ activation: 'tanh', W: [[1, 0.5]], b: [0], V: [[3e306], [-1]], a: [0, 0] });
    expect(inputError(() => checkOutputsFinite({ 'tr H': 1, 'tr H^2': Infinity }, big, 'm.json', data, 'd.json')).message).toBe(
      'm.json: V[0][0]: tr H^2 overflows float64 (beyond 1.8e308) for this model and data; the largest input is 3.00e+306 here: scale it down',
    );
    const wide = parseDataJson(JSON.stringify({ X: [[1, 5e76]], y: [0] }), 'd.json');
    expect(inputError(() => checkOutputsFinite({ g: [Number.NaN] }, tanh, 'm.json', wide, 'd.json')).message).toMatch(/^d\.json: X\[0\]\[1\]: g overflows float64/);
  });
});
