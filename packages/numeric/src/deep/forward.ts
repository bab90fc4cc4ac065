/**
 * The forward pass of an MLP of any depth, its loss and the loss gradient by backpropagation
 * (docs/mathematics.md §9, eq:deep-forward, eq:deep-loss-gradient):
 *
 *   u^l_n = \tilde W_l\tilde a^l_n,\quad \tilde a^{l+1}_n = [\varphi_l(u^l_n); 1],\quad v_n = u^{L-1}_n,\quad
 *   L = \kappa\sum_n \ell(v_n),
 *   \delta^{L-1}_n = g_n,\quad \delta^l_n = \varphi_l'(u^l_n)\odot W_{l+1}^\top\delta^{l+1}_n,\quad
 *   \partial_{\tilde W_l}L = \kappa\sum_n \delta^l_n(\tilde a^l_n)^\top,
 *
 * kappa = 1/N (mean) or 1 (sum); the loss enters only through `OutputLoss` (outputLoss.ts).
 * Cost O(N P) for the forward pass and the same for the gradient, every layer one gemm.
 * Verified by `deep/forward.test.ts` (L = 2 against network.ts's loss and lossGradient, any
 * depth against the autodiff oracle's deep loss and gradient).
 */
import { ACTIVATIONS } from '../activations.ts';
import { reductionScale } from '../network.ts';
import type { Dataset, Reduction } from '../types.ts';
import { augmentedLayerInputs, depthOf, layeredParameterCount, layerOffset, type LayeredModel } from './model.ts';
import { type OutputLoss, type OutputLossValues, outputLossOf } from './outputLoss.ts';
import { matmul, transpose } from './tensor.ts';

export interface DeepForwardPass {
  readonly samples: number;
  readonly depth: number;
  /** inputs[l]: N x (n_l + bias), the augmented input \tilde a^l of layer l (inputs[0] = [X | 1]). */
  readonly inputs: readonly Float64Array[];
  /** For hidden layer l (0..L-2), N x n_{l+1}: phi_l', phi_l'', phi_l''' at u^l. */
  readonly d1: readonly Float64Array[];
  readonly d2: readonly Float64Array[];
  readonly d3: readonly Float64Array[];
  /** N x c logits. */
  readonly v: Float64Array;
  readonly loss: OutputLossValues;
  /** The loss those values are of (the model's, outputLossOf); every later step reads S_n and its derivatives through it. */
  readonly outputLoss: OutputLoss;
}

/** \tilde W_l^T as an (n_l + bias) x n_{l+1} matrix, the right operand of A~ W~^T. */
export function augmentedWeightsTransposed(model: LayeredModel, l: number): Float64Array {
  const layer = model.layers[l]!;
  const n = layer.inputs;
  const nt = augmentedLayerInputs(model, l);
  const m = layer.outputs;
  const T = new Float64Array(nt * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) T[j * m + i] = layer.W[i * n + j]!;
    if (layer.b) T[n * m + i] = layer.b[i]!;
  }
  return T;
}

/** Run the network over every sample. Cost O(N P). */
export function deepForwardPass(model: LayeredModel, data: Dataset, loss: OutputLoss = outputLossOf(model)): DeepForwardPass {
  const L = depthOf(model);
  const N = data.samples;
  const d = model.layers[0]!.inputs;
  if (data.features !== d) throw new RangeError(`data has ${data.features} features, model expects ${d}`);
  const bias = model.layers[0]!.b !== null;
  const inputs: Float64Array[] = [];
  const d1: Float64Array[] = [];
  const d2: Float64Array[] = [];
  const d3: Float64Array[] = [];
  const dt = d + (bias ? 1 : 0);
  const x = new Float64Array(N * dt);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < d; j++) x[n * dt + j] = data.X[n * d + j]!;
    if (bias) x[n * dt + d] = 1;
  }
  inputs.push(x);
  let v: Float64Array = new Float64Array(0);
  for (let l = 0; l < L; l++) {
    const nt = augmentedLayerInputs(model, l);
    const m = model.layers[l]!.outputs;
    const u = matmul(inputs[l]!, augmentedWeightsTransposed(model, l), N, nt, m);
    if (l === L - 1) {
      v = u;
      break;
    }
    const act = ACTIVATIONS[model.activations[l]!];
    const mt = m + (bias ? 1 : 0);
    const next = new Float64Array(N * mt);
    const e1 = new Float64Array(N * m);
    const e2 = new Float64Array(N * m);
    const e3 = new Float64Array(N * m);
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < m; i++) {
        const [phi, p1, p2, p3] = act.all(u[n * m + i]!);
        next[n * mt + i] = phi;
        e1[n * m + i] = p1;
        e2[n * m + i] = p2;
        e3[n * m + i] = p3;
      }
      if (bias) next[n * mt + m] = 1;
    }
    inputs.push(next);
    d1.push(e1);
    d2.push(e2);
    d3.push(e3);
  }
  const c = model.layers[L - 1]!.outputs;
  return { samples: N, depth: L, inputs, d1, d2, d3, v, loss: loss.evaluate(v, data.y, N, c), outputLoss: loss };
}

/** The loss L = kappa sum_n l(v_n). */
export function deepLoss(model: LayeredModel, data: Dataset, reduction: Reduction = 'mean'): number {
  const fp = deepForwardPass(model, data);
  let s = 0;
  for (let n = 0; n < fp.samples; n++) s += fp.loss.losses[n]!;
  return s * reductionScale(reduction, fp.samples);
}

/**
 * The backpropagated N x n_{l+1} matrices \delta^l (rows \delta^l_n = \partial(\rho_n^\top v_n)/\partial u^l_n)
 * for per-sample output weights rho (N x c): \delta^{L-1} = \rho, \delta^l = \varphi_l'\odot\delta^{l+1}W_{l+1}.
 * O(N P).
 */
export function backpropagate(model: LayeredModel, fp: DeepForwardPass, rho: Float64Array): Float64Array[] {
  const L = fp.depth;
  const N = fp.samples;
  const deltas = new Array<Float64Array>(L);
  deltas[L - 1] = rho;
  for (let l = L - 2; l >= 0; l--) {
    const next = model.layers[l + 1]!;
    const m = next.inputs;
    const back = matmul(deltas[l + 1]!, next.W, N, next.outputs, m);
    const e1 = fp.d1[l]!;
    for (let i = 0; i < N * m; i++) back[i]! *= e1[i]!;
    deltas[l] = back;
  }
  return deltas;
}

/** Loss and gradient in theta order (eq:deep-loss-gradient). Cost O(N P). */
export function deepLossGradient(model: LayeredModel, data: Dataset, reduction: Reduction = 'mean', fp: DeepForwardPass = deepForwardPass(model, data)): { loss: number; gradient: Float64Array } {
  const N = fp.samples;
  const kappa = reductionScale(reduction, N);
  const L = fp.depth;
  const grad = new Float64Array(layeredParameterCount(model));
  const deltas = backpropagate(model, fp, fp.loss.g);
  for (let l = 0; l < L; l++) {
    const m = model.layers[l]!.outputs;
    const nt = augmentedLayerInputs(model, l);
    // dW~_l = kappa Delta^T A~ (m x nt), row-major = theta's layer slice.
    const part = matmul(transpose(deltas[l]!, N, m), fp.inputs[l]!, m, N, nt);
    const o = layerOffset(model, l);
    for (let i = 0; i < m * nt; i++) grad[o + i] = kappa * part[i]!;
  }
  let total = 0;
  for (let n = 0; n < N; n++) total += fp.loss.losses[n]!;
  return { loss: total * kappa, gradient: grad };
}
