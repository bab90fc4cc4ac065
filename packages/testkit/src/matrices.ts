/**
 * Small explicit symmetric matrices for the estimator tests, their exact quantities computed
 * directly from the entries (not through any estimator or closed form under test), and the
 * tests' own dense linear algebra: products, every Rademacher quadratic form, and an
 * orthonormal basis with projections written out vector by vector.
 */
import { createRng, type SymmetricMatrix } from '@hsr/numeric';

/** A_ij = A_ji ~ N(0, 1) off the diagonal, N(diagonalShift, diagonalScale^2) on it. */
export function randomSymmetric(P: number, seed: number, diagonalShift = 0, diagonalScale = 1): SymmetricMatrix {
  const rng = createRng(seed);
  const data = new Float64Array(P * P);
  for (let i = 0; i < P; i++)
    for (let j = 0; j <= i; j++) {
      const x = i === j ? diagonalShift + diagonalScale * rng.normal() : rng.normal();
      data[i * P + j] = x;
      data[j * P + i] = x;
    }
  return { size: P, data };
}

/** sum_r u_r u_r^T for `rank` Gaussian vectors: PSD of rank `rank` (almost surely). */
export function lowRankPsd(P: number, rank: number, seed: number): SymmetricMatrix {
  const rng = createRng(seed);
  const data = new Float64Array(P * P);
  for (let r = 0; r < rank; r++) {
    const u = Float64Array.from({ length: P }, () => rng.normal());
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) data[i * P + j]! += u[i]! * u[j]!;
  }
  return { size: P, data };
}

/** A^2 by the triple loop. */
export function square(A: SymmetricMatrix): SymmetricMatrix {
  const P = A.size;
  const out = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let k = 0; k < P; k++) for (let j = 0; j < P; j++) out[i * P + j]! += A.data[i * P + k]! * A.data[k * P + j]!;
  return { size: P, data: out };
}

/** What the estimators estimate, summed straight from the entries. */
export interface Exact {
  trace: number;
  frobeniusSquared: number;
  diagonalSquareSum: number;
}

export function exactOf(A: SymmetricMatrix): Exact {
  let trace = 0;
  let frobeniusSquared = 0;
  let diagonalSquareSum = 0;
  for (let i = 0; i < A.size; i++) {
    trace += A.data[i * A.size + i]!;
    diagonalSquareSum += A.data[i * A.size + i]! ** 2;
  }
  for (const x of A.data) frobeniusSquared += x * x;
  return { trace, frobeniusSquared, diagonalSquareSum };
}

/** A v by the double loop. */
export function matVec(A: SymmetricMatrix, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(A.size);
  for (let i = 0; i < A.size; i++) {
    let s = 0;
    for (let j = 0; j < A.size; j++) s += A.data[i * A.size + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** Every v^T A v over the 2^P Rademacher vectors. */
export function enumerateRademacher(A: SymmetricMatrix): Float64Array {
  const P = A.size;
  const out = new Float64Array(2 ** P);
  const v = new Float64Array(P);
  for (let mask = 0; mask < 2 ** P; mask++) {
    for (let i = 0; i < P; i++) v[i] = (mask >> i) & 1 ? 1 : -1;
    let s = 0;
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) s += v[i]! * A.data[i * P + j]! * v[j]!;
    out[mask] = s;
  }
  return out;
}

/**
 * Orthonormal basis of `cols` by Gram-Schmidt with a second pass, in order, dropping a column
 * whose remainder is below 1e-10 of its norm (in the span of the earlier ones).
 */
export function orthonormalBasis(cols: readonly Float64Array[]): Float64Array[] {
  const Q: Float64Array[] = [];
  for (const c of cols) {
    const w = Float64Array.from(c);
    const norm0 = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    for (let pass = 0; pass < 2; pass++)
      for (const q of Q) {
        const d = q.reduce((s, x, i) => s + x * w[i]!, 0);
        for (let i = 0; i < w.length; i++) w[i]! -= d * q[i]!;
      }
    const n = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    if (n > 1e-10 * norm0) Q.push(w.map((x) => x / n));
  }
  return Q;
}

/** (I - Q Q^T) v for orthonormal rows Q. */
export function projectOut(Q: readonly Float64Array[], v: Float64Array): Float64Array {
  const out = Float64Array.from(v);
  for (const q of Q) {
    const d = q.reduce((s, x, i) => s + x * v[i]!, 0);
    for (let i = 0; i < out.length; i++) out[i]! -= d * q[i]!;
  }
  return out;
}
