/**
 * Elementwise activations with their first three derivatives, in an exhaustive table:
 * adding a name to `Activation` without all four functions is a compile error.
 * phi' and phi'' enter the Hessian and its traces; phi''' enters the bound's gradient.
 *
 * Every branch is written for float64 accuracy over the whole real line (no overflow in
 * exp, no cancellation in the tails): the logistic and tanh families are products of
 * sigma(u) and sigma(-u) (each accurate to a few ulps relative, for either sign), never
 * 1 - s or 1 - tanh^2, which cancel to nothing once a unit saturates (|u| >~ 19: s(1 - s)
 * at u = 30 was wrong by 100%). What is left is the cancellation at the derivatives' own
 * zeros (1 - 6 s sigma(-u) = 0, 3 tanh'(u) = 2, silu' = 0, ...), inherent to any formula.
 * Verified against the autodiff oracle, which differentiates the defining formulas, by the
 * crosscheck property `activation-derivatives` and `@hsr/autodiff`'s activations.test.ts
 * (sympy, relative, |u| <= 30), and against mpmath in the tails (activations.tails.test.ts).
 */
import type { Activation } from './types.ts';

export interface ActivationRule {
  /**
   * The defining formula, as text: the symbolic package differentiates it (nerdamer and mathjs)
   * and the formula registry quotes it; it is the one source of the definition (the docs' LaTeX is
   * rendered by the registry, not stored here).
   */
  readonly formula: string;
  readonly phi: (u: number) => number;
  readonly d1: (u: number) => number;
  readonly d2: (u: number) => number;
  readonly d3: (u: number) => number;
  /**
   * [phi, phi', phi'', phi'''] at once, sharing the exponentials the four have in common (the
   * forward pass needs all four per unit); entry k equals what phi, d1, d2, d3 return.
   */
  readonly all: (u: number) => [number, number, number, number];
}

