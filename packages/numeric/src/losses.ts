/**
 * Losses on the logits, in an exhaustive table: adding a name to `Loss` without its value,
 * gradient g = \partial\ell/\partial v, curvature S = \partial^2\ell/\partial v^2 (as a
 * cancellation-free stack row), tr S, \langle S_n, S_m\rangle, S x and the derivative of
 * \langle S, Q\rangle in v is a compile error. Nothing else in the closed forms depends on the
 * loss (docs/mathematics.md §3, §8): T1, T2, the bounds and their gradients are written in g_n,
 * S_n and, for the gradient, the third derivative of \ell in v, which each rule supplies.
 *
 * eq:loss-table (\sigma the logistic function, p = softmax(v), y one-hot, t = (1-\epsilon)y + \epsilon/c)
 *   cross-entropy:        \ell = \operatorname{lse}(v) - v_y,             g = p - y,          S = \mathrm{diag}(p) - pp^\top
 *   label-smoothing:      \ell = \operatorname{lse}(v) - t^\top v,        g = p - t,          S = \mathrm{diag}(p) - pp^\top
 *   mse:                  \ell = \tfrac12\|v - y\|^2,                      g = v - y,          S = I
 *   binary-cross-entropy: \ell = \sum_k \mathrm{softplus}(v_k) - y_kv_k,   g = \sigma(v) - y,  S = \mathrm{diag}(\sigma(v)\sigma(-v))
 * and the derivative of \langle S, Q\rangle in v (the third derivative of \ell contracted with Q):
 *   softmax: S(\mathrm{diag}\,Q - (Q + Q^\top)p);  mse: 0;  bce: \mathrm{diag}(Q)\odot\sigma(v)\sigma(-v)(\sigma(-v) - \sigma(v)).
 *
 * Accuracy: every row is computed without 1 - p (or 1 - \sigma) cancellation, so saturated
 * samples keep their relative accuracy: for the softmax losses 1 - p_max is the sum of the other
 * probabilities; for binary cross-entropy \sigma(v)\sigma(-v) = e^{-|v|}/(1 + e^{-|v|})^2,
 * \sigma(-v) - \sigma(v) = -\tanh(v/2), g_y = -\sigma(-v_y) and \ell uses softplus(-v_y), never
 * softplus(v_y) - v_y. Label smoothing's loss is (1-\epsilon)(\operatorname{lse} - v_y) +
 * (\epsilon/c)\sum_k(\operatorname{lse} - v_k), a sum of non-negative terms.
 *
 * The rules are called once per sample row (O(c) or O(c^2) work inside); callers look the rule
 * up once, outside their loops, so no per-element dispatch enters a hot loop.
 * The cross-entropy rows are the code the toolkit had before the table, moved here unchanged,
 * so its results are bit-identical. Verified by the PyTorch golden fixtures (every loss x
 * activation), the autodiff oracle (which differentiates each loss's definition in
 * @hsr/autodiff, sharing no formula code), the 120-digit saturated fixture and the crosscheck
 * properties run per loss.
 */
import type { Loss } from './types.ts';

