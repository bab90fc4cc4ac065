/**
 * Exact Hessian-vector products of an MLP of any depth without forming H (Pearlmutter's
 * R-operator written out by hand on the recursion of deep/forward.ts; docs/mathematics.md §9,
 * eq:deep-hessian-vector-product). With the direction V_l (the shape of \tilde W_l; zero outside
 * the layer block B) and R the directional derivative along it:
 *
 * eq:deep-hessian-vector-product:
 *   \mathcal R\tilde a^{l}_n = [\mathcal Ra^l_n; 0],\quad \mathcal Ra^{l_0}_n = 0\ (l_0 = \min B),\quad
 *   \mathcal Ru^l_n = V_l\tilde a^l_n + W_l\,\mathcal Ra^l_n,\quad \mathcal Ra^{l+1}_n = \varphi_l'(u^l_n)\odot\mathcal Ru^l_n,
 *   \mathcal R\delta^{L-1}_n = S_n\,\mathcal Ru^{L-1}_n,\quad
 *   \mathcal R\delta^l_n = \varphi_l'\odot\big(W_{l+1}^\top\mathcal R\delta^{l+1}_n + V_{l+1}^\top\delta^{l+1}_n\big) + \varphi_l''\odot(W_{l+1}^\top\delta^{l+1}_n)\odot\mathcal Ru^l_n,
 *   (Hv)_{\tilde W_l} = \kappa\sum_n\big(\mathcal R\delta^l_n(\tilde a^l_n)^\top + \delta^l_n(\mathcal R\tilde a^l_n)^\top\big)\quad(l\in B),
 *
 * where V_{l+1}^T uses V_{l+1} without its bias column, \delta^l is backpropagate's g and S_n x
 * is the loss rule's matrix-free product (OutputLoss.curvatureApply: p\odot x - p(p^\top x) for
 * cross-entropy, x for mse, ...). It is R of the gradient kappa sum_n delta^l_n (a~^l_n)^T, so
 * H v exactly (H_BB v_B: v is zero outside B and only B's rows are returned). Gauss–Newton
 * J^T S J v drops the three terms that carry \delta (the V^T delta and phi'' parts of R delta,
 * and delta (R a~)^T): then R delta is J^T backpropagated from S J v. Every layer is one or two
 * gemms in each direction: O(N P) per product (about two forward passes) after one forward
 * pass and backpropagation shared by every product, memory O(N sum_l m_l + P); never P x P.
 * At L = 2 it is the two-layer hessianOperator's eq:hessian-vector-product term for term.
 * Verified by `deep/hessianVectorProduct.test.ts` (equals deepDenseHessian v at L = 2, 3, 4 for
 * every activation, loss, bias, reduction, layer set and curvature; equals the two-layer
 * operator at L = 2; Lanczos on it finds the dense spectrum's extremes).
 */
import type { HessianOperator } from '../hessianVectorProduct.ts';
import { reductionScale } from '../network.ts';
import { gemm, rowDotProducts } from '../parallel/kernels.ts';
import type { Dataset } from '../types.ts';
import { backpropagate, deepForwardPass, type DeepForwardPass } from './forward.ts';
import { augmentedLayerInputs, checkLayerSet, layerParameterCount, type DeepVariant, type LayeredModel } from './model.ts';
import { transpose } from './tensor.ts';

/**
 * The Hessian (or Gauss–Newton matrix) of the layers in `variant.layers` as an operator on
 * theta restricted to those layers (eq:deep-hessian-vector-product), for `lanczosExtremes`.
 * The forward pass, delta and the phi'' weights are computed once; each `apply` costs O(N P).
 */
