/**
 * Closed-form gradients of T1 = tr H, T2 = tr H^2 and of the Wolkowicz–Styan bounds with
 * respect to every parameter (docs/mathematics.md §5), by reverse-mode differentiation written out by
 * hand over the per-sample pieces of `hessianTrace.ts`. No P x P matrix, no finite
 * differences, no autodiff.
 *
 * Evaluation order (for speed; the sums are those of the per-pair derivation; traceEngine.ts):
 * every adjoint of a pair term c_t sum_nm W_nm B(X_n, X_m) is a full row sum,
 *   \bar X_n = 2\kappa^2 c_t M_B \sum_m W_{nm}X_m
 * (M_B the form's matrix: the identity, or [[0, I], [I, I]] on [Y | O]), e.g.
 *   \bar A_n = 2\kappa^2\sum_m (K^x_{nm})^2 A_m,\quad \bar C_n = 4\kappa^2\sum_m K^x_{nm}K^z_{nm} C_m,\quad
 *   \bar Y_n = 4\kappa^2\sum_m K^x_{nm} O_m,\quad \bar O_n = 4\kappa^2\sum_m K^x_{nm}(Y_m + O_m),
 * the upper part of which is T2's own row sum (so the gradient reuses it), plus, for beta > 0,
 * the K^z adjoint \bar z_n += 2 c_t beta \kappa^2 \sum_m (K^x)^alpha (K^z)^(beta-1) <X_n, X_m> z~_m;
 * on the feature route the row sums are Phi_n X-frak. T1 and T2 themselves come from
 * `tracesFromParts`, as in hessianTraces, so a bound's value here equals the one computed from
 * hessianTraces bit for bit (and s^2 is clamped in exactly the same cases).
 * Per sample, \bar A_n enters only through F_n\bar A_n with F_n = V D_n (c x h), so nothing of
 * size h^2 beyond one dense \bar A_n per thread is formed: \bar\varphi'_n \mathrel{+}= 2\,\mathrm{diag}(V^\top S_n F_n\bar A_n),
 * \bar S_n \mathrel{+}= F_n\bar A_nF_n^\top, \bar V \mathrel{+}= 2 S_nF_n\bar A_n D_n.
 * Cost O(N^2 (h^2/2 + 5ch + c^2 + d~ + h~) + N(hd + c h^2 + c^2 h)) time on the pairs route —
 * the \bar A row sums, N^2 h^2/2 multiply-adds, dominate at MNIST size — and O(N(h^2/2 + ch + c^2))
 * memory, nothing of size N^2.
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
import type { ForwardPass } from './network.ts';
import { evaluateTraces, tracesFromParts, type TraceOptions } from './traceEngine.ts';
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

/**
 * T1, T2 and their gradients with respect to all of theta (eq:trace-gradient), in one pass
 * that shares the forward pass, the per-sample pieces and the pair tiles (traceEngine.ts;
 * the adjoint of each piece is written out at its step there, following the formulas above).
 * T1 and T2 come from `tracesFromParts`, as in hessianTraces, so they are bit-identical to it.
 * `options.threads` only changes the speed, never a bit.
 */
export function traceGradients(model: Model, data: Dataset, variant: Variant, fp?: ForwardPass, options: TraceOptions = {}): TraceGradients {
  const parts = evaluateTraces(model, data, variant, 'gradients', fp, options);
  const t = tracesFromParts(parts);
  return { traceH: t.traceH, traceH2: t.traceH2, parameters: parts.parameters, gradTraceH: parts.gradTraceH!, gradTraceH2: parts.gradTraceH2! };
}

/**
 * The gradient of one WS bound: `upper` = lambda_max upper bound U = m + s sqrt(P-1),
 * `lower` = lambda_min lower bound m - s sqrt(P-1), `range` = s sqrt(2P) (eq:bound-gradient).
 */
export function boundGradient(model: Model, data: Dataset, variant: Variant, of: BoundKind, options: TraceOptions = {}): BoundGradient {
  const tg = traceGradients(model, data, variant, undefined, options);
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
