/**
 * Magnitudes of the terms the closed forms add up, before cancellation: the scale of their
 * absolute round-off (CLOSED_FORM_ROUNDOFF_UNITS eps times these). Computed from the forward
 * pass alone, independent of the implementation under test.
 *
 *   M_1 = \kappa\sum_n\Big[\|\tilde x_n\|^2\sum_i\big((\varphi'^2_{ni} + 2|\varphi'_{ni}|)\|V_{:i}\|^2 + (|\varphi''_{ni}| + 1)(|V|^\top|g_n|)_i\big) + \|\tilde z_n\|^2\Big]
 *
 * (the 2|phi'| and + 1 are the absolute eps-errors of the activation table in saturated tails)
 *
 * (the first-layer part for blocks all/first, the second-layer part for all/second) bounds
 * sum_i |lambda_i| up to a constant, and M_1^2 bounds the terms of T2 = ||H||_F^2.
 */
import { deepDenseHessian, deepForwardPass, forwardPass, lossOf, reductionScale, wolkowiczStyanBounds, type DeepVariant, type LayeredModel, type Variant, type Dataset, type Loss, type Model } from '@hsr/numeric';

/**
 * Bounds on tr S_n per loss, from the definitions: the softmax covariance has tr S = 1 - ||p||^2 < 1,
 * BCE sum_k sigma(v_k)sigma(-v_k) <= c/4, mse tr I = c. (Every entry of S_n is at most 1 in
 * size for all four, which the first-layer part relies on.)
 */
const CURVATURE_TRACE_BOUND: { readonly [L in Loss]: (c: number) => number } = {
  'cross-entropy': () => 1,
  'label-smoothing': () => 1,
  mse: (c) => c,
  'binary-cross-entropy': (c) => c / 4,
};
import { CLOSED_FORM_ROUNDOFF_UNITS, EPS } from './tolerances.ts';

/**
 * `asWritten`: also allow for activations evaluated from their defining formulas without
 * stabilisation (the symbolic leg's compiled 0.5 u (1 + erf(u/sqrt 2)), log(1 + e^u), ...),
 * which know phi(u) only to an absolute eps (1 + |u|) where it cancels: |z_nl| is replaced by
 * |z_nl| + 1 + |u_nl| wherever a hidden activation enters.
 */
export interface MagnitudeOptions {
  asWritten?: boolean;
}

/** |z~_nl| or, as written, |z~_nl| + 1 + |u_nl| for the hidden (non-bias) entries. */
function hiddenMagnitude(fp: ReturnType<typeof forwardPass>, n: number, l: number, asWritten: boolean): number {
  const { hiddenDim: h, augmentedHiddenDim: ht } = fp;
  const z = Math.abs(fp.zt[n * ht + l]!);
  return asWritten && l < h ? z + 1 + Math.abs(fp.u[n * h + l]!) : z;
}

export function traceMagnitudes(model: Model, data: Dataset, variant: Variant, options: MagnitudeOptions = {}): { traceH: number; traceH2: number } {
  const fp = forwardPass(model, data);
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht } = fp;
  let m1 = 0;
  const traceS = Math.max(1, CURVATURE_TRACE_BOUND[lossOf(model)](c));
  for (let n = 0; n < N; n++) {
    if (variant.block !== 'second') {
      let xx = 0;
      for (let j = 0; j < dt; j++) xx += fp.xt[n * dt + j]! ** 2;
      let a = 0;
      for (let i = 0; i < h; i++) {
        let vv = 0;
        let vg = 0;
        for (let k = 0; k < c; k++) {
          vv += model.V[k * h + i]! ** 2;
          vg += Math.abs(model.V[k * h + i]!) * Math.abs(fp.g[n * c + k]!);
        }
        // phi', phi'' carry absolute (not relative) errors of a few eps where they cancel against 1
        // in the tails (see gradientMagnitudes), hence |phi'|^2 + 2|phi'| and |phi''| + 1.
        const d1 = Math.abs(fp.d1[n * h + i]!);
        a += (d1 * d1 + 2 * d1) * vv + (Math.abs(fp.d2[n * h + i]!) + 1) * vg;
      }
      m1 += xx * a;
    }
    if (variant.block !== 'first') {
      let zz = 0;
      for (let l = 0; l < ht; l++) zz += hiddenMagnitude(fp, n, l, options.asWritten ?? false) ** 2;
      m1 += traceS * zz;
    }
  }
  m1 *= reductionScale(variant.reduction, N);
  return { traceH: m1, traceH2: m1 * m1 };
}