export function deepHessianOperator(model: LayeredModel, data: Dataset, variant: DeepVariant, fp: DeepForwardPass = deepForwardPass(model, data)): HessianOperator {
  const layers = checkLayerSet(model, variant.layers);
  const L = fp.depth;
  const N = fp.samples;
  const kappa = reductionScale(variant.reduction, N);
  const full = variant.curvature === 'hessian';
  const lo = layers[0]!;
  const offset = new Array<number>(L).fill(-1);
  let size = 0;
  for (const l of layers) {
    offset[l] = size;
    size += layerParameterCount(model, l);
  }
  const c = model.layers[L - 1]!.outputs;
  const delta = full ? backpropagate(model, fp, fp.loss.g) : [];
  // e^l = phi_l'' . (W_{l+1}^T delta^{l+1}) for the hidden layers the backward tangent reaches.
  const e = new Array<Float64Array | null>(L).fill(null);
  if (full)
    for (let l = lo; l < L - 1; l++) {
      const next = model.layers[l + 1]!;
      const m = next.inputs;
      const back = new Float64Array(N * m);
      gemm(delta[l + 1]!, 0, next.outputs, next.W, 0, m, back, 0, m, N, m, next.outputs);
      const d2 = fp.d2[l]!;
      for (let i = 0; i < N * m; i++) back[i]! *= d2[i]!;
      e[l] = back;
    }
  const Wt = model.layers.map((layer, l) => (l > lo ? transpose(layer.W, layer.outputs, layer.inputs) : null));
  const Ru = model.layers.map((layer, l) => (l >= lo ? new Float64Array(N * layer.outputs) : null));
  const Ra = model.layers.map((layer, l) => (l > lo ? new Float64Array(N * layer.inputs) : null));
  const Rd = model.layers.map((layer, l) => (l >= lo ? new Float64Array(N * layer.outputs) : null));
  const RdT = model.layers.map((layer, l) => (offset[l]! >= 0 ? new Float64Array(layer.outputs * N) : null));
  const dT = model.layers.map((layer, l) => (full && l > lo && offset[l]! >= 0 ? transpose(delta[l]!, N, layer.outputs) : null));
  const t = new Float64Array(c);
  const s = new Float64Array(c);
  return {
    size,
    apply(v: Float64Array, out: Float64Array = new Float64Array(size)): Float64Array {
      if (v.length !== size) throw new RangeError(`vector has length ${v.length}, the layers ${layers.map((l) => l + 1).join(',')} have ${size} parameters`);
      out.fill(0);
      // Forward tangent: R u^l = V_l a~^l + W_l R a^l.
      for (let l = lo; l < L; l++) {
        const layer = model.layers[l]!;
        const m = layer.outputs;
        const n = layer.inputs;
        const nt = augmentedLayerInputs(model, l);
        const ru = Ru[l]!;
        ru.fill(0);
        if (offset[l]! >= 0) rowDotProducts(fp.inputs[l]!, v.subarray(offset[l]!, offset[l]! + m * nt), ru, m, m, nt, 0, N, false);
        if (l > lo) gemm(Ra[l]!, 0, n, Wt[l]!, 0, m, ru, 0, m, N, m, n);
        if (l < L - 1) {
          const ra = Ra[l + 1]!;
          const d1 = fp.d1[l]!;
          for (let i = 0; i < N * m; i++) ra[i] = d1[i]! * ru[i]!;
        }
      }
      // R delta^{L-1} = S_n R v_n.
      const rv = Ru[L - 1]!;
      const rdTop = Rd[L - 1]!;
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < c; k++) t[k] = rv[n * c + k]!;
        fp.outputLoss.curvatureApply(fp.loss, n, t, s);
        for (let k = 0; k < c; k++) rdTop[n * c + k] = s[k]!;
      }
      // Backward tangent and the block's rows of H v.
      for (let l = L - 1; l >= lo; l--) {
        const layer = model.layers[l]!;
        const m = layer.outputs;
        const n = layer.inputs;
        const nt = augmentedLayerInputs(model, l);
        const rd = Rd[l]!;
        const o = offset[l]!;
        if (o >= 0) {
          const T = RdT[l]!;
          for (let r = 0; r < N; r++) for (let i = 0; i < m; i++) T[i * N + r] = rd[r * m + i]!;
          gemm(T, 0, N, fp.inputs[l]!, 0, nt, out, o, nt, m, nt, N);
          if (dT[l]) gemm(dT[l]!, 0, N, Ra[l]!, 0, n, out, o, nt, m, n, N);
        }
        if (l === lo) break;
        const below = Rd[l - 1]!;
        below.fill(0);
        gemm(rd, 0, m, layer.W, 0, n, below, 0, n, N, n, m);
        if (full && o >= 0) gemm(delta[l]!, 0, m, v, o, nt, below, 0, n, N, n, m);
        const d1 = fp.d1[l - 1]!;
        for (let i = 0; i < N * n; i++) below[i]! *= d1[i]!;
        if (full) {
          const el = e[l - 1]!;
          const ru = Ru[l - 1]!;
          for (let i = 0; i < N * n; i++) below[i]! += el[i]! * ru[i]!;
        }
      }
      if (kappa !== 1) for (let i = 0; i < size; i++) out[i]! *= kappa;
      return out;
    },
  };
}

/** One product H v (eq:deep-hessian-vector-product); use deepHessianOperator for many. */
export function deepHessianVectorProduct(model: LayeredModel, data: Dataset, variant: DeepVariant, v: Float64Array): Float64Array {
  return deepHessianOperator(model, data, variant).apply(v);
}
