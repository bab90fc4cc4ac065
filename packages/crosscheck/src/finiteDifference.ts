/**
 * Five-point central differences, the oracle that needs no formula at all:
 *
 *   \partial_j f(\theta) \approx \frac{f(\theta-2h e_j) - 8f(\theta-h e_j) + 8f(\theta+h e_j) - f(\theta+2h e_j)}{12h},
 *
 * truncation h^4 f^{(5)}/30, round-off ~ (3/2) eps |f| / h (see FIVE_POINT_STEP). The step
 * actually taken is (t + h) - t, so the representation error of t + h does not leak in.
 * Cost: 4 evaluations of f per coordinate.
 */
import { augmentedLayerInputs, deepForwardPass, forwardPass, layeredParameterCount, type Dataset, type LayeredModel, type Model } from '@hsr/numeric';
import { EPS, FINITE_DIFFERENCE_ROUNDOFF_UNITS, FIVE_POINT_STEP } from './tolerances.ts';

export interface FiniteDifference {
  /** One row per output component, one column per coordinate: out x n, row-major. */
  readonly jacobian: Float64Array;
  readonly outputs: number;
  readonly inputs: number;
  /**
   * Absolute round-off of each Jacobian entry, out x n: (3/2) max(64 eps max|f_i|, valueError_i) / h_j,
   * the stencil's weights (18/12) times the evaluation error of f over the step.
   */
  readonly roundoff: Float64Array;
}

export interface StencilOptions {
  /** One step for every coordinate (default FIVE_POINT_STEP), or one per coordinate. */
  step?: number | ArrayLike<number>;
  /** Only these coordinates (default all); other columns stay 0. */
  coordinates?: ArrayLike<number>;
  /** Absolute evaluation error of each output of f when larger than 64 eps |f| (cancellation in f). */
  valueError?: ArrayLike<number>;
}

/**
 * The Jacobian of a vector function f: R^n -> R^m by five-point differences.
 */
export function fivePointJacobian(f: (theta: Float64Array) => ArrayLike<number>, theta: ArrayLike<number>, options: StencilOptions = {}): FiniteDifference {
  const n = theta.length;
  const stepAt = (j: number): number => (options.step === undefined ? FIVE_POINT_STEP : typeof options.step === 'number' ? options.step : options.step[j]!);
  const base = Float64Array.from(theta);
  const f0 = f(base);
  const m = f0.length;
  const jac = new Float64Array(m * n);
  const steps = new Float64Array(n);
  const fmax = Float64Array.from(f0, Math.abs);
  const coords = options.coordinates ?? Array.from({ length: n }, (_, j) => j);
  const x = Float64Array.from(base);
  const at = (j: number, t: number): ArrayLike<number> => {
    x[j] = t;
    const out = Array.from(f(x));
    for (let i = 0; i < m; i++) fmax[i] = Math.max(fmax[i]!, Math.abs(out[i]!));
    return out;
  };
  for (let q = 0; q < coords.length; q++) {
    const j = coords[q]!;
    const t = base[j]!;
    const h = t + stepAt(j) - t;
    steps[j] = h;
    const p1 = at(j, t + h);
    const m1 = at(j, t - h);
    const p2 = at(j, t + 2 * h);
    const m2 = at(j, t - 2 * h);
    x[j] = t;
    for (let i = 0; i < m; i++) jac[i * n + j] = (m2[i]! - 8 * m1[i]! + 8 * p1[i]! - p2[i]!) / (12 * h);
  }
  const roundoff = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const err = Math.max(FINITE_DIFFERENCE_ROUNDOFF_UNITS * EPS * fmax[i]!, options.valueError?.[i] ?? 0);
    for (let j = 0; j < n; j++) roundoff[i * n + j] = steps[j]! > 0 ? (1.5 * err) / steps[j]! : 0;
  }
  return { jacobian: jac, outputs: m, inputs: n, roundoff };
}

/**
 * Steps per theta coordinate that resolve the function's own length scales. Two of them:
 *  - rate: the loss and the traces vary in u and v on scale ~1 (for every activation here);
 *    u moves by x~_j per unit of W_ij, v by V_ki phi'(u_i) x~_j per unit of W_ij and by
 *    z~_l per unit of V_kl;
 *  - size: near-zero weights make the traces nearly homogeneous polynomials in that layer
 *    (T2 ~ |W|^4 at W ~ 1e-4), whose derivative ~|W|^3 is swamped by a stencil wider than
 *    |W| (h^4 f^(5) ~ h^4 vs f' ~ |W|^3); the step must stay below the layer's RMS weight.
 *   h(W_ij) = 2^-10 min(1 / max(1, max_n |x~_nj| max(1, max_k |V_ki|)), rms(W, b)),
 *   h(V_kl) = 2^-10 min(1 / max(1, max_n |z~_nl|), rms(V, a)),
 * which keeps the truncation (h rate)^4 / 30 near 3e-14 relative, for saturating V ~ 10 on
 * inputs ~ 9 and for 1e-4 weights alike. The round-off floor grows as 1/h and is reported.
 */
