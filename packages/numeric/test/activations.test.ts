import { activationDerivatives } from '@hsr/crosscheck/properties';
import { describeProperties } from '@hsr/testkit/properties';
import { describe, expect, test } from 'vitest';
import { ACTIVATIONS, ACTIVATION_NAMES, erf, normalCdf, normalPdf, sigmoid } from '../src/activations.ts';
import type { Activation } from '../src/types.ts';
import { RTOL_ACTIVATION_TAIL, RTOL_ACTIVATION_VS_FIVE_POINT, RTOL_ACTIVATION_VS_TEXTBOOK, RTOL_ERF, RTOL_PHI_CANCELLATION } from '@hsr/testkit';

const ERF_REFERENCE: [number, number][] = [
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [2, 0.9953222650189527],
  [2.9, 0.9999589021219005],
  [3, 0.9999779095030014],
  [3.5, 0.9999992569016276],
  [5, 0.9999999999984626],
  [-1.5, -0.9661051464753108],
];
/**
 * Phi(u) itself at the float64 u, from mpmath 1.3.0 (`float(mpmath.ncdf(u))` at mp.dps = 60),
 * not libm's erfc(-u/sqrt 2)/2: that evaluates erfc at the rounded u/sqrt 2, whose rounding
 * moves the lower tail by a relative u^2 eps (3.5e-14 at u = -20), so it is no reference for
 * the tail accuracy this checks.
 */
const PHI_REFERENCE: [number, number][] = [
  [-3, 0.0013498980316300946],
  [-5, 2.866515718791939e-7],
  [-10, 7.619853024160525e-24],
  [-20, 2.7536241186062337e-89],
  [2, 0.9772498680518208],
];

describe('erf and the normal CDF', () => {
  test.each(ERF_REFERENCE)('erf(%d) matches libm', (x, expected) => {
    expect(erf(x)).toBeAllClose(expected, { rtol: RTOL_ERF, atol: 0 });
  });
  test.each(PHI_REFERENCE)('Phi(%d) matches mpmath, relative accuracy in the far tail', (u, expected) => {
    // Relative accuracy in the lower tail matters for GELU's phi(u) = u Phi(u) at u << 0.
    expect(normalCdf(u)).toBeAllClose(expected, { rtol: RTOL_ERF, atol: 0 });
  });
  test('Phi(-1) in the cancellation zone keeps its documented accuracy', () => {
    expect(normalCdf(-1)).toBeAllClose(0.15865525393145707, { rtol: RTOL_PHI_CANCELLATION, atol: 0 });
  });
});

/**
 * The Gaussian at non-integer u deep in the tail, and Phi at the threshold u = -2 sqrt 2 where
 * normalCdf switches to the continued fraction, from mpmath 1.2.1 at mp.dps = 60 (the float64 u
 * exactly). Generator, run once:
 *
 *   import math, mpmath as mp
 *   mp.mp.dps = 60
 *   for u in [-37.318, -36.015, -35.341, -34.022, -33.217, -32.543, 33.74]: print(u, repr(float(mp.npdf(mp.mpf(u)))))
 *   print(repr(float(mp.ncdf(mp.mpf(-2 * math.sqrt(2))))))
 *
 * Integer u (the tails test's rows) have an exact u^2, so they cannot tell whether e^{-u^2/2}
 * rounds u^2 first; at these u the rounding moves the result by a relative 0.5 u^2 eps ~ 6e-14.
 */
const PDF_TAIL_REFERENCE: [number, number][] = [
  [-37.318, 1.5648385316289408e-303],
  [-36.015, 8.78047304808995e-283],
  [-35.341, 2.4377275202521556e-272],
  [-34.022, 1.7936683876112334e-252],
  [-33.217, 1.0170835685943061e-240],
  [-32.543, 4.283598590161759e-231],
  [33.74, 2.530367449926379e-248],
];
const PHI_AT_THRESHOLD = 0.0023388674905236314;

describe('the Gaussian tail and the continued-fraction threshold', () => {
  test.each(PDF_TAIL_REFERENCE)('normalPdf(%d) keeps its relative accuracy: u^2 is not rounded before the exponential', (u, expected) => {
    expect(normalPdf(u)).toBeAllClose(expected, { rtol: RTOL_ACTIVATION_TAIL, atol: 0, scale: expected });
  });

  test('Phi at u/sqrt 2 = -2 exactly is already the continued fraction: relative accuracy, not the 1 + erf cancellation', () => {
    const u = -2 * Math.SQRT2;
    expect(u / Math.SQRT2).toBe(-2);
    expect(normalCdf(u)).toBeAllClose(PHI_AT_THRESHOLD, { rtol: RTOL_ERF, atol: 0, scale: PHI_AT_THRESHOLD });
  });

  test('sigmoid(u) is e^u exactly once 1 + e^u rounds to 1, down to the subnormals (1/(1 + e^-u) overflows to 0 below u = -709.78)', () => {
    for (const u of [-40, -100, -700, -709, -720, -740, -745]) {
      expect(sigmoid(u), `sigmoid(${u})`).toBe(Math.exp(u));
      expect(sigmoid(u), `sigmoid(${u})`).toBeGreaterThan(0);
    }
  });
});

