/**
 * The closed forms T1 = tr H and T2 = tr H^2 = ||H||_F^2 (docs/mathematics.md §4), from per-sample
 * quantities and the Gram matrices K^x_{nm} = x~_n.x~_m, K^z_{nm} = z~_n.z~_m, never from a
 * P x P matrix.
 *
 * eq:trace-h
 *   T_1 = \kappa\sum_n\Big[\|\tilde x_n\|^2\,\mathrm{tr}A_n + (1-\|p_n\|^2)\|\tilde z_n\|^2\Big]
 *
 * eq:trace-h2
 *   T_2 = \kappa^2\sum_{n,m}\Big[(K^x_{nm})^2\langle A_n,A_m\rangle + (K^z_{nm})^2\langle S_n,S_m\rangle + 2K^x_{nm}\Gamma_{nm}\Big]
 *   \Gamma_{nm} = K^z_{nm}\mathrm{tr}(C_n^\top C_m) + g_m^\top S_nV(\varphi'_n\odot\varphi'_m\odot z_n)
 *                 + g_n^\top S_mV(\varphi'_n\odot\varphi'_m\odot z_m) + (g_n^\top g_m)(\varphi'^\top_n\varphi'_m)
 *   \langle S_n,S_m\rangle = \sum_k p_{nk}p_{mk}(1-p_{nk}-p_{mk}) + (p_n^\top p_m)^2
 *
 * kappa = 1/N (mean) or 1 (sum). Block `first` keeps only the (K^x)^2 term (and the x-part of
 * T1), block `second` only the (K^z)^2 term (and the z-part of T1), `all` everything; the
 * 2 K^x Gamma term is twice the squared Frobenius norm of the cross block H_WV.
 * Gauss-Newton: A_n loses diag(delta phi'') (see sampleCurvature.ts) and Gamma keeps only its
 * first term (the other three come from the g-term of the cross block).
 * The same formula holds with and without biases: augmentation only changes the Gram
 * matrices, and the g 1[l=i] term only ever touches unaugmented hidden indices.
 *
 * Evaluation (derived here from the formula above, same sums in a different order): every
 * pair sum is a contraction of a Gram matrix or a weighted row sum over per-sample stacks,
 *   \sum_{nm}(K^x_{nm})^2\langle A_n,A_m\rangle = \sum_{nm}(K^x_{nm})^2 (\mathcal A\mathcal A^\top)_{nm},
 *   \sum_{nm}K^x_{nm}K^z_{nm}\mathrm{tr}(C_n^\top C_m) = \sum_{nm}K^x_{nm}K^z_{nm}(\mathcal C\mathcal C^\top)_{nm},
 *   \sum_{nm}K^x_{nm}\,g_m^\top S_nV(\varphi'_n\odot\varphi'_m\odot z_n) = \sum_{nm}K^x_{nm}\langle Y_n, O_m\rangle,
 *     Y_n = B_n\,\mathrm{diag}(\varphi'_n\odot z_n),\ O_m = g_m\varphi'^\top_m  (c x h each),
 *   \sum_{nm}K^x_{nm}(g_n^\top g_m)(\varphi'^\top_n\varphi'_m) = \sum_{nm}K^x_{nm}(GG^\top)_{nm}(\Phi\Phi^\top)_{nm},
 * where \mathcal A is the N x h(h+1)/2 stack of packed upper triangles of A_n with the
 * off-diagonal entries scaled by \sqrt2 (so that row dot products are Frobenius products of
 * the symmetric A_n), and \mathcal C the N x ch stack of C_n. The Gram matrices use their
 * symmetry (upper triangle only); the g-terms of Gamma_{nm} and Gamma_{mn} are equal after
 * summing against the symmetric K^x, so only one is formed, and both g-terms are contracted
 * through the \tilde d input features rather than the N^2 pairs (see tracesFromPieces).
 * Nothing is allocated per pair.
 * Cost O(N^2 (h^2/4 + ch/2 + c^2/2 + \tilde d/2 + \tilde h/2) + N(hd + c h^2/2 + 2\tilde d ch))
 * time (the \mathcal A Gram dominates: N^2 h^2 / 4 multiply-adds), O(N(h^2/2 + ch) + N^2)
 * memory: never anything of size P^2.
 * The naive per-pair version (the sums above written over (n, m), with Gamma_{nm} term by
 * term) is kept on the test side as the reference it is checked against (@hsr/testkit
 * pairSumTraceH2). Derived here; verified by `trace-equals-eigenvalue-sum`,
 * `trace2-equals-eigenvalue-square-sum`, `hessianTrace.test.ts` (dense Hessian traces on every
 * activation x bias x block x curvature), the autodiff oracle and the PyTorch golden fixtures.
 */
