/**
 * Closed-form gradients of T1 = tr H, T2 = tr H^2 and of the Wolkowicz–Styan bounds with
 * respect to every parameter (MATH.md §5), by reverse-mode differentiation written out by
 * hand over the per-sample pieces of `hessianTrace.ts`. No P x P matrix, no finite
 * differences, no autodiff: cost O(N^2 (h^2 + c^2 + ch) + N(c h^2 + c^2 h)), memory
 * O(N(h^2 + ch + c^2) + N^2).
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
import { ACTIVATIONS } from './activations.ts';
import { hessianTraces } from './hessianTrace.ts';
import { forwardPass, reductionScale, type ForwardPass } from './network.ts';
import { firstLayerSize, parameterCount } from './parameters.ts';
import { sampleCurvature, type SampleCurvature } from './sampleCurvature.ts';
import { gramMatrix } from './hessianTrace.ts';
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
  p: Float64Array; // N x c (includes the g path: g = p - y)
  d1: Float64Array; // N x h
  d2: Float64Array; // N x h
  z: Float64Array; // N x h (unaugmented)
  A: Float64Array; // N x h x h
  B: Float64Array; // N x c x h
  C: Float64Array; // N x c x h
  S: Float64Array; // N x c x c
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
    A: new Float64Array(N * h * h),
    B: new Float64Array(N * c * h),
    C: new Float64Array(N * c * h),
    S: new Float64Array(N * c * c),
    g: new Float64Array(N * c),
    V: new Float64Array(c * h),
    Kz: new Float64Array(N * N),
  };
}

interface Context {
  model: Model;
  fp: ForwardPass;
  sc: SampleCurvature;
  Kx: Float64Array;
  Kz: Float64Array;
  kappa: number;
  first: boolean;
  second: boolean;
  withG: boolean;
}

/** Seeds for T1: \bar A_n = kappa K^x_nn I, and the (1 - ||p_n||^2) K^z_nn term. */
function seedTraceH(ctx: Context, adj: Adjoints): void {
  const { fp, Kx, Kz, kappa } = ctx;
  const { samples: N, hiddenDim: h, classes: c } = fp;
  for (let n = 0; n < N; n++) {
    if (ctx.first) {
      const w = kappa * Kx[n * N + n]!;
      for (let i = 0; i < h; i++) adj.A[n * h * h + i * h + i]! += w;
    }
    if (ctx.second) {
      let pp = 0;
      for (let k = 0; k < c; k++) pp += fp.p[n * c + k]! ** 2;
      // d/dp_n (1 - ||p_n||^2) = -2 p_n; d/dK^z_nn = (1 - ||p_n||^2).
      for (let k = 0; k < c; k++) adj.p[n * c + k]! += -2 * kappa * Kz[n * N + n]! * fp.p[n * c + k]!;
      adj.Kz[n * N + n]! += kappa * (1 - pp);
    }
  }
}