const STEP = 1e-3;
const GRID = Array.from({ length: 81 }, (_, i) => -20 + i * 0.5);

function fivePoint(f: (u: number) => number, u: number): number {
  return (8 * (f(u + STEP) - f(u - STEP)) - (f(u + 2 * STEP) - f(u - 2 * STEP))) / (12 * STEP);
}

describe.each(ACTIVATION_NAMES)('%s derivative table', (name) => {
  const rule = ACTIVATIONS[name];
  const pairs: [string, (u: number) => number, (u: number) => number][] = [
    ["phi'", rule.phi, rule.d1],
    ["phi''", rule.d1, rule.d2],
    ["phi'''", rule.d2, rule.d3],
  ];
  test.each(pairs)('%s equals a central difference', (_label, lower, derivative) => {
    const fd = GRID.map((u) => fivePoint(lower, u));
    const exact = GRID.map(derivative);
    expect(exact).toBeAllClose(fd, { rtol: RTOL_ACTIVATION_VS_FIVE_POINT, atol: 1e-12 });
  });
  test('is finite over the whole line, including saturation', () => {
    for (const u of [-800, -40, -1e-300, 0, 1e-300, 40, 800]) {
      for (const f of [rule.phi, rule.d1, rule.d2, rule.d3]) expect(Number.isFinite(f(u))).toBe(true);
    }
  });
});

/**
 * The textbook derivatives, written here from the defining formulas with Math.exp / Math.tanh
 * (and, for GELU, CPython's erf at u = x sqrt 2 from ERF_REFERENCE): an independent reference
 * for what the forward pass reads, at moderate u where the textbook forms do not cancel.
 */
function textbook(name: Activation, u: number, erfAtU: number): [number, number, number, number] {
  const s = 1 / (1 + Math.exp(-u));
  const s1 = s * (1 - s);
  const s2 = s1 * (1 - 2 * s);
  const s3 = s1 * (1 - 6 * s + 6 * s * s);
  const t = Math.tanh(u);
  const pdf = Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
  const cdf = 0.5 * (1 + erfAtU);
  switch (name) {
    case 'sigmoid':
      return [s, s1, s2, s3];
    case 'tanh':
      return [t, 1 - t * t, -2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t)];
    case 'softplus':
      return [Math.log(1 + Math.exp(u)), s, s1, s2];
    case 'silu':
      return [u * s, s + u * s1, 2 * s1 + u * s2, 3 * s2 + u * s3];
    case 'gelu':
      return [u * cdf, cdf + u * pdf, pdf * (2 - u * u), pdf * (u * u * u - 4 * u)];
  }
}

describe('all(u), what the forward pass reads, against the textbook derivatives', () => {
  // u = x sqrt 2 for the erf reference points with |u| <= 3 (both signs: erf is odd).
  const points = ERF_REFERENCE.filter(([x]) => x * Math.SQRT2 <= 3).flatMap(([x, e]): [number, number][] => [
    [x * Math.SQRT2, e],
    [-x * Math.SQRT2, -e],
  ]);
  test.each(ACTIVATION_NAMES)('%s', (name) => {
    const rule = ACTIVATIONS[name];
    for (let k = 0; k < 4; k++) {
      const got = points.map(([u]) => rule.all(u)[k]!);
      const want = points.map(([u, e]) => textbook(name, u, e)[k]!);
      expect(got).toBeAllClose(want, { rtol: RTOL_ACTIVATION_VS_TEXTBOOK });
    }
    for (const [u] of points) expect([rule.phi(u), rule.d1(u), rule.d2(u), rule.d3(u)]).toEqual(rule.all(u));
  });
});

describe('erf and the normal distribution at the ends of the line', () => {
  test('erf(+-Infinity) = +-1, normalCdf(+-Infinity) = 1 and 0, normalPdf(+-Infinity) = 0; NaN stays NaN', () => {
    expect([erf(Infinity), erf(-Infinity)]).toEqual([1, -1]);
    expect([normalCdf(Infinity), normalCdf(-Infinity)]).toEqual([1, 0]);
    expect([normalPdf(Infinity), normalPdf(-Infinity)]).toEqual([0, 0]);
    expect([erf(NaN), normalCdf(NaN), normalPdf(NaN)].every(Number.isNaN)).toBe(true);
  });

  test('the largest finite arguments agree with the limits', () => {
    expect([erf(Number.MAX_VALUE), erf(-Number.MAX_VALUE), normalCdf(Number.MAX_VALUE), normalCdf(-Number.MAX_VALUE), normalPdf(Number.MAX_VALUE)]).toEqual([1, -1, 1, 0, 0]);
  });
});

describeProperties('the derivative table on generated pre-activations', { file: 'packages/numeric/test/activations.test.ts', properties: [activationDerivatives], numRuns: 100 });