/** Absolute round-off floors of closed-form T1 and T2 for a case. */
export function traceRoundoff(model: Model, data: Dataset, variant: Variant, options: MagnitudeOptions = {}): { traceH: number; traceH2: number } {
  const m = traceMagnitudes(model, data, variant, options);
  return { traceH: CLOSED_FORM_ROUNDOFF_UNITS * EPS * m.traceH, traceH2: CLOSED_FORM_ROUNDOFF_UNITS * EPS * m.traceH2 };
}

/**
 * Absolute error of the WS bounds caused by errors d1, d2 in T1, T2 (and by the cancellation
 * in s^2 = T2/P - m^2): dm + sqrt(2P) ds with
 * d(s^2) = d2/P + 2|m| d1/P + 4 eps (|T2|/P + m^2) and ds = d(s^2) / (s + sqrt(d(s^2))).
 */
export function boundRoundoff(traceH: number, traceH2: number, P: number, d1: number, d2: number): number {
  const b = wolkowiczStyanBounds(traceH, traceH2, P);
  const m = b.mean;
  const ds2 = d2 / P + (2 * Math.abs(m) * d1) / P + 4 * EPS * (Math.abs(traceH2) / P + m * m);
  const ds = ds2 > 0 ? ds2 / (b.spread + Math.sqrt(ds2)) : 0;
  return d1 / P + Math.sqrt(2 * P) * ds;
}

/**
 * Per-component magnitude of the loss gradient's terms (|g_nk| <= 1 but for mse, whose
 * g = v - y is bounded by G_n = max(1, max_k |g_nk|), a factor of every term below):
 * |dL/dV_kl| terms <= kappa sum_n |z~_nl|, |dL/dW_ij| terms <= kappa sum_n |x~_nj| (|phi'_ni| + 1) sum_k |V_ki|.
 * The "+ 1": numeric's phi' carries an absolute error of a few eps where it cancels against 1
 * (tanh' = 1 - t^2, sigmoid' = s(1 - s) for u >> 0), so a saturated unit's gradient is only
 * known to eps |x| |V| absolutely, not to eps relative to its own e^{-|u|} size.
 * And of the loss itself: kappa sum_n 2 max_k |v_nk| (lse - v_y cancels when p_y -> 1).
 */
export function gradientMagnitudes(model: Model, data: Dataset, reduction: Variant['reduction'], options: MagnitudeOptions = {}): { loss: number; gradient: Float64Array } {
  const fp = forwardPass(model, data);
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht } = fp;
  const kappa = reductionScale(reduction, N);
  const out = new Float64Array(h * dt + c * ht);
  let loss = 0;
  const name = lossOf(model);
  for (let n = 0; n < N; n++) {
    let vmax = 0;
    let gmax = 1;
    let squares = 0;
    for (let k = 0; k < c; k++) {
      vmax = Math.max(vmax, Math.abs(fp.v[n * c + k]!));
      gmax = Math.max(gmax, Math.abs(fp.g[n * c + k]!));
      squares += fp.g[n * c + k]! ** 2;
    }
    // mse's loss is a sum of squares and BCE's a sum of c softplus terms (no cancellation, but
    // of size ||g||^2 and sum_k |v_k|, not max |v|).
    loss += name === 'mse' ? squares + 1 : name === 'binary-cross-entropy' ? c * (vmax + 1) : 2 * vmax + 1;
    for (let i = 0; i < h; i++) {
      let vs = 0;
      for (let k = 0; k < c; k++) vs += Math.abs(model.V[k * h + i]!);
      const q = (Math.abs(fp.d1[n * h + i]!) + 1) * vs * gmax;
      for (let j = 0; j < dt; j++) out[i * dt + j]! += kappa * q * Math.abs(fp.xt[n * dt + j]!);
    }
    for (let k = 0; k < c; k++) for (let l = 0; l < ht; l++) out[h * dt + k * ht + l]! += kappa * gmax * hiddenMagnitude(fp, n, l, options.asWritten ?? false);
    if (options.asWritten) for (let l = 0; l < h; l++) for (let k = 0; k < c; k++) loss += Math.abs(model.V[k * h + l]!) * (1 + Math.abs(fp.u[n * h + l]!));
  }
  return { loss: kappa * loss, gradient: out };
}

