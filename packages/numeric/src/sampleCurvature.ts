/**
 * Per-sample curvature pieces (docs/mathematics.md §3), computed once and shared by the dense Hessian,
 * the closed-form traces and their gradients:
 *
 *   S_n = \mathrm{diag}(p_n) - p_n p_n^\top,\quad B_n = S_n V,\quad \delta_n = V^\top g_n,
 *   C_n = B_n D_n,\quad A_n = D_n V^\top S_n V D_n + \mathrm{diag}(\delta_n \odot \varphi''(u_n)),
 *
 * with D_n = diag(phi'(u_n)). For the Gauss-Newton curvature the diag(delta phi'') term of
 * A_n is dropped (it comes from the second derivative of the hidden layer, which J^T S J
 * omits). Cost O(N(c^2 h + c h^2)); memory O(N(c^2 + ch + h^2)). V^T S_n V = V^T B_n is formed by
 * the gemm kernel (parallel/kernels.ts, weightedRowSums), in the textbook loop's order, which
 * the packed A_n of hessianTrace.ts (packedHiddenCurvature, traceEngine.ts) shares bit for bit.
 */
import type { ForwardPass } from './network.ts';
import type { Curvature, Model } from './types.ts';
import { weightedRowSums } from './parallel/kernels.ts';

/**
 * S_n = diag(p_n) - p_n p_n^T (eq:softmax-covariance) into S[o ..], row-major c x c, entry-wise and
 * without 1 - p: S_kk = p_k(1 - p_k) but, for the largest p, 1 - p_max is the sum of the other
 * probabilities. In saturation (p_max = 1 - eps, eps below float64's resolution of 1 - p) the
 * textbook p - p^2 rounds that entry to 0 and loses half of tr S_n. Shared by sampleCurvatureIn,
 * softmaxCovarianceStack and the trace engine's S and packed stacks, so all give the same bits.
 * O(c^2).
 */
export function softmaxCovarianceInto(p: Float64Array, n: number, c: number, S: Float64Array, o: number): void {
  const pn = n * c;
  let top = 0;
  for (let k = 1; k < c; k++) if (p[pn + k]! > p[pn + top]!) top = k;
  let others = 0;
  for (let k = 0; k < c; k++) if (k !== top) others += p[pn + k]!;
  for (let k = 0; k < c; k++) {
    const pk = p[pn + k]!;
    for (let kk = 0; kk < c; kk++) S[o + k * c + kk] = k === kk ? pk * (k === top ? others : 1 - pk) : -pk * p[pn + kk]!;
  }
}

export interface SampleCurvature {
  /** N x c x c softmax covariances. */
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
  const VtB = new Float64Array(h * h);
  const Vt = new Float64Array(h * c);
  for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) Vt[i * c + k] = V[k * h + i]!;
  for (let n = 0; n < N; n++) {
    const pn = n * c;
    const So = n * c * c;
    softmaxCovarianceInto(fp.p, n, c, S, So);
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
