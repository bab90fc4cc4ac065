/**
 * Closed-form gradients of T1 = tr H, T2 = tr H^2 and of the Wolkowicz–Styan bounds with
 * respect to every parameter (docs/mathematics.md §5), by reverse-mode differentiation written out by
 * hand over the per-sample pieces of `hessianTrace.ts`. No P x P matrix, no finite
 * differences, no autodiff.
 *
 * Evaluation order (for speed; the sums are those of the per-pair derivation): every adjoint of
 * a pair sum is a weighted row sum over a per-sample stack, e.g.
 *   \bar A_n = 2\kappa^2\sum_m (K^x_{nm})^2 A_m   (one (N x N)(N x h(h+1)/2) product on packed A),
 *   \bar C_n = 4\kappa^2\sum_m K^x_{nm}K^z_{nm} C_m,\quad
 *   \bar Y_n = 4\kappa^2\sum_m K^x_{nm} O_m,\quad \bar O_m = 4\kappa^2\sum_n K^x_{nm} Y_n
 * (Y, O as in hessianTrace.ts). T1 and T2 themselves come from `tracesFromPieces`, the same
 * code path as hessianTraces, so a bound's value here equals the one computed from
 * hessianTraces bit for bit (and s^2 is clamped in exactly the same cases).
 * Per sample, \bar A_n enters only through F_n\bar A_n with F_n = V D_n (c x h), so nothing of
 * size h^2 beyond the packed stacks is formed: \bar\varphi'_n \mathrel{+}= 2\,\mathrm{diag}(V^\top S_n F_n\bar A_n),
 * \bar S_n \mathrel{+}= F_n\bar A_nF_n^\top, \bar V \mathrel{+}= 2 S_nF_n\bar A_n D_n.
 * Cost O(N^2 (h^2/2 + 3ch + c + h) + N(hd + c h^2 + c^2 h)) time — the packed \bar A product,
 * N^2 h^2/2 multiply-adds, dominates at MNIST size — and O(N(h^2 + ch + c^2) + N^2) memory.
 *
 * eq:bound-gradient (outer structure, exact given §2)
 *   \nabla U = \alpha\nabla T_1 + \beta\nabla T_2,\quad
 *   \alpha = \frac1P - \frac{(P-1)T_1}{P^2R},\quad \beta = \frac{P-1}{2PR},\quad R = s\sqrt{P-1}
 * The lower bound m - R flips the signs of the R-parts; the range bound s\sqrt{2P} is
 * \sqrt{2P/(P-1)}\,R.
 *
 * eq:grad-assembly (inner structure). Each T is a function of u_n (through phi', phi'', z_n),
 * of p_n = softmax(v_n) (through S_n and g_n), and of V explicitly. With adjoints
 * \bar p_n, \bar\varphi'_n, \bar\varphi''_n, \bar z_n and \bar V of those:
 *   r^v_n = S_n \bar p_n,\quad r^u_n = \bar\varphi'_n\odot\varphi''_n + \bar\varphi''_n\odot\varphi'''_n + \bar z_n\odot\varphi'_n,
 *   \partial_V T = \bar V + \sum_n r^v_n z_n^\top,\ \partial_a T = \sum_n r^v_n,\
 *   q_n = r^u_n + \varphi'_n\odot V^\top r^v_n,\ \partial_W T = \sum_n q_n x_n^\top,\ \partial_b T = \sum_n q_n.
 * The adjoints of the pieces (symmetric \bar A_n, \bar S_n, \bar B_n for B_n = S_nV,
 * \bar C_n for C_n = B_nD_n, and G = \partial T/\partial K^z) follow the product rule term
 * by term; the comments at each step give the formula. phi''' enters only through
 * \bar\varphi''_n, i.e. through the diag(delta phi'') part of A_n (absent for Gauss–Newton).
 * For a c x c adjoint Q of S: \partial\langle Q, S\rangle/\partial p = \mathrm{diag}\,Q - (Q + Q^\top)p.
 *
 * s = 0 (all eigenvalues equal; always so when P = 1, and whenever s^2 is clamped): R = s
 * sqrt(P - 1) behaves like a norm at its zero and has no gradient. We return the
 * minimum-norm subgradient, which treats the R-part as 0: grad(upper) = grad(lower) =
 * grad T1 / P and grad(range) = 0, and set `degenerate: true`. Never a silent NaN.
 *
 * Derived here; verified by `trace-gradient-vs-central-difference`,
 * `bound-gradient-vs-central-difference`, the autodiff oracle and the PyTorch fixtures.
 */
