/**
 * Closed-form gradients of T1 = tr H, T2 = tr H^2 and of the Wolkowicz–Styan bounds of an MLP
 * of any depth, for any block of layers (docs/mathematics.md §9, eq:deep-trace-gradient), by
 * reverse mode written out over the closed form's own tensor operations (deep/traces.ts and
 * deep/sampleCurvature.ts), step by step in reverse order. No P x P object, no pass per parameter.
 *
 * For a seed (c_1, c_2) the sweep returns \nabla(c_1T_1 + c_2T_2). With w_1 = c_1\kappa,
 * w_2 = c_2\kappa^2 and \bar Y the adjoint of Y, the steps are (Y^s = (Y + Y^\top)/2):
 *
 *   pair sums:  \bar\Lambda^l_n \mathrel{+}= 2w_2\sum_m (K^l_{nm})^2\Lambda^l_m + w_1K^l_{nn}I,\quad
 *               \bar X^{l,l'}_n \mathrel{+}= 4w_2\sum_m K^l_{nm}K^{l'}_{nm}X^{l,l'}_m,
 *               \bar\delta^l_n \mathrel{+}= 4w_2\sum_m K^{l'}_{nm}\langle G_n, G_m\rangle\delta^l_m,\quad
 *               \bar G_n \mathrel{+}= 4w_2\sum_m K^{l'}_{nm}(\delta^l_n\cdot\delta^l_m)G_m,
 *   middle term q_{nk} = \delta_k^\top X_nG_k^\top\bar a_n (weight 4w_2K^{l'}_{nk}): its four
 *               product-rule adjoints \delta_k(G_k^\top\bar a_n)^\top,\ X_nG_k^\top\bar a_n,\ \bar a_n(X_n^\top\delta_k)^\top,\ G_kX_n^\top\delta_k,
 *   Grams:      \bar{\tilde a}^l \mathrel{+}= (\bar K^l + \bar K^{l\top})\tilde a^l,
 *   chain:      X = \Lambda F:\ \bar\Lambda \mathrel{+}= \bar XF^\top,\ \bar F \mathrel{+}= \Lambda\bar X;\quad
 *               F = W_lG:\ \bar W_l \mathrel{+}= \bar FG^\top,\ \bar G \mathrel{+}= W_l^\top\bar F;\quad
 *               G = D^{l-1}F^{l-1}:\ \bar\varphi' \mathrel{+}= \mathrm{rowsum}(\bar G\odot F^{l-1}),\ \bar F^{l-1} \mathrel{+}= D^{l-1}\bar G,
 *   Lambda:     \Lambda^l = DQD + \mathrm{diag}(t\odot\varphi''),\ Q = W^\top\Lambda^{l+1}W,\ t = W^\top\delta^{l+1}:\
 *               \bar Q = D\bar\Lambda^sD,\ \bar\varphi'_i \mathrel{+}= 2\textstyle\sum_j\bar\Lambda^s_{ij}Q_{ij}\varphi'_j,\
 *               \bar\Lambda^{l+1} \mathrel{+}= W\bar QW^\top,\ \bar W \mathrel{+}= 2\Lambda^{l+1}W\bar Q,\
 *               \bar t = \mathrm{diag}\bar\Lambda\odot\varphi'',\ \bar\varphi'' \mathrel{+}= \mathrm{diag}\bar\Lambda\odot t,\ \bar\delta^{l+1} \mathrel{+}= W\bar t,\ \bar W \mathrel{+}= \delta^{l+1}\bar t^\top,
 *   loss:       \bar v_n \mathrel{+}= \partial\langle S_n, \bar\Lambda^{L-1}_n\rangle/\partial v_n + S_n\bar g_n\ (\text{OutputLoss.curvatureAdjointInto}),
 *   backprop:   \delta^l = \varphi'\odot\delta^{l+1}W:\ \bar\varphi' \mathrel{+}= \bar\delta^l\odot\delta^{l+1}W,\ \bar\delta^{l+1} \mathrel{+}= (\bar\delta^l\odot\varphi')W^\top,\ \bar W \mathrel{+}= \delta^{l+1\top}(\bar\delta^l\odot\varphi'),
 *   forward:    \bar u^l = \bar\varphi'\odot\varphi'' + \bar\varphi''\odot\varphi''' + \bar a^{l+1}\odot\varphi',\ \bar{\tilde W}_l \mathrel{+}= \bar u^{l\top}\tilde a^l,\ \bar a^l \mathrel{+}= \bar u^lW_l.
 *
 * Gauss–Newton drops the diag term of Lambda and every delta term, so phi''' and S_n g-bar never
 * enter. The bounds' gradients are boundGradientFromTraces (eq:bound-gradient) over these, so
 * s = 0 gives the minimum-norm subgradient with `degenerate: true`, exactly as at L = 2.
 *
 * Cost: one sweep is of the order of the traces themselves, O(N^2 sum_l (m_l^2 + m_l m_{l'} +
 * n_l m_{l'}) + N sum_l m_{l+1} m_l (m_{l+1} + m_l)), every product on the gemm kernel; two sweeps
 * (seeds (1, 0) and (0, 1)) give both trace gradients, the first without the pair sums, and a
 * bound's gradient takes one sweep (deepBoundGradient). Memory
 * O(N^2 max(m_{l'}) + N sum m_l^2 + N sum n_l m_{l'}), nothing of size P^2.
 * Derived here; verified by `deep/traceGradient.test.ts` (L = 2: boundGradient; L = 3, 4: central
 * differences of the deep closed-form bound and the deep autodiff oracle, every activation,
 * biases, reduction, several blocks, both curvatures).
 */
