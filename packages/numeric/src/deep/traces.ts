/**
 * Closed-form T1 = tr H and T2 = tr H^2 = ||H||_F^2 of an MLP of any depth, for any block of
 * layers, without a P x P object (docs/mathematics.md §9, eq:deep-trace-h, eq:deep-trace-h2):
 *
 *   T_1 = \kappa\sum_{l\in B}\sum_n \mathrm{tr}\Lambda^l_n\,\|\tilde a^l_n\|^2,
 *   T_2 = \kappa^2\sum_{n,m}\Big[\sum_{l\in B}(K^l_{nm})^2\langle\Lambda^l_n,\Lambda^l_m\rangle
 *         + 2\sum_{l>l'\in B}K^{l'}_{nm}\,\Gamma^{l,l'}_{nm}\Big],
 *   \Gamma^{l,l'}_{nm} = K^l_{nm}\langle X^{l,l'}_n, X^{l,l'}_m\rangle + 2\,\delta^{l\top}_m X^{l,l'}_n G^{l,l'\top}_m a^l_n
 *         + (\delta^l_n\cdot\delta^l_m)\langle G^{l,l'}_n, G^{l,l'}_m\rangle\quad(\text{the middle term symmetrised in } n, m),
 *
 * with K^l_{nm} = \tilde a^l_n\cdot\tilde a^l_m the Gram matrix of layer l's augmented inputs, a^l_n
 * the unaugmented input, and Lambda, X, G, delta from deep/sampleCurvature.ts. Gauss–Newton keeps
 * only the first term of Gamma (the other two come from the delta term of the cross blocks).
 * At L = 2 this is eq:trace-h2: Lambda^0 = A_n, Lambda^1 = S_n, X^{1,0} = C_n, G^{1,0} = D_n, and
 * the middle and last terms are the three g-terms of Gamma_{nm}.
 *
 * Saturation: tr Lambda^{L-1} = tr S_n comes from the loss (OutputLoss.curvatureTrace, without
 * 1 - p_max) and <S_n, S_m> is a dot product of the cancellation-free S_n, all of whose terms are
 * non-negative. Evaluation: every pair sum is an entrywise product of N x N matrices, each a
 * Gram matrix of a per-sample stack on the gemm kernel (Lambda packed as its upper triangle with
 * off-diagonal entries scaled by sqrt 2, so a row dot product is a Frobenius product). Cost
 * O(N^2 sum_l (m_l^2/2 + m_l m_{l'} + n_l m_{l'})) for the pair sums plus the per-sample pieces
 * (the middle term: middleProducts, N^2 m_l m_{l'} per pair, plus N^2 n_l m_{l'} when not adjacent);
 * memory O(N^2) for the Grams (N x N matrices; the tiled engine of traceEngine.ts, which never
 * holds them, serves L = 2) and the per-sample stacks Lambda^l (N m_l^2), X (N m_l m_{l'}) and the
 * non-adjacent G (N n_l m_{l'}): no N x N x m stack. Everything runs in one arena scope
 * (tensor.ts inDeepArena), so the gemm kernel reads the stacks in place.
 * Derived here; verified by `deep/traces.test.ts` (the dense deep Hessian at L = 2, 3, 4, every
 * activation, biases, reduction, block, curvature; hessianTraces at L = 2 on the golden fixtures).
 */
import { reductionScale } from '../network.ts';
import type { Dataset } from '../types.ts';
import { deepForwardPass, type DeepForwardPass } from './forward.ts';
import { checkLayerSet, layeredParameterCount, type DeepVariant, type LayeredModel } from './model.ts';
import { deepSampleCurvature, type DeepSampleCurvature } from './sampleCurvature.ts';
import { alloc, gram, inDeepArena, inDeepArenaScope, matmulAdd, scratch, staged, transpose } from './tensor.ts';

export interface DeepHessianTraces {
  readonly traceH: number;
  readonly traceH2: number;
  /** P_b: the block's parameter count. */
  readonly parameters: number;
}

/**
 * The N x N Gram matrices the traces form, kept for the gradient sweep (which needs the same
 * ones): K^l of the inputs, <Lambda^l_n, Lambda^l_m>, and per pair "l,l'" <X_n, X_m>,
 * delta^l_n . delta^l_m and <G_n, G_m>. Filled by deepHessianTraces when passed.
 */
