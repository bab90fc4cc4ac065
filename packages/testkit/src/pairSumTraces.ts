/**
 * The per-pair reference for T2 (eq:trace-h2 written over (n, m) term by term, eq:gamma-nm
 * per pair): no Gram-matrix contractions, no sums through the input features, no packed
 * stacks. The closed form in @hsr/numeric's hessianTrace.ts evaluates the same sums in a
 * cheaper order; this is the order of the derivation, kept here, on the test side, to hold
 * that rewrite to account (numeric's hessianTrace tests) and to build the "g-term dropped"
 * mutant (crosscheck's mutant list). Cost O(N^2 (h^2 + c^2 + ch)) per call.
 */
import { type ForwardPass, forwardPass, LOSSES, lossOf, reductionScale, type SampleCurvature, sampleCurvature, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { gramMatrix } from '@hsr/numeric/internal';

/**
 * Gamma_{nm} (eq:gamma-nm) before the K^x factor: (1/2) of the cross block's contribution per
 * pair. `withG` false keeps only the first term (Gauss-Newton, or the g-term mutant).
 */
export function crossTerm(fp: ForwardPass, sc: SampleCurvature, Kz: Float64Array, n: number, m: number, withG: boolean): number {
  const { samples: N, hiddenDim: h, classes: c, augmentedHiddenDim: ht } = fp;
  let trCC = 0;
  const Cn = n * c * h;
  const Cm = m * c * h;
  for (let r = 0; r < c * h; r++) trCC += sc.C[Cn + r]! * sc.C[Cm + r]!;
  let gamma = Kz[n * N + m]! * trCC;
  if (!withG) return gamma;
  // g_m^T B_n w_n + g_n^T B_m w_m with w = phi'_n . phi'_m . z, and (g_n.g_m)(phi'_n.phi'_m).
  let t2 = 0;
  let t3 = 0;
  let dd = 0;
  for (let i = 0; i < h; i++) {
    const dn = fp.d1[n * h + i]!;
    const dm = fp.d1[m * h + i]!;
    const ddi = dn * dm;
    dd += ddi;
    let gmBn = 0;
    let gnBm = 0;
    for (let k = 0; k < c; k++) {
      gmBn += fp.g[m * c + k]! * sc.B[Cn + k * h + i]!;
      gnBm += fp.g[n * c + k]! * sc.B[Cm + k * h + i]!;
    }
    t2 += gmBn * ddi * fp.zt[n * ht + i]!;
    t3 += gnBm * ddi * fp.zt[m * ht + i]!;
  }
  let gg = 0;
  for (let k = 0; k < c; k++) gg += fp.g[n * c + k]! * fp.g[m * c + k]!;
  gamma += t2 + t3 + gg * dd;
  return gamma;
}

/**
 * T2 of the variant's block summed pair by pair:
 *   kappa^2 sum_{n,m} [(K^x)^2 <A_n, A_m> + (K^z)^2 <S_n, S_m> + 2 K^x Gamma_{nm}],
 * with the dense A_n of `sampleCurvature`. `gTerm` (default: the variant's own, i.e. on for the
 * full Hessian) switches the three g-terms of Gamma_{nm} on or off.
 */
export function pairSumTraceH2(model: Model, data: Dataset, variant: Variant, gTerm: boolean = variant.curvature === 'hessian', fp: ForwardPass = forwardPass(model, data)): number {
  const { samples: N, hiddenDim: h, classes: c } = fp;
  const sc = sampleCurvature(model, fp, variant.curvature);
  const Kx = gramMatrix(fp.xt, N, fp.augmentedInputDim);
  const Kz = gramMatrix(fp.zt, N, fp.augmentedHiddenDim);
  const first = variant.block !== 'second';
  const second = variant.block !== 'first';
  // <S_n, S_m> per pair (for cross-entropy the cancellation-free softmaxCovarianceInner).
  const inner = LOSSES[lossOf(model)].curvatureInner;
  let t2 = 0;
  for (let n = 0; n < N; n++)
    for (let m = 0; m < N; m++) {
      const kx = Kx[n * N + m]!;
      const kz = Kz[n * N + m]!;
      if (first) {
        let aa = 0;
        for (let r = 0; r < h * h; r++) aa += sc.A[n * h * h + r]! * sc.A[m * h * h + r]!;
        t2 += kx * kx * aa;
      }
      if (second) t2 += kz * kz * inner(fp.v, fp.p, n, m, c);
      if (first && second) t2 += 2 * kx * crossTerm(fp, sc, Kz, n, m, gTerm);
    }
  const kappa = reductionScale(variant.reduction, N);
  return kappa * kappa * t2;
}