import { boundGradientFromTraces, type BoundGradient, type BoundKind, type TraceGradients } from '../boundGradient.ts';
import { reductionScale } from '../network.ts';
import type { Dataset } from '../types.ts';
import { deepForwardPass, type DeepForwardPass } from './forward.ts';
import { augmentedLayerInputs, checkLayerSet, layeredParameterCount, layerOffset, type DeepVariant, type LayeredModel } from './model.ts';
import type { OutputLoss } from './outputLoss.ts';
import { deepSampleCurvature, type DeepSampleCurvature } from './sampleCurvature.ts';
import { matmul, matmulAdd, transpose } from './tensor.ts';
import { type DeepTraceGrams, deepHessianTraces, emptyTraceGrams } from './traces.ts';

interface SweepContext {
  readonly model: LayeredModel;
  readonly fp: DeepForwardPass;
  readonly sc: DeepSampleCurvature;
  readonly K: Map<number, Float64Array>;
  /** The traces' Gram matrices (deep/traces.ts), reused rather than formed again. */
  readonly grams: DeepTraceGrams;
  readonly layers: readonly number[];
  readonly kappa: number;
  readonly full: boolean;
  readonly loss: OutputLoss;
}

/** C[cOff ..] += A B^T for A (M x K) at aOff, B (N x K) at bOff. */
function matmulNTAdd(A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, M: number, K: number, N: number): void {
  matmulAdd(A, aOff, transpose(B, N, K, bOff), 0, C, cOff, M, K, N);
}

/** C[cOff ..] += A^T B for A (K x M) at aOff, B (K x N) at bOff. */
function matmulTNAdd(A: Float64Array, aOff: number, B: Float64Array, bOff: number, C: Float64Array, cOff: number, M: number, K: number, N: number): void {
  matmulAdd(transpose(A, K, M, aOff), 0, B, bOff, C, cOff, M, K, N);
}

/** x += s * (A o B) entrywise. */
function addScaledProduct(x: Float64Array, s: number, A: Float64Array, B: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i]! += s * A[i]! * B[i]!;
}

/** table[l][lp], allocated (zeros) on first use. */
function slot(table: (Float64Array | null)[][], l: number, lp: number, size: number): Float64Array {
  let x = table[l]![lp];
  if (!x) {
    x = new Float64Array(size);
    table[l]![lp] = x;
  }
  return x;
}

