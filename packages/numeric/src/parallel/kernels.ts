/**
 * The two dense kernels every pair sum reduces to, written for V8: plain Float64Array loops
 * (rowDotProducts runs the WebAssembly SIMD version of wasmKernels.ts when available),
 * register-blocked (four rows against four, or two rows against four) and chunked along the inner dimension so the rows
 * being combined stay in L1/L2. No BLAS is available in this runtime.
 *
 *   rowDotProducts:  K_{nm} = \langle X_n, Y_m\rangle            (Gram matrices, X Y^T)
 *   weightedRowSums: O_n    = \sum_m \Omega_{nm} X_m            (\Omega X, e.g. \sum_m (K^x_{nm})^2 A_m)
 *
 * Determinism: every output entry is accumulated in one fixed order (inner index ascending
 * within a chunk of CHUNK, chunks ascending; for weightedRowSums, m ascending in groups of
 * four, the remainder one at a time) that does not depend on the row range [r0, r1) a call
 * covers or on which other rows are blocked with it. Splitting the rows between threads
 * therefore gives bit-identical results (`parallel.test.ts`).
 */
import { wasmRowDotProducts } from './wasmKernels.ts';

/** Inner-dimension chunk: 4 rows x 512 doubles = 16 KiB, half an L1 data cache. */
export const CHUNK = 512;

/**
 * out[n * ldOut + m] = X_n . Y_m for n in [r0, r1) and m in [0, nY) (all rows of width w,
 * row-major). With `upper` (X and Y the same stack) only m >= n is computed and each value
 * is also written to out[m * ldOut + n]. `out` must be zeroed on those entries.
 * Cost (r1 - r0) nY w multiply-adds (half that with `upper`).
 * Runs the WebAssembly SIMD kernel of wasmKernels.ts when the runtime has it (always in
 * Node >= 16.4 unless HSR_NO_WASM=1), else `rowDotProductsJs`. The choice depends on the
 * runtime only, never on the sizes or the row range, so a given computation always takes the
 * same kernel (a bound and its gradient stay bit-for-bit consistent, and splitting rows stays
 * bit-identical).
 */
export function rowDotProducts(X: Float64Array, Y: Float64Array, out: Float64Array, ldOut: number, nY: number, w: number, r0: number, r1: number, upper: boolean): void {
  if (wasmRowDotProducts !== null) wasmRowDotProducts(X, Y, out, ldOut, nY, w, r0, r1, upper, CHUNK);
  else rowDotProductsJs(X, Y, out, ldOut, nY, w, r0, r1, upper);
}

/** rowDotProducts in plain JavaScript (the fallback, and the reference the SIMD kernel is tested against). */
export function rowDotProductsJs(X: Float64Array, Y: Float64Array, out: Float64Array, ldOut: number, nY: number, w: number, r0: number, r1: number, upper: boolean): void {
  for (let j0 = 0; j0 < w; j0 += CHUNK) {
    const j1 = Math.min(w, j0 + CHUNK);
    let n = r0;
    for (; n + 4 <= r1; n += 4) {
      const x0 = n * w;
      const x1 = x0 + w;
      const x2 = x1 + w;
      const x3 = x2 + w;
      let m = upper ? n : 0;
      for (; m + 4 <= nY; m += 4) {
        const y0 = m * w;
        const y1 = y0 + w;
        const y2 = y1 + w;
        const y3 = y2 + w;
        let s00 = 0,
          s01 = 0,
          s02 = 0,
          s03 = 0,
          s10 = 0,
          s11 = 0,
          s12 = 0,
          s13 = 0;
        let s20 = 0,
          s21 = 0,
          s22 = 0,
          s23 = 0,
          s30 = 0,
          s31 = 0,
          s32 = 0,
          s33 = 0;
        for (let j = j0; j < j1; j++) {
          const a = Y[y0 + j]!;
          const b = Y[y1 + j]!;
          const e = Y[y2 + j]!;
          const f = Y[y3 + j]!;
          const p = X[x0 + j]!;
          s00 += p * a;
          s01 += p * b;
          s02 += p * e;
          s03 += p * f;
          const q = X[x1 + j]!;
          s10 += q * a;
          s11 += q * b;
          s12 += q * e;
          s13 += q * f;
          const r = X[x2 + j]!;
          s20 += r * a;
          s21 += r * b;
          s22 += r * e;
          s23 += r * f;
          const s = X[x3 + j]!;
          s30 += s * a;
          s31 += s * b;
          s32 += s * e;
          s33 += s * f;
        }
        const o = n * ldOut + m;
        out[o]! += s00;
        out[o + 1]! += s01;
        out[o + 2]! += s02;
        out[o + 3]! += s03;
        const o1 = o + ldOut;
        out[o1]! += s10;
        out[o1 + 1]! += s11;
        out[o1 + 2]! += s12;
        out[o1 + 3]! += s13;
        const o2 = o1 + ldOut;
        out[o2]! += s20;
        out[o2 + 1]! += s21;
        out[o2 + 2]! += s22;
        out[o2 + 3]! += s23;
        const o3 = o2 + ldOut;
        out[o3]! += s30;
        out[o3 + 1]! += s31;
        out[o3 + 2]! += s32;
        out[o3 + 3]! += s33;
      }
      for (; m < nY; m++) {
        const y0 = m * w;
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0;
        for (let j = j0; j < j1; j++) {
          const a = Y[y0 + j]!;
          s0 += X[x0 + j]! * a;
          s1 += X[x1 + j]! * a;
          s2 += X[x2 + j]! * a;
          s3 += X[x3 + j]! * a;
        }
        const o = n * ldOut + m;
        out[o]! += s0;
        out[o + ldOut]! += s1;
        out[o + 2 * ldOut]! += s2;
        out[o + 3 * ldOut]! += s3;
      }
    }
    for (; n < r1; n++) {
      const x0 = n * w;
      for (let m = upper ? n : 0; m < nY; m++) {
        const y0 = m * w;
        let s = 0;
        for (let j = j0; j < j1; j++) s += X[x0 + j]! * Y[y0 + j]!;
        out[n * ldOut + m]! += s;
      }
    }
  }
  if (upper) {
    // The 4-row blocks computed a few entries below the diagonal (m in [n, n+3]); those are
    // the same sums as their mirror images, so copying the upper triangle down is exact.
    for (let n = r0; n < r1; n++) for (let m = n + 1; m < nY; m++) out[m * ldOut + n] = out[n * ldOut + m]!;
  }
}