export interface DeepTraceGrams {
  readonly K: Map<number, Float64Array>;
  readonly lambda: Map<number, Float64Array>;
  readonly X: Map<string, Float64Array>;
  readonly delta: Map<number, Float64Array>;
  readonly G: Map<string, Float64Array>;
  /** Per pair "l,l'" of the full Hessian, q_{nk} = delta^{l\top}_k X^{l,l'}_n G^{l,l'\top}_k a^l_n (middleProducts). */
  readonly middle: Map<string, Float64Array>;
  /**
   * Filled only when `adjoints` is set (the gradient sweep asks): per pair "l,l'", the parts of the
   * middle term's adjoint that need the products the traces form anyway, at unit weight
   * (MiddleAdjointParts); the sweep scales them by its seed.
   */
  readonly adjoints: boolean;
  readonly middleAdjoint: Map<string, MiddleAdjointParts>;
}

/**
 * d(sum_nk Kq_nk q_nk)/d delta^l (N x m) and, when the layers are not adjacent, d/dX as the
 * m x N mq column stack (columnStack's layout); with adjacent layers the X part is left to the sweep.
 */
export interface MiddleAdjointParts {
  readonly delta: Float64Array;
  readonly Xc: Float64Array | null;
}

export function emptyTraceGrams(adjoints = false): DeepTraceGrams {
  return { K: new Map(), lambda: new Map(), X: new Map(), delta: new Map(), G: new Map(), middle: new Map(), adjoints, middleAdjoint: new Map() };
}

/** N symmetric m x m matrices as their packed upper triangles, off-diagonal entries times sqrt 2. */
function packSymmetric(stack: Float64Array, N: number, m: number): Float64Array {
  const w = (m * (m + 1)) / 2;
  const out = alloc(N * w);
  let r = 0;
  for (let n = 0; n < N; n++) {
    const o = n * m * m;
    for (let i = 0; i < m; i++) {
      out[r++] = stack[o + i * m + i]!;
      for (let j = i + 1; j < m; j++) out[r++] = Math.SQRT2 * stack[o + i * m + j]!;
    }
  }
  return out;
}

/** sum_{nm} of the entrywise product of N x N matrices. */
function pairSum(...Ks: Float64Array[]): number {
  let s = 0;
  const len = Ks[0]!.length;
  for (let i = 0; i < len; i++) {
    let t = Ks[0]![i]!;
    for (let k = 1; k < Ks.length; k++) t *= Ks[k]![i]!;
    s += t;
  }
  return s;
}

/** The unaugmented inputs a^l (N x n) of the augmented stack (N x nt), staged for the kernel. */
export function unaugmented(a: Float64Array, N: number, n: number, nt: number): Float64Array {
  if (n === nt) return staged(a);
  const out = alloc(N * n);
  for (let i = 0; i < N; i++) for (let j = 0; j < n; j++) out[i * n + j] = a[i * nt + j]!;
  return out;
}

/**
 * q_{nk} = \delta_k^\top X_nG_k^\top a_n for all n, k (N x N): the middle term of Gamma^{l,l'}
 * (X: N x m x mq, delta: N x m, a: N x n, G: N x n x mq, or when the layers are adjacent the
 * N x mq matrix phi' of G_k = diag phi'_k). Adjacent: with Y_n = X_n diag(a_n),
 * q_{nk} = \delta_k^\top(Y_nE^\top)_{\cdot k}, one m x mq x N product per n. Otherwise, per k:
 * R_k = A G_k (N x mq) and Z_k[n, .] = X_n^\top\delta_k, q_{nk} = Z_k[n, .] . R_k[n, .]. Cost
 * N^2 m mq (adjacent) or N^2 n mq + N^2 m mq; memory O(N (m + n) mq), no N x N x mq stack.
 * With `Kq` (N x N), also MiddleAdjointParts at unit weight: the adjoint of sum_nk Kq_nk q_nk in
 * delta (from the same T_n, or R_k) and, for a dense G, in X.
 */