import { forwardPass, reductionScale, type ForwardPass } from './network.ts';
import { parameterCount } from './parameters.ts';
import { rowDotProducts } from './parallel/kernels.ts';
import { sampleCurvatureIn, type SampleCurvature } from './sampleCurvature.ts';
import type { Dataset, Model, Variant } from './types.ts';

export interface HessianTraces {
  /** T1 = tr H of the chosen block. */
  readonly traceH: number;
  /** T2 = tr H^2 = ||H||_F^2 of the chosen block. */
  readonly traceH2: number;
  /** P: the block's parameter count. */
  readonly parameters: number;
}

/** Gram matrix of N rows of width w: K_{nm} = r_n . r_m (N x N, symmetric), O(N^2 w / 2). */
export function gramMatrix(rows: Float64Array, N: number, w: number): Float64Array {
  const K = new Float64Array(N * N);
  rowDotProducts(rows, rows, K, N, N, w, 0, N, true);
  return K;
}

/**
 * <S_n, S_m> = sum_k p_nk p_mk (1 - p_nk - p_mk) + (p_n . p_m)^2, O(c), evaluated entry-wise
 * without cancellation as
 *   \sum_k S_{n,kk}S_{m,kk} + \sum_{k \ne l} q_kq_l,\quad q_k = p_{nk}p_{mk},
 * with S_{kk} = p_k(1 - p_k) taking 1 - p_max as the sum of the other probabilities (see
 * softmaxCovarianceTrace) and \sum_{l \ne k}q_l taken as the sum of the others for the largest
 * q_k. The textbook form subtracts O(1) terms to get ||S||^2 ~ (1 - p_max)^2 and returns noise
 * for over-confident samples (the regime docs/mathematics.md §6 warns about); this form keeps full
 * relative accuracy there. Verified by `hessianTrace.test.ts` and, as a term of
 * T2, by the dense-Hessian reference tests.
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
 * The per-sample stacks the pair sums contract (see the module comment): \mathcal A (packed,
 * sqrt(2)-scaled upper triangles of A_n, N x h(h+1)/2), Y_n = B_n diag(phi'_n . z_n) and
 * O_n = g_n phi'_n^T (N x ch each). Cost O(N(h^2 + ch)).
 */
export interface TraceStacks {
  readonly packedA: Float64Array;
  readonly packedWidth: number;
  readonly Y: Float64Array;
  readonly O: Float64Array;
}

export function traceStacks(fp: ForwardPass, sc: TraceCurvature, wantYO: boolean): TraceStacks {
  const { samples: N, hiddenDim: h, classes: c, augmentedHiddenDim: ht } = fp;
  const L = (h * (h + 1)) / 2;
  // traceCurvature packs A exactly when the block has the first layer, the only time it is read.
  const packedA = sc.packedA ?? new Float64Array(0);
  const ch = c * h;
  const Y = new Float64Array(wantYO ? N * ch : 0);
  const O = new Float64Array(wantYO ? N * ch : 0);
  if (wantYO) {
    for (let n = 0; n < N; n++)
      for (let k = 0; k < c; k++) {
        const gk = fp.g[n * c + k]!;
        for (let i = 0; i < h; i++) {
          const d = fp.d1[n * h + i]!;
          Y[n * ch + k * h + i] = sc.B[n * ch + k * h + i]! * d * fp.zt[n * ht + i]!;
          O[n * ch + k * h + i] = gk * d;
        }
      }
  }
  return { packedA, packedWidth: L, Y, O };
}

/**
 * The packed stack \mathcal A (N x h(h+1)/2, upper triangles row by row, off-diagonal entries
 * scaled by sqrt 2) of A_n = D_nV^\top B_nD_n + \mathrm{diag}(\delta_n\odot\varphi''_n), from
 * B_n = S_nV and \delta_n of `sc` (sampleCurvatureIn with layout 'none').
 * Only the upper triangle of V^\top B_n is formed, straight into the packed row, in the
 * summation order of weightedRowSums (k in groups of four, then one at a time), so every entry
 * is bit-for-bit the packing of sampleCurvatureIn's dense A_n, at half its c h^2
 * multiply-adds per sample and without its h x h scratch and second pass. Gauss-Newton
 * (`withDiagonal` false) drops the diag term. Shared by hessianTraces and traceGradients.
 * Verified by `hessianTrace.test.ts` (against the packed dense A_n, bit for bit).
 */
