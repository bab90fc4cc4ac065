/**
 * sampleCurvature.ts: the per-sample pieces of docs/mathematics.md §3 against their definitions
 * written out entry by entry (S_n, B_n = S_n V, C_n = B_n D_n, delta_n = V^T g_n, A_n), and the
 * Gauss–Newton A_n without its diag(delta phi'') term.
 */
import { caseSpread } from '@hsr/crosscheck/cases';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { describe, expect, test } from 'vitest';
import { forwardPass } from '../src/network.ts';
import { sampleCurvature, sampleCurvatureIn } from '../src/sampleCurvature.ts';

describe.each(caseSpread().slice(0, 4))('$name', ({ model, data }) => {
  const fp = forwardPass(model, data);
  const { samples: N, hiddenDim: h, classes: c } = fp;
  const sc = sampleCurvature(model, fp, 'hessian');
  const gn = sampleCurvature(model, fp, 'gauss-newton');
  const p = (n: number, k: number) => fp.p[n * c + k]!;
  const V = (k: number, i: number) => model.V[k * h + i]!;

  test('S_n = diag(p_n) - p_n p_n^T, and its rows sum to zero', () => {
    for (let n = 0; n < N; n++)
      for (let k = 0; k < c; k++) {
        let row = 0;
        for (let l = 0; l < c; l++) {
          const s = sc.S[n * c * c + k * c + l]!;
          expect(s).toBeAllClose((k === l ? p(n, k) : 0) - p(n, k) * p(n, l), { rtol: RTOL_SAME_FORMULA, scale: 1 });
          row += s;
        }
        expect(row).toBeAllClose(0, { rtol: RTOL_SAME_FORMULA, scale: 1 });
      }
  });

  test('B_n = S_n V, C_n = B_n D_n and delta_n = V^T g_n', () => {
    for (let n = 0; n < N; n++)
      for (let i = 0; i < h; i++) {
        let delta = 0;
        for (let k = 0; k < c; k++) {
          delta += V(k, i) * fp.g[n * c + k]!;
          let b = 0;
          for (let l = 0; l < c; l++) b += sc.S[n * c * c + k * c + l]! * V(l, i);
          expect(sc.B[n * c * h + k * h + i]!).toBeAllClose(b, { rtol: RTOL_SAME_FORMULA, scale: 1 });
          expect(sc.C[n * c * h + k * h + i]!).toBeAllClose(b * fp.d1[n * h + i]!, { rtol: RTOL_SAME_FORMULA, scale: 1 });
        }
        expect(sc.delta[n * h + i]!).toBeAllClose(delta, { rtol: RTOL_SAME_FORMULA, scale: 1 });
      }
  });

  test("A_n = D_n V^T S_n V D_n + diag(delta_n phi''); Gauss–Newton drops the diagonal term", () => {
    for (let n = 0; n < N; n++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < h; j++) {
          let vsv = 0;
          for (let k = 0; k < c; k++) for (let l = 0; l < c; l++) vsv += V(k, i) * sc.S[n * c * c + k * c + l]! * V(l, j);
          const gauss = fp.d1[n * h + i]! * vsv * fp.d1[n * h + j]!;
          const full = gauss + (i === j ? sc.delta[n * h + i]! * fp.d2[n * h + i]! : 0);
          expect(sc.A[n * h * h + i * h + j]!).toBeAllClose(full, { rtol: RTOL_SAME_FORMULA, scale: 1 });
          expect(gn.A[n * h * h + i * h + j]!).toBeAllClose(gauss, { rtol: RTOL_SAME_FORMULA, scale: 1 });
        }
  });

  test("layout 'none' holds no N x h x h array and gives the same S, B, C and delta bits", () => {
    const none = sampleCurvatureIn(model, fp, 'hessian', 'none');
    expect(none.A.length).toBe(0);
    for (const key of ['S', 'B', 'C', 'delta'] as const) expect(Array.from(none[key]), key).toEqual(Array.from(sc[key]));
  });
});
