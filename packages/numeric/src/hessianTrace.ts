/**
 * The closed forms T1 = tr H and T2 = tr H^2 = ||H||_F^2 (MATH.md §4), from per-sample
 * quantities and the Gram matrices K^x_{nm} = x~_n.x~_m, K^z_{nm} = z~_n.z~_m, never from a
 * P x P matrix.
 *
 * eq:trace-h
 *   T_1 = \kappa\sum_n\Big[\|\tilde x_n\|^2\,\mathrm{tr}A_n + (1-\|p_n\|^2)\|\tilde z_n\|^2\Big]
 *
 * eq:trace-h2
 *   T_2 = \kappa^2\sum_{n,m}\Big[(K^x_{nm})^2\langle A_n,A_m\rangle + (K^z_{nm})^2\langle S_n,S_m\rangle + 2K^x_{nm}\Gamma_{nm}\Big]
 *   \Gamma_{nm} = K^z_{nm}\mathrm{tr}(C_n^\top C_m) + g_m^\top S_nV(\varphi'_n\odot\varphi'_m\odot z_n)
 *                 + g_n^\top S_mV(\varphi'_n\odot\varphi'_m\odot z_m) + (g_n^\top g_m)(\varphi'^\top_n\varphi'_m)
 *   \langle S_n,S_m\rangle = \sum_k p_{nk}p_{mk}(1-p_{nk}-p_{mk}) + (p_n^\top p_m)^2
 *
 * kappa = 1/N (mean) or 1 (sum). Block `first` keeps only the (K^x)^2 term (and the x-part of
 * T1), block `second` only the (K^z)^2 term (and the z-part of T1), `all` everything; the
 * 2 K^x Gamma term is twice the squared Frobenius norm of the cross block H_WV.
 * Gauss-Newton: A_n loses diag(delta phi'') (see sampleCurvature.ts) and Gamma keeps only its
 * first term (the other three come from the g-term of the cross block).
 * The same formula holds with and without biases: augmentation only changes the Gram
 * matrices, and the g 1[l=i] term only ever touches unaugmented hidden indices.
 *
 * Gamma is symmetric in (n, m), so the pair sum runs over n <= m with weight 2 off the
 * diagonal. Cost O(N^2 (h^2 + c^2 + ch) + N(d + h)) time, O(N(h^2 + ch + c^2)) memory.
 * Derived here; verified by `trace-equals-eigenvalue-sum`, `trace2-equals-eigenvalue-square-sum`,
 * the autodiff oracle and the PyTorch golden fixtures.
 */
import { forwardPass, reductionScale, type ForwardPass } from './network.ts';
import { parameterCount } from './parameters.ts';
import { sampleCurvature, type SampleCurvature } from './sampleCurvature.ts';
import type { Dataset, Model, Variant } from './types.ts';

export interface HessianTraces {
  /** T1 = tr H of the chosen block. */
  readonly traceH: number;
  /** T2 = tr H^2 = ||H||_F^2 of the chosen block. */
  readonly traceH2: number;
  /** P: the block's parameter count. */
  readonly parameters: number;
}

/** Gram matrix of N rows of width w: K_{nm} = r_n . r_m (N x N, symmetric). */
export function gramMatrix(rows: Float64Array, N: number, w: number): Float64Array {
  const K = new Float64Array(N * N);
  for (let n = 0; n < N; n++)
    for (let m = n; m < N; m++) {
      let s = 0;
      for (let j = 0; j < w; j++) s += rows[n * w + j]! * rows[m * w + j]!;
      K[n * N + m] = s;
      K[m * N + n] = s;
    }
  return K;
}

/** <S_n, S_m> = sum_k p_nk p_mk (1 - p_nk - p_mk) + (p_n . p_m)^2, O(c). */
export function softmaxCovarianceInner(p: Float64Array, n: number, m: number, c: number): number {
  let s = 0;
  let dot = 0;
  for (let k = 0; k < c; k++) {
    const a = p[n * c + k]!;
    const b = p[m * c + k]!;
    s += a * b * (1 - a - b);
    dot += a * b;
  }
  return s + dot * dot;
}

