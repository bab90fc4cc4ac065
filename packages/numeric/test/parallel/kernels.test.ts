/**
 * The dense kernels of parallel/kernels.ts: equal to the textbook loops, and bit-identical
 * when their row range is split into pieces (the property that lets the rows be shared
 * between threads without changing a single bit of T2 or its gradient).
 */
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { createRng } from '@hsr/numeric';
import { CHUNK, rowDotProducts, weightedRowSums } from '../../src/parallel/kernels.ts';

const rng = createRng(17);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.normal());

describe.each([
  { N: 13, M: 11, w: 7 },
  { N: 9, M: 6, w: CHUNK + 37 },
  { N: 1, M: 5, w: 3 },
])('kernels at N=$N, M=$M, w=$w', ({ N, M, w }) => {
  const X = rand(N * w);
  const Y = rand(M * w);
  const Omega = rand(N * M);

  it('rowDotProducts equals the naive X Y^T, and the symmetric Gram equals X X^T', () => {
    const out = new Float64Array(N * M);
    rowDotProducts(X, Y, out, M, M, w, 0, N, false);
    const gram = new Float64Array(N * N);
    rowDotProducts(X, X, gram, N, N, w, 0, N, true);
    const naive = new Float64Array(N * M);
    const naiveGram = new Float64Array(N * N);
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < M; m++) for (let j = 0; j < w; j++) naive[n * M + m]! += X[n * w + j]! * Y[m * w + j]!;
      for (let m = 0; m < N; m++) for (let j = 0; j < w; j++) naiveGram[n * N + m]! += X[n * w + j]! * X[m * w + j]!;
    }
    expect(out).toBeAllClose(naive, { rtol: RTOL_SAME_FORMULA });
    expect(gram).toBeAllClose(naiveGram, { rtol: RTOL_SAME_FORMULA });
    for (let n = 0; n < N; n++) for (let m = 0; m < N; m++) expect(gram[n * N + m]).toBe(gram[m * N + n]);
  });

  it('weightedRowSums equals the naive Omega X', () => {
    const out = new Float64Array(N * w);
    const Xm = rand(M * w);
    weightedRowSums(Omega, M, Xm, M, w, out, 0, N);
    const naive = new Float64Array(N * w);
    for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) for (let j = 0; j < w; j++) naive[n * w + j]! += Omega[n * M + m]! * Xm[m * w + j]!;
    expect(out).toBeAllClose(naive, { rtol: RTOL_SAME_FORMULA });
  });

  it('gives bit-identical results when the rows are split at any point', () => {
    const whole = new Float64Array(N * N);
    rowDotProducts(X, X, whole, N, N, w, 0, N, true);
    const wsWhole = new Float64Array(N * w);
    const Xn = rand(N * w);
    weightedRowSums(Omega, M, Xn.subarray(0, M * w), M, w, wsWhole, 0, N);
    for (let k = 0; k <= N; k++) {
      const parts = new Float64Array(N * N);
      rowDotProducts(X, X, parts, N, N, w, k, N, true);
      rowDotProducts(X, X, parts, N, N, w, 0, k, true);
      expect(Array.from(parts)).toEqual(Array.from(whole));
      const ws = new Float64Array(N * w);
      weightedRowSums(Omega, M, Xn.subarray(0, M * w), M, w, ws, k, N);
      weightedRowSums(Omega, M, Xn.subarray(0, M * w), M, w, ws, 0, k);
      expect(Array.from(ws)).toEqual(Array.from(wsWhole));
    }
  });
});
