/**
 * Small dense helpers over row-major Float64Arrays for the deep closed forms, every product
 * on the project's one gemm kernel (parallel/kernels.ts: WebAssembly SIMD, the textbook
 * summation order, so results do not depend on how a product is split).
 *
 * Arena scope: inside `inDeepArena` every array these helpers (and `alloc`) hand out is a view
 * on the shared WebAssembly arena, so the kernel reads and writes it in place; outside, they are
 * plain arrays and the kernel copies its operands into the arena on every call (for the
 * per-sample loops of the closed forms that copying, not the arithmetic, was most of the time).
 * Nothing allocated in a scope may outlive it: the callers copy their results out.
 */
import { arenaAlloc, isArenaView, withArena } from '../parallel/arena.ts';
import { gemm, rowDotProducts } from '../parallel/kernels.ts';

let arenaDepth = 0;

/** Run `body` with the helpers allocating in the arena, all of it released afterwards (also on throw). */
export function inDeepArena<T>(body: () => T): T {
  arenaDepth++;
  try {
    return withArena(body);
  } finally {
    arenaDepth--;
  }
}

/** Whether the helpers currently allocate in the arena. */
export function inDeepArenaScope(): boolean {
  return arenaDepth > 0;
}

/** n zeroed doubles: an arena view inside `inDeepArena`, else a plain array. */
export function alloc(n: number): Float64Array {
  return arenaDepth > 0 ? arenaAlloc(n) : new Float64Array(n);
}

/** A^T of an r x c matrix (c x r). */
export function transpose(A: Float64Array, r: number, c: number, aOff = 0): Float64Array {
  const T = alloc(r * c);
  transposeInto(A, aOff, r, c, T, 0);
  return T;
}

/** T[tOff + j r + i] = A[aOff + i c + j]: A (r x c) transposed into T, in 32 x 32 tiles (both sides stay in cache). */
export function transposeInto(A: Float64Array, aOff: number, r: number, c: number, T: Float64Array, tOff: number): void {
  const B = 32;
  for (let i0 = 0; i0 < r; i0 += B) {
    const i1 = Math.min(r, i0 + B);
    for (let j0 = 0; j0 < c; j0 += B) {
      const j1 = Math.min(c, j0 + B);
      for (let i = i0; i < i1; i++) {
        const ao = aOff + i * c;
        for (let j = j0; j < j1; j++) T[tOff + j * r + i] = A[ao + j]!;
      }
    }
  }
}

/** C = A B for A (M x K) and B (K x N). O(MNK). */
export function matmul(A: Float64Array, B: Float64Array, M: number, K: number, N: number, aOff = 0, bOff = 0): Float64Array {
  const C = alloc(M * N);
  matmulAdd(A, aOff, B, bOff, C, 0, M, K, N);
  return C;
}

/**
 * Rows per gemm call of a tall product: a 256-row block of A (K <= 512) stays in L2 while the
 * kernel walks B's column panels, instead of streaming all of A once per panel. Splitting rows
 * changes no bit (each row of C is its own sum).
 */
const ROW_BLOCK = 256;

/** C[cOff ..] += A B (A at aOff with row stride K, B at bOff with row stride N). */
export function matmulAdd(A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, M: number, K: number, N: number): void {
  if (M <= 2 * ROW_BLOCK || N <= 8) {
    gemm(A, aOff, K, B, bOff, N, C, cOff, N, M, N, K);
    return;
  }
  for (let r0 = 0; r0 < M; r0 += ROW_BLOCK) gemm(A, aOff + r0 * K, K, B, bOff, N, C, cOff + r0 * N, N, Math.min(ROW_BLOCK, M - r0), N, K);
}

/** C[cOff ..] += A B^T for A (M x K) at aOff, B (N x K) at bOff (B^T staged once per call). */
export function matmulNTAdd(A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, M: number, K: number, N: number): void {
  withArena(() => {
    const Bt = arenaAlloc(K * N, false);
    transposeInto(B, bOff, N, K, Bt, 0);
    matmulAdd(A, aOff, Bt, 0, C, cOff, M, K, N);
  });
}

/** C[cOff ..] += A^T B for A (K x M) at aOff, B (K x N) at bOff (A^T staged once per call). */
export function matmulTNAdd(A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, M: number, K: number, N: number): void {
  withArena(() => {
    const At = arenaAlloc(K * M, false);
    transposeInto(A, aOff, K, M, At, 0);
    matmulAdd(At, 0, B, bOff, C, cOff, M, K, N);
  });
}

/** Rows per block of gram's upper triangle: blocks of 16 rows compute (N + 16) N / 2 entries, against 64's (N + 64) N / 2. */
const GRAM_ROWS = 16;

/**
 * The N x N Gram matrix X X^T of N rows of width w: row blocks of GRAM_ROWS against the columns
 * from the block's first row on (one gemm each, X^T staged once in the arena, tiled), then the
 * upper triangle mirrored exactly. Every entry is the kernel's k-ascending sum, so the bits are
 * rowDotProducts' (which blocks 64 rows). O(N^2 w / 2).
 */
export function gram(X: Float64Array, N: number, w: number): Float64Array {
  const K = alloc(N * N);
  if (N * N * w < 1 << 16) {
    rowDotProducts(X, X, K, N, N, w, 0, N, true);
    return K;
  }
  withArena(() => {
    let Xa = X;
    if (!isArenaView(X)) {
      Xa = arenaAlloc(N * w, false);
      Xa.set(X.subarray(0, N * w));
    }
    const XT = arenaAlloc(w * N, false);
    transposeInto(Xa, 0, N, w, XT, 0);
    const Ka = isArenaView(K) ? K : arenaAlloc(N * N);
    for (let b0 = 0; b0 < N; b0 += GRAM_ROWS) {
      const b1 = Math.min(N, b0 + GRAM_ROWS);
      gemm(Xa, b0 * w, w, XT, b0, N, Ka, b0 * N + b0, N, b1 - b0, N - b0, w);
    }
    if (Ka !== K) K.set(Ka);
  });
  for (let n = 0; n < N; n++) for (let m = n + 1; m < N; m++) K[m * N + n] = K[n * N + m]!;
  return K;
}

/** `x` itself when the kernel can read it in place, else (inside `inDeepArena`) an arena copy of it, made once. */
export function staged(x: Float64Array): Float64Array {
  if (arenaDepth === 0 || isArenaView(x)) return x;
  const y = arenaAlloc(x.length, false);
  y.set(x);
  return y;
}

/** Run `body`, then release what it allocated with `alloc` (inside `inDeepArena`; outside, plain arrays are left to the GC). */
export function scratch(body: () => void): void {
  if (arenaDepth > 0) withArena(body);
  else body();
}
