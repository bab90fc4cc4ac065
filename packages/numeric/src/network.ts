/**
 * The forward pass of docs/mathematics.md §1 and the per-sample quantities every closed form is built
 * from (eq:loss):
 *
 *   u_n = W x_n + b,  z_n = \varphi(u_n),  v_n = V z_n + a,  p_n = \mathrm{softmax}(v_n),
 *   L = \frac{1}{N}\sum_n \ell(v_n, y_n)   (or the sum),
 *
 * with \ell the model's loss (losses.ts; cross-entropy \operatorname{lse}(v_n) - v_{n,y_n} by default).
 * The log-sum-exp is shifted by the largest logit, so the loss is finite for any finite
 * logits and p_n never overflows; g_n is formed without 1 - p_y (losses.ts). Verified by
 * `loss-gradient-vs-central-difference` and the PyTorch golden fixtures (every loss).
 */
import { ACTIVATIONS } from './activations.ts';
import { LOSSES } from './losses.ts';
import { augmentedHiddenDim, augmentedInputDim, firstLayerSize } from './parameters.ts';
import { labelSmoothingOf, lossOf, type Dataset, type Model, type Reduction } from './types.ts';

/** Everything the traces and gradients need about each sample, computed once: O(N(hd + ch)). */
export interface ForwardPass {
  readonly samples: number;
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly classes: number;
  /** d~ and h~: widths of the augmented rows (d + 1, h + 1 with biases). */
  readonly augmentedInputDim: number;
  readonly augmentedHiddenDim: number;
  /** N x d~ augmented inputs [x_n; 1]. */
  readonly xt: Float64Array;
  /** N x h pre-activations u_n. */
  readonly u: Float64Array;
  /** N x h~ augmented hidden activations [z_n; 1]. */
  readonly zt: Float64Array;
  /** N x h: phi'(u_n), phi''(u_n), phi'''(u_n). */
  readonly d1: Float64Array;
  readonly d2: Float64Array;
  readonly d3: Float64Array;
  /** N x c logits, softmax probabilities (for every loss: the prediction's confidence), and g_n = d l/d v_n (p_n - y_n for cross-entropy). */
  readonly v: Float64Array;
  readonly p: Float64Array;
  readonly g: Float64Array;
  /** N per-sample losses l(v_n, y_n) (lse(v_n) - v_{n,y_n} for cross-entropy). */
  readonly losses: Float64Array;
}

/**
 * The model's loss as a row function (v, n, c, y, p, g, losses): p_n = softmax(v_n), g_n and l_n of
 * sample n (losses.ts), with the loss and its epsilon resolved once, outside the sample loop.
 */
export function lossForward(model: Model): (v: Float64Array, n: number, c: number, y: number, p: Float64Array, g: Float64Array, losses: Float64Array) => void {
  const rule = LOSSES[lossOf(model)];
  const eps = labelSmoothingOf(model);
  return (v, n, c, y, p, g, losses) => rule.forward(v, n, c, y, eps, p, g, losses);
}

