/**
 * Per-sample curvature of an MLP of any depth (docs/mathematics.md §9, eq:deep-lambda,
 * eq:deep-jacobians), shared by the dense deep Hessian and the closed-form traces:
 *
 *   \Lambda^{L-1}_n = S_n,\qquad
 *   \Lambda^l_n = D^l_nW_{l+1}^\top\Lambda^{l+1}_nW_{l+1}D^l_n + \mathrm{diag}\big((W_{l+1}^\top\delta^{l+1}_n)\odot\varphi_l''(u^l_n)\big),
 *
 * the Hessian of the sample's loss in the pre-activation u^l_n (m_l x m_l; Gauss–Newton drops
 * the diag term, leaving M^\top S M with M = \partial v/\partial u^l), with D^l_n = diag phi_l'(u^l_n)
 * and \delta^l_n = \partial(g_n^\top v_n)/\partial u^l_n from backpropagate; and for l > l' the
 * forward Jacobians
 *
 *   G^{l,l'}_n = \partial a^l_n/\partial u^{l'}_n = D^{l-1}_nF^{l-1,l'}_n\ (n_l \times m_{l'}),\qquad
 *   F^{l,l'}_n = \partial u^l_n/\partial u^{l'}_n = W_lG^{l,l'}_n,\quad F^{l',l'} = I,
 *
 * and X^{l,l'}_n = \Lambda^l_nF^{l,l'}_n (m_l x m_{l'}). Cost per sample: m_{l+1}m_l(m_{l+1} + m_l)
 * per Lambda^l, and n_l m_{l'}(m_l + ...) per pair; every product on the gemm kernel.
 * Memory: N m_l^2 per Lambda^l and N n_l m_{l'} per pair of non-adjacent layers; adjacent pairs
 * keep only X (their G = D^{l-1} and F = W_l D^{l-1} are formed per sample where needed).
 * Verified through the dense deep Hessian (`deep/hessian.test.ts`: against the autodiff
 * oracle at L = 2, 3, 4 and against hessian.ts at L = 2).
 */
import type { Curvature } from '../types.ts';
import { backpropagate, type DeepForwardPass } from './forward.ts';
import type { LayeredModel } from './model.ts';
import { alloc, matmulAdd, staged, transpose } from './tensor.ts';

export interface DeepSampleCurvature {
  /** lambda[l]: N x m_l x m_l, symmetric. */
  readonly lambda: readonly Float64Array[];
  /** delta[l]: N x m_l, the backpropagated g. */
  readonly delta: readonly Float64Array[];
  /** G[l][l'] (l > l'): N x n_l x m_{l'}; null where not needed. */
  readonly G: readonly (readonly (Float64Array | null)[])[];
  /** X[l][l'] (l > l'): N x m_l x m_{l'}; null where not needed. */
  readonly X: readonly (readonly (Float64Array | null)[])[];
  /**
   * With `keepChain`, G[l][l'] and F[l][l'] = \partial u^l/\partial u^{l'} (N x m_l x m_{l'}) for
   * every l' in the block and l' < l <= the block's top layer (the reverse sweep of
   * deep/traceGradient.ts walks the whole chain); otherwise F is all null. F[l][l-1] = W_l D^{l-1}
   * is always null: adjacentJacobianInto forms it per sample (a stack of it is N m_l m_{l-1}).
   */
  readonly F: readonly (readonly (Float64Array | null)[])[];
  /**
   * With `keepChain`, Q[l] = W_{l+1}^T Lambda^{l+1}_n W_{l+1} (N x m_l x m_l) where forming it again
   * would cost more than KEEP_Q_RATIO multiply-adds per stored double (keepsQ); otherwise null and
   * the sweep forms it again, with the same products and so the same bits.
   */
  readonly Q: readonly (Float64Array | null)[];
}

/** Multiply-adds per double above which Q^l is kept rather than formed again (a memory-for-time choice). */
const KEEP_Q_RATIO = 64;

