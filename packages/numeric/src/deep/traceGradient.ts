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
 * bound's gradient takes one sweep (deepBoundGradient). The sweep takes the traces' Gram matrices
 * and the parts of the middle term's adjoint that need the traces' own products
 * (MiddleAdjointParts) instead of forming them again, and forms the adjacent Jacobians
 * W_l D^{l-1}_n again per sample instead of holding them (N m_l m_{l-1} products against as many
 * doubles), and Q_n = W^T Lambda^{l+1}_n W too where that is cheap (N m_{l+1} m_l (m_{l+1} + m_l)
 * multiply-adds against N m_l^2 doubles: sampleCurvature's keepsQ). Memory
 * O(N^2 + N sum m_l^2 + N sum_{l > l'} m_l m_{l'} + N sum_{non-adjacent} n_l m_{l'}): the adjoints
 * of Lambda (but the block's lowest layer's, formed 64 samples at a time), X and the non-adjacent G
 * (whose storage then holds Fbar), plus the kept Q, nothing of size P^2 and no N x N x m stack. At
 * 784-128-128-10, N = 128, that is 169 MB of arena at the peak.
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
import { adjacentJacobianInto, deepSampleCurvature, type DeepSampleCurvature } from './sampleCurvature.ts';
import { alloc, inDeepArena, matmul, matmulAdd, matmulNTAdd, matmulTNAdd, scratch, staged, transpose } from './tensor.ts';
import { columnStack, type DeepTraceGrams, deepHessianTraces, emptyTraceGrams, unaugmented } from './traces.ts';

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

/** x += s * (A o B) entrywise. */
function addScaledProduct(x: Float64Array, s: number, A: Float64Array, B: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i]! += s * A[i]! * B[i]!;
}

/** table[l][lp], allocated (zeros) on first use. */
function slot(table: (Float64Array | null)[][], l: number, lp: number, size: number): Float64Array {
  let x = table[l]![lp];
  if (!x) {
    x = alloc(size);
    table[l]![lp] = x;
  }
  return x;
}

function scaledProduct(s: number, A: Float64Array, B: Float64Array): Float64Array {
  const out = alloc(A.length);
  addScaledProduct(out, s, A, B);
  return out;
}

/**
 * The adjoint of sum_nk W_nk q_nk, q_nk = delta_k^T X_n diag(e_k) a_n (adjacent layers, W = w Kq),
 * in X, a and e (its delta part, from T_n = X_n diag(a_n) E^T, is the traces' MiddleAdjointParts):
 *   Xbar_n += (Delta^T diag(W_n.) E) diag(a_n),   abar_n[r] += sum_i (Delta^T diag(W_n.) E)_{ir} X_n[i, r],
 *   ebar_k[r] += W_nk a_n[r] (Delta X_n)[k, r],
 * two m x mq x N products per n and no N x N x mq stack.
 */
function middleAdjointAdjacent(
  X: Float64Array,
  delta: Float64Array,
  a: Float64Array,
  e: Float64Array,
  Kq: Float64Array,
  w: number,
  Xb: Float64Array,
  ab: Float64Array,
  eb: Float64Array,
  N: number,
  m: number,
  mq: number,
): void {
  scratch(() => {
    const E = staged(e);
    const Ds = staged(delta);
    const Dw = alloc(m * N);
    const Yb = alloc(m * mq);
    const U = alloc(N * mq);
    for (let n = 0; n < N; n++) {
      const xo = n * m * mq;
      for (let k = 0; k < N; k++) {
        const wk = w * Kq[n * N + k]!;
        for (let i = 0; i < m; i++) Dw[i * N + k] = wk * Ds[k * m + i]!;
      }
      Yb.fill(0);
      matmulAdd(Dw, 0, E, 0, Yb, 0, m, N, mq);
      for (let i = 0; i < m; i++)
        for (let r = 0; r < mq; r++) {
          const y = Yb[i * mq + r]!;
          Xb[xo + i * mq + r]! += y * a[n * mq + r]!;
          ab[n * mq + r]! += y * X[xo + i * mq + r]!;
        }
      U.fill(0);
      matmulAdd(Ds, 0, X, xo, U, 0, N, m, mq);
      for (let k = 0; k < N; k++) {
        const wk = w * Kq[n * N + k]!;
        for (let r = 0; r < mq; r++) eb[k * mq + r]! += wk * a[n * mq + r]! * U[k * mq + r]!;
      }
    }
  });
}

/**
 * The same adjoint for a dense G (layers not adjacent), in G and a (its delta and X parts are the
 * traces' MiddleAdjointParts): per k, Z_k[n, .] = X_n^T delta_k and Rbar_k[n, .] = W_nk Z_k[n, .],
 *   Gbar_k += A^T Rbar_k,  abar += Rbar_k G_k^T
 * (Xc = the stack X as one m x N mq matrix, columnStack).
 */
function middleAdjointDense(X: Float64Array, delta: Float64Array, a: Float64Array, G: Float64Array, Kq: Float64Array, w: number, ab: Float64Array, Gb: Float64Array, N: number, m: number, n_: number, mq: number): void {
  scratch(() => {
    const Xc = columnStack(X, N, m, mq);
    const At = transpose(a, N, n_);
    const Ds = staged(delta);
    const Z = alloc(N * mq);
    for (let k = 0; k < N; k++) {
      Z.fill(0);
      matmulAdd(Ds, k * m, Xc, 0, Z, 0, 1, m, N * mq);
      for (let n = 0; n < N; n++) {
        const wk = w * Kq[n * N + k]!;
        for (let r = 0; r < mq; r++) Z[n * mq + r]! *= wk;
      }
      matmulAdd(At, 0, Z, 0, Gb, k * n_ * mq, n_, N, mq);
      matmulNTAdd(Z, 0, G, k * n_ * mq, ab, 0, N, mq, n_);
    }
  });
}

/**
 * Samples per block of the streamed Lambdabar (64 x m^2 doubles: 8 MB at m = 128). Each block's
 * product reads all of Lambda once: at 784-128-128-10 blocks of 16 took 94 ms, 32: 63, 64: 48,
 * one block of 128 (the whole stack): 41 ms.
 */
const LAMBDA_BAR_ROWS = 64;

/**
 * Rows n0..n1 of the lowest layer's Lambdabar into buf: w1 K_nn I (T1's term, when the layer is in
 * the T1 seed) plus sum_m Omega_nm Lambda_m (Omega = 2 w2 K o K, when w2 != 0), in the order the
 * stacked version accumulated them (the diagonal first, then the product), so the same bits.
 */
function lambdaBarRows(buf: Float64Array, n0: number, n1: number, m: number, N: number, w1: number, K: Float64Array | undefined, omega: Float64Array | undefined, lam: Float64Array): void {
  buf.fill(0);
  if (w1 !== 0 && K) for (let n = n0; n < n1; n++) for (let i = 0; i < m; i++) buf[(n - n0) * m * m + i * m + i]! += w1 * K[n * N + n]!;
  if (omega) matmulAdd(omega, n0 * N, lam, 0, buf, 0, n1 - n0, N, m * m);
}

/**
 * The adjoints one sweep accumulates (every array in the arena) and the seed's weights
 * w_1 = c_1 kappa, w_2 = c_2 kappa^2. The sweep is split into one function per step (and the
 * per-sample loops into their own small functions) so that V8 optimises each on its own: as one
 * function, the sweep was recompiled whole for every hot loop it entered (on-stack replacement),
 * on the main thread under --single-threaded, for 100-200 ms of a call in the first runs.
 */
interface SweepState {
  readonly ctx: SweepContext;
  readonly w1: number;
  readonly w2: number;
  /** The block's lowest layer when its Lambdabar is formed a few samples at a time (lambdaBarRows), else -1. */
  readonly streamed: number;
  readonly Wb: Float64Array[];
  readonly Lb: (Float64Array | null)[];
  readonly Omega: Map<number, Float64Array>;
  readonly Kb: Map<number, Float64Array>;
  readonly deltab: Float64Array[];
  readonly e1b: Float64Array[];
  readonly e2b: Float64Array[];
  readonly inb: Float64Array[];
  readonly Xb: (Float64Array | null)[][];
  readonly Gb: (Float64Array | null)[][];
  readonly Fb: (Float64Array | null)[][];
}

function pairTable(L: number): (Float64Array | null)[][] {
  return Array.from({ length: L }, () => new Array<Float64Array | null>(L).fill(null));
}

function sweepState(ctx: SweepContext, c1: number, c2: number): SweepState {
  const { model, fp, layers, kappa } = ctx;
  const L = fp.depth;
  const N = fp.samples;
  const lowest = layers[0]!;
  const Wb = model.layers.map((layer) => alloc(layer.outputs * layer.inputs));
  const Lb: (Float64Array | null)[] = new Array<Float64Array | null>(L).fill(null);
  // Lambdabar of the block's lowest layer receives only the pair-sum terms (no chain ends there), so
  // it is never held as a stack: the Lambda recursion forms it a few samples at a time (lambdaBarRows).
  const streamed = lowest <= L - 2 ? lowest : -1;
  for (let l = lowest; l < L; l++) if (l !== streamed) Lb[l] = alloc(N * model.layers[l]!.outputs * model.layers[l]!.outputs);
  const Kb = new Map<number, Float64Array>();
  for (const l of layers) Kb.set(l, alloc(N * N));
  return {
    ctx,
    w1: c1 * kappa,
    w2: c2 * kappa * kappa,
    streamed,
    Wb,
    Lb,
    Omega: new Map(),
    Kb,
    deltab: model.layers.map((layer) => alloc(N * layer.outputs)),
    e1b: fp.d1.map((d) => alloc(d.length)),
    e2b: fp.d2.map((d) => alloc(d.length)),
    inb: model.layers.map((_, l) => alloc(N * augmentedLayerInputs(model, l))),
    Xb: pairTable(L),
    Gb: pairTable(L),
    Fb: pairTable(L),
  };
}

/** \nabla_\theta (c_1 T_1 + c_2 T_2), theta order, all parameters (see the module comment). */
function sweep(ctx: SweepContext, c1: number, c2: number): Float64Array {
  const st = sweepState(ctx, c1, c2);
  const { layers, fp, full } = ctx;
  if (st.w1 !== 0) for (const l of layers) traceHAdjoint(st, l);
  if (st.w2 !== 0) {
    for (const l of layers) diagonalBlockAdjoint(st, l);
    for (const l of layers)
      for (const lp of layers) {
        if (lp >= l) continue;
        crossBlockAdjoint(st, l, lp);
      }
  }
  // K^l = A~ A~^T: A~bar += (Kbar + Kbar^T) A~ (layer 0's input is data).
  for (const l of layers) if (l !== 0) gramAdjoint(st, l);
  // The chain X = Lambda F, F^{l,l'} = W_l G^{l,l'}, G^{l,l'} = D^{l-1} F^{l-1,l'} (diag phi' when adjacent), top down.
  const top = layers[layers.length - 1]!;
  for (const lp of layers) for (let l = top; l > lp; l--) chainStep(st, l, lp);
  // Lambda^l = D Q D + diag(t o phi''), Q = W^T Lambda^{l+1} W, t = W^T delta^{l+1}; bottom up.
  for (let l = layers[0]!; l <= fp.depth - 2; l++) lambdaAdjoint(st, l);
  // Backpropagation delta^l = phi' o (delta^{l+1} W_{l+1}), bottom up.
  if (full) for (let l = 0; l <= fp.depth - 2; l++) backpropagationAdjoint(st, l);
  return forwardAdjoint(st, lossAdjoint(st));
}

/** T1 = kappa sum_l sum_n tr Lambda^l_n K^l_nn: its adjoints in K^l_nn and Lambda^l_n. */
function traceHAdjoint(st: SweepState, l: number): void {
  const { model, fp, sc, K, loss } = st.ctx;
  const N = fp.samples;
  const L = fp.depth;
  const w1 = st.w1;
  const m = model.layers[l]!.outputs;
  const lam = sc.lambda[l]!;
  const Kl = K.get(l)!;
  const Kbl = st.Kb.get(l)!;
  const Lbl = st.Lb[l];
  for (let n = 0; n < N; n++) {
    let tr = 0;
    if (l === L - 1) tr = loss.curvatureTrace(fp.loss, n);
    else for (let i = 0; i < m; i++) tr += lam[n * m * m + i * m + i]!;
    Kbl[n * N + n]! += w1 * tr;
    if (Lbl) for (let i = 0; i < m; i++) Lbl[n * m * m + i * m + i]! += w1 * Kl[n * N + n]!;
  }
}

/** Diagonal block: sum_nm (K_nm)^2 <Lambda_n, Lambda_m>. */
function diagonalBlockAdjoint(st: SweepState, l: number): void {
  const { model, fp, sc, K, grams } = st.ctx;
  const N = fp.samples;
  const w2 = st.w2;
  const m = model.layers[l]!.outputs;
  const lam = sc.lambda[l]!;
  const Kl = K.get(l)!;
  const omega = scaledProduct(2 * w2, Kl, Kl);
  if (l === st.streamed) st.Omega.set(l, omega);
  else matmulAdd(omega, 0, lam, 0, st.Lb[l]!, 0, N, N, m * m);
  addScaledProduct(st.Kb.get(l)!, 2 * w2, Kl, grams.lambda.get(l)!);
}

/** x[i] += s y[i] for i < x.length. */
function addScaled(x: Float64Array, s: number, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i]! += s * y[i]!;
}

/** Xb[n, i, r] += s Xc[i, n mq + r]: a column stack (columnStack's layout) added back onto its N x m x mq stack. */
function addColumnStack(Xb: Float64Array, s: number, Xc: Float64Array, N: number, m: number, mq: number): void {
  for (let n = 0; n < N; n++) for (let i = 0; i < m; i++) for (let r = 0; r < mq; r++) Xb[n * m * mq + i * mq + r]! += s * Xc[i * N * mq + n * mq + r]!;
}

/** The unaugmented adjoint ab (N x n) added onto the augmented one ib (N x nt). */
function addUnaugmented(ib: Float64Array, ab: Float64Array, N: number, n: number, nt: number): void {
  for (let i = 0; i < N; i++) for (let j = 0; j < n; j++) ib[i * nt + j]! += ab[i * n + j]!;
}

/** Cross block l > l': 2 [sum K^l K^l' <X_n, X_m> + 2 middle + sum K^l' (delta.delta) <G, G>]. */
function crossBlockAdjoint(st: SweepState, l: number, lp: number): void {
  const { model, fp, sc, K, grams, full } = st.ctx;
  const N = fp.samples;
  const w2 = st.w2;
  const { Kb, Xb, Gb } = st;
  const m = model.layers[l]!.outputs;
  const nIn = model.layers[l]!.inputs;
  const ntl = augmentedLayerInputs(model, l);
  const mq = model.layers[lp]!.outputs;
  const Ka = K.get(l)!;
  const Kq = K.get(lp)!;
  const X = sc.X[l]![lp]!;
  const Xbl = slot(Xb, l, lp, N * m * mq);
  const gX = grams.X.get(`${l},${lp}`)!;
  matmulAdd(scaledProduct(4 * w2, Ka, Kq), 0, X, 0, Xbl, 0, N, N, m * mq);
  addScaledProduct(Kb.get(l)!, 2 * w2, Kq, gX);
  addScaledProduct(Kb.get(lp)!, 2 * w2, Ka, gX);
  if (!full) return;
  const adjacent = lp === l - 1;
  const G = sc.G[l]![lp];
  const e1 = fp.d1[lp]!;
  const delta = sc.delta[l]!;
  const Gd = grams.delta.get(l)!;
  const GG = grams.G.get(`${l},${lp}`)!;
  addScaledProduct(Kb.get(lp)!, 2 * w2, Gd, GG);
  matmulAdd(scaledProduct(4 * w2, Kq, GG), 0, delta, 0, st.deltab[l]!, 0, N, N, m);
  const KqGd = scaledProduct(4 * w2, Kq, Gd);
  // Adjacent: G = diag phi'_{l'}, whose adjoint goes straight to phi'-bar (no dense G-bar).
  if (adjacent) matmulAdd(KqGd, 0, staged(e1), 0, st.e1b[lp]!, 0, N, N, mq);
  else matmulAdd(KqGd, 0, G!, 0, slot(Gb, l, lp, N * nIn * mq), 0, N, N, nIn * mq);
  // The middle term 4 w2 sum_nk Kq_nk q_nk (q from the traces' middleProducts).
  addScaled(Kb.get(lp)!, 4 * w2, grams.middle.get(`${l},${lp}`)!);
  const abar = unaugmented(fp.inputs[l]!, N, nIn, ntl);
  const ab = alloc(N * nIn);
  // The parts the traces formed at unit weight (MiddleAdjointParts), then the rest.
  const parts = grams.middleAdjoint.get(`${l},${lp}`)!;
  addScaled(st.deltab[l]!, 4 * w2, parts.delta);
  if (parts.Xc) addColumnStack(Xbl, 4 * w2, parts.Xc, N, m, mq);
  if (adjacent) middleAdjointAdjacent(X, delta, abar, e1, Kq, 4 * w2, Xbl, ab, st.e1b[lp]!, N, m, mq);
  else middleAdjointDense(X, delta, abar, G!, Kq, 4 * w2, ab, slot(Gb, l, lp, N * nIn * mq), N, m, nIn, mq);
  addUnaugmented(st.inb[l]!, ab, N, nIn, ntl);
}

/** K^l = A~ A~^T: A~bar += (Kbar + Kbar^T) A~. */
function gramAdjoint(st: SweepState, l: number): void {
  const { model, fp } = st.ctx;
  const N = fp.samples;
  const Kbl = st.Kb.get(l)!;
  const S = alloc(N * N);
  for (let n = 0; n < N; n++) for (let k = 0; k < N; k++) S[n * N + k] = Kbl[n * N + k]! + Kbl[k * N + n]!;
  matmulAdd(S, 0, fp.inputs[l]!, 0, st.inb[l]!, 0, N, N, augmentedLayerInputs(model, l));
}

/** One step (l, l') of the chain, top down (see sweep). */
function chainStep(st: SweepState, l: number, lp: number): void {
  const { model, fp, sc, layers } = st.ctx;
  const N = fp.samples;
  const mq = model.layers[lp]!.outputs;
  const m = model.layers[l]!.outputs;
  const n_ = model.layers[l]!.inputs;
  const { Fb, Gb, Wb } = st;
  // F^{l,l-1} is not stored (adjacentJacobianInto); G^{l,l-1} = D^{l-1} is read as phi'.
  const F = sc.F[l]![lp];
  const G = sc.G[l]![lp];
  let Fbl = Fb[l]![lp];
  const Xbl = st.Xb[l]![lp];
  if (layers.includes(l) && Xbl) {
    Fbl = slot(Fb, l, lp, N * m * mq);
    chainXAdjoint(model, fp, l, sc.lambda[l]!, st.Lb[l]!, Xbl, F ?? null, Fbl, N, m, mq);
  }
  let Gbl = Gb[l]![lp];
  if (l - 1 === lp) {
    // Adjacent: G = D^{l-1} is diagonal, so Wbar_l += Fbar G^T scales Fbar's columns, and of
    // Gbar = W_l^T Fbar only the diagonal reaches phi' (O(m n) per sample instead of two products).
    const eb = st.e1b[lp]!;
    if (Fbl) adjacentJacobianAdjoint(Fbl, fp.d1[lp]!, model.layers[l]!.W, Wb[l]!, eb, N, m, n_, mq);
    if (Gbl) for (let n = 0; n < N; n++) for (let j = 0; j < n_; j++) eb[n * n_ + j]! += Gbl[n * n_ * mq + j * mq + j]!;
    return;
  }
  if (Fbl) {
    Gbl = slot(Gb, l, lp, N * n_ * mq);
    const W = model.layers[l]!.W;
    const Wt = transpose(W, m, n_);
    const Wbl = Wb[l]!;
    for (let n = 0; n < N; n++) {
      matmulNTAdd(Fbl, n * m * mq, G!, n * n_ * mq, Wbl, 0, m, mq, n_);
      matmulAdd(Wt, 0, Fbl, n * m * mq, Gbl, n * n_ * mq, n_, m, mq);
    }
  }
  if (!Gbl) return;
  // l - 1 > lp here: G = D^{l-1} F^{l-1,lp}. Fbar^{l-1,lp} is not formed yet (the walk is top
  // down) and Gbar is not read after this step, so Fbar^{l-1,lp} = D^{l-1} Gbar takes Gbar's place.
  const Fprev = sc.F[l - 1]![lp];
  const Fp = Fprev ? null : alloc(n_ * mq);
  const e1 = fp.d1[l - 1]!;
  const eb = st.e1b[l - 1]!;
  for (let n = 0; n < N; n++) {
    if (Fp) adjacentJacobianInto(model, fp, l - 1, n, Fp);
    diagonalFactorAdjoint(Gbl, n * n_ * mq, Fp ?? Fprev!, Fp ? 0 : n * n_ * mq, e1, eb, n * n_, n_, mq);
  }
  if (Fb[l - 1]![lp]) throw new Error('deep sweep: Fbar formed before its G step');
  Fb[l - 1]![lp] = Gbl;
}

/** X = Lambda F per sample: Lambdabar += Xbar F^T, Fbar += Lambda Xbar (F null: the adjacent Jacobian, formed per sample). */
function chainXAdjoint(model: LayeredModel, fp: DeepForwardPass, l: number, lam: Float64Array, Lbl: Float64Array, Xbl: Float64Array, F: Float64Array | null, Fbl: Float64Array, N: number, m: number, mq: number): void {
  const Fn = F ? null : alloc(m * mq);
  for (let n = 0; n < N; n++) {
    if (Fn) adjacentJacobianInto(model, fp, l, n, Fn);
    matmulNTAdd(Xbl, n * m * mq, Fn ?? F!, Fn ? 0 : n * m * mq, Lbl, n * m * m, m, mq, m);
    matmulAdd(lam, n * m * m, Xbl, n * m * mq, Fbl, n * m * mq, m, m, mq);
  }
}

/** F = W D (D = diag e per sample): Wbar += Fbar D, ebar[j] += sum_i W[i, j] Fbar[i, j]. */
function adjacentJacobianAdjoint(Fbl: Float64Array, e1: Float64Array, W: Float64Array, Wbl: Float64Array, eb: Float64Array, N: number, m: number, n_: number, mq: number): void {
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

/** G = D F0 for one sample (D = diag e): ebar_j += Gbar[j, .] . F0[j, .], then Gbar := D Gbar in place (it becomes F0bar). */
function diagonalFactorAdjoint(Gbl: Float64Array, go: number, F0: Float64Array, f0: number, e1: Float64Array, eb: Float64Array, eo: number, n_: number, mq: number): void {
  for (let j = 0; j < n_; j++) {
    const o = go + j * mq;
    const dj = e1[eo + j]!;
    let s = 0;
    for (let r = 0; r < mq; r++) {
      s += Gbl[o + r]! * F0[f0 + j * mq + r]!;
      Gbl[o + r] = dj * Gbl[o + r]!;
    }
    eb[eo + j]! += s;
  }
}

/** Lambda^l = D Q D + diag(t o phi''), Q = W^T Lambda^{l+1} W, t = W^T delta^{l+1}: the adjoints of one layer's recursion. */
function lambdaAdjoint(st: SweepState, l: number): void {
  const { model, fp, sc, K, full } = st.ctx;
  const N = fp.samples;
  const next = model.layers[l + 1]!;
  const mp = next.outputs;
  const m = next.inputs;
  const W = next.W;
  const up = sc.lambda[l + 1]!;
  const streamed = l === st.streamed;
  const rows = streamed ? Math.min(N, LAMBDA_BAR_ROWS) : N;
  const Lbl = streamed ? alloc(rows * m * m) : st.Lb[l]!;
  const Lbu = st.Lb[l + 1]!;
  const e1 = fp.d1[l]!;
  const e2 = fp.d2[l]!;
  const dn = sc.delta[l + 1]!;
  const eb1 = st.e1b[l]!;
  const eb2 = st.e2b[l]!;
  const Wbu = st.Wb[l + 1]!;
  const dbu = st.deltab[l + 1]!;
  const Ws = staged(W);
  const Wt = transpose(W, mp, m);
  const T = alloc(mp * m);
  const Qkept = sc.Q[l] ?? null;
  const Qn = alloc(m * m);
  const Qb = alloc(m * m);
  const A1 = alloc(mp * m);
  const A2 = alloc(mp * m);
  const tb = alloc(m);
  for (let n = 0; n < N; n++) {
    if (streamed && n % rows === 0) lambdaBarRows(Lbl, n, Math.min(N, n + rows), m, N, st.w1, K.get(l), st.Omega.get(l), sc.lambda[l]!);
    const o = (n % rows) * m * m;
    // Q_n = W^T Lambda^{l+1}_n W: kept by deepSampleCurvature where dear (keepsQ), else formed
    // again with the same products, so the same bits.
    const Q = Qkept ? Qkept.subarray(n * m * m, (n + 1) * m * m) : Qn;
    if (!Qkept) {
      T.fill(0);
      Q.fill(0);
      matmulAdd(up, n * mp * mp, Ws, 0, T, 0, mp, mp, m);
      matmulAdd(Wt, 0, T, 0, Q, 0, m, mp, m);
    }
    A1.fill(0);
    symmetricQAdjoint(Lbl, o, Q, e1, n * m, Qb, eb1, m);
    // Lambda^{l+1} bar += W Qbar W^T; Wbar += 2 T Qbar = 2 Lambda^{l+1} (W Qbar), T = Lambda^{l+1} W.
    matmulAdd(Ws, 0, Qb, 0, A1, 0, mp, m, m);
    matmulAdd(A1, 0, Wt, 0, Lbu, n * mp * mp, mp, m, mp);
    A2.fill(0);
    matmulAdd(up, n * mp * mp, A1, 0, A2, 0, mp, mp, m);
    addScaled(Wbu, 2, A2);
    if (full) diagonalTermAdjoint(Lbl, o, W, dn, n * mp, e2, n * m, tb, eb2, Wbu, dbu, m, mp);
  }
}

/**
 * Of Lambda = D Q D (D = diag e at sample offset eo), with Lambdabar symmetrised:
 * Qbar = D Lambdabar^s D and ebar_i += 2 sum_j Lambdabar^s_ij Q_ij e_j.
 */
function symmetricQAdjoint(Lbl: Float64Array, o: number, Q: Float64Array, e1: Float64Array, eo: number, Qb: Float64Array, eb1: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    const di = e1[eo + i]!;
    let s = 0;
    for (let j = 0; j < m; j++) {
      const lbs = 0.5 * (Lbl[o + i * m + j]! + Lbl[o + j * m + i]!);
      Qb[i * m + j] = di * lbs * e1[eo + j]!;
      s += lbs * Q[i * m + j]! * e1[eo + j]!;
    }
    eb1[eo + i]! += 2 * s;
  }
}

/** Of the diag term diag(t o phi''), t = W^T delta^{l+1}, for one sample: phi''bar, Wbar and delta^{l+1}bar. */
function diagonalTermAdjoint(
  Lbl: Float64Array,
  o: number,
  W: Float64Array,
  dn: Float64Array,
  dOff: number,
  e2: Float64Array,
  eo: number,
  tb: Float64Array,
  eb2: Float64Array,
  Wbu: Float64Array,
  dbu: Float64Array,
  m: number,
  mp: number,
): void {
  for (let i = 0; i < m; i++) {
    let t = 0;
    for (let k = 0; k < mp; k++) t += W[k * m + i]! * dn[dOff + k]!;
    const lii = Lbl[o + i * m + i]!;
    tb[i] = lii * e2[eo + i]!;
    eb2[eo + i]! += lii * t;
  }
  for (let k = 0; k < mp; k++) {
    let s = 0;
    const dk = dn[dOff + k]!;
    for (let i = 0; i < m; i++) {
      s += W[k * m + i]! * tb[i]!;
      Wbu[k * m + i]! += dk * tb[i]!;
    }
    dbu[dOff + k]! += s;
  }
}

/** delta^l = phi' o (delta^{l+1} W_{l+1}): its adjoints in phi', delta^{l+1} and W_{l+1}. */
function backpropagationAdjoint(st: SweepState, l: number): void {
  const { model, fp, sc } = st.ctx;
  const N = fp.samples;
  const next = model.layers[l + 1]!;
  const mp = next.outputs;
  const m = next.inputs;
  const db = st.deltab[l]!;
  const s = matmul(sc.delta[l + 1]!, next.W, N, mp, m);
  const e1 = fp.d1[l]!;
  const eb = st.e1b[l]!;
  const wv = alloc(N * m);
  for (let i = 0; i < N * m; i++) {
    eb[i]! += db[i]! * s[i]!;
    wv[i] = db[i]! * e1[i]!;
  }
  matmulNTAdd(wv, 0, next.W, 0, st.deltab[l + 1]!, 0, N, m, mp);
  matmulTNAdd(sc.delta[l + 1]!, 0, wv, 0, st.Wb[l + 1]!, 0, mp, N, m);
}

/** The loss: vbar_n = d<S_n, Lambdabar^{L-1}_n>/dv_n + S_n gbar_n (N x c). */
function lossAdjoint(st: SweepState): Float64Array {
  const { model, fp, sc, loss, full } = st.ctx;
  const N = fp.samples;
  const L = fp.depth;
  const c = model.layers[L - 1]!.outputs;
  const ub = alloc(N * c);
  const S = sc.lambda[L - 1]!;
  const Lc = st.Lb[L - 1]!;
  const gb = st.deltab[L - 1]!;
  for (let n = 0; n < N; n++) {
    loss.curvatureAdjointInto(fp.loss, n, Lc, n * c * c, ub, n * c);
    if (full)
      for (let i = 0; i < c; i++) {
        let s = 0;
        for (let j = 0; j < c; j++) s += S[n * c * c + i * c + j]! * gb[n * c + j]!;
        ub[n * c + i]! += s;
      }
  }
  return ub;
}

/** The forward pass, top down: u^l = A~^l W~_l^T, a^{l+1} = phi(u^l), from the logits' adjoint `top`; the gradient in theta order. */
function forwardAdjoint(st: SweepState, top: Float64Array): Float64Array {
  const { model, fp } = st.ctx;
  const N = fp.samples;
  const L = fp.depth;
  const grad = new Float64Array(layeredParameterCount(model));
  let ub = top;
  for (let l = L - 1; l >= 0; l--) {
    const m = model.layers[l]!.outputs;
    const n_ = model.layers[l]!.inputs;
    const ntl = augmentedLayerInputs(model, l);
    if (l < L - 1) ub = preActivationAdjoint(st, l);
    const o = layerOffset(model, l);
    const part = alloc(m * ntl);
    matmulTNAdd(ub, 0, fp.inputs[l]!, 0, part, 0, m, N, ntl);
    const Wbl = st.Wb[l]!;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < ntl; j++) grad[o + i * ntl + j] = part[i * ntl + j]!;
      for (let j = 0; j < n_; j++) grad[o + i * ntl + j]! += Wbl[i * n_ + j]!;
    }
    if (l > 0) {
      const back = matmul(ub, model.layers[l]!.W, N, m, n_);
      addUnaugmented(st.inb[l]!, back, N, n_, ntl);
    }
  }
  return grad;
}