/** Seeds for T2 (see the module comment for the term-by-term rules). */
function seedTraceH2(ctx: Context, adj: Adjoints): void {
  const { fp, sc, Kx, Kz, kappa } = ctx;
  const { samples: N, hiddenDim: h, classes: c, augmentedHiddenDim: ht } = fp;
  const k2 = kappa * kappa;
  const hh = h * h;
  const ch = c * h;
  const e = new Float64Array(h);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < N; m++) {
      const kx = Kx[n * N + m]!;
      const kz = Kz[n * N + m]!;
      if (ctx.first) {
        // (K^x)^2 <A_n, A_m>: \bar A_n += 2 kappa^2 sum_m (K^x_nm)^2 A_m.
        const w = 2 * k2 * kx * kx;
        if (w !== 0) for (let r = 0; r < hh; r++) adj.A[n * hh + r]! += w * sc.A[m * hh + r]!;
      }
      if (ctx.second) {
        // (K^z)^2 <S_n, S_m>, <S_n,S_m> = sum_k p_nk p_mk (1 - p_nk - p_mk) + (p_n.p_m)^2.
        // d/dp_n (first argument) = p_m (1 - 2 p_n - p_m + 2 p_n.p_m); x2 for the symmetric pair.
        let dot = 0;
        let inner = 0;
        for (let k = 0; k < c; k++) {
          const a = fp.p[n * c + k]!;
          const b = fp.p[m * c + k]!;
          dot += a * b;
          inner += a * b * (1 - a - b);
        }
        inner += dot * dot;
        const w = 2 * k2 * kz * kz;
        for (let k = 0; k < c; k++) {
          const a = fp.p[n * c + k]!;
          const b = fp.p[m * c + k]!;
          adj.p[n * c + k]! += w * b * (1 - 2 * a - b + 2 * dot);
        }
        adj.Kz[n * N + m]! += k2 * 2 * kz * inner;
      }
      if (ctx.first && ctx.second) {
        // 2 K^x Gamma_nm with omega = 2 kappa^2 K^x_nm over ordered pairs; first-argument
        // derivatives doubled (Gamma is symmetric under n <-> m).
        const omega = 2 * k2 * kx;
        if (omega === 0) continue;
        // K^z_nm tr(C_n^T C_m): G_nm += omega tr(C_n^T C_m); \bar C_n += 2 omega K^z_nm C_m.
        let trCC = 0;
        for (let r = 0; r < ch; r++) trCC += sc.C[n * ch + r]! * sc.C[m * ch + r]!;
        adj.Kz[n * N + m]! += omega * trCC;
        const wc = 2 * omega * kz;
        for (let r = 0; r < ch; r++) adj.C[n * ch + r]! += wc * sc.C[m * ch + r]!;
        if (!ctx.withG) continue;
        const two = 2 * omega;
        let gg = 0;
        let dd = 0;
        for (let k = 0; k < c; k++) gg += fp.g[n * c + k]! * fp.g[m * c + k]!;
        for (let i = 0; i < h; i++) dd += fp.d1[n * h + i]! * fp.d1[m * h + i]!;
        for (let i = 0; i < h; i++) {
          const dn = fp.d1[n * h + i]!;
          const dm = fp.d1[m * h + i]!;
          const zn = fp.zt[n * ht + i]!;
          const zm = fp.zt[m * ht + i]!;
          // t2 = g_m^T B_n (d1_n . d1_m . z_n): e_i = (B_n^T g_m)_i.
          let ei = 0;
          // t3 = g_n^T B_m (d1_n . d1_m . z_m): f_i = (B_m^T g_n)_i.
          let fi = 0;
          for (let k = 0; k < c; k++) {
            ei += sc.B[n * ch + k * h + i]! * fp.g[m * c + k]!;
            fi += sc.B[m * ch + k * h + i]! * fp.g[n * c + k]!;
          }
          e[i] = ei;
          const wn = dn * dm * zn;
          for (let k = 0; k < c; k++) adj.B[n * ch + k * h + i]! += two * fp.g[m * c + k]! * wn;
          adj.d1[n * h + i]! += two * (ei * dm * zn + fi * dm * zm + gg * dm);
          adj.z[n * h + i]! += two * ei * dn * dm;
          const wm = dn * dm * zm;
          for (let k = 0; k < c; k++) adj.g[n * c + k]! += two * sc.B[m * ch + k * h + i]! * wm;
        }
        // t4 = (g_n . g_m)(d1_n . d1_m): \bar g_n += 2 omega (d1_n . d1_m) g_m.
        for (let k = 0; k < c; k++) adj.g[n * c + k]! += two * dd * fp.g[m * c + k]!;
      }
    }
  }
}

