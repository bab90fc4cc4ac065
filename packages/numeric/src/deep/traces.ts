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
 * O(N^2 sum_l (m_l^2/2 + m_l m_{l'} + n_l m_{l'})) for the pair sums plus the per-sample pieces;
 * memory O(N^2) for the Grams (the first landing holds N x N matrices; the tiled engine of
 * traceEngine.ts, which never does, serves L = 2) and the per-sample stacks.
 * Derived here; verified by `deep/traces.test.ts` (the dense deep Hessian at L = 2, 3, 4, every
 * activation, biases, reduction, block, curvature; hessianTraces at L = 2 on the golden fixtures).
 */
import { reductionScale } from '../network.ts';
import type { Dataset } from '../types.ts';
import { deepForwardPass, type DeepForwardPass } from './forward.ts';
import { checkLayerSet, layeredParameterCount, type DeepVariant, type LayeredModel } from './model.ts';
import { deepSampleCurvature, type DeepSampleCurvature } from './sampleCurvature.ts';
import { gram, matmul, transpose } from './tensor.ts';

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
}

export function emptyTraceGrams(): DeepTraceGrams {
  return { K: new Map(), lambda: new Map(), X: new Map(), delta: new Map(), G: new Map() };
}

/** N symmetric m x m matrices as their packed upper triangles, off-diagonal entries times sqrt 2. */
function packSymmetric(stack: Float64Array, N: number, m: number): Float64Array {
  const w = (m * (m + 1)) / 2;
  const out = new Float64Array(N * w);
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

/**
 * T1, T2 of the block of layers `variant.layers` (see the module comment). `pieces` are the
 * per-sample pieces of this model, pass and block when the caller already holds them (the
 * gradient sweep does); the result does not depend on whether they are passed. `grams`, when
 * given, receives the Gram matrices formed (DeepTraceGrams).
 */
export function deepHessianTraces(
  model: LayeredModel,
  data: Dataset,
  variant: DeepVariant,
  fp: DeepForwardPass = deepForwardPass(model, data),
  pieces?: DeepSampleCurvature,
  grams: DeepTraceGrams = emptyTraceGrams(),
): DeepHessianTraces {
  const layers = checkLayerSet(model, variant.layers);
  const L = fp.depth;
  const N = fp.samples;
  const kappa = reductionScale(variant.reduction, N);
  const full = variant.curvature === 'hessian';
  const loss = fp.outputLoss;
  const sc = pieces ?? deepSampleCurvature(model, fp, variant.curvature, layers);
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
    const inner = gram(packSymmetric(lam, N, m), N, (m * (m + 1)) / 2);
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
        const G = sc.G[l]![lp]!;
        const delta = sc.delta[l]!;
        const a = fp.inputs[l]!;
        // Z[(n, r), k] = (X_n^T delta_k)_r: the stack of X_n^T (N mq x m) times Delta^T.
        const Xt = new Float64Array(N * mq * m);
        for (let n = 0; n < N; n++) for (let i = 0; i < m; i++) for (let r = 0; r < mq; r++) Xt[(n * mq + r) * m + i] = X[n * m * mq + i * mq + r]!;
        const Z = matmul(Xt, transpose(delta, N, m), N * mq, m, N);
        // Q[n, k] = delta_k^T X_n G_k^T a_n = sum_r Z[(n, r), k] (G_k^T a_n)_r.
        const abar = new Float64Array(N * nIn);
        for (let n = 0; n < N; n++) for (let j = 0; j < nIn; j++) abar[n * nIn + j] = a[n * nt + j]!;
        const e1 = adjacent ? fp.d1[lp]! : null;
        let middle = 0;
        for (let k = 0; k < N; k++) {
          // R = A-bar G_k (N x mq); diagonal G_k = D^{l-1}_k when the layers are adjacent.
          let R: Float64Array;
          if (e1) {
            R = new Float64Array(N * mq);
            for (let n = 0; n < N; n++) for (let r = 0; r < mq; r++) R[n * mq + r] = abar[n * nIn + r]! * e1[k * mq + r]!;
          } else R = matmul(abar, G, N, nIn, mq, 0, k * nIn * mq);
          for (let n = 0; n < N; n++) {
            let q = 0;
            for (let r = 0; r < mq; r++) q += Z[(n * mq + r) * N + k]! * R[n * mq + r]!;
            middle += Kb[n * N + k]! * q;
          }
        }
        const gramG = e1 ? gram(e1, N, mq) : gram(G, N, nIn * mq);
        if (!grams.delta.has(l)) grams.delta.set(l, gram(delta, N, m));
        grams.G.set(`${l},${lp}`, gramG);
        cross += 2 * middle + pairSum(Kb, grams.delta.get(l)!, gramG);
      }
      t2 += 2 * cross;
    }
  return { traceH: kappa * t1, traceH2: kappa * kappa * t2, parameters: layeredParameterCount(model, layers) };
}
