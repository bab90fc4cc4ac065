/**
 * The WebAssembly SIMD rowDotProducts (parallel/wasmKernels.ts) against the JavaScript kernel
 * it replaces, and the LEB128 encoders of the byte builder against published examples.
 *
 * Each differs from the exact X_n . Y_m by at most gamma_w sum_j |x_nj y_mj| with
 * gamma_w = w eps / (1 - w eps) (Higham, Accuracy and Stability of Numerical Algorithms, 2nd
 * ed., eq. 3.5), so whatever their orders they differ from each other by at most twice that:
 * REORDERED_SUM_BOUND below. Both now run on the gemm kernel in the textbook order and agree
 * bit for bit, which parallel/gemmKernel.test.ts checks; this bound is the order-free check.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '@hsr/numeric';
import { CHUNK, rowDotProductsJs } from '../../src/parallel/kernels.ts';
import { sleb, uleb } from '../../src/parallel/wasmBuilder.ts';
import { wasmRowDotProducts, wasmUnavailableReason } from '../../src/parallel/wasmKernels.ts';

const EPS = Number.EPSILON / 2;
/** 2 gamma_w: the largest difference two summation orders of w products can show, per unit of sum |x y|. */
const REORDERED_SUM_BOUND = (w: number) => (2 * w * EPS) / (1 - w * EPS);

const rng = createRng(23);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.normal());

// HSR_NO_WASM=1 runs everything on the JavaScript kernel on purpose; then there is nothing to compare.
describe.skipIf(process.env.HSR_NO_WASM === '1')('wasmRowDotProducts', () => {
  it('is available in this runtime (Node 20 has WebAssembly SIMD), so pnpm bench measures it', () => {
    expect(wasmUnavailableReason).toBeNull();
    expect(wasmRowDotProducts).not.toBeNull();
  });

  describe.each([
    { N: 13, M: 11, w: 7, r0: 0, r1: 13 },
    { N: 9, M: 6, w: CHUNK + 37, r0: 2, r1: 9 },
    { N: 1, M: 5, w: 3, r0: 0, r1: 1 },
    { N: 4, M: 4, w: 1, r0: 0, r1: 4 },
    { N: 22, M: 19, w: 2 * CHUNK, r0: 5, r1: 18 },
  ])('N=$N, M=$M, w=$w, rows [$r0, $r1)', ({ N, M, w, r0, r1 }) => {
    // Offset views into a larger buffer, as the stacks of hessianTrace.ts sometimes are.
    const X = rand(N * w + 3).subarray(3);
    const Y = rand(M * w + 1).subarray(1);

    function check(B: Float64Array, nY: number, upper: boolean): void {
      const seed = rand(N * nY);
      const js = seed.slice();
      const simd = seed.slice();
      rowDotProductsJs(X, B, js, nY, nY, w, r0, r1, upper);
      wasmRowDotProducts!(X, B, simd, nY, nY, w, r0, r1, upper, CHUNK);
      let worst = 0;
      for (let n = 0; n < N; n++)
        for (let m = 0; m < nY; m++) {
          let abs = 0;
          for (let j = 0; j < w; j++) abs += Math.abs(X[n * w + j]! * B[m * w + j]!);
          // The seed values the kernels add to count once more in the bound.
          const diff = Math.abs(js[n * nY + m]! - simd[n * nY + m]!);
          worst = Math.max(worst, diff / (REORDERED_SUM_BOUND(w + 1) * (abs + Math.abs(seed[n * nY + m]!))));
        }
      expect(worst).toBeLessThanOrEqual(1);
      // Untouched rows keep their values exactly (the kernel adds to its own rows only, plus the mirror with `upper`).
      if (!upper) for (let n = 0; n < N; n++) if (n < r0 || n >= r1) for (let m = 0; m < nY; m++) expect(simd[n * nY + m]).toBe(seed[n * nY + m]);
    }

    it('agrees with the JavaScript kernel on X Y^T to the reordered-sum bound', () => check(Y, M, false));
    it('agrees with the JavaScript kernel on the symmetric Gram X X^T, which stays exactly symmetric', () => {
      check(X, N, true);
      const G = new Float64Array(N * N);
      wasmRowDotProducts!(X, X, G, N, N, w, 0, N, true, CHUNK);
      for (let n = 0; n < N; n++) for (let m = 0; m < N; m++) expect(G[n * N + m]).toBe(G[m * N + n]);
    });
  });
});

describe('LEB128 (wasmBuilder)', () => {
  it('encodes the examples of the DWARF 5 specification, section 7.6', () => {
    expect(uleb(2)).toEqual([2]);
    expect(uleb(127)).toEqual([127]);
    expect(uleb(128)).toEqual([0x80, 1]);
    expect(uleb(129)).toEqual([1 + 0x80, 1]);
    expect(uleb(130)).toEqual([2 + 0x80, 1]);
    expect(uleb(12857)).toEqual([57 + 0x80, 100]);
    expect(sleb(2)).toEqual([2]);
    expect(sleb(-2)).toEqual([0x7e]);
    expect(sleb(127)).toEqual([127 + 0x80, 0]);
    expect(sleb(-127)).toEqual([1 + 0x80, 0x7f]);
    expect(sleb(128)).toEqual([0 + 0x80, 1]);
    expect(sleb(-128)).toEqual([0 + 0x80, 0x7f]);
    expect(sleb(129)).toEqual([1 + 0x80, 1]);
    expect(sleb(-129)).toEqual([0x7f + 0x80, 0x7e]);
  });
});