function scaledProduct(s: number, A: Float64Array, B: Float64Array): Float64Array {
  const out = new Float64Array(A.length);
  addScaledProduct(out, s, A, B);
  return out;
}

/** \nabla_\theta (c_1 T_1 + c_2 T_2), theta order, all parameters (see the module comment). */
function sweep(ctx: SweepContext, c1: number, c2: number): Float64Array {
  const { model, fp, sc, K, grams, layers, kappa, full, loss } = ctx;
  const L = fp.depth;
  const N = fp.samples;
  const w1 = c1 * kappa;
  const w2 = c2 * kappa * kappa;
  const lowest = layers[0]!;
  const top = layers[layers.length - 1]!;
  const inBlock = new Set(layers);
  const out = (l: number) => model.layers[l]!.outputs;
  const inn = (l: number) => model.layers[l]!.inputs;
  const nt = (l: number) => augmentedLayerInputs(model, l);

  const Wb = model.layers.map((layer) => new Float64Array(layer.outputs * layer.inputs));
  const Lb: (Float64Array | null)[] = new Array<Float64Array | null>(L).fill(null);
  for (let l = lowest; l < L; l++) Lb[l] = new Float64Array(N * out(l) * out(l));
  const Kb = new Map<number, Float64Array>();
  for (const l of layers) Kb.set(l, new Float64Array(N * N));
  const deltab = model.layers.map((layer) => new Float64Array(N * layer.outputs));
  const e1b = fp.d1.map((d) => new Float64Array(d.length));
  const e2b = fp.d2.map((d) => new Float64Array(d.length));
  const inb = model.layers.map((_, l) => new Float64Array(N * nt(l)));
  const Xb: (Float64Array | null)[][] = Array.from({ length: L }, () => new Array<Float64Array | null>(L).fill(null));
  const Gb: (Float64Array | null)[][] = Array.from({ length: L }, () => new Array<Float64Array | null>(L).fill(null));
  const Fb: (Float64Array | null)[][] = Array.from({ length: L }, () => new Array<Float64Array | null>(L).fill(null));

  // T1 = kappa sum_l sum_n tr Lambda^l_n K^l_nn.
  if (w1 !== 0)
    for (const l of layers) {
      const m = out(l);
      const lam = sc.lambda[l]!;
      const Kl = K.get(l)!;
      const Kbl = Kb.get(l)!;
      const Lbl = Lb[l]!;
      for (let n = 0; n < N; n++) {
        let tr = 0;
        if (l === L - 1) tr = loss.curvatureTrace(fp.loss, n);
        else for (let i = 0; i < m; i++) tr += lam[n * m * m + i * m + i]!;
        Kbl[n * N + n]! += w1 * tr;
        for (let i = 0; i < m; i++) Lbl[n * m * m + i * m + i]! += w1 * Kl[n * N + n]!;
      }
    }

  if (w2 !== 0) {
    // Diagonal blocks: sum_nm (K_nm)^2 <Lambda_n, Lambda_m>.
    for (const l of layers) {
      const m = out(l);
      const lam = sc.lambda[l]!;
      const Kl = K.get(l)!;
      matmulAdd(scaledProduct(2 * w2, Kl, Kl), 0, lam, 0, Lb[l]!, 0, N, N, m * m);
      addScaledProduct(Kb.get(l)!, 2 * w2, Kl, grams.lambda.get(l)!);
    }
    // Cross blocks l > l': 2 [sum K^l K^l' <X_n, X_m> + 2 middle + sum K^l' (delta.delta) <G, G>].
    for (const l of layers)
      for (const lp of layers) {
        if (lp >= l) continue;
        const m = out(l);
        const nIn = inn(l);
        const ntl = nt(l);
        const mq = out(lp);
        const Ka = K.get(l)!;
        const Kq = K.get(lp)!;
        const X = sc.X[l]![lp]!;
        const Xbl = slot(Xb, l, lp, N * m * mq);
        const gX = grams.X.get(`${l},${lp}`)!;
        matmulAdd(scaledProduct(4 * w2, Ka, Kq), 0, X, 0, Xbl, 0, N, N, m * mq);
        addScaledProduct(Kb.get(l)!, 2 * w2, Kq, gX);
        addScaledProduct(Kb.get(lp)!, 2 * w2, Ka, gX);
        if (!full) continue;
        const adjacent = lp === l - 1;
        const G = sc.G[l]![lp]!;
        const e1 = fp.d1[lp]!;
        const delta = sc.delta[l]!;
        const Gbl = slot(Gb, l, lp, N * nIn * mq);
        const Gd = grams.delta.get(l)!;
        const GG = grams.G.get(`${l},${lp}`)!;
        addScaledProduct(Kb.get(lp)!, 2 * w2, Gd, GG);
        matmulAdd(scaledProduct(4 * w2, Kq, GG), 0, delta, 0, deltab[l]!, 0, N, N, m);
        const KqGd = scaledProduct(4 * w2, Kq, Gd);
        if (adjacent) {
          const Y = matmul(KqGd, e1, N, N, mq);
          for (let n = 0; n < N; n++) for (let j = 0; j < mq; j++) Gbl[n * nIn * mq + j * mq + j]! += Y[n * mq + j]!;
        } else matmulAdd(KqGd, 0, G, 0, Gbl, 0, N, N, nIn * mq);

        // The middle term 4 w2 sum_nk Kq_nk q_nk, q_nk = delta_k^T X_n G_k^T abar_n. Every
        // N x N x m_{l'} stack is laid out (n, k, r), so each loop below runs along memory.
        const w = 4 * w2;
        const a = fp.inputs[l]!;
        const abar = new Float64Array(N * nIn);
        for (let n = 0; n < N; n++) for (let j = 0; j < nIn; j++) abar[n * nIn + j] = a[n * ntl + j]!;
        // Zs[n, k, r] = (X_n^T delta_k)_r: per n, Delta X_n.
        const Zs = new Float64Array(N * N * mq);
        for (let n = 0; n < N; n++) matmulAdd(delta, 0, X, n * m * mq, Zs, n * N * mq, N, m, mq);
        // Rs[n, k, r] = (G_k^T abar_n)_r: one product A-bar [G_0 | G_1 | ...] when G is dense.
        const Rs = new Float64Array(N * N * mq);
        if (adjacent) {
          for (let n = 0; n < N; n++) for (let k = 0; k < N; k++) for (let r = 0; r < mq; r++) Rs[(n * N + k) * mq + r] = abar[n * nIn + r]! * e1[k * mq + r]!;
        } else {
          const Gcat = new Float64Array(nIn * N * mq);
          for (let k = 0; k < N; k++) for (let j = 0; j < nIn; j++) Gcat.set(G.subarray(k * nIn * mq + j * mq, k * nIn * mq + (j + 1) * mq), j * N * mq + k * mq);
          matmulAdd(abar, 0, Gcat, 0, Rs, 0, N, nIn, N * mq);
        }
        // q_nk, then scale in place: Rs -> Y = W_nk Rs, Zs -> B = W_nk Zs (W_nk = 4 w2 Kq_nk).
        const Kbq = Kb.get(lp)!;
        for (let n = 0; n < N; n++)
          for (let k = 0; k < N; k++) {
            const o = (n * N + k) * mq;
            const Wnk = w * Kq[n * N + k]!;
            let q = 0;
            for (let r = 0; r < mq; r++) {
              q += Zs[o + r]! * Rs[o + r]!;
              Rs[o + r]! *= Wnk;
              Zs[o + r]! *= Wnk;
            }
            Kbq[n * N + k]! += w * q;
          }
        // Xbar_n += Delta^T Y_n and deltabar += Y_n X_n^T (Y_n = Y[n, ., .], N x mq).
        const deltaT = transpose(delta, N, m);
        const db = deltab[l]!;
        for (let n = 0; n < N; n++) {
          matmulAdd(deltaT, 0, Rs, n * N * mq, Xbl, n * m * mq, m, N, mq);
          matmulAdd(Rs, n * N * mq, transpose(X, m, mq, n * m * mq), 0, db, 0, N, mq, m);
        }
        // Gbar_k += sum_n abar_n B[n, k, .]^T and abarbar_n += sum_k G_k B[n, k, .].
        const ib = inb[l]!;
        if (adjacent) {
          // G_k = diag phi'_k: only the diagonal of Gbar_k, gathered compactly first.
          const diag = new Float64Array(N * mq);
          for (let n = 0; n < N; n++)
            for (let k = 0; k < N; k++) {
              const o = (n * N + k) * mq;
              for (let r = 0; r < mq; r++) diag[k * mq + r]! += Zs[o + r]! * abar[n * nIn + r]!;
            }
          for (let k = 0; k < N; k++) for (let r = 0; r < mq; r++) Gbl[k * nIn * mq + r * mq + r]! += diag[k * mq + r]!;
          for (let n = 0; n < N; n++)
            for (let k = 0; k < N; k++) {
              const o = (n * N + k) * mq;
              for (let r = 0; r < mq; r++) ib[n * ntl + r]! += Zs[o + r]! * e1[k * mq + r]!;
            }
        } else {
          // Bk[k, n, r] = B[n, k, r], so Gbar_k = A-bar^T Bk[k] is one product per k.
          const Bk = new Float64Array(N * N * mq);
          for (let n = 0; n < N; n++) for (let k = 0; k < N; k++) Bk.set(Zs.subarray((n * N + k) * mq, (n * N + k + 1) * mq), (k * N + n) * mq);
          const abarT = transpose(abar, N, nIn);
          for (let k = 0; k < N; k++) matmulAdd(abarT, 0, Bk, k * N * mq, Gbl, k * nIn * mq, nIn, N, mq);
          // abarbar (N x nIn) += B (N x N mq) GT, GT[(k, r), j] = G_k[j, r].
          const GT = new Float64Array(N * mq * nIn);
          for (let k = 0; k < N; k++) for (let j = 0; j < nIn; j++) for (let r = 0; r < mq; r++) GT[(k * mq + r) * nIn + j] = G[k * nIn * mq + j * mq + r]!;
          const A = matmul(Zs, GT, N, N * mq, nIn);
          for (let n = 0; n < N; n++) for (let j = 0; j < nIn; j++) ib[n * ntl + j]! += A[n * nIn + j]!;
        }
      }
  }

  // K^l = A~ A~^T: A~bar += (Kbar + Kbar^T) A~ (layer 0's input is data).
  for (const l of layers) {
    if (l === 0) continue;
    const Kbl = Kb.get(l)!;
    const S = new Float64Array(N * N);
    for (let n = 0; n < N; n++) for (let k = 0; k < N; k++) S[n * N + k] = Kbl[n * N + k]! + Kbl[k * N + n]!;
    matmulAdd(S, 0, fp.inputs[l]!, 0, inb[l]!, 0, N, N, nt(l));
  }

  // The chain X = Lambda F, F^{l,l'} = W_l G^{l,l'}, G^{l,l'} = D^{l-1} F^{l-1,l'} (diag phi' when adjacent), top down.
  for (const lp of layers) {
    const mq = out(lp);
    for (let l = top; l > lp; l--) {
      const m = out(l);
      const n_ = inn(l);
      const F = sc.F[l]![lp]!;
      const G = sc.G[l]![lp]!;
      let Fbl = Fb[l]![lp];
      const Xbl = Xb[l]![lp];
      if (inBlock.has(l) && Xbl) {
        Fbl = slot(Fb, l, lp, N * m * mq);
        const lam = sc.lambda[l]!;
        const Lbl = Lb[l]!;
        for (let n = 0; n < N; n++) {
          matmulNTAdd(Xbl, n * m * mq, F, n * m * mq, Lbl, n * m * m, m, mq, m);
          matmulAdd(lam, n * m * m, Xbl, n * m * mq, Fbl, n * m * mq, m, m, mq);
        }
      }
      let Gbl = Gb[l]![lp];
      if (l - 1 === lp) {
        // Adjacent: G = D^{l-1} is diagonal, so Wbar_l += Fbar G^T scales Fbar's columns, and of
        // Gbar = W_l^T Fbar only the diagonal reaches phi' (O(m n) per sample instead of two products).
        const eb = e1b[lp]!;
        const e1 = fp.d1[lp]!;
        if (Fbl) {
          const W = model.layers[l]!.W;
          const Wbl = Wb[l]!;
          for (let n = 0; n < N; n++)
            for (let i = 0; i < m; i++) {
              const o = n * m * mq + i * mq;
              for (let j = 0; j < n_; j++) {
                const f = Fbl[o + j]!;
                Wbl[i * n_ + j]! += f * e1[n * n_ + j]!;
                eb[n * n_ + j]! += W[i * n_ + j]! * f;
              }
            }
        }
        if (Gbl) for (let n = 0; n < N; n++) for (let j = 0; j < n_; j++) eb[n * n_ + j]! += Gbl[n * n_ * mq + j * mq + j]!;
        continue;
      }
      if (Fbl) {
        Gbl = slot(Gb, l, lp, N * n_ * mq);
        const W = model.layers[l]!.W;
        const Wt = transpose(W, m, n_);
        const Wbl = Wb[l]!;
        for (let n = 0; n < N; n++) {
          matmulNTAdd(Fbl, n * m * mq, G, n * n_ * mq, Wbl, 0, m, mq, n_);
          matmulAdd(Wt, 0, Fbl, n * m * mq, Gbl, n * n_ * mq, n_, m, mq);
        }
      }
      if (!Gbl) continue;
      // l - 1 > lp here: G = D^{l-1} F^{l-1,lp}.
      const Fprev = sc.F[l - 1]![lp]!;
      const FbPrev = slot(Fb, l - 1, lp, N * n_ * mq);
      const e1 = fp.d1[l - 1]!;
      const eb = e1b[l - 1]!;
      for (let n = 0; n < N; n++)
        for (let j = 0; j < n_; j++) {
          const o = n * n_ * mq + j * mq;
          const dj = e1[n * n_ + j]!;
          let s = 0;
          for (let r = 0; r < mq; r++) {
            s += Gbl[o + r]! * Fprev[o + r]!;
            FbPrev[o + r]! += dj * Gbl[o + r]!;
          }
          eb[n * n_ + j]! += s;
        }
    }
  }

  // Lambda^l = D Q D + diag(t o phi''), Q = W^T Lambda^{l+1} W, t = W^T delta^{l+1}; bottom up.
  for (let l = lowest; l <= L - 2; l++) {
    const next = model.layers[l + 1]!;
    const mp = next.outputs;
    const m = next.inputs;
    const W = next.W;
    const up = sc.lambda[l + 1]!;
    const Lbl = Lb[l]!;
    const Lbu = Lb[l + 1]!;
    const e1 = fp.d1[l]!;
    const e2 = fp.d2[l]!;
    const dn = sc.delta[l + 1]!;
    const eb1 = e1b[l]!;
    const eb2 = e2b[l]!;
    const Wbu = Wb[l + 1]!;
    const dbu = deltab[l + 1]!;
    const Qall = sc.Q[l]!;
    const Qb = new Float64Array(m * m);
    const A1 = new Float64Array(mp * m);
    const A2 = new Float64Array(mp * m);
    const tb = new Float64Array(m);
    for (let n = 0; n < N; n++) {
      const o = n * m * m;
      // Q_n = W^T Lambda^{l+1}_n W, kept by the forward recursion (keepChain).
      const Q = Qall.subarray(o, o + m * m);
      A1.fill(0);
      for (let i = 0; i < m; i++) {
        const di = e1[n * m + i]!;
        let s = 0;
        for (let j = 0; j < m; j++) {
          const lbs = 0.5 * (Lbl[o + i * m + j]! + Lbl[o + j * m + i]!);
          Qb[i * m + j] = di * lbs * e1[n * m + j]!;
          s += lbs * Q[i * m + j]! * e1[n * m + j]!;
        }
        eb1[n * m + i]! += 2 * s;
      }
      // Lambda^{l+1} bar += W Qbar W^T; Wbar += 2 T Qbar = 2 Lambda^{l+1} (W Qbar), T = Lambda^{l+1} W.
      matmulAdd(W, 0, Qb, 0, A1, 0, mp, m, m);
      matmulNTAdd(A1, 0, W, 0, Lbu, n * mp * mp, mp, m, mp);
      A2.fill(0);
      matmulAdd(up, n * mp * mp, A1, 0, A2, 0, mp, mp, m);
      for (let i = 0; i < mp * m; i++) Wbu[i]! += 2 * A2[i]!;
      if (full) {
        for (let i = 0; i < m; i++) {
          let t = 0;
          for (let k = 0; k < mp; k++) t += W[k * m + i]! * dn[n * mp + k]!;
          const lii = Lbl[o + i * m + i]!;
          tb[i] = lii * e2[n * m + i]!;
          eb2[n * m + i]! += lii * t;
        }
        for (let k = 0; k < mp; k++) {
          let s = 0;
          const dk = dn[n * mp + k]!;
          for (let i = 0; i < m; i++) {
            s += W[k * m + i]! * tb[i]!;
            Wbu[k * m + i]! += dk * tb[i]!;
          }
          dbu[n * mp + k]! += s;
        }
      }
    }
  }

  // Backpropagation delta^l = phi' o (delta^{l+1} W_{l+1}), bottom up.
  if (full)
    for (let l = 0; l <= L - 2; l++) {
      const next = model.layers[l + 1]!;
      const mp = next.outputs;
      const m = next.inputs;
      const db = deltab[l]!;
      const s = matmul(sc.delta[l + 1]!, next.W, N, mp, m);
      const e1 = fp.d1[l]!;
      const eb = e1b[l]!;
      const wv = new Float64Array(N * m);
      for (let i = 0; i < N * m; i++) {
        eb[i]! += db[i]! * s[i]!;
        wv[i] = db[i]! * e1[i]!;
      }
      matmulNTAdd(wv, 0, next.W, 0, deltab[l + 1]!, 0, N, m, mp);
      matmulTNAdd(sc.delta[l + 1]!, 0, wv, 0, Wb[l + 1]!, 0, mp, N, m);
    }

  // The loss: vbar_n = d<S_n, Lambdabar^{L-1}_n>/dv_n + S_n gbar_n.
  const c = out(L - 1);
  let ub = new Float64Array(N * c);
  const S = sc.lambda[L - 1]!;
  const Lc = Lb[L - 1]!;
  const gb = deltab[L - 1]!;
  for (let n = 0; n < N; n++) {
    loss.curvatureAdjointInto(fp.loss, n, Lc, n * c * c, ub, n * c);
    if (full)
      for (let i = 0; i < c; i++) {
        let s = 0;
        for (let j = 0; j < c; j++) s += S[n * c * c + i * c + j]! * gb[n * c + j]!;
        ub[n * c + i]! += s;
      }
  }

  // The forward pass, top down: u^l = A~^l W~_l^T, a^{l+1} = phi(u^l).
  const grad = new Float64Array(layeredParameterCount(model));
  for (let l = L - 1; l >= 0; l--) {
    const m = out(l);
    const n_ = inn(l);
    const ntl = nt(l);
    if (l < L - 1) {
      const e1 = fp.d1[l]!;
      const e2 = fp.d2[l]!;
      const e3 = fp.d3[l]!;
      const above = inb[l + 1]!;
      const ntu = nt(l + 1);
      ub = new Float64Array(N * m);
      for (let n = 0; n < N; n++)
        for (let i = 0; i < m; i++) {
          const k = n * m + i;
          ub[k] = e1b[l]![k]! * e2[k]! + e2b[l]![k]! * e3[k]! + above[n * ntu + i]! * e1[k]!;
        }
    }
    const o = layerOffset(model, l);
    const part = new Float64Array(m * ntl);
    matmulTNAdd(ub, 0, fp.inputs[l]!, 0, part, 0, m, N, ntl);
    const Wbl = Wb[l]!;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < ntl; j++) grad[o + i * ntl + j] = part[i * ntl + j]!;
      for (let j = 0; j < n_; j++) grad[o + i * ntl + j]! += Wbl[i * n_ + j]!;
    }
    if (l > 0) {
      const back = matmul(ub, model.layers[l]!.W, N, m, n_);
      const ib = inb[l]!;
      for (let n = 0; n < N; n++) for (let j = 0; j < n_; j++) ib[n * ntl + j]! += back[n * n_ + j]!;
    }
  }
  return grad;
}