/** A rule whose d1, d2, d3 are read off `all` (for callers that need only one of them). */
function fromAll(formula: string, phi: (u: number) => number, all: (u: number) => [number, number, number, number]): ActivationRule {
  return { formula, phi, d1: (u) => all(u)[1], d2: (u) => all(u)[2], d3: (u) => all(u)[3], all };
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
 * `gaussian` = e^{-x^2} when the caller has it more accurately than x itself (the normal CDF:
 * e^{-u^2/2} from u, since rounding x = u/sqrt 2 would cost a relative u^2 eps, 1e-13 at |u| = 30;
 * the fraction itself is insensitive to that rounding).
 */
function erfcContinuedFraction(x: number, gaussian = expMinusSquare(x)): number {
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
  return gaussian / (SQRT_PI * f);
}

/**
 * e^{-x^2} without the rounding of x^2: x = x_h + x_l with x_h on a 2^-12 grid (so x_h^2 is
 * exact for |x| < 2^14; beyond, e^{-x^2} underflows anyway), e^{-x^2} = e^{-x_h^2}
 * e^{-(2 x_h x_l + x_l^2)}. Naively, the rounding of x^2 = 200 alone costs 200 eps of
 * relative accuracy.
 */
function expMinusSquare(x: number): number {
  // e^{-x^2} underflows to 0 long before |x| = 64; beyond, x * 4096 could overflow to Infinity.
  if (!(Math.abs(x) < 64)) return Number.isNaN(x) ? NaN : 0;
  const xh = Math.round(x * 4096) / 4096;
  const xl = x - xh;
  return Math.exp(-xh * xh) * Math.exp(-(2 * xh * xl + xl * xl));
}

/** e^{-u^2/2} by the same split as `expMinusSquare` (x_h^2/2 is exact too). */
function expMinusHalfSquare(u: number): number {
  if (!(Math.abs(u) < 64)) return Number.isNaN(u) ? NaN : 0;
  const uh = Math.round(u * 4096) / 4096;
  const ul = u - uh;
  return Math.exp(-0.5 * uh * uh) * Math.exp(-(uh * ul + 0.5 * ul * ul));
}

/** Below this the continued fraction converges too slowly; erfc = 1 - erf is used instead. */
const ERFC_CF_THRESHOLD = 2;

/**
 * erf(x) = 2/sqrt(pi) e^{-x^2} sum_k 2^k x^{2k+1} / (2k+1)!!  for |x| < 2 (all terms
 * positive, so no cancellation), and 1 - erfc(x) from the continued fraction beyond.
 * Within a few ulps of libm over the real line (tests compare with CPython's math.erf), and
 * erf(+-Infinity) = +-1 exactly.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  // The continued fraction would compute Infinity * 0 at the ends of the line.
  if (x === Infinity || x === -Infinity) return Math.sign(x);
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
  if (u === Infinity) return 1;
  if (u === -Infinity) return 0;
  const x = u / Math.SQRT2;
  if (x <= -ERFC_CF_THRESHOLD) return 0.5 * erfcContinuedFraction(-x, expMinusHalfSquare(u));
  return 0.5 * (1 + erf(x));
}

/** Standard normal density; e^{-u^2/2} without the rounding of u^2 (relative 0.5 u^2 eps). */
export function normalPdf(u: number): number {
  return INV_SQRT_2PI * expMinusHalfSquare(u);
}

/**
 * The sigmoid s = \sigma(u) and its derivatives in r = \sigma(-u) = 1 - s (computed on its own,
 * not as 1 - s):
 *   s' = s r,\quad s'' = s r (r - s) = -s r \tanh(u/2),\quad s''' = s r (1 - 6 s r).
 * r - s = -tanh(u/2) exactly, so it is taken from tanh (accurate also near u = 0); s r <= 1/4, so
 * 1 - 6 s r cancels only near its zeros (s r = 1/6, u = +-2.29), where s''' itself vanishes.
 */
function sigmoidDerivatives(u: number): [number, number, number, number] {
  const s = sigmoid(u);
  const d1 = s * sigmoid(-u);
  return [s, d1, -d1 * Math.tanh(0.5 * u), d1 * (1 - 6 * d1)];
}

/**
 * tanh' = 1 - tanh^2 = sech^2 u = 4\sigma(2u)\sigma(-2u) (relative accuracy in both tails), and
 * from it tanh'' = -2 tanh u tanh', tanh''' = -2 tanh'(1 - 3 tanh^2) = tanh'(4 - 6 tanh').
 */
function tanhDerivatives(u: number): [number, number, number, number] {
  const t = Math.tanh(u);
  const d1 = 4 * sigmoid(2 * u) * sigmoid(-2 * u);
  return [t, d1, -2 * t * d1, d1 * (4 - 6 * d1)];
}

export const ACTIVATIONS: { readonly [A in Activation]: ActivationRule } = {
  sigmoid: fromAll('1/(1+exp(-u))', sigmoid, sigmoidDerivatives),
  tanh: fromAll('tanh(u)', Math.tanh, tanhDerivatives),
  softplus: fromAll(
    'log(1+exp(u))',
    // max(u, 0) + log1p(exp(-|u|)) never overflows and keeps full accuracy for u << 0.
    softplus,
    (u) => {
      const [s, s1, s2] = sigmoidDerivatives(u);
      return [softplus(u), s, s1, s2];
    },
  ),
  silu: fromAll(
    'u/(1+exp(-u))',
    (u) => u * sigmoid(u),
    // (u s)' = s + u s',  (u s)'' = 2 s' + u s'',  (u s)''' = 3 s'' + u s'''.
    (u) => {
      const [s, s1, s2, s3] = sigmoidDerivatives(u);
      return [u * s, s + u * s1, 2 * s1 + u * s2, 3 * s2 + u * s3];
    },
  ),
  gelu: fromAll(
    'u*(1+erf(u/sqrt(2)))/2',
    (u) => u * normalCdf(u),
    // (u Phi)' = Phi + u pdf,  pdf' = -u pdf  =>  '' = pdf (2 - u^2),  ''' = pdf (u^3 - 4u).
    (u) => {
      const cdf = normalCdf(u);
      const pdf = normalPdf(u);
      return [u * cdf, cdf + u * pdf, pdf * (2 - u * u), pdf * (u * u * u - 4 * u)];
    },
  ),
};

function softplus(u: number): number {
  return Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
}

export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as Activation[];

export function isActivation(name: string): name is Activation {
  return Object.hasOwn(ACTIVATIONS, name);
}