/** ubar^l = phi'bar o phi'' + phi''bar o phi''' + abar^{l+1} o phi' (N x m_l). */
function preActivationAdjoint(st: SweepState, l: number): Float64Array {
  const { model, fp } = st.ctx;
  const N = fp.samples;
  const m = model.layers[l]!.outputs;
  const e1 = fp.d1[l]!;
  const e2 = fp.d2[l]!;
  const e3 = fp.d3[l]!;
  const eb1 = st.e1b[l]!;
  const eb2 = st.e2b[l]!;
  const above = st.inb[l + 1]!;
  const ntu = augmentedLayerInputs(model, l + 1);
  const ub = alloc(N * m);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < m; i++) {
      const k = n * m + i;
      ub[k] = eb1[k]! * e2[k]! + eb2[k]! * e3[k]! + above[n * ntu + i]! * e1[k]!;
    }
  return ub;
}

/** The forward pass, the per-sample pieces with their whole chain, the Grams and T1, T2 (deep/traces.ts, bit for bit). */
function prepare(model: LayeredModel, data: Dataset, variant: DeepVariant, fp: DeepForwardPass): { ctx: SweepContext; traceH: number; traceH2: number; parameters: number } {
  const layers = checkLayerSet(model, variant.layers);
  const sc = deepSampleCurvature(model, fp, variant.curvature, layers, { keepChain: true, adjacentG: false });
  const grams = emptyTraceGrams(true);
  const traces = deepHessianTraces(model, data, { ...variant, layers }, fp, sc, grams);
  const ctx: SweepContext = { model, fp, sc, K: grams.K, grams, layers, kappa: reductionScale(variant.reduction, fp.samples), full: variant.curvature === 'hessian', loss: fp.outputLoss };
  return { ctx, traceH: traces.traceH, traceH2: traces.traceH2, parameters: traces.parameters };
}