/** Row n of an N x c array: v (logits), p (softmax), g, S (N x c x c at offset o), ... */
export interface LossRule {
  /** The defining formula of the per-sample loss, as text (y the label index, c the classes, eps the smoothing). */
  readonly formula: string;
  /** LaTeX of the loss, its gradient g, curvature S and the derivative of <S, Q> (eq:loss-table). */
  readonly latex: { readonly loss: string; readonly gradient: string; readonly curvature: string; readonly third: string };
  /** S_n is the softmax covariance diag(p) - pp^T (depends on p only; the variance forms of hessianDiagonal apply). */
  readonly softmaxCurvature: boolean;
  /** S_n is diagonal (its off-diagonal entries are exact zeros). */
  readonly diagonalCurvature: boolean;
  /**
   * Sample n: p_n = softmax(v_n) (the prediction's confidence, for every loss), g_n = d l/d v_n and
   * the loss l_n, from the logits row. `eps` is label smoothing's epsilon (ignored by the others).
   */
  readonly forward: (v: Float64Array, n: number, c: number, y: number, eps: number, p: Float64Array, g: Float64Array, losses: Float64Array) => void;
  /** S_n = d^2 l / d v_n^2 (c x c, row-major) written at S[o ..], cancellation-free. */
  readonly curvature: (v: Float64Array, p: Float64Array, n: number, c: number, S: Float64Array, o: number) => void;
  /** tr S_n, cancellation-free. */
  readonly curvatureTrace: (v: Float64Array, p: Float64Array, n: number, c: number) => number;
  /** <S_n, S_m> (Frobenius), cancellation-free (the reference per-pair form). */
  readonly curvatureInner: (v: Float64Array, p: Float64Array, n: number, m: number, c: number) => number;
  /** out = S_n x (O(c); for Hessian-vector products). */
  readonly applyCurvature: (v: Float64Array, p: Float64Array, n: number, c: number, x: Float64Array, out: Float64Array) => void;
  /**
   * The logit adjoint r^v_n = S_n \bar g + \partial<S_n, Q>/\partial v_n + s w\,\partial\mathrm{tr}S_n/\partial v_n
   * into rv (c), from the adjoints Q = \bar S (c x c) and \bar g (c) and the T1 seed weight s w
   * (traceScale = 0: no seed). S is S_n at S[so ..]; pb is c doubles of scratch.
   */
  readonly logitAdjoint: (
    v: Float64Array,
    p: Float64Array,
    n: number,
    c: number,
    S: Float64Array,
    so: number,
    Q: Float64Array,
    gb: Float64Array,
    traceScale: number,
    traceWeight: number,
    pb: Float64Array,
    rv: Float64Array,
  ) => void;
}

// ------------------------------------------------------------------ softmax (cross-entropy)

/**
 * Sample n's p_n = softmax(v_n), g_n = p_n - e_y and loss lse(v_n) - v_{n,y}, from its logits,
 * with the log-sum-exp shifted by the largest logit (eq:loss). O(c).
 */
export function softmaxCrossEntropy(v: Float64Array, n: number, c: number, y: number, p: Float64Array, g: Float64Array, losses: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < c; k++) if (v[n * c + k]! > max) max = v[n * c + k]!;
  let sumExp = 0;
  for (let k = 0; k < c; k++) sumExp += Math.exp(v[n * c + k]! - max);
  const lse = max + Math.log(sumExp);
  let others = 0;
  for (let k = 0; k < c; k++) {
    const pk = Math.exp(v[n * c + k]! - lse);
    p[n * c + k] = pk;
    g[n * c + k] = pk;
    if (k !== y) others += pk;
  }
  // g_y = p_y - 1 taken as minus the sum of the other probabilities: the same number, but
  // p_y - 1 rounds to 0 once the sample is confidently right (1 - p_y below 1e-16), while
  // the sum keeps full relative accuracy; the curvature of a saturated net is made of it.
  g[n * c + y] = -others;
  losses[n] = lse - v[n * c + y]!;
}

/** p_n = softmax(v_n) (shifted by the largest logit); returns lse(v_n). O(c). */
function softmaxRow(v: Float64Array, n: number, c: number, p: Float64Array): number {
  let max = -Infinity;
  for (let k = 0; k < c; k++) if (v[n * c + k]! > max) max = v[n * c + k]!;
  let sumExp = 0;
  for (let k = 0; k < c; k++) sumExp += Math.exp(v[n * c + k]! - max);
  const lse = max + Math.log(sumExp);
  for (let k = 0; k < c; k++) p[n * c + k] = Math.exp(v[n * c + k]! - lse);
  return lse;
}

/**
 * S_n = diag(p_n) - p_n p_n^T (eq:softmax-covariance) into S[o ..], row-major c x c, entry-wise and
 * without 1 - p: S_kk = p_k(1 - p_k) but, for the largest p, 1 - p_max is the sum of the other
 * probabilities. In saturation (p_max = 1 - eps, eps below float64's resolution of 1 - p) the
 * textbook p - p^2 rounds that entry to 0 and loses half of tr S_n. The one writer of S_n for the
 * softmax losses: sampleCurvatureIn, softmaxCovarianceStack and the trace engine's S and packed
 * stacks all call it, so all give the same bits. O(c^2).
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

/**
 * tr S_n = 1 - ||p_n||^2 = \sum_k p_k(1 - p_k), evaluated without cancellation: for the
 * largest probability, 1 - p_max is taken as the sum of the other probabilities (each
 * accurate to a few ulps from the softmax), so a saturated sample (p_max = 1 - 1e-10) keeps
 * its relative accuracy instead of losing ten digits to 1 - ||p||^2. O(c).
 */
