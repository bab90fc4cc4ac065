/**
 * The dense kernels every contraction of the closed forms reduces to, on Float64Arrays:
 *
 *   gemm:            C_{rq} \mathrel{+}= \sum_k S_{rk}P_{kq}                 (the one primitive)
 *   rowDotProducts:  K_{nm} = \langle X_n, Y_m\rangle                       (Gram matrices, X Y^T)
 *   weightedRowSums: O_n \mathrel{+}= \sum_m \Omega_{nm} X_m               (\Omega X, e.g. \sum_m (K^x_{nm})^2 A_m)
 *
 * `gemm` runs the WebAssembly SIMD kernel (gemmKernel.ts, wasmKernels.ts) when the runtime has
 * it, on arena views directly and on other arrays through a copy into the arena; else the
 * JavaScript reference `gemmJs`. Both accumulate every output entry in the textbook loop's
 * order, C + S_{r0}P_{0q} + S_{r1}P_{1q} + ... (k ascending, each product rounded, no fused
 * multiply-add), so they give the same bits, and splitting a product into row ranges, column
 * ranges or inner-index ranges (accumulating into C) gives the same bits as one call: threads
 * and tiles never change a result (`parallel/kernels.test.ts`, `parallel/wasmKernels.test.ts`).
 * Cache blocking (GEMM_BLOCK_*) only chooses which sub-products a call is split into.
 */
import { arenaAlloc, arenaMark, arenaRelease, isArenaView, kernelScratch } from './arena.ts';
import { wasmGemm } from './wasmKernels.ts';

/** Inner-dimension block of the copy path and of rowDotProducts (a cache parameter only). */
export const CHUNK = 512;
/** Column block: a K-by-256 panel of P (at most ~1 MB for K <= 512) stays in L2 while the rows of S stream. */
const GEMM_BLOCK_COLUMNS = 256;
/** Inner-index block. */
const GEMM_BLOCK_INNER = 512;
/** Below this many multiply-adds `gemm` runs the JavaScript loop: the call into wasm costs ~0.1 us, and wasm was faster from 256 multiply-adds up (0.12 against 0.33 us). */
const SMALL_PRODUCT = 64;

/**
 * C[cOff + r ldc + q] += sum_k S[sOff + r lds + k] P[pOff + k ldp + q], r < M, q < Nc, k < K
 * (strides in elements). Cost M Nc K multiply-adds. `kernel` forces one implementation (tests).
 */
export function gemm(
  S: Float64Array,
  sOff: number,
  lds: number,
  P: Float64Array,
  pOff: number,
  ldp: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  M: number,
  Nc: number,
  K: number,
  kernel: 'auto' | 'wasm' | 'js' = 'auto',
): void {
  if (M <= 0 || Nc <= 0 || K <= 0) return;
  // Products this small cost less in JavaScript than the call into wasm; both give the same bits.
  const w = kernel === 'js' || (kernel === 'auto' && M * Nc * K < SMALL_PRODUCT) ? null : wasmGemm();
  if (w === null) {
    if (kernel === 'wasm') throw new Error('gemm: the WebAssembly kernel is unavailable');
    gemmJs(S, sOff, lds, P, pOff, ldp, C, cOff, ldc, M, Nc, K);
    return;
  }
  if (isArenaView(S) && isArenaView(P) && isArenaView(C)) {
    blocked(w, S.byteOffset + sOff * 8, lds * 8, P.byteOffset + pOff * 8, ldp * 8, C.byteOffset + cOff * 8, ldc * 8, M, Nc, K);
    return;
  }
  // Copy the spans the product reads and writes into the arena, run there, copy C back.
  const mark = arenaMark();
  try {
    const sLen = (M - 1) * lds + K;
    const pLen = (K - 1) * ldp + Nc;
    const cLen = (M - 1) * ldc + Nc;
    const s = isArenaView(S) ? null : arenaAlloc(sLen);
    const p = isArenaView(P) ? null : arenaAlloc(pLen);
    const c = isArenaView(C) ? null : arenaAlloc(cLen);
    if (s) s.set(S.subarray(sOff, sOff + sLen));
    if (p) p.set(P.subarray(pOff, pOff + pLen));
    if (c) c.set(C.subarray(cOff, cOff + cLen));
    const sa = s ? s.byteOffset : S.byteOffset + sOff * 8;
    const pa = p ? p.byteOffset : P.byteOffset + pOff * 8;
    const ca = c ? c.byteOffset : C.byteOffset + cOff * 8;
    blocked(w, sa, lds * 8, pa, ldp * 8, ca, ldc * 8, M, Nc, K);
    if (c) C.set(c, cOff);
  } finally {
    arenaRelease(mark);
  }
}

