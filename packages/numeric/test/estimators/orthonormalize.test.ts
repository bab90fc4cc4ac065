/**
 * The block CGS2 basis of the sketching estimators: orthonormal rows, Y = R^T Q, dependent
 * vectors dropped (rank-deficient sketches, more vectors than dimensions), and the prefix
 * property every nested budget relies on.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '@hsr/numeric';
import { orthonormalizeRows } from '@hsr/numeric/internal';
import { EPS, ORTHONORMALIZATION_ROUNDOFF_UNITS } from '@hsr/testkit';

/** max |Q Q^T - I| after two passes, and the error of Y = R^T Q per entry over ||y||: O(k eps) each. */
const orthogonalityTol = (k: number) => ORTHONORMALIZATION_ROUNDOFF_UNITS * k * EPS;
const reconstructionTol = orthogonalityTol;

function gaussianRows(k: number, P: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: k * P }, () => rng.normal());
}

function maxOrthogonalityError(Q: Float64Array, r: number, P: number): number {
  let worst = 0;
  for (let a = 0; a < r; a++)
    for (let b = 0; b < r; b++) {
      let s = 0;
      for (let t = 0; t < P; t++) s += Q[a * P + t]! * Q[b * P + t]!;
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  return worst;
}

describe('orthonormalizeRows', () => {
  it('gives orthonormal rows with Y = R^T Q, across panels and their remainder (k = 37)', () => {
    const k = 37;
    const P = 50;
    const Y = gaussianRows(k, P, 1);
    const original = Float64Array.from(Y);
    const { Q, rank, prefixRank, R } = orthonormalizeRows(Y, k, P);
    expect(rank).toBe(k);
    expect(Array.from(prefixRank)).toEqual(Array.from({ length: k + 1 }, (_, j) => j));
    expect(maxOrthogonalityError(Q, rank, P)).toBeLessThanOrEqual(orthogonalityTol(k));
    for (let j = 0; j < k; j++) {
      let norm = 0;
      for (let t = 0; t < P; t++) norm += original[j * P + t]! ** 2;
      for (let t = 0; t < P; t++) {
        let s = 0;
        for (let i = 0; i < rank; i++) s += R[i * k + j]! * Q[i * P + t]!;
        expect(Math.abs(s - original[j * P + t]!)).toBeLessThanOrEqual(reconstructionTol(k) * Math.sqrt(norm));
      }
    }
  });

  it('drops vectors in the span of earlier ones and keeps the rank per prefix', () => {
    const P = 40;
    const Y = new Float64Array(20 * P);
    Y.set(gaussianRows(5, P, 2), 0);
    const rng = createRng(3);
    // Rows 5..19 are combinations of rows 0..4, except row 12, which is new.
    for (let j = 5; j < 20; j++)
      for (let i = 0; i < 5; i++) {
        const c = rng.normal();
        for (let t = 0; t < P; t++) Y[j * P + t]! += c * Y[i * P + t]!;
      }
    Y.set(gaussianRows(1, P, 4), 12 * P);
    const { Q, rank, prefixRank } = orthonormalizeRows(Y, 20, P);
    expect(rank).toBe(6);
    expect(prefixRank[5]).toBe(5);
    expect(prefixRank[12]).toBe(5);
    expect(prefixRank[13]).toBe(6);
    expect(prefixRank[20]).toBe(6);
    expect(maxOrthogonalityError(Q, rank, P)).toBeLessThanOrEqual(orthogonalityTol(20));
  });

  it('stops at P directions when given more vectors than dimensions', () => {
    const P = 12;
    const { Q, rank } = orthonormalizeRows(gaussianRows(30, P, 5), 30, P);
    expect(rank).toBe(P);
    expect(maxOrthogonalityError(Q, rank, P)).toBeLessThanOrEqual(orthogonalityTol(30));
  });

  it('the basis of the first j vectors is the first rows of the basis of all of them, bit for bit', () => {
    const P = 33;
    const all = gaussianRows(40, P, 6);
    const full = orthonormalizeRows(Float64Array.from(all), 40, P);
    for (const j of [1, 15, 16, 17, 33]) {
      const part = orthonormalizeRows(all.slice(0, j * P), j, P);
      expect(part.rank).toBe(full.prefixRank[j]);
      expect(Array.from(part.Q.subarray(0, part.rank * P))).toEqual(Array.from(full.Q.subarray(0, part.rank * P)));
    }
  });
});