export function parameterSteps(model: Model, data: Dataset): Float64Array {
  const fp = forwardPass(model, data);
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht } = fp;
  const rms = (xs: ArrayLike<number>[]): number => {
    let s = 0;
    let n = 0;
    for (const x of xs) for (let i = 0; i < x.length; i++, n++) s += x[i]! ** 2;
    return Math.max(Math.sqrt(s / Math.max(n, 1)), 2 ** -30);
  };
  const size1 = Math.min(1, rms(model.b ? [model.W, model.b] : [model.W]));
  const size2 = Math.min(1, rms(model.a ? [model.V, model.a] : [model.V]));
  const steps = new Float64Array(h * dt + c * ht);
  for (let i = 0; i < h; i++) {
    let vmax = 1;
    for (let k = 0; k < c; k++) vmax = Math.max(vmax, Math.abs(model.V[k * h + i]!));
    for (let j = 0; j < dt; j++) {
      let xmax = 0;
      for (let n = 0; n < N; n++) xmax = Math.max(xmax, Math.abs(fp.xt[n * dt + j]!));
      steps[i * dt + j] = FIVE_POINT_STEP * Math.min(1 / Math.max(1, xmax * vmax), size1);
    }
  }
  for (let k = 0; k < c; k++)
    for (let l = 0; l < ht; l++) {
      let zmax = 0;
      for (let n = 0; n < N; n++) zmax = Math.max(zmax, Math.abs(fp.zt[n * ht + l]!));
      steps[h * dt + k * ht + l] = FIVE_POINT_STEP * Math.min(1 / Math.max(1, zmax), size2);
    }
  return steps;
}

/**
 * parameterSteps for a layered model: layer l's W_ij moves u^l_i by a~^l_nj per unit, and the
 * logits by at most that times prod_{k>l} max(1, max |W_k|) (the activations' slopes are <= ~1.1), so
 *   h(W^l_ij) = 2^-10 min(1 / max(1, max_n |a~^l_nj| prod_{k>l} max(1, max |W_k|)), rms(W_l, b_l)),
 * the two-layer rule with the product of the downstream weights in place of max |V_ki|.
 */
export function layeredParameterSteps(model: LayeredModel, data: Dataset): Float64Array {
  const fp = deepForwardPass(model, data);
  const L = model.layers.length;
  const steps = new Float64Array(layeredParameterCount(model));
  const downstream = new Float64Array(L + 1).fill(1);
  for (let l = L - 1; l >= 0; l--) {
    let wmax = 1;
    for (const w of model.layers[l]!.W) wmax = Math.max(wmax, Math.abs(w));
    downstream[l] = downstream[l + 1]! * wmax;
  }
  let o = 0;
  for (let l = 0; l < L; l++) {
    const { W, b, outputs: m } = model.layers[l]!;
    const nt = augmentedLayerInputs(model, l);
    let sq = 0;
    for (const w of W) sq += w * w;
    if (b) for (const w of b) sq += w * w;
    const size = Math.min(1, Math.max(Math.sqrt(sq / (W.length + (b?.length ?? 0))), 2 ** -30));
    const a = fp.inputs[l]!;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < nt; j++) {
        let amax = 0;
        for (let n = 0; n < fp.samples; n++) amax = Math.max(amax, Math.abs(a[n * nt + j]!));
        steps[o++] = FIVE_POINT_STEP * Math.min(1 / Math.max(1, amax * downstream[l + 1]!), size);
      }
  }
  return steps;
}

/** The gradient of a scalar function by five-point differences; `roundoff` is its absolute floor per coordinate. */
export function fivePointGradient(f: (theta: Float64Array) => number, theta: ArrayLike<number>, options: StencilOptions = {}): { gradient: Float64Array; roundoff: Float64Array } {
  const fd = fivePointJacobian((t) => [f(t)], theta, options);
  return { gradient: fd.jacobian, roundoff: fd.roundoff };
}
