/**
 * The Hessian-vector product without forming H (eq:hessian-vector-product; Pearlmutter's
 * R-operator written out from the blocks of eq:hessian-blocks), for a direction
 * v = (v_{\tilde W}, v_{\tilde V}) restricted to the block by the selectors.
 */
import { add, augment, define, input, mul, num, ref, sum } from '../notation/expression.ts';
import { DELTA } from './curvature.ts';
import { G, i, j, k, KAPPA, kp, l, lh, n, notation, ONE_H, ONE_V, ONE_W, PHI1, PHI2, S, V, XT, ZT } from './network.ts';

export const DIRECTION_W = input('vW', ['h', 'dt'], notation('v^{\\tilde W}', 'vW', { decorated: true }), 'first-layer part of the direction (zero outside the block)');
export const DIRECTION_V = input('vV', ['c', 'ht'], notation('v^{\\tilde V}', 'vV', { decorated: true }), 'second-layer part of the direction (zero outside the block)');

export const HVP_R = define('hvp.r', [n, i], notation('r', 'r'), 'first-layer direction applied to the input, $v^{\\tilde W}\\tilde x_n$', mul(ref(ONE_W), sum(j, mul(ref(DIRECTION_W, i, j), ref(XT, n, j)))));
export const HVP_RHO = define('hvp.rho', [n, i], notation('\\rho', 'rho'), "$\\varphi'_n \\odot r_n$: the change of $z_n$ along $v$", mul(ref(PHI1, n, i), ref(HVP_R, n, i)));
export const HVP_W = define('hvp.w', [n, k], notation('w', 'w'), 'second-layer direction applied to $\\tilde z_n$, $v^{\\tilde V}\\tilde z_n$', mul(ref(ONE_V), sum(l, mul(ref(DIRECTION_V, k, l), ref(ZT, n, l)))));
export const HVP_S = define(
  'hvp.s',
  [n, k],
  notation('t', 't'),
  'the change of $g_n$ along $v$, $S_n(w_n + V\\rho_n)$',
  sum(kp, mul(ref(S, n, k, kp), add(ref(HVP_W, n, kp), sum(i, mul(ref(V, kp, i), ref(HVP_RHO, n, i)))))),
);
export const HVP_Q = define(
  'hvp.q',
  [n, i],
  notation('q^v', 'q^v', { decorated: true }),
  'the first-layer row of $Hv$ before contraction with $\\tilde x_n$',
  add(
    mul(ref(PHI1, n, i), sum(k, mul(ref(V, k, i), ref(HVP_S, n, k)))),
    mul(ref(ONE_H), add(mul(ref(DELTA, n, i), ref(PHI2, n, i), ref(HVP_R, n, i)), mul(ref(ONE_V), ref(PHI1, n, i), sum(k, mul(ref(DIRECTION_V, k, i), ref(G, n, k)))))),
  ),
);
export const HVP_OUT_W = define('hvp.W', [i, j], notation('(Hv)^{\\tilde W}', '(Hv)W', { decorated: true }), 'first-layer part of $Hv$', mul(ref(ONE_W), ref(KAPPA), sum(n, mul(ref(HVP_Q, n, i), ref(XT, n, j)))));
export const HVP_OUT_V = define(
  'hvp.V',
  [k, l],
  notation('(Hv)^{\\tilde V}', '(Hv)V', { decorated: true }),
  'second-layer part of $Hv$',
  mul(ref(ONE_V), ref(KAPPA), sum(n, add(mul(ref(HVP_S, n, k), ref(ZT, n, l)), mul(ref(ONE_H), ref(G, n, k), augment(l, lh, ref(HVP_RHO, n, lh), num(0)))))),
);
