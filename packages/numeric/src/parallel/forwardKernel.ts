/**
 * network.ts's forward pass with its two matrix products on the SIMD gemm:
 *
 *   u_n = b + W x_n,\quad v_n = a + V z_n
 *
 * as U = 1 b^T + X W^T and V-logits = 1 a^T + Z V^T, each entry accumulated from the bias with
 * j ascending, which is exactly network.ts's loop order (s = b_i; s += W_ij x_nj), and
 * multiplication commutes exactly, so every field is bit-identical to `forwardPass`
 * (`parallel/forwardKernel.test.ts`). The activation and the loss (log-sum-exp, softmax, g) are
 * network.ts's own code path, run on the rows computed here.
 *
 * Why it exists: at 784-128-10 the JavaScript products of forwardPass take ~25 ms per 128
 * samples, more than the rest of the bound's per-sample work; this takes ~2 ms.
 * Cost N(hd + ch) multiply-adds plus N(h + c) activation and exponential evaluations.
 */
import { ACTIVATIONS } from '../activations.ts';
import { type ForwardPass, lossForward } from '../network.ts';
import { augmentedHiddenDim, augmentedInputDim } from '../parameters.ts';
import type { Dataset, Model } from '../types.ts';
import { arenaAlloc, arenaMark, arenaRelease } from './arena.ts';
import { gemm } from './kernels.ts';

/** Fields of a ForwardPass that a caller may supply storage for (e.g. arena views). */
export type ForwardStorage = Partial<Record<'xt' | 'zt' | 'd1' | 'd2' | 'd3' | 'v' | 'p' | 'g', Float64Array>>;

/**
 * forwardPass(model, data), bit for bit, with the products on the gemm kernel. Fields given in
 * `storage` (of the right length, zero-filled) are written in place instead of allocated.
 */
export function forwardPassGemm(model: Model, data: Dataset, storage: ForwardStorage = {}): ForwardPass {
  const { inputDim: d, hiddenDim: h, classes: c } = model;
  const N = data.samples;
  if (data.features !== d) throw new RangeError(`data has ${data.features} features, model expects ${d}`);
  const dt = augmentedInputDim(model);
  const ht = augmentedHiddenDim(model);
  const act = ACTIVATIONS[model.activation];
  const xt = storage.xt ?? new Float64Array(N * dt);
  const u = new Float64Array(N * h);
  const zt = storage.zt ?? new Float64Array(N * ht);
  const d1 = storage.d1 ?? new Float64Array(N * h);
  const d2 = storage.d2 ?? new Float64Array(N * h);
  const d3 = storage.d3 ?? new Float64Array(N * h);
  const v = storage.v ?? new Float64Array(N * c);
  const p = storage.p ?? new Float64Array(N * c);
  const g = storage.g ?? new Float64Array(N * c);
  const losses = new Float64Array(N);
  const { W, b, V, a } = model;
  const mark = arenaMark();
  try {
    const X = arenaAlloc(N * d);
    X.set(data.X);
    const WT = arenaAlloc(d * h);
    for (let i = 0; i < h; i++) for (let j = 0; j < d; j++) WT[j * h + i] = W[i * d + j]!;
    const Ua = arenaAlloc(N * h);
    if (b) for (let n = 0; n < N; n++) Ua.set(b, n * h);
    gemm(X, 0, d, WT, 0, h, Ua, 0, h, N, h, d);
    u.set(Ua);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < d; j++) xt[n * dt + j] = data.X[n * d + j]!;
      if (b) xt[n * dt + d] = 1;
      for (let i = 0; i < h; i++) {
        const [phi, phi1, phi2, phi3] = act.all(u[n * h + i]!);
        zt[n * ht + i] = phi;
        d1[n * h + i] = phi1;
        d2[n * h + i] = phi2;
        d3[n * h + i] = phi3;
      }
      if (a) zt[n * ht + h] = 1;
    }
    const Z = arenaAlloc(N * h);
    for (let n = 0; n < N; n++) for (let i = 0; i < h; i++) Z[n * h + i] = zt[n * ht + i]!;
    const VT = arenaAlloc(h * c);
    for (let k = 0; k < c; k++) for (let l = 0; l < h; l++) VT[l * c + k] = V[k * h + l]!;
    const Va = arenaAlloc(N * c);
    if (a) for (let n = 0; n < N; n++) Va.set(a, n * c);
    gemm(Z, 0, h, VT, 0, c, Va, 0, c, N, c, h);
    v.set(Va);
  } finally {
    arenaRelease(mark);
  }
  const forwardLoss = lossForward(model);
  for (let n = 0; n < N; n++) forwardLoss(v, n, c, data.y[n]!, p, g, losses);
  return { samples: N, inputDim: d, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht, xt, u, zt, d1, d2, d3, v, p, g, losses };
}
