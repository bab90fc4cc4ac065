/**
 * Hessian-vector products H v without forming H (Pearlmutter's R-operator, written out by hand
 * from the blocks of docs/mathematics.md §3, eq:hessian-blocks). With v = (v_W~, v_V~) in theta order
 * restricted to the block, r_n = v_{\tilde W}\tilde x_n, \rho_n = \varphi'_n\odot r_n,
 * u_n = v_{\tilde V}\tilde z_n and e_n = \delta_n\odot\varphi''_n (\delta_n = V^\top g_n):
 *
 * eq:hessian-vector-product
 *   (Hv)_{\tilde W} = \kappa\sum_n q_n\tilde x_n^\top,\quad
 *     q_n = \varphi'_n\odot V^\top S_n(V\rho_n + u_n) + e_n\odot r_n + \varphi'_n\odot(v_V^\top g_n),
 *   (Hv)_{\tilde V} = \kappa\sum_n S_n(u_n + V\rho_n)\,\tilde z_n^\top + \kappa\sum_n g_n[\rho_n; 0]^\top,
 *
 * where v_V is v_{\tilde V} without its bias column, and S_n x is applied in O(c) by the loss's
 * rule (losses.ts; p_n\odot x - p_n(p_n^\top x) for cross-entropy, x for mse). The three parts come from H_WW (A_n = D_nV^\top S_nVD_n + diag e_n),
 * the cross block H_WV with its g-term (the v_V^\top g_n and g_n\rho_n^\top pieces) and H_VV.
 * Block `first` keeps only the H_WW part (u = 0, no V output), block `second` only H_VV
 * (\rho = 0, no W output); Gauss–Newton drops e_n and both g-terms.
 * kappa = 1/N (mean) or 1 (sum). Cost O(N(h\tilde d + c\tilde h)) per product after an
 * O(N(hd + ch)) forward pass shared by every product; memory O(N(h + c) + P).
 * Derived here; verified by `hessianVectorProduct.test.ts` (equals denseHessian * v on
 * every activation x bias x block x curvature, RTOL_VS_DENSE).
 */
import { forwardPass, reductionScale, type ForwardPass } from './network.ts';
import { blockRange } from './parameters.ts';
import { rowDotProducts, weightedRowSums } from './parallel/kernels.ts';
import { LOSSES } from './losses.ts';
import { lossOf, type Dataset, type Model, type Variant } from './types.ts';

/** A symmetric linear operator of dimension `size`: out = H v. */
export interface HessianOperator {
  readonly size: number;
  /** H v; writes into `out` (allocated if absent) and returns it. */
  apply(v: Float64Array, out?: Float64Array): Float64Array;
}

/**
 * The block's Hessian (or Gauss–Newton matrix) as an operator (eq:hessian-vector-product).
 * The forward pass and e_n are computed once; each `apply` costs O(N(h d~ + c h~)).
 */
export function hessianOperator(model: Model, data: Dataset, variant: Variant, fp: ForwardPass = forwardPass(model, data)): HessianOperator {
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht } = fp;
  const kappa = reductionScale(variant.reduction, N);
  const first = variant.block !== 'second';
  const second = variant.block !== 'first';
  const cross = first && second;
  const hessian = variant.curvature === 'hessian';
  const { start, end } = blockRange(model, variant.block);
  const size = end - start;
  const sizeW = first ? h * dt : 0;
  const V = model.V;
  const applyCurvature = LOSSES[lossOf(model)].applyCurvature;
  // e_n = (V^T g_n) . phi''_n (zero for Gauss-Newton).
  const e = new Float64Array(N * h);
  if (hessian && first)
    for (let n = 0; n < N; n++)
      for (let i = 0; i < h; i++) {
        let s = 0;
        for (let k = 0; k < c; k++) s += V[k * h + i]! * fp.g[n * c + k]!;
        e[n * h + i] = s * fp.d2[n * h + i]!;
      }
  const R = new Float64Array(N * h);
  const Uz = new Float64Array(N * c);
  const QT = new Float64Array(h * N);
  const WT = new Float64Array(c * N);
  const GT = new Float64Array(c * N);
  const RhoPad = new Float64Array(N * ht);
  const t = new Float64Array(c);
  const s = new Float64Array(c);
  const vg = new Float64Array(h);
  return {
    size,
    apply(v: Float64Array, out: Float64Array = new Float64Array(size)): Float64Array {
      if (v.length !== size) throw new RangeError(`vector has length ${v.length}, the ${variant.block} block has ${size}`);
      out.fill(0);
      const vW = v.subarray(0, sizeW);
      const vV = v.subarray(sizeW, size);
      // r_n = v_W~ x~_n for all n at once; u_n = v_V~ z~_n.
      R.fill(0);
      Uz.fill(0);
      if (first) rowDotProducts(fp.xt, vW, R, h, h, dt, 0, N, false);
      if (second) rowDotProducts(fp.zt, vV, Uz, c, c, ht, 0, N, false);
      for (let n = 0; n < N; n++) {
        const nh = n * h;
        const nc = n * c;
        // t = V rho_n + u_n (each part only if its block is present).
        for (let k = 0; k < c; k++) {
          let acc = second ? Uz[nc + k]! : 0;
          if (first) for (let i = 0; i < h; i++) acc += V[k * h + i]! * fp.d1[nh + i]! * R[nh + i]!;
          t[k] = acc;
        }
        // s = S_n t (for cross-entropy p . t - p (p . t)).
        applyCurvature(fp.v, fp.p, n, c, t, s);
        if (second) {
          for (let k = 0; k < c; k++) {
            WT[k * N + n] = kappa * s[k]!;
            GT[k * N + n] = cross && hessian ? kappa * fp.g[nc + k]! : 0;
          }
        }
        if (first) {
          if (cross && hessian) {
            // v_V^T g_n over the unaugmented hidden columns.
            for (let i = 0; i < h; i++) {
              let acc = 0;
              for (let k = 0; k < c; k++) acc += vV[k * ht + i]! * fp.g[nc + k]!;
              vg[i] = acc;
            }
          }
          for (let i = 0; i < h; i++) {
            let vs = 0;
            for (let k = 0; k < c; k++) vs += V[k * h + i]! * s[k]!;
            let q = fp.d1[nh + i]! * vs + e[nh + i]! * R[nh + i]!;
            if (cross && hessian) q += fp.d1[nh + i]! * vg[i]!;
            QT[i * N + n] = kappa * q;
          }
        }
        if (cross && hessian) for (let i = 0; i < h; i++) RhoPad[n * ht + i] = fp.d1[nh + i]! * R[nh + i]!;
      }
      if (first) weightedRowSums(QT, N, fp.xt, N, dt, out, 0, h);
      if (second) {
        const oV = out.subarray(sizeW, size);
        weightedRowSums(WT, N, fp.zt, N, ht, oV, 0, c);
        if (cross && hessian) weightedRowSums(GT, N, RhoPad, N, ht, oV, 0, c);
      }
      return out;
    },
  };
}

/** One product H v (eq:hessian-vector-product); use hessianOperator for many. */
export function hessianVectorProduct(model: Model, data: Dataset, variant: Variant, v: Float64Array): Float64Array {
  return hessianOperator(model, data, variant).apply(v);
}