import { forwardPass, reductionScale, type ForwardPass } from './network.ts';
import { firstLayerSize, parameterCount } from './parameters.ts';
import type { SampleCurvature } from './sampleCurvature.ts';
import { gramMatrix, softmaxCovarianceInner, softmaxCovarianceTrace, traceCurvature, traceStacks, tracesFromPieces, type TraceStacks } from './hessianTrace.ts';
import { weightedRowSums } from './parallel/kernels.ts';
import type { Dataset, Model, Variant } from './types.ts';
import { wolkowiczStyanBounds, type WolkowiczStyanBounds } from './wolkowiczStyan.ts';

export type BoundKind = 'upper' | 'lower' | 'range';
export const BOUND_KINDS: readonly BoundKind[] = ['upper', 'lower', 'range'];

export interface TraceGradients {
  readonly traceH: number;
  readonly traceH2: number;
  readonly parameters: number;
  /** d T1 / d theta, theta order, all parameters. */
  readonly gradTraceH: Float64Array;
  /** d T2 / d theta, theta order, all parameters. */
  readonly gradTraceH2: Float64Array;
}

export interface BoundGradient {
  /** The bound's value: lambdaMaxUpper, lambdaMinLower or rangeUpper. */
  readonly value: number;
  /** Its gradient in theta order (all parameters, whatever the block). */
  readonly gradient: Float64Array;
  readonly bounds: WolkowiczStyanBounds;
  /** True when s = 0 and the minimum-norm subgradient was returned (see module comment). */
  readonly degenerate: boolean;
}

/** Adjoints of the per-sample primitives, accumulated by the trace terms. */
interface Adjoints {
  p: Float64Array; // N x c (the g path is in g: g = p - y)
  d1: Float64Array; // N x h
  d2: Float64Array; // N x h
  z: Float64Array; // N x h (unaugmented)
  /** \bar A_n in the packed, sqrt(2)-scaled layout of TraceStacks.packedA (T2), or null. */
  Apacked: Float64Array | null;
  /** diag \bar A_n when \bar A_n is diagonal (T1), N x h, or null. */
  Adiag: Float64Array | null;
  B: Float64Array; // N x c x h
  C: Float64Array; // N x c x h
  g: Float64Array; // N x c
  V: Float64Array; // c x h
  Kz: Float64Array; // N x N: d T / d K^z_{nm} over ordered pairs
}

function newAdjoints(N: number, h: number, c: number): Adjoints {
  return {
    p: new Float64Array(N * c),
    d1: new Float64Array(N * h),
    d2: new Float64Array(N * h),
    z: new Float64Array(N * h),
    Apacked: null,
    Adiag: null,
    B: new Float64Array(N * c * h),
    C: new Float64Array(N * c * h),
    g: new Float64Array(N * c),
    V: new Float64Array(c * h),
    Kz: new Float64Array(N * N),
  };
}

interface Context {
  model: Model;
  fp: ForwardPass;
  sc: SampleCurvature;
  st: TraceStacks;
  /** Gram matrix of the C_n stack (block all only), shared by the T2 seeds and T2 itself. */
  CC: Float64Array | null;
  Kx: Float64Array;
  Kz: Float64Array;
  kappa: number;
  first: boolean;
  second: boolean;
  /** The diag(delta phi'') part of A_n is present (full Hessian, not Gauss–Newton). */
  hessian: boolean;
}

/** Seeds for T1: \bar A_n = kappa K^x_nn I, and the (1 - ||p_n||^2) K^z_nn term. */
function seedTraceH(ctx: Context, adj: Adjoints): void {
  const { fp, Kx, Kz, kappa } = ctx;
  const { samples: N, hiddenDim: h, classes: c } = fp;
  if (ctx.first) adj.Adiag = new Float64Array(N * h);
  for (let n = 0; n < N; n++) {
    if (ctx.first) {
      const w = kappa * Kx[n * N + n]!;
      for (let i = 0; i < h; i++) adj.Adiag![n * h + i] = w;
    }
    if (ctx.second) {
      // d/dp_n (1 - ||p_n||^2) = -2 p_n; d/dK^z_nn = 1 - ||p_n||^2 = tr S_n (cancellation-free).
      for (let k = 0; k < c; k++) adj.p[n * c + k]! += -2 * kappa * Kz[n * N + n]! * fp.p[n * c + k]!;
      adj.Kz[n * N + n]! += kappa * softmaxCovarianceTrace(fp.p, n, c);
    }
  }
}