export function middleProducts(
  X: Float64Array,
  delta: Float64Array,
  a: Float64Array,
  G: Float64Array,
  adjacent: boolean,
  N: number,
  m: number,
  n: number,
  mq: number,
  Kq?: Float64Array,
): { q: Float64Array; adjoint: MiddleAdjointParts | null } {
  const q = alloc(N * N);
  const adjoint: MiddleAdjointParts | null = Kq ? { delta: alloc(N * m), Xc: adjacent ? null : alloc(m * N * mq) } : null;
  scratch(() => {
    if (adjacent) {
      const Et = transpose(G, N, mq);
      const Y = alloc(m * mq);
      const T = alloc(m * N);
      for (let s = 0; s < N; s++) {
        scaleColumns(X, s * m * mq, a, s * mq, Y, m, mq);
        T.fill(0);
        matmulAdd(Y, 0, Et, 0, T, 0, m, mq, N);
        for (let k = 0; k < N; k++) {
          let t = 0;
          for (let i = 0; i < m; i++) t += delta[k * m + i]! * T[i * N + k]!;
          q[s * N + k] = t;
        }
        if (adjoint && Kq) {
          const db = adjoint.delta;
          for (let k = 0; k < N; k++) {
            const wk = Kq[s * N + k]!;
            for (let i = 0; i < m; i++) db[k * m + i]! += wk * T[i * N + k]!;
          }
        }
      }
      return;
    }
    const Xc = columnStack(X, N, m, mq);
    const XcT = adjoint ? transpose(Xc, m, N * mq) : null;
    const R = alloc(N * mq);
    const Z = alloc(N * mq);
    for (let k = 0; k < N; k++) {
      R.fill(0);
      Z.fill(0);
      matmulAdd(a, 0, G, k * n * mq, R, 0, N, n, mq);
      matmulAdd(delta, k * m, Xc, 0, Z, 0, 1, m, N * mq);
      for (let s = 0; s < N; s++) {
        let t = 0;
        for (let r = 0; r < mq; r++) t += Z[s * mq + r]! * R[s * mq + r]!;
        q[s * N + k] = t;
      }
      if (adjoint && Kq) {
        // Zbar_k[s, .] = Kq_sk R_k[s, .]: deltabar_k += Xc Zbar_k, Xc-bar += delta_k Zbar_k^T.
        for (let s = 0; s < N; s++) {
          const wk = Kq[s * N + k]!;
          for (let r = 0; r < mq; r++) R[s * mq + r]! *= wk;
        }
        matmulAdd(R, 0, XcT!, 0, adjoint.delta, k * m, 1, N * mq, m);
        matmulAdd(delta, k * m, R, 0, adjoint.Xc!, 0, m, 1, N * mq);
      }
    }
  });
  return { q, adjoint };
}

/** Y[i, r] = X[xOff + i mq + r] a[aOff + r]: X_n diag(a_n). */
function scaleColumns(X: Float64Array, xOff: number, a: Float64Array, aOff: number, Y: Float64Array, m: number, mq: number): void {
  for (let i = 0; i < m; i++) for (let r = 0; r < mq; r++) Y[i * mq + r] = X[xOff + i * mq + r]! * a[aOff + r]!;
}

/** The stack X (N x m x mq) as one m x (N mq) matrix: Xc[i, n mq + r] = X_n[i, r]. */
export function columnStack(X: Float64Array, N: number, m: number, mq: number): Float64Array {
  const Xc = alloc(m * N * mq);
  for (let s = 0; s < N; s++) for (let i = 0; i < m; i++) Xc.set(X.subarray(s * m * mq + i * mq, s * m * mq + (i + 1) * mq), i * N * mq + s * mq);
  return Xc;
}

/**
 * T1, T2 of the block of layers `variant.layers` (see the module comment). `pieces` are the
 * per-sample pieces of this model, pass and block when the caller already holds them (the
 * gradient sweep does); the result does not depend on whether they are passed. `grams`, when
 * given, receives the Gram matrices formed (DeepTraceGrams).
 */
