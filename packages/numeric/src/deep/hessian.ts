/**
 * The dense Hessian of an MLP of any depth (or its Gauss–Newton part), any block of layers,
 * assembled from the per-sample pieces of deep/sampleCurvature.ts (docs/mathematics.md §9,
 * eq:deep-hessian-blocks), in the theta order of deep/model.ts restricted to the block:
 *
 *   H_{ll} = \kappa\sum_n \Lambda^l_n\otimes\tilde a^l_n(\tilde a^l_n)^\top,
 *   [H_{ll'}]_{(i,j),(r,s)} = \kappa\sum_n\Big[(X^{l,l'}_n)_{ir}\,\tilde a^l_{nj} + \delta^l_{ni}\,(G^{l,l'}_n)_{jr}\,\mathbb 1[j < n_l]\Big]\tilde a^{l'}_{ns}\quad(l > l'),
 *
 * Gauss–Newton drops the diag term of Lambda and the delta term of the cross blocks. At L = 2
 * these are hessian.ts's H_WW, H_VV, H_WV. Cost O(N P_b^2) time, O(P_b^2) memory: the reference
 * the closed forms are checked against, not something to use at scale.
 * Verified by `deep/hessian.test.ts` (the autodiff oracle's deep Hessian at L = 2, 3, 4, every
 * activation, biases, reduction, block and curvature; hessian.ts's denseHessian at L = 2).
 */
import type { SymmetricMatrix } from '../hessian.ts';
import { reductionScale } from '../network.ts';
import type { Dataset } from '../types.ts';
import { deepForwardPass, type DeepForwardPass } from './forward.ts';
import { augmentedLayerInputs, checkLayerSet, layerParameterCount, type DeepVariant, type LayeredModel } from './model.ts';
import { deepSampleCurvature } from './sampleCurvature.ts';

/** The block Hessian of the layers in `variant.layers`, P_b x P_b. */
export function deepDenseHessian(model: LayeredModel, data: Dataset, variant: DeepVariant, fp: DeepForwardPass = deepForwardPass(model, data)): SymmetricMatrix {
  const layers = checkLayerSet(model, variant.layers);
  const N = fp.samples;
  const kappa = reductionScale(variant.reduction, N);
  const sc = deepSampleCurvature(model, fp, variant.curvature, layers);
  const full = variant.curvature === 'hessian';
  const offset = new Map<number, number>();
  let P = 0;
  for (const l of layers) {
    offset.set(l, P);
    P += layerParameterCount(model, l);
  }
  const H = new Float64Array(P * P);
  for (const l of layers) {
    const m = model.layers[l]!.outputs;
    const nt = augmentedLayerInputs(model, l);
    const o = offset.get(l)!;
    const a = fp.inputs[l]!;
    const lam = sc.lambda[l]!;
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < m; i++)
        for (let r = 0; r < m; r++) {
          const w = kappa * lam[n * m * m + i * m + r]!;
          if (w === 0) continue;
          for (let j = 0; j < nt; j++) {
            const row = (o + i * nt + j) * P + o + r * nt;
            const wj = w * a[n * nt + j]!;
            for (let s = 0; s < nt; s++) H[row + s]! += wj * a[n * nt + s]!;
          }
        }
    }
  }
  for (const l of layers)
    for (const lp of layers) {
      if (lp >= l) continue;
      const m = model.layers[l]!.outputs;
      const nIn = model.layers[l]!.inputs;
      const nt = augmentedLayerInputs(model, l);
      const mq = model.layers[lp]!.outputs;
      const ntq = augmentedLayerInputs(model, lp);
      const o = offset.get(l)!;
      const oq = offset.get(lp)!;
      const a = fp.inputs[l]!;
      const b = fp.inputs[lp]!;
      const X = sc.X[l]![lp]!;
      const G = sc.G[l]![lp]!;
      const delta = sc.delta[l]!;
      for (let n = 0; n < N; n++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < nt; j++) {
            const row = (o + i * nt + j) * P + oq;
            const aj = a[n * nt + j]!;
            const di = full && j < nIn ? delta[n * m + i]! : 0;
            for (let r = 0; r < mq; r++) {
              let e = X[n * m * mq + i * mq + r]! * aj;
              if (di !== 0) e += di * G[n * nIn * mq + j * mq + r]!;
              const w = kappa * e;
              if (w === 0) continue;
              for (let s = 0; s < ntq; s++) H[row + r * ntq + s]! += w * b[n * ntq + s]!;
            }
          }
      // Mirror the block into H_{l'l}.
      for (let p = 0; p < m * nt; p++) for (let q = 0; q < mq * ntq; q++) H[(oq + q) * P + o + p] = H[(o + p) * P + oq + q]!;
    }
  return { size: P, data: H };
}