/** Whether Q^l (m x m per sample, m_{l+1} (m_{l+1} + m) multiply-adds per row to form) is kept. */
export function keepsQ(m: number, mp: number): boolean {
  return mp * (mp + m) >= KEEP_Q_RATIO * m;
}

/** Whether the Hessian of kappa sum_n l(v_n) or its Gauss–Newton part; the scale kappa is applied by the callers. */
export interface DeepSampleCurvatureOptions {
  /** Keep the whole chain G, F (the reverse sweep needs them). */
  readonly keepChain?: boolean;
  /**
   * Form G^{l,l-1} = D^{l-1} (diagonal) as a dense N x n_l x m_{l-1} stack (the dense Hessian
   * reads it; the closed forms read phi' directly, so they pass false and G[l][l-1] is null).
   */
  readonly adjacentG?: boolean;
}

export function deepSampleCurvature(model: LayeredModel, fp: DeepForwardPass, curvature: Curvature, layers: readonly number[], options: DeepSampleCurvatureOptions = {}): DeepSampleCurvature {
  const keepChain = options.keepChain ?? false;
  const adjacentG = options.adjacentG ?? true;
  const loss = fp.outputLoss;
  const L = fp.depth;
  const N = fp.samples;
  const c = model.layers[L - 1]!.outputs;
  const full = curvature === 'hessian';
  const delta = backpropagate(model, fp, fp.loss.g);
  const lambda = new Array<Float64Array>(L);
  const Qs = new Array<Float64Array | null>(L).fill(null);
  const S = alloc(N * c * c);
  for (let n = 0; n < N; n++) loss.curvatureInto(fp.loss, n, S, n * c * c);
  lambda[L - 1] = S;
  const lowest = Math.min(...layers);
  for (let l = L - 2; l >= lowest; l--) {
    const next = model.layers[l + 1]!;
    const mp = next.outputs;
    const m = next.inputs;
    const W = next.W;
    const Ws = staged(W);
    const Wt = transpose(W, mp, m);
    const up = lambda[l + 1]!;
    const out = alloc(N * m * m);
    const T = alloc(mp * m);
    const Qall = keepChain && keepsQ(m, mp) ? alloc(N * m * m) : null;
    let Q = alloc(m * m);
    const e1 = fp.d1[l]!;
    const e2 = fp.d2[l]!;
    const dn = delta[l + 1]!;
    for (let n = 0; n < N; n++) {
      T.fill(0);
      if (Qall) Q = Qall.subarray(n * m * m, (n + 1) * m * m);
      else Q.fill(0);
      matmulAdd(up, n * mp * mp, Ws, 0, T, 0, mp, mp, m);
      matmulAdd(Wt, 0, T, 0, Q, 0, m, mp, m);
      const o = n * m * m;
      for (let i = 0; i < m; i++) {
        const di = e1[n * m + i]!;
        for (let j = i; j < m; j++) {
          const val = di * Q[i * m + j]! * e1[n * m + j]!;
          out[o + i * m + j] = val;
          out[o + j * m + i] = val;
        }
        if (full) {
          // (W^T delta^{l+1})_i: the backpropagated g before the phi' factor.
          let t = 0;
          for (let k = 0; k < mp; k++) t += W[k * m + i]! * dn[n * mp + k]!;
          out[o + i * m + i]! += t * e2[n * m + i]!;
        }
      }
    }
    lambda[l] = out;
    Qs[l] = Qall;
  }
  const G: (Float64Array | null)[][] = Array.from({ length: L }, () => new Array<Float64Array | null>(L).fill(null));
  const X: (Float64Array | null)[][] = Array.from({ length: L }, () => new Array<Float64Array | null>(L).fill(null));
  const Fs: (Float64Array | null)[][] = Array.from({ length: L }, () => new Array<Float64Array | null>(L).fill(null));
  const inBlock = new Set(layers);
  // Nothing above the block's top layer is used.
  const top = Math.max(...layers);
  for (const lp of layers) {
    const mq = model.layers[lp]!.outputs;
    // F^{lp, lp} = I; walk up: G^{l,lp} = D^{l-1} F^{l-1,lp}, F^{l,lp} = W_l G^{l,lp}. F^{lp+1,lp} = W D
    // is never stored (adjacentJacobianInto forms it per sample): F stays null for it.
    let F: Float64Array | null = null;
    const Fn = alloc(model.layers[lp + 1 <= top ? lp + 1 : lp]!.outputs * mq);
    for (let l = lp + 1; l <= top; l++) {
      const layer = model.layers[l]!;
      const n_ = layer.inputs;
      const m = layer.outputs;
      const e1 = fp.d1[l - 1]!;
      const adjacent = l === lp + 1;
      // Adjacent layers: G = D^{l-1}, formed densely only when asked for (options.adjacentG).
      const Gl = !adjacent || adjacentG ? alloc(N * n_ * mq) : null;
      if (Gl && adjacent) for (let n = 0; n < N; n++) for (let j = 0; j < n_; j++) Gl[n * n_ * mq + j * mq + j] = e1[n * n_ + j]!;
      else if (Gl && F === null) {
        // F^{l-1,lp} = W_{l-1} D^{lp} (adjacent, not stored): G_n[j, r] = phi'_j (W_{l-1}[j, r] phi'^{lp}_r).
        const Wb = model.layers[l - 1]!.W;
        const eb = fp.d1[lp]!;
        for (let n = 0; n < N; n++)
          for (let j = 0; j < n_; j++) {
            const dj = e1[n * n_ + j]!;
            for (let r = 0; r < mq; r++) Gl[n * n_ * mq + j * mq + r] = dj * (Wb[j * mq + r]! * eb[n * mq + r]!);
          }
      } else if (Gl && F !== null)
        for (let n = 0; n < N; n++)
          for (let j = 0; j < n_; j++) {
            const o = n * n_ * mq + j * mq;
            const dj = e1[n * n_ + j]!;
            for (let r = 0; r < mq; r++) Gl[o + r] = dj * F[o + r]!;
          }
      let Fl: Float64Array | null = null;
      if (!adjacent) {
        Fl = alloc(N * m * mq);
        const Ws = staged(layer.W);
        for (let n = 0; n < N; n++) matmulAdd(Ws, 0, Gl!, n * n_ * mq, Fl, n * m * mq, m, n_, mq);
      }
      if (keepChain) {
        G[l]![lp] = Gl;
        Fs[l]![lp] = Fl;
      }
      if (inBlock.has(l)) {
        G[l]![lp] = Gl;
        const Xl = alloc(N * m * mq);
        const lam = lambda[l]!;
        for (let n = 0; n < N; n++) {
          if (Fl) matmulAdd(lam, n * m * m, Fl, n * m * mq, Xl, n * m * mq, m, m, mq);
          else {
            adjacentJacobianInto(model, fp, l, n, Fn);
            matmulAdd(lam, n * m * m, Fn, 0, Xl, n * m * mq, m, m, mq);
          }
        }
        X[l]![lp] = Xl;
      }
      F = Fl;
    }
  }
  return { lambda, delta, G, X, F: Fs, Q: Qs };
}

/**
 * F^{l,l-1}_n = W_l D^{l-1}_n (m_l x m_{l-1}, W_l's columns scaled by phi'_{l-1}(u^{l-1}_n)) into
 * out[o ..]: the adjacent Jacobian, formed per sample (O(m_l m_{l-1})) instead of kept as a stack.
 */
export function adjacentJacobianInto(model: LayeredModel, fp: DeepForwardPass, l: number, n: number, out: Float64Array, o = 0): void {
  const { W, inputs: k, outputs: m } = model.layers[l]!;
  const e = fp.d1[l - 1]!;
  for (let i = 0; i < m; i++) for (let r = 0; r < k; r++) out[o + i * k + r] = W[i * k + r]! * e[n * k + r]!;
}
