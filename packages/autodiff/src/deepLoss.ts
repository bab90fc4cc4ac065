/**
 * The loss of an MLP of any depth (docs/mathematics.md §9), written once over a generic
 * number type, the definition the deep oracle differentiates:
 *
 *   a^0_n = x_n,\quad u^l_n = W_l a^l_n + b_l,\quad a^{l+1}_n = \varphi_l(u^l_n),\quad v_n = u^{L-1}_n,\quad
 *   L = \kappa\sum_n \ell(v_n, y_n),
 *
 * with the model's loss from its definition (loss.ts's LOSS_DEFINITIONS: cross-entropy with the
 * shift mu_n a constant, label smoothing, mse, binary cross-entropy), as in loss.ts. Parameters come in as theta in the layered
 * contract order of `@hsr/numeric`'s deep/model.ts, theta = (vec_row [W_0|b_0], ...,
 * vec_row [W_{L-1}|b_{L-1}]); `layeredParametersOf` re-derives that layout here and
 * `deepOracle.test.ts` checks it against the layers `flattenLayered` read. No formula of numeric's is used.
 * With `linearizeLogits` the logits are truncated to first order (Gauss–Newton), as in loss.ts.
 * Cost O(N P) algebra operations.
 */
import { DEFAULT_LABEL_SMOOTHING, DEFAULT_LOSS, type Dataset, type LayeredModel } from '@hsr/numeric';
import { activationOver } from './activations.ts';
import type { Algebra } from './algebra.ts';
import { LOSS_DEFINITIONS, type LossOptions } from './loss.ts';

/** W_l (outputs x inputs, row-major) and b_l (or null) of every layer, as generic numbers. */
export interface GenericLayer<T> {
  readonly W: T[];
  readonly b: T[] | null;
}

/** Split theta into the layers' W and b, following the layered flattening contract. */
export function layeredParametersOf<T>(model: LayeredModel, theta: readonly T[]): GenericLayer<T>[] {
  let o = 0;
  const layers = model.layers.map((layer) => {
    const W: T[] = [];
    const b: T[] | null = layer.b ? [] : null;
    for (let i = 0; i < layer.outputs; i++) {
      for (let j = 0; j < layer.inputs; j++) W.push(theta[o++]!);
      if (b) b.push(theta[o++]!);
    }
    return { W, b };
  });
  if (o !== theta.length) throw new RangeError(`theta has length ${theta.length}, expected ${o}`);
  return layers;
}

/** The logits of sample n. */
export function deepLogitsOver<T>(A: Algebra<T>, model: LayeredModel, params: readonly GenericLayer<T>[], data: Dataset, n: number): T[] {
  const d = model.layers[0]!.inputs;
  // The previous layer's activations; none before layer 0, which reads x_n as plain numbers.
  let a: T[] | undefined;
  const L = model.layers.length;
  for (let l = 0; l < L; l++) {
    const { inputs, outputs } = model.layers[l]!;
    const { W, b } = params[l]!;
    const u: T[] = [];
    for (let i = 0; i < outputs; i++) {
      const terms: T[] = [];
      for (let j = 0; j < inputs; j++) terms.push(a === undefined ? A.scale(W[i * inputs + j]!, data.X[n * d + j]!) : A.mul(W[i * inputs + j]!, a[j]!));
      if (b) terms.push(b[i]!);
      u.push(A.sum(terms));
    }
    a = l === L - 1 ? u : u.map((ui) => activationOver(A, model.activations[l]!, ui));
  }
  return a!;
}

/** L(theta) of a layered model over any algebra. */
export function deepLossOver<T>(A: Algebra<T>, model: LayeredModel, theta: readonly T[], data: Dataset, options: LossOptions): T {
  const d = model.layers[0]!.inputs;
  const c = model.layers[model.layers.length - 1]!.outputs;
  if (data.features !== d) throw new RangeError(`data has ${data.features} features, model expects ${d}`);
  const params = layeredParametersOf(model, theta);
  const definition = LOSS_DEFINITIONS[model.loss ?? DEFAULT_LOSS];
  const eps = model.labelSmoothing ?? DEFAULT_LABEL_SMOOTHING;
  const losses: T[] = [];
  for (let n = 0; n < data.samples; n++) {
    const label = data.y[n]!;
    if (!(label >= 0 && label < c)) throw new RangeError(`label ${label} of sample ${n} is outside 0..${c - 1}`);
    let v = deepLogitsOver(A, model, params, data, n);
    if (options.linearizeLogits) v = v.map((vk) => A.linearize(vk));
    losses.push(definition(A, v, label, eps));
  }
  const total = A.sum(losses);
  return options.reduction === 'mean' ? A.scale(total, 1 / data.samples) : total;
}