/** Split the product into column and inner-index blocks (same bits, see the module comment). */
function blocked(w: NonNullable<ReturnType<typeof wasmGemm>>, S: number, lds: number, P: number, ldp: number, C: number, ldc: number, M: number, Nc: number, K: number): void {
  const scratch = kernelScratch();
  for (let k0 = 0; k0 < K; k0 += GEMM_BLOCK_INNER) {
    const kc = Math.min(GEMM_BLOCK_INNER, K - k0);
    for (let q0 = 0; q0 < Nc; q0 += GEMM_BLOCK_COLUMNS) {
      w(S + k0 * 8, lds, P + k0 * ldp + q0 * 8, ldp, C + q0 * 8, ldc, M, Math.min(GEMM_BLOCK_COLUMNS, Nc - q0), kc, scratch);
    }
  }
}

/**
 * gemm in plain JavaScript, the reference the SIMD kernel is tested against bit for bit. The
 * loops run r, k, q (row of S, inner index, column) so the innermost loop is unit-stride; each
 * entry of C still receives C + S_0 P_0 + S_1 P_1 + ... with k ascending, the textbook order.
 */
export function gemmJs(S: Float64Array, sOff: number, lds: number, P: Float64Array, pOff: number, ldp: number, C: Float64Array, cOff: number, ldc: number, M: number, Nc: number, K: number): void {
  for (let r = 0; r < M; r++) {
    const so = sOff + r * lds;
    const co = cOff + r * ldc;
    for (let k = 0; k < K; k++) {
      const a = S[so + k]!;
      const po = pOff + k * ldp;
      for (let q = 0; q < Nc; q++) C[co + q]! += a * P[po + q]!;
    }
  }
}

/**
 * out[n * ldOut + m] += X_n . Y_m for n in [r0, r1) and m in [0, nY) (all rows of width w,
 * row-major). With `upper` (X and Y the same stack) only m >= n is needed: rows are done in
 * blocks of 64 against the columns from the block's first row on, and the upper triangle is
 * then copied down (an entry and its mirror are the same sum, so the copy is exact).
 * `out` must be zeroed on those entries. Cost (r1 - r0) nY w multiply-adds (about half with `upper`).
 */
export function rowDotProducts(X: Float64Array, Y: Float64Array, out: Float64Array, ldOut: number, nY: number, w: number, r0: number, r1: number, upper: boolean): void {
  rowDotProductsInto(X, Y, out, ldOut, nY, w, r0, r1, upper, CHUNK, 'auto');
}

/** rowDotProducts on the JavaScript kernel (the fallback, and the reference the SIMD kernel is tested against). */
export function rowDotProductsJs(X: Float64Array, Y: Float64Array, out: Float64Array, ldOut: number, nY: number, w: number, r0: number, r1: number, upper: boolean): void {
  rowDotProductsInto(X, Y, out, ldOut, nY, w, r0, r1, upper, CHUNK, 'js');
}

/** rowDotProducts with an explicit inner block and kernel (the inner block does not change a bit). */
export function rowDotProductsInto(X: Float64Array, Y: Float64Array, out: Float64Array, ldOut: number, nY: number, w: number, r0: number, r1: number, upper: boolean, chunk: number, kernel: 'auto' | 'wasm' | 'js'): void {
  if (r1 <= r0 || nY <= 0) return;
  const mark = arenaMark();
  try {
    // Y^T (w x nY): the inner index must be the row index of the gemm's P operand.
    const YT = arenaAlloc(w * nY);
    for (let m = 0; m < nY; m++) for (let j = 0; j < w; j++) YT[j * nY + m] = Y[m * w + j]!;
    const block = upper ? 64 : r1 - r0;
    for (let b0 = r0; b0 < r1; b0 += block) {
      const b1 = Math.min(r1, b0 + block);
      const m0 = upper ? b0 : 0;
      for (let j0 = 0; j0 < w; j0 += chunk) {
        const kc = Math.min(chunk, w - j0);
        gemm(X, b0 * w + j0, w, YT, j0 * nY + m0, nY, out, b0 * ldOut + m0, ldOut, b1 - b0, nY - m0, kc, kernel);
      }
    }
  } finally {
    arenaRelease(mark);
  }
  if (upper) for (let n = r0; n < r1; n++) for (let m = n + 1; m < nY; m++) out[m * ldOut + n] = out[n * ldOut + m]!;
}

/**
 * out[n * w + j] += sum_m Omega[n * ldOmega + m] X[m * w + j] for n in [r0, r1), m in [0, M).
 * Cost (r1 - r0) M w multiply-adds.
 */
export function weightedRowSums(Omega: Float64Array, ldOmega: number, X: Float64Array, M: number, w: number, out: Float64Array, r0: number, r1: number): void {
  gemm(Omega, r0 * ldOmega, ldOmega, X, 0, w, out, r0 * w, w, r1 - r0, w, M);
}