/** Seeds for T2 (term by term, see the module comment). */
function seedTraceH2(ctx: Context, adj: Adjoints): void {
  const { fp, sc, st, Kx, Kz, kappa } = ctx;
  const { samples: N, hiddenDim: h, classes: c, augmentedHiddenDim: ht } = fp;
  const k2 = kappa * kappa;
  const ch = c * h;
  const NN = N * N;
  if (ctx.first) {
    // (K^x)^2 <A_n, A_m>: \bar A_n = 2 kappa^2 sum_m (K^x_nm)^2 A_m, on the packed stack.
    const L = st.packedWidth;
    const w = new Float64Array(NN);
    for (let r = 0; r < NN; r++) w[r] = 2 * k2 * Kx[r]! * Kx[r]!;
    const Ab = new Float64Array(N * L);
    weightedRowSums(w, N, st.packedA, N, L, Ab, 0, N);
    adj.Apacked = Ab;
  }
  if (ctx.second) {
    // (K^z)^2 <S_n, S_m>, <S_n,S_m> = sum_k p_nk p_mk (1 - p_nk - p_mk) + (p_n.p_m)^2.
    // d/dp_n (first argument) = p_m (1 - 2 p_n - p_m + 2 p_n.p_m); x2 for the symmetric pair.
    for (let n = 0; n < N; n++)
      for (let m = 0; m < N; m++) {
        let dot = 0;
        for (let k = 0; k < c; k++) dot += fp.p[n * c + k]! * fp.p[m * c + k]!;
        const inner = softmaxCovarianceInner(fp.p, n, m, c);
        const kz = Kz[n * N + m]!;
        const w = 2 * k2 * kz * kz;
        for (let k = 0; k < c; k++) {
          const a = fp.p[n * c + k]!;
          const b = fp.p[m * c + k]!;
          adj.p[n * c + k]! += w * b * (1 - 2 * a - b + 2 * dot);
        }
        adj.Kz[n * N + m]! += 2 * k2 * kz * inner;
      }
  }
  if (ctx.first && ctx.second) {
    // sum_nm omega_nm Gamma_nm with omega = 2 kappa^2 K^x (symmetric).
    const omega = new Float64Array(NN);
    for (let r = 0; r < NN; r++) omega[r] = 2 * k2 * Kx[r]!;
    // K^z_nm tr(C_n^T C_m): G_nm += omega tr(C_n^T C_m); \bar C_n = 2 sum_m omega_nm K^z_nm C_m.
    const CC = ctx.CC!;
    const wc = new Float64Array(NN);
    for (let r = 0; r < NN; r++) {
      adj.Kz[r]! += omega[r]! * CC[r]!;
      wc[r] = 2 * omega[r]! * Kz[r]!;
    }
    weightedRowSums(wc, N, sc.C, N, ch, adj.C, 0, N);
    if (ctx.hessian) {
      // g-terms: 2 sum_nm omega_nm <Y_n, O_m>, so \bar Y = 2 omega O and \bar O = 2 omega Y.
      const two = new Float64Array(NN);
      for (let r = 0; r < NN; r++) two[r] = 2 * omega[r]!;
      const Yb = new Float64Array(N * ch);
      const Ob = new Float64Array(N * ch);
      weightedRowSums(two, N, st.O, N, ch, Yb, 0, N);
      weightedRowSums(two, N, st.Y, N, ch, Ob, 0, N);
      // (g_n.g_m)(phi'_n.phi'_m): \bar g_n = 2 sum_m omega (phi'_n.phi'_m) g_m, and likewise phi'.
      const GG = gramMatrix(fp.g, N, c);
      const DD = gramMatrix(fp.d1, N, h);
      const wg = new Float64Array(NN);
      const wd = new Float64Array(NN);
      for (let r = 0; r < NN; r++) {
        wg[r] = 2 * omega[r]! * DD[r]!;
        wd[r] = 2 * omega[r]! * GG[r]!;
      }
      weightedRowSums(wg, N, fp.g, N, c, adj.g, 0, N);
      weightedRowSums(wd, N, fp.d1, N, h, adj.d1, 0, N);
      // Y_n = B_n diag(phi'_n . z_n), O_n = g_n phi'_n^T.
      for (let n = 0; n < N; n++)
        for (let i = 0; i < h; i++) {
          const d = fp.d1[n * h + i]!;
          const z = fp.zt[n * ht + i]!;
          let yb = 0;
          let ob = 0;
          for (let k = 0; k < c; k++) {
            const r = n * ch + k * h + i;
            adj.B[r]! += Yb[r]! * d * z;
            yb += Yb[r]! * sc.B[r]!;
            ob += Ob[r]! * fp.g[n * c + k]!;
            adj.g[n * c + k]! += Ob[r]! * d;
          }
          adj.d1[n * h + i]! += yb * z + ob;
          adj.z[n * h + i]! += yb * d;
        }
    }
  }
}