/** Push the piece adjoints down to p, phi', phi'', z and V, then assemble d T / d theta. */
function assemble(ctx: Context, adj: Adjoints): Float64Array {
  const { model, fp, sc } = ctx;
  const { samples: N, hiddenDim: h, classes: c, augmentedInputDim: dt, augmentedHiddenDim: ht } = fp;
  const V = model.V;
  const hh = h * h;
  const ch = c * h;
  const cc = c * c;
  const M = new Float64Array(hh);
  const Mbar = new Float64Array(hh);
  const SM = new Float64Array(c * h);
  for (let n = 0; n < N; n++) {
    const d1 = fp.d1.subarray(n * h, (n + 1) * h);
    const S = sc.S.subarray(n * cc, (n + 1) * cc);
    const Sbar = adj.S.subarray(n * cc, (n + 1) * cc);
    const Bbar = adj.B.subarray(n * ch, (n + 1) * ch);
    const B = sc.B.subarray(n * ch, (n + 1) * ch);
    // C_n = B_n D_n: \bar B_n += \bar C_n D_n, \bar phi'_i += sum_k \bar C_ki B_ki.
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++) {
        const cb = adj.C[n * ch + k * h + i]!;
        Bbar[k * h + i]! += cb * d1[i]!;
        adj.d1[n * h + i]! += cb * B[k * h + i]!;
      }
    // A_n = D M D + diag(delta . phi''), M = V^T S V, delta = V^T g.
    const Abar = adj.A.subarray(n * hh, (n + 1) * hh);
    let anyA = false;
    for (let r = 0; r < hh; r++) if (Abar[r] !== 0) { anyA = true; break; }
    if (anyA) {
      for (let i = 0; i < h; i++)
        for (let j = i; j < h; j++) {
          let s = 0;
          for (let k = 0; k < c; k++) s += V[k * h + i]! * B[k * h + j]!;
          M[i * h + j] = s;
          M[j * h + i] = s;
        }
      // Symmetrise \bar A (the seeds are symmetric already; this makes it exact).
      for (let i = 0; i < h; i++) {
        let s = 0;
        for (let j = 0; j < h; j++) {
          const ab = 0.5 * (Abar[i * h + j]! + Abar[j * h + i]!);
          s += ab * M[i * h + j]! * d1[j]!;
          Mbar[i * h + j] = d1[i]! * ab * d1[j]!;
        }
        // \bar phi'_i += 2 sum_j \bar A_ij M_ij phi'_j.
        adj.d1[n * h + i]! += 2 * s;
      }
      // \bar S += V \bar M V^T; \bar V += 2 S V \bar M = 2 B \bar M.
      for (let k = 0; k < c; k++)
        for (let j = 0; j < h; j++) {
          let s = 0;
          for (let i = 0; i < h; i++) s += V[k * h + i]! * Mbar[i * h + j]!;
          SM[k * h + j] = s;
        }
      for (let k = 0; k < c; k++)
        for (let kk = 0; kk < c; kk++) {
          let s = 0;
          for (let j = 0; j < h; j++) s += SM[k * h + j]! * V[kk * h + j]!;
          Sbar[k * c + kk]! += s;
        }
      for (let k = 0; k < c; k++)
        for (let j = 0; j < h; j++) {
          let s = 0;
          for (let i = 0; i < h; i++) s += B[k * h + i]! * Mbar[i * h + j]!;
          adj.V[k * h + j]! += 2 * s;
        }
      if (ctx.withG) {
        // diag(delta . phi''): \bar delta_i = \bar A_ii phi''_i, \bar phi''_i += \bar A_ii delta_i;
        // delta = V^T g: \bar g += V \bar delta, \bar V += g \bar delta^T.
        for (let i = 0; i < h; i++) {
          const aii = Abar[i * h + i]!;
          const deltaBar = aii * fp.d2[n * h + i]!;
          adj.d2[n * h + i]! += aii * sc.delta[n * h + i]!;
          for (let k = 0; k < c; k++) {
            adj.g[n * c + k]! += V[k * h + i]! * deltaBar;
            adj.V[k * h + i]! += fp.g[n * c + k]! * deltaBar;
          }
        }
      }
    }
    // B_n = S_n V: \bar S += \bar B V^T, \bar V += S \bar B.
    for (let k = 0; k < c; k++)
      for (let kk = 0; kk < c; kk++) {
        let s = 0;
        for (let i = 0; i < h; i++) s += Bbar[k * h + i]! * V[kk * h + i]!;
        Sbar[k * c + kk]! += s;
      }
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++) {
        let s = 0;
        for (let kk = 0; kk < c; kk++) s += S[k * c + kk]! * Bbar[kk * h + i]!;
        adj.V[k * h + i]! += s;
      }
    // S = diag(p) - p p^T: \bar p_k += \bar S_kk - ((\bar S + \bar S^T) p)_k; g = p - y: \bar p += \bar g.
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let kk = 0; kk < c; kk++) s += (Sbar[k * c + kk]! + Sbar[kk * c + k]!) * fp.p[n * c + kk]!;
      adj.p[n * c + k]! += Sbar[k * c + k]! - s + adj.g[n * c + k]!;
    }
  }
  // K^z_nm = z~_n . z~_m: \bar z_n += sum_m (G_nm + G_mn) z_m (unaugmented entries only).
  for (let n = 0; n < N; n++)
    for (let m = 0; m < N; m++) {
      const w = adj.Kz[n * N + m]! + adj.Kz[m * N + n]!;
      if (w === 0) continue;
      for (let i = 0; i < h; i++) adj.z[n * h + i]! += w * fp.zt[m * ht + i]!;
    }
  // Backprop-style assembly (eq:grad-assembly).
  const grad = new Float64Array(firstLayerSize(model) + c * ht);
  const off = h * dt;
  const rv = new Float64Array(c);
  for (let n = 0; n < N; n++) {
    const S = sc.S.subarray(n * cc, (n + 1) * cc);
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let kk = 0; kk < c; kk++) s += S[k * c + kk]! * adj.p[n * c + kk]!;
      rv[k] = s;
    }
    for (let k = 0; k < c; k++) for (let l = 0; l < ht; l++) grad[off + k * ht + l]! += rv[k]! * fp.zt[n * ht + l]!;
    for (let i = 0; i < h; i++) {
      let vr = 0;
      for (let k = 0; k < c; k++) vr += V[k * h + i]! * rv[k]!;
      const q =
        adj.d1[n * h + i]! * fp.d2[n * h + i]! +
        adj.d2[n * h + i]! * fp.d3[n * h + i]! +
        adj.z[n * h + i]! * fp.d1[n * h + i]! +
        fp.d1[n * h + i]! * vr;
      for (let j = 0; j < dt; j++) grad[i * dt + j]! += q * fp.xt[n * dt + j]!;
    }
  }
  for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) grad[off + k * ht + i]! += adj.V[k * h + i]!;
  return grad;
}