export function deepHessianTraces(model: LayeredModel, data: Dataset, variant: DeepVariant, fp: DeepForwardPass = deepForwardPass(model, data), pieces?: DeepSampleCurvature, grams?: DeepTraceGrams): DeepHessianTraces {
  if (inDeepArenaScope()) return traces(model, variant, fp, pieces, grams ?? emptyTraceGrams());
  // Outermost call: everything in the arena, the caller's Grams (if any) copied out before it is released.
  return inDeepArena(() => {
    const inner = emptyTraceGrams(grams?.adjoints ?? false);
    const t = traces(model, variant, fp, pieces, inner);
    if (grams) {
      for (const key of ['K', 'lambda', 'X', 'delta', 'G', 'middle'] as const) for (const [k, v] of inner[key] as Map<number | string, Float64Array>) (grams[key] as Map<number | string, Float64Array>).set(k, v.slice());
      for (const [k, v] of inner.middleAdjoint) grams.middleAdjoint.set(k, { delta: v.delta.slice(), Xc: v.Xc ? v.Xc.slice() : null });
    }
    return t;
  });
}

function traces(model: LayeredModel, variant: DeepVariant, fp: DeepForwardPass, pieces: DeepSampleCurvature | undefined, grams: DeepTraceGrams): DeepHessianTraces {
  const layers = checkLayerSet(model, variant.layers);
  const L = fp.depth;
  const N = fp.samples;
  const kappa = reductionScale(variant.reduction, N);
  const full = variant.curvature === 'hessian';
  const loss = fp.outputLoss;
  const sc = pieces ?? deepSampleCurvature(model, fp, variant.curvature, layers, { adjacentG: false });
  const K = grams.K;
  for (const l of layers) {
    const w = model.layers[l]!.inputs + (model.layers[l]!.b ? 1 : 0);
    K.set(l, gram(fp.inputs[l]!, N, w));
  }
  let t1 = 0;
  let t2 = 0;
  for (const l of layers) {
    const m = model.layers[l]!.outputs;
    const Kl = K.get(l)!;
    const lam = sc.lambda[l]!;
    for (let n = 0; n < N; n++) {
      let tr = 0;
      if (l === L - 1) tr = loss.curvatureTrace(fp.loss, n);
      else for (let i = 0; i < m; i++) tr += lam[n * m * m + i * m + i]!;
      t1 += tr * Kl[n * N + n]!;
    }
    // The packed stack (N m^2 / 2) is scratch; only its Gram is kept.
    const inner = alloc(N * N);
    scratch(() => inner.set(gram(packSymmetric(lam, N, m), N, (m * (m + 1)) / 2)));
    grams.lambda.set(l, inner);
    t2 += pairSum(Kl, Kl, inner);
  }
  for (const l of layers)
    for (const lp of layers) {
      if (lp >= l) continue;
      const m = model.layers[l]!.outputs;
      const nIn = model.layers[l]!.inputs;
      const nt = nIn + (model.layers[l]!.b ? 1 : 0);
      const mq = model.layers[lp]!.outputs;
      const Ka = K.get(l)!;
      const Kb = K.get(lp)!;
      const X = sc.X[l]![lp]!;
      const gX = gram(X, N, m * mq);
      grams.X.set(`${l},${lp}`, gX);
      let cross = pairSum(Ka, Kb, gX);
      if (full) {
        const adjacent = lp === l - 1;
        const G = sc.G[l]![lp];
        const delta = sc.delta[l]!;
        const abar = unaugmented(fp.inputs[l]!, N, nIn, nt);
        const e1 = adjacent ? fp.d1[lp]! : null;
        const { q, adjoint } = middleProducts(X, delta, abar, e1 ?? G!, adjacent, N, m, nIn, mq, grams.adjoints ? Kb : undefined);
        grams.middle.set(`${l},${lp}`, q);
        if (adjoint) grams.middleAdjoint.set(`${l},${lp}`, adjoint);
        const middle = pairSum(Kb, q);
        const gramG = e1 ? gram(e1, N, mq) : gram(G!, N, nIn * mq);
        if (!grams.delta.has(l)) grams.delta.set(l, gram(delta, N, m));
        grams.G.set(`${l},${lp}`, gramG);
        cross += 2 * middle + pairSum(Kb, grams.delta.get(l)!, gramG);
      }
      t2 += 2 * cross;
    }
  return { traceH: kappa * t1, traceH2: kappa * kappa * t2, parameters: layeredParameterCount(model, layers) };
}