/** Push the piece adjoints down to p, phi', phi'', z and V, then assemble d T / d theta. */
function assemble(ctx: Context, adj: Adjoints): Float64Array {
  const { model, fp, sc, st } = ctx;
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht } = fp;
  const V = model.V;
  const hh = h * h;
  const ch = c * h;
  const cc = c * c;
  const L = st.packedWidth;
  const Abar = new Float64Array(hh);
  const F = new Float64Array(ch);
  const Y = new Float64Array(ch);
  const Z = new Float64Array(ch);
  const Sbar = new Float64Array(cc);
  const diagA = new Float64Array(h);
  const hasA = adj.Apacked !== null || adj.Adiag !== null;
  // Locals, not property loads, in the hot loops (V8 keeps them in registers).
  const { d1, d2, p: prob, g } = fp;
  const { S: Sn, B: Bn, delta } = sc;
  const { C: Cb, B: Bb, d1: d1b, d2: d2b, g: gb, V: Vb, p: pb } = adj;
  const Ap = adj.Apacked;
  const Ad = adj.Adiag;
  for (let n = 0; n < N; n++) {
    const nh = n * h;
    const nch = n * ch;
    const ncc = n * cc;
    Sbar.fill(0);
    // C_n = B_n D_n: \bar B_n += \bar C_n D_n, \bar phi'_i += sum_k \bar C_ki B_ki.
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++) {
        const cb = Cb[nch + k * h + i]!;
        Bb[nch + k * h + i]! += cb * d1[nh + i]!;
        d1b[nh + i]! += cb * Bn[nch + k * h + i]!;
      }
    if (hasA) {
      // A_n = F^T S F + diag(delta . phi''), F = V D_n. With Y = F \bar A and Z = S Y = C \bar A:
      // \bar phi'_i += 2 (V^T Z)_ii, \bar S += Y F^T, \bar V += 2 Z D.
      for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) F[k * h + i] = V[k * h + i]! * d1[nh + i]!;
      if (Ap) {
        const base = n * L;
        let r = base;
        for (let i = 0; i < h; i++) {
          Abar[i * h + i] = Ap![r++]!;
          for (let j = i + 1; j < h; j++) {
            const v = Ap![r++]! * Math.SQRT1_2;
            Abar[i * h + j] = v;
            Abar[j * h + i] = v;
          }
        }
        for (let i = 0; i < h; i++) diagA[i] = Abar[i * h + i]!;
        Y.fill(0);
        weightedRowSums(F, h, Abar, h, h, Y, 0, c);
      } else {
        for (let i = 0; i < h; i++) diagA[i] = Ad![nh + i]!;
        for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) Y[k * h + i] = F[k * h + i]! * diagA[i]!;
      }
      for (let k = 0; k < c; k++)
        for (let j = 0; j < h; j++) {
          let s = 0;
          for (let l = 0; l < c; l++) s += Sn[ncc + k * c + l]! * Y[l * h + j]!;
          Z[k * h + j] = s;
        }
      for (let i = 0; i < h; i++) {
        let s = 0;
        for (let k = 0; k < c; k++) s += V[k * h + i]! * Z[k * h + i]!;
        d1b[nh + i]! += 2 * s;
      }
      for (let k = 0; k < c; k++)
        for (let l = 0; l < c; l++) {
          let s = 0;
          for (let j = 0; j < h; j++) s += Y[k * h + j]! * F[l * h + j]!;
          Sbar[k * c + l]! += s;
        }
      for (let k = 0; k < c; k++) for (let j = 0; j < h; j++) Vb[k * h + j]! += 2 * Z[k * h + j]! * d1[nh + j]!;
      if (ctx.hessian) {
        // diag(delta . phi''): \bar delta_i = \bar A_ii phi''_i, \bar phi''_i += \bar A_ii delta_i;
        // delta = V^T g: \bar g += V \bar delta, \bar V += g \bar delta^T.
        for (let i = 0; i < h; i++) {
          const aii = diagA[i]!;
          const deltaBar = aii * d2[nh + i]!;
          d2b[nh + i]! += aii * delta[nh + i]!;
          for (let k = 0; k < c; k++) {
            gb[n * c + k]! += V[k * h + i]! * deltaBar;
            Vb[k * h + i]! += g[n * c + k]! * deltaBar;
          }
        }
      }
    }
    // B_n = S_n V: \bar S += \bar B V^T, \bar V += S \bar B.
    for (let k = 0; k < c; k++)
      for (let l = 0; l < c; l++) {
        let s = 0;
        for (let i = 0; i < h; i++) s += Bb[nch + k * h + i]! * V[l * h + i]!;
        Sbar[k * c + l]! += s;
      }
    for (let k = 0; k < c; k++)
      for (let l = 0; l < c; l++) {
        const s = Sn[ncc + k * c + l]!;
        if (s === 0) continue;
        for (let i = 0; i < h; i++) Vb[k * h + i]! += s * Bb[nch + l * h + i]!;
      }
    // S = diag(p) - p p^T: \bar p_k += \bar S_kk - ((\bar S + \bar S^T) p)_k; g = p - y: \bar p += \bar g.
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let l = 0; l < c; l++) s += (Sbar[k * c + l]! + Sbar[l * c + k]!) * prob[n * c + l]!;
      pb[n * c + k]! += Sbar[k * c + k]! - s + gb[n * c + k]!;
    }
  }
  // K^z_nm = z~_n . z~_m: \bar z_n += sum_m (G_nm + G_mn) z~_m (unaugmented entries only).
  const NN = N * N;
  const Gs = new Float64Array(NN);
  let anyG = false;
  for (let n = 0; n < N; n++)
    for (let m = 0; m < N; m++) {
      const v = adj.Kz[n * N + m]! + adj.Kz[m * N + n]!;
      Gs[n * N + m] = v;
      if (v !== 0) anyG = true;
    }
  if (anyG) {
    const zb = new Float64Array(N * ht);
    weightedRowSums(Gs, N, fp.zt, N, ht, zb, 0, N);
    for (let n = 0; n < N; n++) for (let i = 0; i < h; i++) adj.z[n * h + i]! += zb[n * ht + i]!;
  }
  // Backprop-style assembly (eq:grad-assembly): r^v_n = S_n \bar p_n, q_n as in the module
  // comment; d V~ = R^T Z~ and d W~ = Q^T X~ as weighted row sums over the samples.
  const RT = new Float64Array(c * N);
  const QT = new Float64Array(h * N);
  for (let n = 0; n < N; n++) {
    const ncc = n * cc;
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let l = 0; l < c; l++) s += Sn[ncc + k * c + l]! * pb[n * c + l]!;
      RT[k * N + n] = s;
    }
    for (let i = 0; i < h; i++) {
      let vr = 0;
      for (let k = 0; k < c; k++) vr += V[k * h + i]! * RT[k * N + n]!;
      const r = n * h + i;
      QT[i * N + n] = d1b[r]! * d2[r]! + d2b[r]! * fp.d3[r]! + adj.z[r]! * d1[r]! + d1[r]! * vr;
    }
  }
  const off = h * dt;
  const grad = new Float64Array(firstLayerSize(model) + c * ht);
  weightedRowSums(QT, N, fp.xt, N, dt, grad, 0, h);
  const gradV = grad.subarray(off);
  weightedRowSums(RT, N, fp.zt, N, ht, gradV, 0, c);
  for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) gradV[k * ht + i]! += Vb[k * h + i]!;
  return grad;
}

