/**
 * The SIMD gemm (gemmKernel.ts via kernels.ts) against the textbook loop, bit for bit: both sum
 * each entry as C + S_0 P_0 + S_1 P_1 + ... with k ascending, so equality must be exact, on
 * every remainder of the 4 x 4 register block, with strides wider than the rows, with operands
 * inside and outside the arena, and when a product is split into row, column or inner ranges.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createRng } from '@hsr/numeric';
import { arenaAlloc, arenaMark, arenaRelease } from '../../src/parallel/arena.ts';
import { gemm, gemmJs } from '../../src/parallel/kernels.ts';
import { wasmGemm } from '../../src/parallel/wasmKernels.ts';

interface Case {
  M: number;
  Nc: number;
  K: number;
  padS: number;
  padP: number;
  padC: number;
  seed: number;
}

const shape = fc.record({
  M: fc.integer({ min: 1, max: 13 }),
  Nc: fc.integer({ min: 1, max: 13 }),
  K: fc.integer({ min: 1, max: 70 }),
  padS: fc.integer({ min: 0, max: 3 }),
  padP: fc.integer({ min: 0, max: 3 }),
  padC: fc.integer({ min: 0, max: 3 }),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

function operands(c: Case, inArena: boolean) {
  const rng = createRng(c.seed);
  const lds = c.K + c.padS;
  const ldp = c.Nc + c.padP;
  const ldc = c.Nc + c.padC;
  const make = (n: number) => {
    // Filled in place: Float64Array.map would return a plain copy outside the arena.
    const a = inArena ? arenaAlloc(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.normal() * 2 ** rng.int(20);
    return a;
  };
  return { lds, ldp, ldc, S: make(3 + c.M * lds), P: make(2 + c.K * ldp), C: make(1 + c.M * ldc) };
}

function copyToArena(a: Float64Array): Float64Array {
  const b = arenaAlloc(a.length);
  b.set(a);
  return b;
}

function bits(a: Float64Array): number[] {
  return Array.from(a);
}

describe.skipIf(wasmGemm() === null)('gemm (WebAssembly SIMD)', () => {
  test.prop([shape, fc.boolean()])('gives the textbook loop bits, in or out of the arena', (c, inArena) => {
    const mark = arenaMark();
    try {
      const { S, P, C, lds, ldp, ldc } = operands(c, inArena);
      const js = C.slice();
      gemmJs(S, 3, lds, P, 2, ldp, js, 1, ldc, c.M, c.Nc, c.K);
      const simd = inArena ? copyToArena(C) : C.slice();
      gemm(S, 3, lds, P, 2, ldp, simd, 1, ldc, c.M, c.Nc, c.K, 'wasm');
      expect(bits(simd)).toEqual(bits(js));
    } finally {
      arenaRelease(mark);
    }
  });

  test.prop([shape, fc.integer({ min: 0, max: 100 })])('gives the same bits when rows, columns or the inner index are split', (c, at) => {
    const mark = arenaMark();
    try {
      const { S, P, C, lds, ldp, ldc } = operands(c, true);
      const whole = copyToArena(C);
      gemm(S, 3, lds, P, 2, ldp, whole, 1, ldc, c.M, c.Nc, c.K, 'wasm');
      const r = at % (c.M + 1);
      const q = at % (c.Nc + 1);
      const k = at % (c.K + 1);
      const rows = copyToArena(C);
      gemm(S, 3, lds, P, 2, ldp, rows, 1, ldc, r, c.Nc, c.K, 'wasm');
      gemm(S, 3 + r * lds, lds, P, 2, ldp, rows, 1 + r * ldc, ldc, c.M - r, c.Nc, c.K, 'wasm');
      const cols = copyToArena(C);
      gemm(S, 3, lds, P, 2 + q, ldp, cols, 1 + q, ldc, c.M, c.Nc - q, c.K, 'wasm');
      gemm(S, 3, lds, P, 2, ldp, cols, 1, ldc, c.M, q, c.K, 'wasm');
      // The inner index in order (the sum is sequential in k, so the first block must come first).
      const inner = copyToArena(C);
      gemm(S, 3, lds, P, 2, ldp, inner, 1, ldc, c.M, c.Nc, k, 'wasm');
      gemm(S, 3 + k, lds, P, 2 + k * ldp, ldp, inner, 1, ldc, c.M, c.Nc, c.K - k, 'wasm');
      expect(bits(rows)).toEqual(bits(whole));
      expect(bits(cols)).toEqual(bits(whole));
      expect(bits(inner)).toEqual(bits(whole));
    } finally {
      arenaRelease(mark);
    }
  });

  it('is exact on integers, and adds nothing for K = 0', () => {
    const mark = arenaMark();
    try {
      const S = arenaAlloc(6);
      const P = arenaAlloc(6);
      const C = arenaAlloc(4).fill(1);
      for (let i = 0; i < 6; i++) {
        S[i] = i + 1;
        P[i] = 2 * i - 3;
      }
      gemm(S, 0, 3, P, 0, 2, C, 0, 2, 2, 2, 3, 'wasm');
      // [[1,2,3],[4,5,6]] [[-3,-1],[1,3],[5,7]] = [[14, 26], [23, 53]], plus the 1 already in C.
      expect(Array.from(C)).toEqual([15, 27, 24, 54]);
      gemm(S, 0, 3, P, 0, 2, C, 0, 2, 2, 2, 0, 'wasm');
      expect(Array.from(C)).toEqual([15, 27, 24, 54]);
    } finally {
      arenaRelease(mark);
    }
  });
});