/**
 * Gamma_{nm} (see the module comment): (1/2) of the cross block's contribution per pair,
 * before the K^x factor. `withG` false gives the Gauss-Newton version (first term only).
 */
export function crossTerm(model: Model, fp: ForwardPass, sc: SampleCurvature, Kz: Float64Array, n: number, m: number, withG: boolean): number {
  const { samples: N, hiddenDim: h, classes: c, augmentedHiddenDim: ht } = fp;
  let trCC = 0;
  const Cn = n * c * h;
  const Cm = m * c * h;
  for (let r = 0; r < c * h; r++) trCC += sc.C[Cn + r]! * sc.C[Cm + r]!;
  let gamma = Kz[n * N + m]! * trCC;
  if (!withG) return gamma;
  // g_m^T B_n w_n + g_n^T B_m w_m with w = phi'_n . phi'_m . z, and (g_n.g_m)(phi'_n.phi'_m).
  let t2 = 0;
  let t3 = 0;
  let dd = 0;
  for (let i = 0; i < h; i++) {
    const dn = fp.d1[n * h + i]!;
    const dm = fp.d1[m * h + i]!;
    const ddi = dn * dm;
    dd += ddi;
    let gmBn = 0;
    let gnBm = 0;
    for (let k = 0; k < c; k++) {
      gmBn += fp.g[m * c + k]! * sc.B[Cn + k * h + i]!;
      gnBm += fp.g[n * c + k]! * sc.B[Cm + k * h + i]!;
    }
    t2 += gmBn * ddi * fp.zt[n * ht + i]!;
    t3 += gnBm * ddi * fp.zt[m * ht + i]!;
  }
  let gg = 0;
  for (let k = 0; k < c; k++) gg += fp.g[n * c + k]! * fp.g[m * c + k]!;
  gamma += t2 + t3 + gg * dd;
  return gamma;
}

/** <A_n, A_m> (Frobenius), O(h^2). */
function hiddenInner(A: Float64Array, n: number, m: number, h: number): number {
  let s = 0;
  const a = n * h * h;
  const b = m * h * h;
  for (let r = 0; r < h * h; r++) s += A[a + r]! * A[b + r]!;
  return s;
}

/** T1 and T2 of the block's Hessian (or Gauss-Newton matrix) by the closed forms. */
export function hessianTraces(model: Model, data: Dataset, variant: Variant, fp: ForwardPass = forwardPass(model, data)): HessianTraces {
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht } = fp;
  const kappa = reductionScale(variant.reduction, N);
  const sc = sampleCurvature(model, fp, variant.curvature);
  const first = variant.block !== 'second';
  const second = variant.block !== 'first';
  const withG = variant.curvature === 'hessian';
  const Kx = gramMatrix(fp.xt, N, dt);
  const Kz = gramMatrix(fp.zt, N, ht);

  let t1 = 0;
  for (let n = 0; n < N; n++) {
    if (first) {
      let trA = 0;
      for (let i = 0; i < h; i++) trA += sc.A[n * h * h + i * h + i]!;
      t1 += Kx[n * N + n]! * trA;
    }
    if (second) {
      let pp = 0;
      for (let k = 0; k < c; k++) pp += fp.p[n * c + k]! ** 2;
      t1 += (1 - pp) * Kz[n * N + n]!;
    }
  }

  let t2 = 0;
  for (let n = 0; n < N; n++)
    for (let m = n; m < N; m++) {
      const weight = n === m ? 1 : 2;
      const kx = Kx[n * N + m]!;
      const kz = Kz[n * N + m]!;
      let term = 0;
      if (first) term += kx * kx * hiddenInner(sc.A, n, m, h);
      if (second) term += kz * kz * softmaxCovarianceInner(fp.p, n, m, c);
      if (first && second) term += 2 * kx * crossTerm(model, fp, sc, Kz, n, m, withG);
      t2 += weight * term;
    }
  return { traceH: kappa * t1, traceH2: kappa * kappa * t2, parameters: parameterCount(model, variant.block) };
}