export function packedHiddenCurvature(model: Model, fp: ForwardPass, sc: SampleCurvature, withDiagonal: boolean): Float64Array {
  const { samples: N, hiddenDim: h, classes: c } = fp;
  const V = model.V;
  const L = (h * (h + 1)) / 2;
  const packed = new Float64Array(N * L);
  const { B, delta } = sc;
  const { d1, d2 } = fp;
  const c4 = c - (c % 4);
  const ch = c * h;
  // Columns of V and of B_n as contiguous rows of c (h x c each), for unit-stride inner sums.
  const Vt = new Float64Array(ch);
  const Bt = new Float64Array(ch);
  for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) Vt[i * c + k] = V[k * h + i]!;
  for (let n = 0; n < N; n++) {
    const nh = n * h;
    const Bo = n * ch;
    for (let k = 0; k < c; k++) for (let j = 0; j < h; j++) Bt[j * c + k] = B[Bo + k * h + j]!;
    let row = n * L;
    for (let i = 0; i < h; i++) {
      const di = d1[nh + i]!;
      const vi = i * c;
      for (let j = i; j < h; j++) {
        const bj = j * c;
        let s = 0;
        let k = 0;
        for (; k < c4; k += 4) s += Vt[vi + k]! * Bt[bj + k]! + Vt[vi + k + 1]! * Bt[bj + k + 1]! + Vt[vi + k + 2]! * Bt[bj + k + 2]! + Vt[vi + k + 3]! * Bt[bj + k + 3]!;
        for (; k < c; k++) s += Vt[vi + k]! * Bt[bj + k]!;
        if (j === i) {
          let aii = di * s * di;
          if (withDiagonal) aii += delta[nh + i]! * d2[nh + i]!;
          packed[row + j - i] = aii;
        } else {
          packed[row + j - i] = Math.SQRT2 * (di * s * d1[nh + j]!);
        }
      }
      row += h - i;
    }
  }
  return packed;
}

/**
 * The stacked softmax covariances, N x c^2 (all entries of each S_n, row-major), entry-wise
 * without cancellation: S_{kl} = -p_kp_l off the diagonal, S_{kk} = p_k(1 - p_k) with 1 - p_max
 * taken as the sum of the other probabilities (as in softmaxCovarianceTrace). Then
 * \langle S_n, S_m\rangle is a plain row dot product whose c^2 terms are all non-negative
 * (diagonal entries are >= 0, off-diagonal ones <= 0 in both), so it keeps full relative
 * accuracy for over-confident samples, like softmaxCovarianceInner, at a Gram-kernel cost of
 * c^2/2 multiply-adds per pair. O(N c^2).
 */
export function softmaxCovarianceStack(p: Float64Array, N: number, c: number): Float64Array {
  const out = new Float64Array(N * c * c);
  for (let n = 0; n < N; n++) {
    const o = n * c;
    let top = 0;
    for (let k = 1; k < c; k++) if (p[o + k]! > p[o + top]!) top = k;
    let others = 0;
    for (let k = 0; k < c; k++) if (k !== top) others += p[o + k]!;
    const r = n * c * c;
    for (let k = 0; k < c; k++) {
      const pk = p[o + k]!;
      for (let l = 0; l < c; l++) out[r + k * c + l] = k === l ? pk * (k === top ? others : 1 - pk) : -pk * p[o + l]!;
    }
  }
  return out;
}

/** The transpose of an N x w row-major matrix (w x N), for contractions over the samples. */
function transpose(X: Float64Array, N: number, w: number): Float64Array {
  const T = new Float64Array(w * N);
  for (let n = 0; n < N; n++) for (let j = 0; j < w; j++) T[j * N + n] = X[n * w + j]!;
  return T;
}

/** T1 and T2 of the block's Hessian (or Gauss-Newton matrix) by the closed forms. */
export function hessianTraces(model: Model, data: Dataset, variant: Variant, fp: ForwardPass = forwardPass(model, data)): HessianTraces {
  const withG = variant.block === 'all' && variant.curvature === 'hessian';
  const sc = traceCurvature(model, fp, variant);
  const Kx = gramMatrix(fp.xt, fp.samples, fp.augmentedInputDim);
  const Kz = gramMatrix(fp.zt, fp.samples, fp.augmentedHiddenDim);
  const t = tracesFromPieces(fp, sc, traceStacks(fp, sc, withG), Kx, Kz, variant);
  return { ...t, parameters: parameterCount(model, variant.block) };
}

/**
 * The per-sample curvature the closed forms contract: S_n, B_n, C_n, delta_n from
 * sampleCurvatureIn (without its A_n work) and the packed A_n stack from
 * packedHiddenCurvature (when the first block is needed). Shared by hessianTraces and
 * traceGradients so that both evaluate T1 and T2 from the same bits.
 */
/** The per-sample curvature the traces need, with A_n only as the packed stack (null for block second). */
export type TraceCurvature = SampleCurvature & { readonly packedA: Float64Array | null };