/** Run the network over every sample. Cost O(N(hd + ch)). */
export function forwardPass(model: Model, data: Dataset): ForwardPass {
  const { inputDim: d, hiddenDim: h, classes: c } = model;
  const N = data.samples;
  if (data.features !== d) throw new RangeError(`data has ${data.features} features, model expects ${d}`);
  const dt = augmentedInputDim(model);
  const ht = augmentedHiddenDim(model);
  const act = ACTIVATIONS[model.activation];
  const forwardLoss = lossForward(model);
  const xt = new Float64Array(N * dt);
  const u = new Float64Array(N * h);
  const zt = new Float64Array(N * ht);
  const d1 = new Float64Array(N * h);
  const d2 = new Float64Array(N * h);
  const d3 = new Float64Array(N * h);
  const v = new Float64Array(N * c);
  const p = new Float64Array(N * c);
  const g = new Float64Array(N * c);
  const losses = new Float64Array(N);
  const { W, b, V, a } = model;
  for (let n = 0; n < N; n++) {
    const xo = n * d;
    for (let j = 0; j < d; j++) xt[n * dt + j] = data.X[xo + j]!;
    if (b) xt[n * dt + d] = 1;
    for (let i = 0; i < h; i++) {
      let s = b ? b[i]! : 0;
      for (let j = 0; j < d; j++) s += W[i * d + j]! * data.X[xo + j]!;
      u[n * h + i] = s;
      const [phi, phi1, phi2, phi3] = act.all(s);
      zt[n * ht + i] = phi;
      d1[n * h + i] = phi1;
      d2[n * h + i] = phi2;
      d3[n * h + i] = phi3;
    }
    if (a) zt[n * ht + h] = 1;
    for (let k = 0; k < c; k++) {
      let s = a ? a[k]! : 0;
      for (let l = 0; l < h; l++) s += V[k * h + l]! * zt[n * ht + l]!;
      v[n * c + k] = s;
    }
    forwardLoss(v, n, c, data.y[n]!, p, g, losses);
  }
  return { samples: N, inputDim: d, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht, xt, u, zt, d1, d2, d3, v, p, g, losses };
}

export { softmaxCrossEntropy } from './losses.ts';

/** 1/N for the mean, 1 for the sum: the factor in front of every per-sample sum. */
export function reductionScale(reduction: Reduction, samples: number): number {
  return reduction === 'mean' ? 1 / samples : 1;
}

/** The model's loss L (eq:loss), mean or sum over samples. */
export function loss(model: Model, data: Dataset, reduction: Reduction = 'mean'): number {
  const fp = forwardPass(model, data);
  let s = 0;
  for (let n = 0; n < fp.samples; n++) s += fp.losses[n]!;
  return s * reductionScale(reduction, fp.samples);
}

/**
 * Loss and its gradient in theta order (eq:loss-gradient), by backpropagation:
 * \partial_{\tilde V} L = \kappa\sum_n g_n \tilde z_n^\top,\ \
 * q_n = \varphi'(u_n)\odot V^\top g_n,\ \ \partial_{\tilde W} L = \kappa\sum_n q_n \tilde x_n^\top
 * with kappa = 1/N (mean) or 1 (sum). Cost O(N(hd + ch)).
 * Verified by `loss-gradient-vs-central-difference`, the autodiff oracle and golden fixtures.
 */
export function lossGradient(model: Model, data: Dataset, reduction: Reduction = 'mean', fp: ForwardPass = forwardPass(model, data)): { loss: number; gradient: Float64Array } {
  const { hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht, samples: N } = fp;
  const kappa = reductionScale(reduction, N);
  const grad = new Float64Array(firstLayerSize(model) + c * ht);
  const off = h * dt;
  const q = new Float64Array(h);
  let total = 0;
  for (let n = 0; n < N; n++) {
    total += fp.losses[n]!;
    for (let k = 0; k < c; k++) {
      const gk = fp.g[n * c + k]! * kappa;
      for (let l = 0; l < ht; l++) grad[off + k * ht + l]! += gk * fp.zt[n * ht + l]!;
    }
    for (let i = 0; i < h; i++) {
      let s = 0;
      for (let k = 0; k < c; k++) s += model.V[k * h + i]! * fp.g[n * c + k]!;
      q[i] = s * fp.d1[n * h + i]! * kappa;
    }
    for (let i = 0; i < h; i++) {
      const qi = q[i]!;
      for (let j = 0; j < dt; j++) grad[i * dt + j]! += qi * fp.xt[n * dt + j]!;
    }
  }
  return { loss: total * kappa, gradient: grad };
}

/** Fraction of samples whose largest-probability class is the label. */
export function accuracy(model: Model, data: Dataset, fp: ForwardPass = forwardPass(model, data)): number {
  const c = fp.classes;
  let correct = 0;
  for (let n = 0; n < fp.samples; n++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (fp.v[n * c + k]! > fp.v[n * c + best]!) best = k;
    if (best === data.y[n]) correct++;
  }
  return correct / fp.samples;
}
