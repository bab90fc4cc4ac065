/**
 * Per-sample curvature pieces (docs/mathematics.md §3), computed once and shared by the dense Hessian,
 * the closed-form traces and their gradients:
 *
 *   S_n = \partial^2\ell/\partial v_n^2\ (\mathrm{diag}(p_n) - p_n p_n^\top\ \text{for cross-entropy; losses.ts}),\quad B_n = S_n V,\quad \delta_n = V^\top g_n,
 *   C_n = B_n D_n,\quad A_n = D_n V^\top S_n V D_n + \mathrm{diag}(\delta_n \odot \varphi''(u_n)),
 *
 * with D_n = diag(phi'(u_n)). For the Gauss-Newton curvature the diag(delta phi'') term of
 * A_n is dropped (it comes from the second derivative of the hidden layer, which J^T S J
 * omits). Cost O(N(c^2 h + c h^2)); memory O(N(c^2 + ch + h^2)). V^T S_n V = V^T B_n is formed by
 * the gemm kernel (parallel/kernels.ts, weightedRowSums), in the textbook loop's order, which
 * the packed A_n of hessianTrace.ts (packedHiddenCurvature, traceEngine.ts) shares bit for bit.
 */
import type { ForwardPass } from './network.ts';
import { LOSSES } from './losses.ts';
import { lossOf, type Curvature, type Model } from './types.ts';
import { weightedRowSums } from './parallel/kernels.ts';

export { softmaxCovarianceInto } from './losses.ts';

export interface SampleCurvature {
  /** N x c x c loss curvatures S_n = d^2 l/d v_n^2 (softmax covariances for cross-entropy). */
  readonly S: Float64Array;
  /** N x c x h: S_n V. */
  readonly B: Float64Array;
  /** N x c x h: S_n V D_n. */
  readonly C: Float64Array;
  /** N x h: V^T g_n. */
  readonly delta: Float64Array;
  /** N x h x h: A_n (symmetric). */
  readonly A: Float64Array;
}

export function sampleCurvature(model: Model, fp: ForwardPass, curvature: Curvature): SampleCurvature {
  return sampleCurvatureIn(model, fp, curvature, 'dense');
}

/**
 * Whether A_n is formed: `dense` (N x h x h, in `A`) or `none` (`A` empty; the traces build
 * the packed stack they contract with packedHiddenCurvature in hessianTrace.ts instead, and
 * the second block needs no A_n at all).
 */
export type HiddenCurvatureLayout = 'dense' | 'none';

export function sampleCurvatureIn(model: Model, fp: ForwardPass, curvature: Curvature, layout: HiddenCurvatureLayout): SampleCurvature {
  const { samples: N, hiddenDim: h, classes: c } = fp;
  const V = model.V;
  const S = new Float64Array(N * c * c);
  const B = new Float64Array(N * c * h);
  const C = new Float64Array(N * c * h);
  const delta = new Float64Array(N * h);
  const A = new Float64Array(layout === 'dense' ? N * h * h : 0);
  const curvatureRow = LOSSES[lossOf(model)].curvature;
  const VtB = new Float64Array(h * h);
  const Vt = new Float64Array(h * c);
  for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) Vt[i * c + k] = V[k * h + i]!;
  for (let n = 0; n < N; n++) {
    const pn = n * c;
    const So = n * c * c;
    curvatureRow(fp.v, fp.p, n, c, S, So);
    const Bo = n * c * h;
    for (let k = 0; k < c; k++) {
      for (let i = 0; i < h; i++) {
        let s = 0;
        for (let kk = 0; kk < c; kk++) s += S[So + k * c + kk]! * V[kk * h + i]!;
        B[Bo + k * h + i] = s;
        C[Bo + k * h + i] = s * fp.d1[n * h + i]!;
      }
    }
    for (let i = 0; i < h; i++) {
      let s = 0;
      for (let k = 0; k < c; k++) s += V[k * h + i]! * fp.g[pn + k]!;
      delta[n * h + i] = s;
    }
    if (layout === 'none') continue;
    // V^T S V = V^T B_n (h x h), then scale by phi' on both sides.
    VtB.fill(0);
    weightedRowSums(Vt, c, B.subarray(Bo, Bo + c * h), c, h, VtB, 0, h);
    const Ao = n * h * h;
    for (let i = 0; i < h; i++) {
      const di = fp.d1[n * h + i]!;
      for (let j = i; j < h; j++) {
        const val = di * VtB[i * h + j]! * fp.d1[n * h + j]!;
        A[Ao + i * h + j] = val;
        A[Ao + j * h + i] = val;
      }
      if (curvature === 'hessian') A[Ao + i * h + i]! += delta[n * h + i]! * fp.d2[n * h + i]!;
    }
  }
  return { S, B, C, delta, A };
}