/**
 * out[n * w + j] += sum_m Omega[n * ldOmega + m] X[m * w + j] for n in [r0, r1), m in [0, M).
 * Two output rows against four input rows per inner step. Cost (r1 - r0) M w multiply-adds.
 */
export function weightedRowSums(Omega: Float64Array, ldOmega: number, X: Float64Array, M: number, w: number, out: Float64Array, r0: number, r1: number): void {
  for (let j0 = 0; j0 < w; j0 += CHUNK) {
    const j1 = Math.min(w, j0 + CHUNK);
    let n = r0;
    for (; n + 2 <= r1; n += 2) {
      const o0 = n * w;
      const o1 = o0 + w;
      const w0 = n * ldOmega;
      const w1 = w0 + ldOmega;
      let m = 0;
      for (; m + 4 <= M; m += 4) {
        const a00 = Omega[w0 + m]!,
          a01 = Omega[w0 + m + 1]!,
          a02 = Omega[w0 + m + 2]!,
          a03 = Omega[w0 + m + 3]!;
        const a10 = Omega[w1 + m]!,
          a11 = Omega[w1 + m + 1]!,
          a12 = Omega[w1 + m + 2]!,
          a13 = Omega[w1 + m + 3]!;
        const x0 = m * w;
        const x1 = x0 + w;
        const x2 = x1 + w;
        const x3 = x2 + w;
        for (let j = j0; j < j1; j++) {
          const p = X[x0 + j]!;
          const q = X[x1 + j]!;
          const r = X[x2 + j]!;
          const s = X[x3 + j]!;
          out[o0 + j]! += a00 * p + a01 * q + a02 * r + a03 * s;
          out[o1 + j]! += a10 * p + a11 * q + a12 * r + a13 * s;
        }
      }
      for (; m < M; m++) {
        const a0 = Omega[w0 + m]!;
        const a1 = Omega[w1 + m]!;
        const x0 = m * w;
        for (let j = j0; j < j1; j++) {
          const p = X[x0 + j]!;
          out[o0 + j]! += a0 * p;
          out[o1 + j]! += a1 * p;
        }
      }
    }
    for (; n < r1; n++) {
      const o0 = n * w;
      const w0 = n * ldOmega;
      let m = 0;
      for (; m + 4 <= M; m += 4) {
        const a00 = Omega[w0 + m]!,
          a01 = Omega[w0 + m + 1]!,
          a02 = Omega[w0 + m + 2]!,
          a03 = Omega[w0 + m + 3]!;
        const x0 = m * w;
        const x1 = x0 + w;
        const x2 = x1 + w;
        const x3 = x2 + w;
        for (let j = j0; j < j1; j++) out[o0 + j]! += a00 * X[x0 + j]! + a01 * X[x1 + j]! + a02 * X[x2 + j]! + a03 * X[x3 + j]!;
      }
      for (; m < M; m++) {
        const a0 = Omega[w0 + m]!;
        const x0 = m * w;
        for (let j = j0; j < j1; j++) out[o0 + j]! += a0 * X[x0 + j]!;
      }
    }
  }
}