function makeContext(model: Model, variant: Variant, fp: ForwardPass): Context {
  const first = variant.block !== 'second';
  const sc = traceCurvature(model, fp, variant);
  const second = variant.block !== 'first';
  const hessian = variant.curvature === 'hessian';
  return {
    model,
    fp,
    sc,
    st: traceStacks(fp, sc, first && second && hessian),
    CC: first && second ? gramMatrix(sc.C, fp.samples, fp.classes * fp.hiddenDim) : null,
    Kx: gramMatrix(fp.xt, fp.samples, fp.augmentedInputDim),
    Kz: gramMatrix(fp.zt, fp.samples, fp.augmentedHiddenDim),
    kappa: reductionScale(variant.reduction, fp.samples),
    first,
    second,
    hessian,
  };
}

/**
 * T1, T2 and their gradients with respect to all of theta (eq:trace-gradient), in one pass
 * that shares the forward pass, the per-sample pieces and the Gram matrices.
 */
export function traceGradients(model: Model, data: Dataset, variant: Variant, fp: ForwardPass = forwardPass(model, data)): TraceGradients {
  const ctx = makeContext(model, variant, fp);
  const { samples: N, hiddenDim: h, classes: c } = fp;
  const a1 = newAdjoints(N, h, c);
  seedTraceH(ctx, a1);
  const g1 = assemble(ctx, a1);
  const a2 = newAdjoints(N, h, c);
  seedTraceH2(ctx, a2);
  const g2 = assemble(ctx, a2);
  const t = tracesFromPieces(fp, ctx.sc, ctx.st, ctx.Kx, ctx.Kz, variant, ctx.CC);
  return { traceH: t.traceH, traceH2: t.traceH2, parameters: parameterCount(model, variant.block), gradTraceH: g1, gradTraceH2: g2 };
}