/** The forward pass, the per-sample pieces with their whole chain, the Grams and T1, T2 (deep/traces.ts, bit for bit). */
function prepare(model: LayeredModel, data: Dataset, variant: DeepVariant, fp: DeepForwardPass): { ctx: SweepContext; traceH: number; traceH2: number; parameters: number } {
  const layers = checkLayerSet(model, variant.layers);
  const sc = deepSampleCurvature(model, fp, variant.curvature, layers, true);
  const grams = emptyTraceGrams();
  const traces = deepHessianTraces(model, data, { ...variant, layers }, fp, sc, grams);
  const ctx: SweepContext = { model, fp, sc, K: grams.K, grams, layers, kappa: reductionScale(variant.reduction, fp.samples), full: variant.curvature === 'hessian', loss: fp.outputLoss };
  return { ctx, traceH: traces.traceH, traceH2: traces.traceH2, parameters: traces.parameters };
}

/**
 * T1, T2 of the block `variant.layers` (deep/traces.ts, bit for bit) and their gradients in all
 * of theta (eq:deep-trace-gradient): two reverse sweeps, seeds (1, 0) and (0, 1), over one
 * forward pass and one set of per-sample pieces. Cost and verification: the module comment.
 */
export function deepTraceGradients(model: LayeredModel, data: Dataset, variant: DeepVariant, fp: DeepForwardPass = deepForwardPass(model, data)): TraceGradients {
  const { ctx, traceH, traceH2, parameters } = prepare(model, data, variant, fp);
  return { traceH, traceH2, parameters, gradTraceH: sweep(ctx, 1, 0), gradTraceH2: sweep(ctx, 0, 1) };
}

