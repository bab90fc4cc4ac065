/**
 * The elementary functions the AD oracle is built from, each with its value and first three
 * derivatives at a point. These are the only derivative facts the oracle knows; every
 * activation, the log-sum-exp and the Wolkowicz–Styan bound are composed from them (and from
 * + - * /), so their derivatives come out of the chain rule rather than from a table.
 *
 * The rules are the textbook ones (d/dx e^x = e^x, d/dx log x = 1/x, d/dx erf x =
 * (2/\sqrt\pi) e^{-x^2}, ...). The erf/erfc values are this package's own code, sharing
 * nothing with `@hsr/numeric`'s: only their values enter, never their derivatives.
 * Verified by `elementary.test.ts` (CPython reference values, central differences).
 */

/** f(a), f'(a), f''(a), f'''(a). */
export type Derivatives = readonly [number, number, number, number];

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * e^{-x^2} with x^2 split as x_h^2 + (2 x_h x_l + x_l^2), x_h on a 2^-12 grid so that x_h^2
 * is exact: the naive rounding of x^2 ~ 450 (GELU at |u| = 30) would cost 450 ulps.
 */
export function expMinusSquare(x: number): number {
  const high = Math.round(x * 4096) / 4096;
  const low = x - high;
  return Math.exp(-high * high) * Math.exp(-(2 * high * low + low * low));
}

/** Below this |x|, erf comes from its Maclaurin series; above, erfc from a continued fraction. */
const SERIES_LIMIT = 1.5;
/** Depth of the backward-evaluated continued fraction: converged to round-off for x >= 1.5. */
const FRACTION_DEPTH = 200;

/**
 * erf(x) = \frac{2}{\sqrt\pi}\sum_{n\ge0} \frac{(-1)^n x^{2n+1}}{n!\,(2n+1)} for |x| < 1.5 (largest
 * term < 1, so the alternation costs at most an ulp or two).
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let power = x; // (-1)^n x^{2n+1} / n!
  let sum = 0;
  // No cap on n: at |x| < 1.5 the test below ends the loop by n ~ 30, and for any finite x the
  // power underflows to 0 (a zero term always passes it), so a cap would be a dead bound.
  for (let n = 0; ; n++) {
    const term = power / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
    power *= -x2 / (n + 1);
  }
  return TWO_OVER_SQRT_PI * sum;
}

/**
 * erfc(x) = \frac{e^{-x^2}}{\sqrt\pi}\cfrac{1}{x + \cfrac{1/2}{x + \cfrac{1}{x + \cfrac{3/2}{x + \cdots}}}}
 * for x >= 1.5, evaluated bottom-up at a fixed depth (no cancellation: all terms positive).
 */
function erfcFraction(x: number): number {
  let t = x;
  for (let k = FRACTION_DEPTH; k >= 1; k--) t = x + k / 2 / t;
  return expMinusSquare(x) / (Math.sqrt(Math.PI) * t);
}

/** erf(x), to a few ulps over the real line. */
export function erf(x: number): number {
  if (Math.abs(x) < SERIES_LIMIT) return erfSeries(x);
  // NaN lands here and stays NaN; erf is odd, and -(1 - tail) is tail - 1 bit for bit.
  return Math.sign(x) * (1 - erfcFraction(Math.abs(x)));
}

/** erfc(x) = 1 - erf(x), keeping its relative accuracy in the right tail (GELU at u << 0). */
export function erfc(x: number): number {
  // NaN would never end erfSeries's loop.
  if (Number.isNaN(x)) return NaN;
  if (x >= SERIES_LIMIT) return erfcFraction(x);
  if (x <= -SERIES_LIMIT) return 2 - erfcFraction(-x);
  return 1 - erfSeries(x);
}

/** e^a: every derivative is e^a. */
export function expRule(a: number): Derivatives {
  const e = Math.exp(a);
  return [e, e, e, e];
}

/** e^a - 1 without cancellation near 0; derivatives e^a. */
export function expm1Rule(a: number): Derivatives {
  const e = Math.exp(a);
  return [Math.expm1(a), e, e, e];
}

/** log a: 1/a, -1/a^2, 2/a^3. */
export function logRule(a: number): Derivatives {
  const r = 1 / a;
  return [Math.log(a), r, -r * r, 2 * r * r * r];
}

/** log(1 + a) without cancellation near 0: 1/(1+a), -1/(1+a)^2, 2/(1+a)^3. */
export function log1pRule(a: number): Derivatives {
  const r = 1 / (1 + a);
  return [Math.log1p(a), r, -r * r, 2 * r * r * r];
}

/** 1/a: -1/a^2, 2/a^3, -6/a^4. */
export function reciprocalRule(a: number): Derivatives {
  const r = 1 / a;
  const r2 = r * r;
  return [r, -r2, 2 * r2 * r, -6 * r2 * r2];
}

/** sqrt a: (1/2) a^{-1/2}, -(1/4) a^{-3/2}, (3/8) a^{-5/2}. Undefined (infinite) at 0. */
export function sqrtRule(a: number): Derivatives {
  const s = Math.sqrt(a);
  const r = 1 / a;
  return [s, 0.5 / s, (-0.25 / s) * r, (0.375 / s) * r * r];
}

/**
 * erfc a = 1 - erf a with erf' = (2/\sqrt\pi) e^{-a^2}, erf'' = -2a erf', erf''' = (4a^2 - 2) erf'.
 */
export function erfcRule(a: number): Derivatives {
  const d = TWO_OVER_SQRT_PI * expMinusSquare(a);
  return [erfc(a), -d, 2 * a * d, -(4 * a * a - 2) * d];
}