function makeContext(model: Model, data: Dataset, variant: Variant, fp: ForwardPass): Context {
  return {
    model,
    fp,
    sc: sampleCurvature(model, fp, variant.curvature),
    Kx: gramMatrix(fp.xt, fp.samples, fp.augmentedInputDim),
    Kz: gramMatrix(fp.zt, fp.samples, fp.augmentedHiddenDim),
    kappa: reductionScale(variant.reduction, fp.samples),
    first: variant.block !== 'second',
    second: variant.block !== 'first',
    withG: variant.curvature === 'hessian',
  };
}

/** T1, T2 and their gradients with respect to all of theta (eq:trace-gradient). */
export function traceGradients(model: Model, data: Dataset, variant: Variant, fp: ForwardPass = forwardPass(model, data)): TraceGradients {
  const ctx = makeContext(model, data, variant, fp);
  const { samples: N, hiddenDim: h, classes: c } = fp;
  const a1 = newAdjoints(N, h, c);
  seedTraceH(ctx, a1);
  const g1 = assemble(ctx, a1);
  const a2 = newAdjoints(N, h, c);
  seedTraceH2(ctx, a2);
  const g2 = assemble(ctx, a2);
  const t = hessianTraces(model, data, variant, fp);
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
  const degenerate = !(R > 0);
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