export function softmaxCovarianceTrace(p: Float64Array, n: number, c: number): number {
  const o = n * c;
  let top = 0;
  for (let k = 1; k < c; k++) if (p[o + k]! > p[o + top]!) top = k;
  let others = 0;
  let s = 0;
  for (let k = 0; k < c; k++) {
    if (k === top) continue;
    const pk = p[o + k]!;
    others += pk;
    s += pk * (1 - pk);
  }
  return s + p[o + top]! * others;
}

/**
 * <S_n, S_m> = sum_k p_nk p_mk (1 - p_nk - p_mk) + (p_n . p_m)^2 (eq:softmax-inner), O(c),
 * evaluated entry-wise without cancellation as
 *   \sum_k S_{n,kk}S_{m,kk} + \sum_{k \ne l} q_kq_l,\quad q_k = p_{nk}p_{mk},
 * with S_{kk} = p_k(1 - p_k) taking 1 - p_max as the sum of the other probabilities and
 * \sum_{l \ne k}q_l taken as the sum of the others for the largest q_k. The textbook form
 * subtracts O(1) terms to get ||S||^2 ~ (1 - p_max)^2 and returns noise for over-confident
 * samples; this form keeps full relative accuracy there.
 */
export function softmaxCovarianceInner(p: Float64Array, n: number, m: number, c: number): number {
  const a = n * c;
  const b = m * c;
  let tn = 0;
  let tm = 0;
  let tq = 0;
  for (let k = 1; k < c; k++) {
    if (p[a + k]! > p[a + tn]!) tn = k;
    if (p[b + k]! > p[b + tm]!) tm = k;
    if (p[a + k]! * p[b + k]! > p[a + tq]! * p[b + tq]!) tq = k;
  }
  let on = 0;
  let om = 0;
  let oq = 0;
  for (let k = 0; k < c; k++) {
    if (k !== tn) on += p[a + k]!;
    if (k !== tm) om += p[b + k]!;
    if (k !== tq) oq += p[a + k]! * p[b + k]!;
  }
  const qt = p[a + tq]! * p[b + tq]!;
  let s = qt * oq;
  for (let k = 0; k < c; k++) {
    const pa = p[a + k]!;
    const pb = p[b + k]!;
    const da = k === tn ? pa * on : pa * (1 - pa);
    const db = k === tm ? pb * om : pb * (1 - pb);
    s += da * db;
    if (k !== tq) {
      const q = pa * pb;
      s += q * (qt + oq - q);
    }
  }
  return s;
}

/** S_n x = p . x - p (p . x), O(c). */
function softmaxCovarianceApply(p: Float64Array, n: number, c: number, x: Float64Array, out: Float64Array): void {
  const nc = n * c;
  let pt = 0;
  for (let k = 0; k < c; k++) pt += p[nc + k]! * x[k]!;
  for (let k = 0; k < c; k++) out[k] = p[nc + k]! * (x[k]! - pt);
}

/**
 * r^v = S(pb) with pb = diag Q - (Q + Q^T) p + \bar g (the derivative of <S, Q> through
 * p = softmax(v), dp/dv = S), plus the T1 seed d tr S/dv = S(1 - 2p) = -2Sp (S1 = 0 for the
 * softmax) applied as pb += -2 s w p. The order of operations is the one the engine had before
 * the loss table (same bits).
 */
function softmaxLogitAdjoint(
  _v: Float64Array,
  p: Float64Array,
  n: number,
  c: number,
  S: Float64Array,
  so: number,
  Q: Float64Array,
  gb: Float64Array,
  traceScale: number,
  traceWeight: number,
  pb: Float64Array,
  rv: Float64Array,
): void {
  for (let k = 0; k < c; k++) pb[k] = 0;
  if (traceScale !== 0) for (let k = 0; k < c; k++) pb[k]! += -2 * traceScale * traceWeight * p[n * c + k]!;
  for (let k = 0; k < c; k++) {
    let acc = 0;
    for (let l = 0; l < c; l++) acc += (Q[k * c + l]! + Q[l * c + k]!) * p[n * c + l]!;
    pb[k]! += Q[k * c + k]! - acc + gb[k]!;
  }
  for (let k = 0; k < c; k++) {
    let acc = 0;
    for (let l = 0; l < c; l++) acc += S[so + k * c + l]! * pb[l]!;
    rv[k] = acc;
  }
}