/**
 * The gradient of one WS bound of a layered model's block (eq:bound-gradient over
 * eq:deep-trace-gradient) in ONE reverse sweep: the bound's gradient is alpha grad T1 + beta
 * grad T2, and the sweep is linear in its seed, so it runs once with seed (alpha, beta).
 * alpha and beta are read off boundGradientFromTraces itself, applied to the unit "gradients"
 * (1, 0) and (0, 1), so the chain rule and its s = 0 case (the minimum-norm subgradient,
 * `degenerate: true`) are exactly the two-layer code's, not a copy of it.
 */
export function deepBoundGradient(model: LayeredModel, data: Dataset, variant: DeepVariant, of: BoundKind, fp: DeepForwardPass = deepForwardPass(model, data)): BoundGradient {
  const { ctx, traceH, traceH2, parameters } = prepare(model, data, variant, fp);
  const unit = boundGradientFromTraces({ traceH, traceH2, parameters, gradTraceH: Float64Array.of(1, 0), gradTraceH2: Float64Array.of(0, 1) }, of);
  const [alpha, beta] = unit.gradient as unknown as [number, number];
  const gradient = alpha === 0 && beta === 0 ? new Float64Array(layeredParameterCount(model)) : sweep(ctx, alpha, beta);
  return { value: unit.value, gradient, bounds: unit.bounds, degenerate: unit.degenerate };
}
