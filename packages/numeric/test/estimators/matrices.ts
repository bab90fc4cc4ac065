/**
 * Small explicit symmetric matrices for the estimator tests, and their exact quantities
 * computed directly from the entries (not through any estimator or closed form under test).
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

export function square(A: SymmetricMatrix): SymmetricMatrix {
  const P = A.size;
  const out = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let k = 0; k < P; k++) for (let j = 0; j < P; j++) out[i * P + j]! += A.data[i * P + k]! * A.data[k * P + j]!;
  return { size: P, data: out };
}

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
