/**
 * The dense exact Hessian (or its Gauss-Newton part) of the loss, assembled from its blocks
 * (docs/mathematics.md §3, eq:hessian-blocks), in the theta order of `parameters.ts`:
 *
 *   H_{WW} = \kappa\sum_n A_n \otimes \tilde x_n\tilde x_n^\top,\qquad
 *   H_{VV} = \kappa\sum_n S_n \otimes \tilde z_n\tilde z_n^\top,
 *   [H_{WV}]_{(i,j),(k,l)} = \kappa\sum_n \tilde x_{nj}\varphi'_{ni}\big[(S_nV)_{ki}\tilde z_{nl} + g_{nk}\mathbb 1[l=i]\big].
 *
 * kappa = 1/N (mean) or 1 (sum). Gauss-Newton drops the diag(delta phi'') part of A_n and
 * the g-term of the cross block. Cost O(N P^2) time, O(P^2) memory: this is the reference
 * the closed forms are checked against, not something to use at scale.
 * Verified by `hessian-vs-gradient-central-difference`, autodiff and golden fixtures.
 */
import { reductionScale, type ForwardPass, forwardPass } from './network.ts';
import { blockRange, firstLayerSize } from './parameters.ts';
import { sampleCurvature } from './sampleCurvature.ts';
import type { Dataset, Model, Variant } from './types.ts';

/** A dense symmetric matrix, row-major. */
export interface SymmetricMatrix {
  readonly size: number;
  readonly data: Float64Array;
}

/** The Hessian block selected by `variant.block`, as a P_b x P_b matrix. */
export function denseHessian(model: Model, data: Dataset, variant: Variant, fp: ForwardPass = forwardPass(model, data)): SymmetricMatrix {
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht } = fp;
  const kappa = reductionScale(variant.reduction, N);
  const sc = sampleCurvature(model, fp, variant.curvature);
  const { start, end } = blockRange(model, variant.block);
  const P = end - start;
  const H = new Float64Array(P * P);
  const off = firstLayerSize(model);
  const wantFirst = variant.block !== 'second';
  const wantSecond = variant.block !== 'first';
  const withG = variant.curvature === 'hessian';
  // Local index of a global theta index inside the block.
  const at = (r: number, col: number) => (r - start) * P + (col - start);
  for (let n = 0; n < N; n++) {
    const x = fp.xt.subarray(n * dt, (n + 1) * dt);
    const z = fp.zt.subarray(n * ht, (n + 1) * ht);
    if (wantFirst) {
      const A = sc.A.subarray(n * h * h, (n + 1) * h * h);
      for (let i = 0; i < h; i++)
        for (let k = 0; k < h; k++) {
          const aik = kappa * A[i * h + k]!;
          if (aik === 0) continue;
          for (let j = 0; j < dt; j++) {
            const row = at(i * dt + j, 0);
            const axj = aik * x[j]!;
            for (let l = 0; l < dt; l++) H[row + k * dt + l]! += axj * x[l]!;
          }
        }
    }
    if (wantSecond) {
      const S = sc.S.subarray(n * c * c, (n + 1) * c * c);
      for (let k = 0; k < c; k++)
        for (let kk = 0; kk < c; kk++) {
          const s = kappa * S[k * c + kk]!;
          for (let l = 0; l < ht; l++) {
            const row = at(off + k * ht + l, off);
            const szl = s * z[l]!;
            for (let ll = 0; ll < ht; ll++) H[row + kk * ht + ll]! += szl * z[ll]!;
          }
        }
    }
    if (wantFirst && wantSecond) {
      const B = sc.B.subarray(n * c * h, (n + 1) * c * h);
      for (let i = 0; i < h; i++) {
        const di = kappa * fp.d1[n * h + i]!;
        for (let j = 0; j < dt; j++) {
          const w = di * x[j]!;
          if (w === 0) continue;
          const r = i * dt + j;
          for (let k = 0; k < c; k++) {
            const bki = B[k * h + i]!;
            for (let l = 0; l < ht; l++) {
              let val = bki * z[l]!;
              if (withG && l === i) val += fp.g[n * c + k]!;
              const col = off + k * ht + l;
              H[at(r, col)]! += w * val;
            }
          }
        }
      }
    }
  }
  if (wantFirst && wantSecond) {
    // Mirror the cross block: only H_WV was accumulated.
    for (let r = 0; r < off; r++) for (let col = off; col < P; col++) H[col * P + r] = H[r * P + col]!;
  }
  return { size: P, data: H };
}

/** Maximum |H_ij - H_ji| / max |H|: zero up to round-off for a correct assembly. */
export function asymmetry(m: SymmetricMatrix): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < m.size; i++)
    for (let j = 0; j < m.size; j++) {
      scale = Math.max(scale, Math.abs(m.data[i * m.size + j]!));
      if (j > i) worst = Math.max(worst, Math.abs(m.data[i * m.size + j]! - m.data[j * m.size + i]!));
    }
  return scale === 0 ? 0 : worst / scale;
}

/** tr H and tr H^2 = ||H||_F^2 of an explicit matrix, O(P^2). */
export function matrixTraces(m: SymmetricMatrix): { traceH: number; traceH2: number } {
  let t1 = 0;
  let t2 = 0;
  for (let i = 0; i < m.size; i++) t1 += m.data[i * m.size + i]!;
  for (let i = 0; i < m.data.length; i++) t2 += m.data[i]! * m.data[i]!;
  return { traceH: t1, traceH2: t2 };
}
