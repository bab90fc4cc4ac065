/**
 * The statistics the estimator checks need: percentiles, the normal and chi-square quantiles,
 * the fourth cumulant of a probe's quadratic form, and the interval a sample variance must
 * fall in. Everything is computed from exact quantities of the matrix, never fitted.
 *
 * eq:quadratic-form-kurtosis (excess kurtosis kappa = kappa_4 / kappa_2^2 of X = v^T A v for one
 * probe v, A symmetric; B = A - diag(A), r_i = \sum_j B_{ij}^2):
 *   \text{Gaussian:}\quad \kappa_2 = 2\,\mathrm{tr}A^2,\quad \kappa_4 = 48\,\mathrm{tr}A^4
 *   \text{Rademacher:}\quad \kappa_2 = 2\|B\|_F^2,\quad
 *     \kappa_4 = 48\,\mathrm{tr}B^4 - 96\sum_i r_i^2 + 32\sum_{ij}B_{ij}^4
 * The Gaussian case is the cumulant series of \sum_i\lambda_i\chi^2_1 (kappa_r = 2^{r-1}(r-1)!
 * \sum\lambda^r). The Rademacher case is derived here: X - tr A = \sum_e a_e w_e over the edges
 * e = {i, j} with a_e = 2B_{ij} and w_e = v_iv_j, and E[w_e w_f w_g w_h] = 1 exactly when every
 * index occurs an even number of times, i.e. for {e,e,e,e}, {e,e,f,f} and 4-cycles; the
 * 4-cycle sum is (tr B^4 - 2\sum_i r_i^2 + \sum_{ij}B_{ij}^4)/8.
 * Upper bounds from rho = ||A||_2 alone (tr A^4 <= rho^2 tr A^2; ||B||_2 <= 2 rho, |A_ij| <= rho):
 *   \kappa \le 12\rho^2/\mathrm{tr}A^2 \ \text{(Gaussian)},\qquad \kappa \le 56\rho^2/\|B\|_F^2 \ \text{(Rademacher)}.
 *
 * eq:sample-variance-interval: for the sample variance s^2 of n i.i.d. values with variance
 * sigma^2 and excess kurtosis kappa, Var(s^2) = sigma^4 (2/(n-1) + kappa/n) exactly; matching a
 * scaled chi-square to that variance (Satterthwaite 1946) gives nu = 2 / (2/(n-1) + kappa/n) and
 *   s^2 \in \big[\sigma^2\chi^2_{\nu,(1-c)/2}/\nu,\ \sigma^2\chi^2_{\nu,(1+c)/2}/\nu\big]
 * with probability ~c. For Gaussian values kappa = 0 and this is the exact chi-square interval.
 * Verified by `estimators/statistics.test.ts` (kurtosis by exact enumeration of every
 * Rademacher probe, quantiles against their defining CDFs and known values).
 */
import { normalCdf } from '../activations.ts';
import type { SymmetricMatrix } from '../hessian.ts';
import type { Probe } from './probes.ts';

/** The q-quantile (0 <= q <= 1) of `values` with linear interpolation (numpy's default). */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Sample mean and sample variance (n - 1 in the denominator; NaN for n < 2). */
export function meanAndVariance(values: ArrayLike<number>): { mean: number; variance: number } {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return { mean, variance: n > 1 ? ss / (n - 1) : NaN };
}

function bisect(f: (x: number) => number, lo: number, hi: number): number {
  // Relative to the root itself, so tiny quantiles (chi-square with nu < 1) keep full accuracy.
  for (let i = 0; i < 2000 && hi - lo > 1e-15 * Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE); i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The p-quantile of the standard normal distribution (bisection on numeric's normalCdf). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  // The lower tail keeps full relative accuracy in normalCdf; use the symmetry for the upper.
  if (p > 0.5) return -normalQuantile(1 - p);
  return bisect((u) => normalCdf(u) - p, -40, 0);
}

/** log Gamma(x) for x > 0 (Lanczos, g = 7, nine coefficients; ~1e-15 relative). */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The regularised lower incomplete gamma function P(a, x) (series for x < a + 1, Lentz's
 * continued fraction for Q = 1 - P otherwise; Numerical Recipes §6.2).
 */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lg = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lg);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return 1 - Math.exp(-x + a * Math.log(x) - lg) * h;
}