export function traceCurvature(model: Model, fp: ForwardPass, variant: Variant): TraceCurvature {
  const sc = sampleCurvatureIn(model, fp, variant.curvature, 'none');
  const packedA = variant.block !== 'second' ? packedHiddenCurvature(model, fp, sc, variant.curvature === 'hessian') : null;
  return { ...sc, packedA };
}

/**
 * eq:trace-h and eq:trace-h2 from pieces already computed (the per-sample curvature, its
 * stacks and both Gram matrices). Shared by hessianTraces and traceGradients so that a bound
 * and its gradient are evaluated from bit-for-bit the same T1 and T2 (which matters where
 * s^2 = T2/P - m^2 cancels to ~0 and is clamped).
 *
 * Order of evaluation (same sums as the module comment, cheaper contractions):
 * - the three pair terms symmetric in (n, m) are summed over n <= m, off-diagonal pairs twice;
 * - \langle S_n, S_m\rangle is the Gram matrix of softmaxCovarianceStack (c^2/2 per pair);
 * - the two terms of Gamma linear in K^x = \tilde X\tilde X^\top are contracted through the
 *   \tilde d augmented input features instead of the N^2 pairs:
 *     \sum_{nm}K^x_{nm}\big(2\langle Y_n,O_m\rangle + (g_n^\top g_m)(\varphi'^\top_n\varphi'_m)\big)
 *       = \langle 2\bar Y + Q,\ Q\rangle,\quad \bar Y = \tilde X^\top\mathcal Y,\ Q = \tilde X^\top\mathcal O,
 *   (\tilde d x ch each; (g_n^\top g_m)(\varphi'^\top_n\varphi'_m) = \langle O_n, O_m\rangle since
 *   O_n = g_n\varphi'^\top_n), 2N\tilde d ch multiply-adds instead of N^2 ch + N^2(c+h)/2.
 */
export function tracesFromPieces(
  fp: ForwardPass,
  sc: SampleCurvature,
  st: TraceStacks,
  Kx: Float64Array,
  Kz: Float64Array,
  variant: Variant,
  /** The Gram matrix of the C_n stack when the caller already has it (traceGradients does). */
  gramC: Float64Array | null = null,
): { traceH: number; traceH2: number } {
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt } = fp;
  const kappa = reductionScale(variant.reduction, N);
  const first = variant.block !== 'second';
  const second = variant.block !== 'first';
  const cross = first && second;
  const withG = cross && variant.curvature === 'hessian';
  let t1 = 0;
  for (let n = 0; n < N; n++) {
    if (first) {
      // Diagonal of A_n in the packed row layout: row i starts at sum_{i' < i} (h - i').
      let trA = 0;
      for (let i = 0, r = n * st.packedWidth; i < h; r += h - i, i++) trA += st.packedA[r]!;
      t1 += Kx[n * N + n]! * trA;
    }
    if (second) {
      t1 += softmaxCovarianceTrace(fp.p, n, c) * Kz[n * N + n]!;
    }
  }

  const ch = c * h;
  const GA = first ? gramMatrix(st.packedA, N, st.packedWidth) : null;
  const SS = second ? gramMatrix(softmaxCovarianceStack(fp.p, N, c), N, c * c) : null;
  const CC = cross ? (gramC ?? gramMatrix(sc.C, N, ch)) : null;
  let t2 = 0;
  for (let n = 0; n < N; n++) {
    let row = 0;
    for (let m = n; m < N; m++) {
      const nm = n * N + m;
      const kx = Kx[nm]!;
      const kz = Kz[nm]!;
      let term = 0;
      if (first) term += kx * kx * GA![nm]!;
      if (second) term += kz * kz * SS![nm]!;
      if (cross) term += 2 * kx * kz * CC![nm]!;
      row += m === n ? term : 2 * term;
    }
    t2 += row;
  }
  if (withG) {
    // \bar Y_{j,r} = (\tilde X^\top)_j . (\mathcal Y^\top)_r: row dot products over the samples.
    const XT = transpose(fp.xt, N, dt);
    const Ybar = new Float64Array(dt * ch);
    const Q = new Float64Array(dt * ch);
    rowDotProducts(XT, transpose(st.Y, N, ch), Ybar, ch, ch, N, 0, dt, false);
    rowDotProducts(XT, transpose(st.O, N, ch), Q, ch, ch, N, 0, dt, false);
    let g = 0;
    for (let r = 0; r < dt * ch; r++) g += (2 * Ybar[r]! + Q[r]!) * Q[r]!;
    t2 += 2 * g;
  }
  return { traceH: kappa * t1, traceH2: kappa * kappa * t2 };
}