/**
 * Absolute round-off floors of a layered model's closed-form T1, T2: CLOSED_FORM_ROUNDOFF_UNITS
 * eps M and eps M^2, as traceRoundoff, plus CLOSED_FORM_ROUNDOFF_UNITS 2^-1022 for underflow
 * (below the smallest normal double a product is only known absolutely). M = sum_ij |H_ij|
 * (>= sum_i |lambda_i| and every diagonal term; M^2 bounds every term of T2), the larger of the
 * dense block H at the case and of the same network's block in the unsaturated regime: the mse
 * loss (S_n = I; every entry of S_n is at most 1 for all four losses; g_n = v_n - y_n) over a
 * forward pass whose activation tables are |phi^(k)| + 1. Those are the allowances traceMagnitudes
 * makes: where an output saturates S_n ~ e^{-|v|} is computed with absolute errors of eps times
 * the unsaturated terms, and where a hidden unit saturates phi' = 1 - t^2 carries an absolute
 * error of a few eps, so the floor stays at eps times the terms' unsaturated size instead of
 * shrinking with H. Unlike traceMagnitudes it measures entries of a Hessian, not the terms
 * before cancellation inside Lambda^l = D Q D + diag(t phi''); measured: the layered
 * properties hold on the default arbitrary's weight scales 1e-4 to 10
 * (test/layeredProperties*.test.ts).
 */
export function layeredTraceRoundoff(model: LayeredModel, data: Dataset, variant: DeepVariant, H: { size: number; data: Float64Array } = deepDenseHessian(model, data, variant)): { traceH: number; traceH2: number } {
  const sumAbs = (m: { data: Float64Array }) => m.data.reduce((s, x) => s + Math.abs(x), 0);
  const mse: LayeredModel = { activations: model.activations, layers: model.layers, loss: 'mse' };
  const fp = deepForwardPass(mse, data);
  const widened = (tables: readonly Float64Array[]) => tables.map((t) => Float64Array.from(t, (x) => Math.abs(x) + 1));
  const unsaturated = deepDenseHessian(mse, data, variant, { ...fp, d1: widened(fp.d1), d2: widened(fp.d2), d3: widened(fp.d3) });
  const m = Math.max(sumAbs(H), sumAbs(unsaturated));
  const underflow = CLOSED_FORM_ROUNDOFF_UNITS * 2 ** -1022;
  return { traceH: CLOSED_FORM_ROUNDOFF_UNITS * EPS * m + underflow, traceH2: CLOSED_FORM_ROUNDOFF_UNITS * EPS * m * m + underflow };
}

/**
 * A bound on the size of a layered model's loss terms, the scale of its absolute round-off:
 * kappa sum_n c (max_k |v_nk| + 1)^2, which bounds every loss's per-sample value before the
 * cancellation in it (cross-entropy and label smoothing: lse - v_y <= 2 max|v| + log c; BCE:
 * sum_k softplus(+-v_k) <= c (max|v| + 1); mse: ||v - y||^2 / 2 <= c (max|v| + 1)^2). A
 * derivative's round-off is this over the coordinate's length scale (layeredParameterSteps).
 */
export function layeredLossMagnitude(model: LayeredModel, data: Dataset, reduction: Variant['reduction']): number {
  const fp = deepForwardPass(model, data);
  const c = model.layers[model.layers.length - 1]!.outputs;
  let s = 0;
  for (let n = 0; n < fp.samples; n++) {
    let vmax = 0;
    for (let k = 0; k < c; k++) vmax = Math.max(vmax, Math.abs(fp.v[n * c + k]!));
    s += c * (vmax + 1) ** 2;
  }
  return reductionScale(reduction, fp.samples) * s;
}