// ------------------------------------------------------------------ label smoothing

/**
 * Cross-entropy against t = (1 - eps) e_y + eps/c: g = p - t with g_y = eps(1 - 1/c) - sum_{k != y} p_k
 * (no p_y - 1), and l = (1 - eps)(lse - v_y) + (eps/c) sum_k (lse - v_k), every term >= 0.
 */
function labelSmoothingForward(v: Float64Array, n: number, c: number, y: number, eps: number, p: Float64Array, g: Float64Array, losses: Float64Array): void {
  const lse = softmaxRow(v, n, c, p);
  const share = eps / c;
  let others = 0;
  let spread = 0;
  for (let k = 0; k < c; k++) {
    spread += lse - v[n * c + k]!;
    if (k === y) continue;
    others += p[n * c + k]!;
    g[n * c + k] = p[n * c + k]! - share;
  }
  g[n * c + y] = eps - share - others;
  losses[n] = (1 - eps) * (lse - v[n * c + y]!) + share * spread;
}

// ------------------------------------------------------------------ mean squared error

function mseForward(v: Float64Array, n: number, c: number, y: number, _eps: number, p: Float64Array, g: Float64Array, losses: Float64Array): void {
  softmaxRow(v, n, c, p);
  let s = 0;
  for (let k = 0; k < c; k++) {
    const r = v[n * c + k]! - (k === y ? 1 : 0);
    g[n * c + k] = r;
    s += r * r;
  }
  losses[n] = 0.5 * s;
}

function identityInto(_v: Float64Array, _p: Float64Array, _n: number, c: number, S: Float64Array, o: number): void {
  for (let k = 0; k < c; k++) for (let l = 0; l < c; l++) S[o + k * c + l] = k === l ? 1 : 0;
}

// ------------------------------------------------------------------ binary cross-entropy

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}): no overflow, exact in both tails. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** \sigma(x)\sigma(-x) = e^{-|x|}/(1 + e^{-|x|})^2: the logistic curvature without 1 - \sigma. */
export function logisticCurvature(x: number): number {
  const e = Math.exp(-Math.abs(x));
  const d = 1 + e;
  return e / (d * d);
}

/** \sigma(x) for either sign without overflow. */
function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function bceForward(v: Float64Array, n: number, c: number, y: number, _eps: number, p: Float64Array, g: Float64Array, losses: Float64Array): void {
  softmaxRow(v, n, c, p);
  let s = 0;
  for (let k = 0; k < c; k++) {
    const vk = v[n * c + k]!;
    if (k === y) {
      // sigma(v) - 1 = -sigma(-v); softplus(v) - v = softplus(-v): no cancellation when v_y >> 0.
      g[n * c + k] = -logistic(-vk);
      s += softplus(-vk);
    } else {
      g[n * c + k] = logistic(vk);
      s += softplus(vk);
    }
  }
  losses[n] = s;
}

function bceInto(v: Float64Array, _p: Float64Array, n: number, c: number, S: Float64Array, o: number): void {
  for (let k = 0; k < c; k++) for (let l = 0; l < c; l++) S[o + k * c + l] = k === l ? logisticCurvature(v[n * c + k]!) : 0;
}

// ------------------------------------------------------------------ the table

const SOFTMAX_LATEX = {
  curvature: 'S = \\mathrm{diag}(p) - pp^\\top',
  third: '\\partial_v\\langle S, Q\\rangle = S\\big(\\mathrm{diag}\\,Q - (Q + Q^\\top)p\\big)',
};

const CROSS_ENTROPY: LossRule = {
  formula: 'lse(v) - v[y]',
  latex: { loss: '\\ell = \\operatorname{lse}(v) - v_y', gradient: 'g = p - y', ...SOFTMAX_LATEX },
  softmaxCurvature: true,
  diagonalCurvature: false,
  forward: (v, n, c, y, _eps, p, g, losses) => softmaxCrossEntropy(v, n, c, y, p, g, losses),
  curvature: (_v, p, n, c, S, o) => softmaxCovarianceInto(p, n, c, S, o),
  curvatureTrace: (_v, p, n, c) => softmaxCovarianceTrace(p, n, c),
  curvatureInner: (_v, p, n, m, c) => softmaxCovarianceInner(p, n, m, c),
  applyCurvature: (_v, p, n, c, x, out) => softmaxCovarianceApply(p, n, c, x, out),
  logitAdjoint: softmaxLogitAdjoint,
};

