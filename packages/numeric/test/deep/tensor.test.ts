/**
 * deep/tensor.ts: the helpers the deep closed forms run on. gram equals rowDotProducts bit for
 * bit (same k-ascending sums, other row blocks) and the naive X X^T; the transposed-operand
 * products equal the textbook loops; inside inDeepArena the helpers hand out arena views, outside
 * plain arrays, and the arena is back where it was when the scope ends (also on throw).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '@hsr/numeric';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { arenaInUse, isArenaView } from '../../src/parallel/arena.ts';
import { rowDotProducts } from '../../src/parallel/kernels.ts';
import { alloc, gram, inDeepArena, matmul, matmulAdd, matmulNTAdd, matmulTNAdd, scratch, staged, transpose } from '../../src/deep/tensor.ts';

const rng = createRng(23);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.normal());

function naiveProduct(A: (i: number, k: number) => number, B: (k: number, j: number) => number, M: number, K: number, N: number): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) C[i * N + j]! += A(i, k) * B(k, j);
  return C;
}

function expectClose(actual: Float64Array, expected: Float64Array): void {
  let scale = 0;
  for (const x of expected) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(RTOL_SAME_FORMULA * scale);
}

describe.each([
  { N: 37, w: 700 },
  { N: 40, w: 9 },
  { N: 3, w: 5 },
])('gram at N=$N, w=$w', ({ N, w }) => {
  const X = rand(N * w);
  it('is rowDotProducts bit for bit and the naive X X^T, in and out of the arena scope', () => {
    const reference = new Float64Array(N * N);
    rowDotProducts(X, X, reference, N, N, w, 0, N, true);
    expect(Array.from(gram(X, N, w))).toEqual(Array.from(reference));
    const inside = inDeepArena(() => Array.from(gram(staged(X), N, w)));
    expect(inside).toEqual(Array.from(reference));
    expectClose(
      gram(X, N, w),
      naiveProduct(
        (i, k) => X[i * w + k]!,
        (k, j) => X[j * w + k]!,
        N,
        w,
        N,
      ),
    );
  });
});

describe('transposed-operand products', () => {
  const [M, K, N] = [600, 7, 5];
  const A = rand(M * K);
  const B = rand(N * K);
  const At = rand(K * M);
  const C0 = rand(M * N);
  it('matmulNTAdd adds A B^T, matmulTNAdd adds A^T B, matmulAdd splits tall products without changing a bit', () => {
    const nt = C0.slice();
    matmulNTAdd(A, 0, B, 0, nt, 0, M, K, N);
    const expectNT = naiveProduct(
      (i, k) => A[i * K + k]!,
      (k, j) => B[j * K + k]!,
      M,
      K,
      N,
    );
    for (let i = 0; i < M * N; i++) expectNT[i]! += C0[i]!;
    expectClose(nt, expectNT);
    const Bk = rand(K * N);
    const tn = C0.slice();
    matmulTNAdd(At, 0, Bk, 0, tn, 0, M, K, N);
    const expectTN = naiveProduct(
      (i, k) => At[k * M + i]!,
      (k, j) => Bk[k * N + j]!,
      M,
      K,
      N,
    );
    for (let i = 0; i < M * N; i++) expectTN[i]! += C0[i]!;
    expectClose(tn, expectTN);
    // M = 600 > 512 rows: matmulAdd runs row blocks; a single product of the same rows has the same bits.
    const whole = matmul(A, Bk, M, K, N);
    const rows = new Float64Array(M * N);
    for (let r = 0; r < M; r++) matmulAdd(A, r * K, Bk, 0, rows, r * N, 1, K, N);
    expect(Array.from(whole)).toEqual(Array.from(rows));
    expect(Array.from(transpose(transpose(A, M, K), K, M))).toEqual(Array.from(A));
  });
});

describe('inDeepArena', () => {
  it('allocates arena views inside, plain arrays outside, and releases everything on exit and on throw', () => {
    const before = arenaInUse();
    expect(isArenaView(alloc(8))).toBe(false);
    inDeepArena(() => {
      const x = alloc(1000);
      expect(isArenaView(x)).toBe(true);
      expect(Array.from(x).every((v) => v === 0)).toBe(true);
      const mark = arenaInUse();
      scratch(() => void alloc(5000));
      expect(arenaInUse()).toBe(mark);
    });
    expect(arenaInUse()).toBe(before);
    expect(() =>
      inDeepArena(() => {
        alloc(100);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(arenaInUse()).toBe(before);
    expect(isArenaView(alloc(8))).toBe(false);
  });
});
