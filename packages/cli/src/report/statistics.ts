/**
 * The inference behind the verdicts: Student's t distribution (CDF and quantile), the paired
 * t-test and its confidence interval, the exact (or seeded Monte Carlo) sign-flip permutation
 * test, and Holm's step-down correction for multiple tests. Pure functions, float64, no
 * dependencies beyond numeric's seeded generator.
 *
 * References: Student's t via the regularised incomplete beta function,
 * P(|T| > t) = I_{\nu/(\nu + t^2)}(\nu/2, 1/2) (Abramowitz & Stegun 26.7.1 and 26.5.2), with I by
 * the continued fraction of A&S 26.5.8 evaluated by the modified Lentz method and ln Gamma by
 * Lanczos' approximation (g = 7, 9 terms; relative error ~1e-15); the sign-flip test as in
 * Fisher (1935) / Good, Permutation Tests (2nd ed.), §3.1; Holm (1979), "A simple sequentially
 * rejective multiple test procedure", Scand. J. Statist. 6. Verified by statistics.test.ts
 * (the closed forms for nu = 1 and nu = 2, the normal limit, quantile round trips, hand-counted
 * permutation p-values and Holm's worked example).
 */
import { createRng } from '@hsr/numeric';

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Gamma(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of I_x(a, b) (A&S 26.5.8), modified Lentz; converges fast for x < (a + 1)/(a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) return h;
  }
  throw new Error(`incomplete beta: no convergence for x = ${x}, a = ${a}, b = ${b}`);
}

/** The regularised incomplete beta function I_x(a, b), 0 <= x <= 1, a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedBeta needs x in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b)));
  // Each side of the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) is computed directly where its fraction converges.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(|T| >= |t|) for Student's t with nu > 0 degrees of freedom (two-sided tail; 1 at t = 0, 0 at |t| = inf). */
export function studentTTwoSided(t: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${nu}`);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  // nu / (nu + t^2) without overflow in t^2.
  const x = Math.abs(t) > 1e150 ? 0 : nu / (nu + t * t);
  return regularizedBeta(x, nu / 2, 0.5);
}

/** P(T <= t) for Student's t with nu degrees of freedom. */
export function studentTCdf(t: number, nu: number): number {
  const tail = studentTTwoSided(t, nu) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t (0 < p < 1), by bisection on the CDF to round-off. */
export function studentTQuantile(p: number, nu: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile needs p in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, nu);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, nu) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The paired t-test of H0: mean(d) = 0 on the differences d (n >= 2), with a (1 - alpha) interval for the mean. */
export interface TTest {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly t: number;
  readonly df: number;
  /** Two-sided. */
  readonly p: number;
  readonly lower: number;
  readonly upper: number;
  /** Every difference equal (no spread): t is infinite or 0 and p is 0 or 1 by convention. */
  readonly degenerate: boolean;
}

/**
 * t = mean / (sd / sqrt n), df = n - 1, p = P(|T| >= |t|), interval mean -+ t_{1-alpha/2, df} sd/sqrt n.
 * sd = 0 (every difference equal, up to the round-off of the mean: sd <= 16 eps max|d|): p = 0 when the
 * mean is not 0, else 1, and the interval is the point.
 */
export function pairedTTest(d: readonly number[], alpha = 0.05): TTest {
  const n = d.length;
  if (n < 2) throw new RangeError(`a t-test needs at least 2 differences, got ${n}`);
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  const df = n - 1;
  const scale = d.reduce((s, x) => Math.max(s, Math.abs(x)), 0);
  if (sd <= 16 * Number.EPSILON * scale) return { n, mean, sd, t: mean === 0 ? 0 : Math.sign(mean) * Infinity, df, p: mean === 0 ? 1 : 0, lower: mean, upper: mean, degenerate: true };
  const t = mean / se;
  const half = studentTQuantile(1 - alpha / 2, df) * se;
  return { n, mean, sd, t, df, p: studentTTwoSided(t, df), lower: mean - half, upper: mean + half, degenerate: false };
}

/** Sign-flip tests enumerate all 2^n sign patterns up to this n, and sample above it. */
export const SIGN_FLIP_EXACT_MAX = 20;
/** Monte Carlo draws above SIGN_FLIP_EXACT_MAX (p resolution 1e-5; its own standard error is at most 0.0016). */
export const SIGN_FLIP_DRAWS = 100_000;

export interface SignFlipTest {
  readonly n: number;
  readonly mean: number;
  /** Two-sided: the share of sign patterns whose |sum| is at least the observed one. */
  readonly p: number;
  readonly exact: boolean;
}

/**
 * The sign-flip permutation test of H0: every d_i is symmetric about 0 (independent units, no
 * normality assumed). Statistic |sum d_i|; p is the share of the 2^n patterns s in {-1, 1}^n with
 * |sum s_i d_i| >= |sum d_i| (the observed pattern included, so p >= 2^-n), counting ties within
 * 1e-9 sum |d_i| (the round-off of the Gray-code running sum). Above SIGN_FLIP_EXACT_MAX,
 * p = (1 + #hits) / (1 + B) over B seeded random patterns (valid, slightly conservative).
 * Cost O(2^n) exact (one addition per pattern, in Gray-code order), O(n B) sampled.
 */
export function signFlipTest(d: readonly number[], seed = 1): SignFlipTest {
  const n = d.length;
  if (n === 0) throw new RangeError('a sign-flip test needs at least one difference');
  const observed = Math.abs(d.reduce((s, x) => s + x, 0));
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const tol = 1e-9 * d.reduce((s, x) => s + Math.abs(x), 0);
  if (n <= SIGN_FLIP_EXACT_MAX) {
    const signs = new Int8Array(n).fill(1);
    let sum = d.reduce((s, x) => s + x, 0);
    let hits = 1;
    const patterns = 2 ** n;
    for (let k = 1; k < patterns; k++) {
      // Gray code: pattern k differs from pattern k - 1 in bit ctz(k).
      const j = 31 - Math.clz32(k & -k);
      sum -= 2 * signs[j]! * d[j]!;
      signs[j] = -signs[j]! as 1 | -1;
      if (Math.abs(sum) >= observed - tol) hits++;
    }
    return { n, mean, p: hits / patterns, exact: true };
  }
  const rng = createRng(seed);
  let hits = 0;
  for (let b = 0; b < SIGN_FLIP_DRAWS; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += rng.uniform() < 0.5 ? -d[i]! : d[i]!;
    if (Math.abs(sum) >= observed - tol) hits++;
  }
  return { n, mean, p: (1 + hits) / (1 + SIGN_FLIP_DRAWS), exact: false };
}

/**
 * Holm's step-down adjusted p-values: with p_(1) <= ... <= p_(m),
 * \tilde p_{(i)} = \max_{j \le i} \min(1, (m - j + 1) p_{(j)}); rejecting where \tilde p < alpha
 * controls the family-wise error rate at alpha under any dependence. NaN entries (untested)
 * stay NaN and do not count towards m. Returned in the input order.
 */
export function holmAdjust(p: readonly number[]): number[] {
  const idx = p.map((_, i) => i).filter((i) => !Number.isNaN(p[i]!));
  idx.sort((a, b) => p[a]! - p[b]! || a - b);
  const m = idx.length;
  const out = p.map(() => NaN);
  let running = 0;
  idx.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[i]!));
    out[i] = running;
  });
  return out;
}
