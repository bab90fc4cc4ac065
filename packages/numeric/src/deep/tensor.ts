/**
 * Small dense helpers over row-major Float64Arrays for the deep closed forms, every product
 * on the project's one gemm kernel (parallel/kernels.ts: WebAssembly SIMD, the textbook
 * summation order, so results do not depend on how a product is split).
 */
import { arenaAlloc, isArenaView, withArena } from '../parallel/arena.ts';
import { gemm, rowDotProducts } from '../parallel/kernels.ts';

/** A^T of an r x c matrix (c x r). */
export function transpose(A: Float64Array, r: number, c: number, aOff = 0): Float64Array {
  const T = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) T[j * r + i] = A[aOff + i * c + j]!;
  return T;
}

/** C = A B for A (M x K) and B (K x N). O(MNK). */
export function matmul(A: Float64Array, B: Float64Array, M: number, K: number, N: number, aOff = 0, bOff = 0): Float64Array {
  const C = new Float64Array(M * N);
  gemm(A, aOff, K, B, bOff, N, C, 0, N, M, N, K);
  return C;
}

/** C[cOff ..] += A B (A at aOff with row stride K, B at bOff with row stride N). */
export function matmulAdd(A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, M: number, K: number, N: number): void {
  gemm(A, aOff, K, B, bOff, N, C, cOff, N, M, N, K);
}

/**
 * The N x N Gram matrix X X^T of N rows of width w (upper triangle, mirrored exactly). O(N^2 w / 2).
 * X and the result are staged in the arena once: rowDotProducts runs one gemm per 512-wide
 * chunk of the rows, and each call on a plain array would copy the whole stack into the arena
 * again (the same products on the same operands, so the same bits).
 */
export function gram(X: Float64Array, N: number, w: number): Float64Array {
  if (isArenaView(X) || N * N * w < 1 << 16) {
    const K = new Float64Array(N * N);
    rowDotProducts(X, X, K, N, N, w, 0, N, true);
    return K;
  }
  return withArena(() => {
    const Xa = arenaAlloc(N * w, false);
    Xa.set(X.subarray(0, N * w));
    const Ka = arenaAlloc(N * N);
    rowDotProducts(Xa, Xa, Ka, N, N, w, 0, N, true);
    return Ka.slice();
  });
}

/** sum_{nm} A_nm B_nm (C_nm ...): the entrywise product of equal-size arrays, summed. */
export function sumOfProducts(...xs: Float64Array[]): number {
  let s = 0;
  const n = xs[0]!.length;
  for (let i = 0; i < n; i++) {
    let t = 1;
    for (const x of xs) t *= x[i]!;
    s += t;
  }
  return s;
}
