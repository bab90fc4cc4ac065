/**
 * Elementwise activations with their first three derivatives, in an exhaustive table:
 * adding a name to `Activation` without all four functions is a compile error.
 * phi' and phi'' enter the Hessian and its traces; phi''' enters the bound's gradient.
 *
 * Every branch is written for float64 accuracy over the whole real line (no overflow in
 * exp, no cancellation in the tails). Verified against the autodiff oracle, which
 * differentiates the defining formulas, by the crosscheck property `activation-derivatives`.
 */
import type { Activation } from './types.ts';

export interface ActivationRule {
  /** The defining formula, as text (for docs and the symbolic package). */
  readonly formula: string;
  /** LaTeX of the defining formula. */
  readonly latex: string;
  readonly phi: (u: number) => number;
  readonly d1: (u: number) => number;
  readonly d2: (u: number) => number;
  readonly d3: (u: number) => number;
}

/** Logistic sigmoid, evaluated without overflow for either sign. */
export function sigmoid(u: number): number {
  if (u >= 0) return 1 / (1 + Math.exp(-u));
  const e = Math.exp(u);
  return e / (1 + e);
}

const SQRT_PI = Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Complementary error function for x >= 3 by the Laplace continued fraction
 * erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated by
 * the modified Lentz method; converges to round-off in at most a few hundred terms for x >= 2.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 5000; k++) {
    const ak = k / 2;
    D = x + ak * D;
    D = D === 0 ? tiny : 1 / D;
    C = x + ak / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return expMinusSquare(x) / (SQRT_PI * f);
}

/**
 * e^{-x^2} without the rounding of x^2: x = x_h + x_l with x_h on a 2^-12 grid (so x_h^2 is
 * exact for |x| < 2^20), e^{-x^2} = e^{-x_h^2} e^{-(2 x_h x_l + x_l^2)}. Naively, the
 * rounding of x^2 = 200 alone costs 200 eps of relative accuracy.
 */
function expMinusSquare(x: number): number {
  const xh = Math.round(x * 4096) / 4096;
  const xl = x - xh;
  return Math.exp(-xh * xh) * Math.exp(-(2 * xh * xl + xl * xl));
}

/** Below this the continued fraction converges too slowly; erfc = 1 - erf is used instead. */
const ERFC_CF_THRESHOLD = 2;

/**
 * erf(x) = 2/sqrt(pi) e^{-x^2} sum_k 2^k x^{2k+1} / (2k+1)!!  for |x| < 2 (all terms
 * positive, so no cancellation), and 1 - erfc(x) from the continued fraction beyond.
 * Within a few ulps of libm over the real line (tests compare with CPython's math.erf).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= ERFC_CF_THRESHOLD) {
    const r = 1 - erfcContinuedFraction(ax);
    return x < 0 ? -r : r;
  }
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let k = 1; k < 200; k++) {
    term *= (2 * x2) / (2 * k + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * expMinusSquare(x) * sum;
}

/**
 * Standard normal CDF Phi(u) = (1 + erf(u/sqrt 2))/2. For u/sqrt2 <= -2 it is erfc/2 from the
 * continued fraction, so the lower tail keeps its relative accuracy (GELU's u Phi(u) at u << 0);
 * between -2 sqrt2 and 0 the subtraction 1 + erf costs up to ~1/erfc(2) = 200 ulps relative,
 * i.e. 1e-16 absolute.
 */
export function normalCdf(u: number): number {
  const x = u / Math.SQRT2;
  if (x <= -ERFC_CF_THRESHOLD) return 0.5 * erfcContinuedFraction(-x);
  return 0.5 * (1 + erf(x));
}

/** Standard normal density. */
export function normalPdf(u: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * u * u);
}

/** Derivatives of the sigmoid s: s' = s(1-s), s'' = s'(1-2s), s''' = s'(1 - 6s + 6s^2). */
function sigmoidDerivatives(u: number): [number, number, number, number] {
  const s = sigmoid(u);
  const d1 = s * (1 - s);
  return [s, d1, d1 * (1 - 2 * s), d1 * (1 - 6 * s + 6 * s * s)];
}

export const ACTIVATIONS: { readonly [A in Activation]: ActivationRule } = {
  sigmoid: {
    formula: '1/(1+exp(-u))',
    latex: '\\frac{1}{1+e^{-u}}',
    phi: sigmoid,
    d1: (u) => sigmoidDerivatives(u)[1],
    d2: (u) => sigmoidDerivatives(u)[2],
    d3: (u) => sigmoidDerivatives(u)[3],
  },
  tanh: {
    formula: 'tanh(u)',
    latex: '\\tanh u',
    phi: Math.tanh,
    d1: (u) => {
      const t = Math.tanh(u);
      return 1 - t * t;
    },
    d2: (u) => {
      const t = Math.tanh(u);
      return -2 * t * (1 - t * t);
    },
    d3: (u) => {
      const t = Math.tanh(u);
      return -2 * (1 - t * t) * (1 - 3 * t * t);
    },
  },
  softplus: {
    formula: 'log(1+exp(u))',
    latex: '\\log\\left(1+e^{u}\\right)',
    // max(u, 0) + log1p(exp(-|u|)) never overflows and keeps full accuracy for u << 0.
    phi: (u) => Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u))),
    d1: sigmoid,
    d2: (u) => sigmoidDerivatives(u)[1],
    d3: (u) => sigmoidDerivatives(u)[2],
  },
  silu: {
    formula: 'u/(1+exp(-u))',
    latex: '\\frac{u}{1+e^{-u}}',
    phi: (u) => u * sigmoid(u),
    // (u s)' = s + u s',  (u s)'' = 2 s' + u s'',  (u s)''' = 3 s'' + u s'''.
    d1: (u) => {
      const [s, s1] = sigmoidDerivatives(u);
      return s + u * s1;
    },
    d2: (u) => {
      const [, s1, s2] = sigmoidDerivatives(u);
      return 2 * s1 + u * s2;
    },
    d3: (u) => {
      const [, , s2, s3] = sigmoidDerivatives(u);
      return 3 * s2 + u * s3;
    },
  },
  gelu: {
    formula: 'u*(1+erf(u/sqrt(2)))/2',
    latex: 'u\\,\\Phi(u) = \\frac{u}{2}\\left(1+\\operatorname{erf}\\frac{u}{\\sqrt2}\\right)',
    phi: (u) => u * normalCdf(u),
    // (u Phi)' = Phi + u pdf,  pdf' = -u pdf  =>  '' = pdf (2 - u^2),  ''' = pdf (u^3 - 4u).
    d1: (u) => normalCdf(u) + u * normalPdf(u),
    d2: (u) => normalPdf(u) * (2 - u * u),
    d3: (u) => normalPdf(u) * (u * u * u - 4 * u),
  },
};

export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as Activation[];

export function isActivation(name: string): name is Activation {
  return Object.prototype.hasOwnProperty.call(ACTIVATIONS, name);
}