/** The p-quantile of the chi-square distribution with nu > 0 (not necessarily integer) degrees of freedom. */
export function chiSquareQuantile(p: number, nu: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`chiSquareQuantile: p must be in (0, 1), got ${p}`);
  if (!(nu > 0)) throw new RangeError(`chiSquareQuantile: degrees of freedom must be > 0, got ${nu}`);
  let hi = Math.max(1, nu);
  while (regularizedGammaP(nu / 2, hi / 2) < p) hi *= 2;
  return bisect((x) => regularizedGammaP(nu / 2, x / 2) - p, 0, hi);
}

/** Excess kurtosis of one probe's v^T A v for an explicit symmetric A (eq:quadratic-form-kurtosis). O(P^3). */
export function quadraticFormExcessKurtosis(probe: Probe, A: SymmetricMatrix): number {
  const P = A.size;
  const B = Float64Array.from(A.data);
  if (probe === 'rademacher') for (let i = 0; i < P; i++) B[i * P + i] = 0;
  // tr M^2 and tr M^4 = ||M^2||_F^2 of M = A (Gaussian) or B (Rademacher).
  let tr2 = 0;
  for (let i = 0; i < B.length; i++) tr2 += B[i]! * B[i]!;
  let tr4 = 0;
  const row = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    row.fill(0);
    for (let k = 0; k < P; k++) {
      const bik = B[i * P + k]!;
      if (bik === 0) continue;
      for (let j = 0; j < P; j++) row[j]! += bik * B[k * P + j]!;
    }
    for (let j = 0; j < P; j++) tr4 += row[j]! * row[j]!;
  }
  // A zero (off-diagonal) part: the quadratic form is constant, its kurtosis taken as 0.
  if (tr2 === 0) return 0;
  if (probe === 'gaussian') return (12 * tr4) / (tr2 * tr2);
  let rowSquares = 0;
  let fourth = 0;
  for (let i = 0; i < P; i++) {
    let r = 0;
    for (let j = 0; j < P; j++) {
      const b2 = B[i * P + j]! ** 2;
      r += b2;
      fourth += b2 * b2;
    }
    rowSquares += r * r;
  }
  const kappa4 = 48 * tr4 - 96 * rowSquares + 32 * fourth;
  return kappa4 / (4 * tr2 * tr2);
}

/**
 * Upper bound on the excess kurtosis of one probe's v^T A v from ||A||_2 = spectralNorm,
 * ||A||_F^2 and sum_i A_ii^2 (eq:quadratic-form-kurtosis), for when A is too large to form.
 */
export function quadraticFormExcessKurtosisBound(probe: Probe, spectralNorm: number, frobeniusSquared: number, diagonalSquareSum: number): number {
  const rho2 = spectralNorm * spectralNorm;
  if (probe === 'gaussian') return (12 * rho2) / frobeniusSquared;
  return (56 * rho2) / Math.max(frobeniusSquared - diagonalSquareSum, Number.MIN_VALUE);
}

export interface VarianceInterval {
  readonly lower: number;
  readonly upper: number;
  /** nu of the moment-matched chi-square. */
  readonly degreesOfFreedom: number;
  readonly confidence: number;
}

/**
 * eq:sample-variance-interval: where the sample variance of n i.i.d. values with variance
 * `variance` and excess kurtosis `excessKurtosis` falls with probability ~`confidence`.
 */
export function sampleVarianceInterval(variance: number, n: number, excessKurtosis: number, confidence: number): VarianceInterval {
  if (!(n >= 2)) throw new RangeError(`sampleVarianceInterval: need n >= 2 values, got ${n}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`sampleVarianceInterval: confidence must be in (0, 1), got ${confidence}`);
  const nu = 2 / (2 / (n - 1) + Math.max(excessKurtosis, -2) / n);
  const alpha = 1 - confidence;
  return {
    lower: (variance * chiSquareQuantile(alpha / 2, nu)) / nu,
    upper: (variance * chiSquareQuantile(1 - alpha / 2, nu)) / nu,
    degreesOfFreedom: nu,
    confidence,
  };
}