export const LOSSES: { readonly [L in Loss]: LossRule } = {
  'cross-entropy': CROSS_ENTROPY,
  mse: {
    formula: '1/2 sum_k (v[k] - [k = y])^2',
    latex: { loss: '\\ell = \\tfrac12\\|v - y\\|^2', gradient: 'g = v - y', curvature: 'S = I', third: '\\partial_v\\langle S, Q\\rangle = 0' },
    softmaxCurvature: false,
    diagonalCurvature: true,
    forward: mseForward,
    curvature: identityInto,
    curvatureTrace: (_v, _p, _n, c) => c,
    curvatureInner: (_v, _p, _n, _m, c) => c,
    applyCurvature: (_v, _p, _n, c, x, out) => {
      for (let k = 0; k < c; k++) out[k] = x[k]!;
    },
    logitAdjoint: (_v, _p, _n, c, _S, _so, _Q, gb, _s, _w, _pb, rv) => {
      for (let k = 0; k < c; k++) rv[k] = gb[k]!;
    },
  },
  'label-smoothing': {
    ...CROSS_ENTROPY,
    formula: 'lse(v) - sum_k ((1 - eps) [k = y] + eps/c) v[k]',
    latex: { loss: '\\ell = \\operatorname{lse}(v) - t^\\top v,\\ t = (1-\\epsilon)y + \\epsilon/c', gradient: 'g = p - t', ...SOFTMAX_LATEX },
    forward: labelSmoothingForward,
  },
  'binary-cross-entropy': {
    formula: 'sum_k softplus(v[k]) - [k = y] v[k]',
    latex: {
      loss: '\\ell = \\sum_k \\mathrm{softplus}(v_k) - y_kv_k',
      gradient: 'g = \\sigma(v) - y',
      curvature: 'S = \\mathrm{diag}\\big(\\sigma(v)\\odot\\sigma(-v)\\big)',
      third: '\\partial_v\\langle S, Q\\rangle = \\mathrm{diag}(Q)\\odot\\sigma(v)\\odot\\sigma(-v)\\odot\\big(\\sigma(-v) - \\sigma(v)\\big)',
    },
    softmaxCurvature: false,
    diagonalCurvature: true,
    forward: bceForward,
    curvature: bceInto,
    curvatureTrace: (v, _p, n, c) => {
      let s = 0;
      for (let k = 0; k < c; k++) s += logisticCurvature(v[n * c + k]!);
      return s;
    },
    curvatureInner: (v, _p, n, m, c) => {
      let s = 0;
      for (let k = 0; k < c; k++) s += logisticCurvature(v[n * c + k]!) * logisticCurvature(v[m * c + k]!);
      return s;
    },
    applyCurvature: (v, _p, n, c, x, out) => {
      for (let k = 0; k < c; k++) out[k] = logisticCurvature(v[n * c + k]!) * x[k]!;
    },
    logitAdjoint: (v, _p, n, c, _S, _so, Q, gb, traceScale, traceWeight, _pb, rv) => {
      // r_k = s_k (g-bar_k + (sigma(-v_k) - sigma(v_k)) (Q_kk + s w)), sigma(-v) - sigma(v) = -tanh(v/2).
      const seed = traceScale * traceWeight;
      for (let k = 0; k < c; k++) {
        const vk = v[n * c + k]!;
        rv[k] = logisticCurvature(vk) * (gb[k]! - Math.tanh(vk / 2) * (Q[k * c + k]! + seed));
      }
    },
  },
};

export const LOSS_NAMES = Object.keys(LOSSES) as Loss[];

export function isLoss(name: string): name is Loss {
  return Object.hasOwn(LOSSES, name);
}

/** Whether eps is a valid label-smoothing epsilon: finite, in the open interval (0, 1). */
export function isLabelSmoothing(eps: number): boolean {
  return Number.isFinite(eps) && eps > 0 && eps < 1;
}