/**
 * T1, T2 of the block `variant.layers` (deep/traces.ts, bit for bit) and their gradients in all
 * of theta (eq:deep-trace-gradient): two reverse sweeps, seeds (1, 0) and (0, 1), over one
 * forward pass and one set of per-sample pieces. Cost and verification: the module comment.
 */
export function deepTraceGradients(model: LayeredModel, data: Dataset, variant: DeepVariant, fp?: DeepForwardPass): TraceGradients {
  return inDeepArena(() => {
    const { ctx, traceH, traceH2, parameters } = prepare(model, data, variant, fp ?? deepForwardPass(model, data));
    return { traceH, traceH2, parameters, gradTraceH: sweep(ctx, 1, 0), gradTraceH2: sweep(ctx, 0, 1) };
  });
}

/**
 * The gradient of one WS bound of a layered model's block (eq:bound-gradient over
 * eq:deep-trace-gradient) in ONE reverse sweep: the bound's gradient is alpha grad T1 + beta
 * grad T2, and the sweep is linear in its seed, so it runs once with seed (alpha, beta).
 * alpha and beta are read off boundGradientFromTraces itself, applied to the unit "gradients"
 * (1, 0) and (0, 1), so the chain rule and its s = 0 case (the minimum-norm subgradient,
 * `degenerate: true`) are exactly the two-layer code's, not a copy of it.
 */
export function deepBoundGradient(model: LayeredModel, data: Dataset, variant: DeepVariant, of: BoundKind, fp?: DeepForwardPass): BoundGradient {
  return inDeepArena(() => boundGradientIn(model, data, variant, of, fp ?? deepForwardPass(model, data)));
}

function boundGradientIn(model: LayeredModel, data: Dataset, variant: DeepVariant, of: BoundKind, fp: DeepForwardPass): BoundGradient {
  const { ctx, traceH, traceH2, parameters } = prepare(model, data, variant, fp);
  const unit = boundGradientFromTraces({ traceH, traceH2, parameters, gradTraceH: Float64Array.of(1, 0), gradTraceH2: Float64Array.of(0, 1) }, of);
  const [alpha, beta] = unit.gradient as unknown as [number, number];
  const gradient = alpha === 0 && beta === 0 ? new Float64Array(layeredParameterCount(model)) : sweep(ctx, alpha, beta);
  return { value: unit.value, gradient, bounds: unit.bounds, degenerate: unit.degenerate };
}
