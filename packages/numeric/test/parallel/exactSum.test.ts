/**
 * ExactSum against an exact reference: every double here is an integer multiple of 2^-600, so
 * scaling by 2^600 turns each into a BigInt exactly, BigInt addition is exact, and Number() of
 * the BigInt total rounds to nearest with ties to even (ECMAScript Number(bigint)); scaling
 * back by 2^-600 is exact for the magnitudes used (no overflow, no subnormals). The result must
 * equal that reference bit for bit, whatever the order or grouping of the additions.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ExactSum, exactSum } from '../../src/parallel/exactSum.ts';

const SCALE = 600;

function toBig(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponent === 0 && fraction === 0n) return 0n;
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const e = (exponent === 0 ? 1 : exponent) - 1075 + SCALE;
  if (e < 0) throw new Error(`test value ${x} is not a multiple of 2^-${SCALE}`);
  return sign * (mantissa << BigInt(e));
}

function reference(xs: readonly number[]): number {
  const total = xs.reduce((s, x) => s + toBig(x), 0n);
  return Number(total) * 2 ** -SCALE;
}

/** Doubles with exponents in [-200, 200], signs mixed: wide ranges and heavy cancellation. */
const wide = fc.tuple(fc.double({ min: 1, max: 2, noNaN: true }), fc.integer({ min: -200, max: 200 }), fc.boolean()).map(([m, e, neg]) => (neg ? -1 : 1) * m * 2 ** e);

describe('ExactSum', () => {
  test.prop([fc.array(wide, { minLength: 0, maxLength: 40 })])('equals the correctly rounded exact sum', (xs) => {
    expect(Object.is(exactSum(xs), reference(xs)) || exactSum(xs) === reference(xs)).toBe(true);
  });

  test.prop([fc.array(wide, { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 1000 })])('does not depend on the order or on grouping into merged components', (xs, seed) => {
    const shuffled = [...xs].sort((a, b) => Math.sin(a * 7919 + seed) - Math.sin(b * 7919 + seed));
    const cut = seed % (xs.length + 1);
    const left = new ExactSum().addAll(shuffled.slice(0, cut)).components();
    const right = new ExactSum().addAll(shuffled.slice(cut)).components();
    const merged = new ExactSum().addAll(right).addAll(left).value();
    expect(merged).toBe(exactSum(xs));
    expect(exactSum(shuffled)).toBe(exactSum(xs));
  });

  it('keeps the bits plain summation loses', () => {
    // 1 + 1e-16 - 1 is 0 in floating point and 1e-16 exactly summed (rounded once).
    expect(1 + 1e-16 - 1).toBe(0);
    expect(exactSum([1, 1e-16, -1])).toBe(1e-16);
    expect(exactSum([2 ** 53, 1, -(2 ** 53)])).toBe(1);
  });

  it('rounds a half-way total to even, as the exact value requires', () => {
    // 2^53 + 1 is half-way between 2^53 and 2^53 + 2; ties to even gives 2^53. With a further
    // 2^-60 the exact value is above the midpoint and must round up.
    expect(exactSum([2 ** 53, 1])).toBe(2 ** 53);
    expect(exactSum([2 ** 53, 1, 2 ** -60])).toBe(2 ** 53 + 2);
    expect(exactSum([2 ** 53, 1, -(2 ** -60)])).toBe(2 ** 53);
  });

  it('propagates infinities and NaN as ordinary addition does', () => {
    expect(exactSum([1, Infinity])).toBe(Infinity);
    expect(exactSum([Infinity, -Infinity])).toBeNaN();
    expect(exactSum([1, NaN])).toBeNaN();
    expect(exactSum([])).toBe(0);
  });
});
