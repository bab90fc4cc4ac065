/**
 * The cancellation-free softmax covariance kernels of losses.ts (softmaxCovarianceInto,
 * softmaxCovarianceTrace, softmaxCovarianceInner) against an 80-digit mpmath reference from
 * the definitions S_n = diag(p_n) - p_n p_n^T, tr S_n and <S_n, S_m> = sum_kl S_n,kl S_m,kl
 * (fixtures/softmax/generate.py, committed beside its output). Each kernel exists only for its
 * accuracy in saturation (1 - p_max below float64's resolution of 1 - p), where it must take
 * 1 - p_max as the sum of the other probabilities: which index it takes as the largest is
 * invisible in exact arithmetic and decides everything in floating point. The rows put the
 * largest probability at every index, pair rows saturated on the same class and on different
 * ones, and include an unsaturated row and one with two tied top classes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { RTOL_SOFTMAX_VS_HIGH_PRECISION } from '@hsr/testkit';
import { softmaxCovarianceInner, softmaxCovarianceInto, softmaxCovarianceTrace } from '../src/losses.ts';

interface SoftmaxFixture {
  classes: number;
  logits: number[][];
  p: number[][];
  S: number[][];
  trace: number[];
  inner: number[][];
  oneMinusPmax: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/softmax/softmax.json', import.meta.url), 'utf8')) as SoftmaxFixture;
const c = fixture.classes;
const N = fixture.p.length;
const p = Float64Array.from(fixture.p.flat());
// Element by element (scale 0): each entry to its own relative accuracy, not to the largest one's.
const rtol = RTOL_SOFTMAX_VS_HIGH_PRECISION;

/** The top class of each row (the first of tied ones). */
const top = fixture.p.map((row) => row.indexOf(Math.max(...row)));

describe('softmax covariance kernels against an 80-digit reference', () => {
  test('the rows are saturated below float64 resolution, with the top class at every index', () => {
    expect(new Set(top.filter((_, n) => fixture.oneMinusPmax[n]! < 1e-10))).toEqual(new Set([0, 1, 2, 3]));
    expect(fixture.oneMinusPmax.filter((e) => e < Number.EPSILON).length).toBeGreaterThanOrEqual(2);
    // The naive 1 - p_max is useless on those rows: this is what the kernels must avoid.
    for (let n = 0; n < N; n++) if (fixture.oneMinusPmax[n]! < Number.EPSILON) expect(1 - Math.max(...fixture.p[n]!)).toBe(0);
  });

  test('softmaxCovarianceInto: every entry of S_n, diagonal ones included, to full relative accuracy', () => {
    // Written at an offset into a larger buffer, from row n of p: both indices matter.
    const out = new Float64Array(3 + N * c * c).fill(Number.NaN);
    for (let n = 0; n < N; n++) softmaxCovarianceInto(p, n, c, out, 3 + n * c * c);
    expect(out.subarray(3)).toBeAllClose(Float64Array.from(fixture.S.flat()), { rtol, atol: 0, scale: 0 });
  });

  test('softmaxCovarianceInto writes the c^2 entries of S_n at its offset and nothing else', () => {
    // Callers write S_n into the middle of N x c x c stacks in any order: an entry past the
    // block would overwrite the neighbour's S (or vanish past the end of the array).
    for (const n of [0, 3, N - 1]) {
      const o = 2 * c * c + 1;
      const out = new Float64Array(o + 2 * c * c).fill(Number.NaN);
      softmaxCovarianceInto(p, n, c, out, o);
      for (let i = 0; i < out.length; i++) if (i < o || i >= o + c * c) expect(out[i], `entry ${i} outside the block`).toBeNaN();
      expect(out.subarray(o, o + c * c)).toBeAllClose(Float64Array.from(fixture.S[n]!), { rtol, atol: 0, scale: 0 });
    }
  });

  test('softmaxCovarianceTrace: tr S_n to full relative accuracy', () => {
    const trace = Float64Array.from({ length: N }, (_, n) => softmaxCovarianceTrace(p, n, c));
    expect(trace).toBeAllClose(Float64Array.from(fixture.trace), { rtol, atol: 0, scale: 0 });
  });

  test('softmaxCovarianceInner: <S_n, S_m> to full relative accuracy for every pair', () => {
    const inner = Float64Array.from({ length: N * N }, (_, i) => softmaxCovarianceInner(p, Math.floor(i / N), i % N, c));
    expect(inner).toBeAllClose(Float64Array.from(fixture.inner.flat()), { rtol, atol: 0, scale: 0 });
  });
});