/**
 * The gradient of one WS bound: `upper` = lambda_max upper bound U = m + s sqrt(P-1),
 * `lower` = lambda_min lower bound m - s sqrt(P-1), `range` = s sqrt(2P) (eq:bound-gradient).
 */
export function boundGradient(model: Model, data: Dataset, variant: Variant, of: BoundKind): BoundGradient {
  const tg = traceGradients(model, data, variant);
  return boundGradientFromTraces(tg, of);
}

/** The outer chain rule of eq:bound-gradient, given T1, T2 and their gradients. */
export function boundGradientFromTraces(tg: TraceGradients, of: BoundKind): BoundGradient {
  const P = tg.parameters;
  const bounds = wolkowiczStyanBounds(tg.traceH, tg.traceH2, P);
  const value = of === 'upper' ? bounds.lambdaMaxUpper : of === 'lower' ? bounds.lambdaMinLower : bounds.rangeUpper;
  const R = bounds.spread * Math.sqrt(P - 1);
  // s = 0 exactly (the clamp of eq:s2-clamp); a NaN R is an overflow, not a degenerate spectrum.
  const degenerate = R === 0;
  const gradient = new Float64Array(tg.gradTraceH.length);
  if (degenerate) {
    // Minimum-norm subgradient: the R-part contributes nothing at its zero.
    if (of !== 'range') for (let i = 0; i < gradient.length; i++) gradient[i] = tg.gradTraceH[i]! / P;
    return { value, gradient, bounds, degenerate };
  }
  // dR = beta0 dT2 - alpha0 dT1 with beta0 = (P-1)/(2PR), alpha0 = (P-1)T1/(P^2 R).
  const beta0 = (P - 1) / (2 * P * R);
  const alpha0 = ((P - 1) * tg.traceH) / (P * P * R);
  let alpha: number;
  let beta: number;
  if (of === 'upper') {
    alpha = 1 / P - alpha0;
    beta = beta0;
  } else if (of === 'lower') {
    alpha = 1 / P + alpha0;
    beta = -beta0;
  } else {
    const f = Math.sqrt((2 * P) / (P - 1));
    alpha = -f * alpha0;
    beta = f * beta0;
  }
  for (let i = 0; i < gradient.length; i++) gradient[i] = alpha * tg.gradTraceH[i]! + beta * tg.gradTraceH2[i]!;
  return { value, gradient, bounds, degenerate };
}
