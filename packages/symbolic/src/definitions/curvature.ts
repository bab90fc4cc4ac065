/**
 * Per-sample curvature and the Hessian blocks (docs/mathematics.md §3): A_n = \partial^2\ell_n/\partial u_n^2
 * and C_n = \partial g_n/\partial u_n from the loss's g_n and S_n (eq:a-n, eq:c-n), the three
 * blocks of H in theta order (eq:hessian-blocks) and the Gauss–Newton matrix
 * G = \kappa\sum_n J_n^\top S_n J_n (eq:gauss-newton). The variant enters through the selectors:
 * \mathbb 1_H drops the two terms the Gauss–Newton part does not have.
 */
import { add, define, index, indicator, mul, ref, sum } from '../notation/expression.ts';
import { G, i, ip, j, jp, k, KAPPA, kp, l, lp, n, notation, ONE_H, PHI1, PHI2, S, V, XT, ZT } from './network.ts';

export const DELTA = define('delta', [n, i], notation('\\delta', 'delta'), 'output error back-propagated to the hidden layer, $V^\\top g_n$', sum(k, mul(ref(V, k, i), ref(G, n, k))));

/** (V^T S_n V)_{ii'}: the output curvature seen from the hidden layer. */
export const VSV = define(
  'VSV',
  [n, i, ip],
  notation(
    (ix) => `(V^\\top S_{${ix[0]}} V)_{${ix[1]}${ix[2]}}`,
    (ix) => `(V^T S V)[${ix.join(',')}]`,
  ),
  '$V^\\top S_n V$ ($h \\times h$)',
  sum([k, kp], mul(ref(V, k, i), ref(S, n, k, kp), ref(V, kp, ip))),
);

export const A = define(
  'A',
  [n, i, ip],
  notation('A', 'A'),
  'first-layer curvature $\\partial^2\\ell_n/\\partial u_n^2$ ($h \\times h$)',
  add(mul(ref(PHI1, n, i), ref(PHI1, n, ip), ref(VSV, n, i, ip)), mul(ref(ONE_H), indicator(i, ip), ref(DELTA, n, i), ref(PHI2, n, i))),
);

export const C = define('C', [n, k, i], notation('C', 'C'), 'cross curvature $\\partial g_n/\\partial u_n$ ($c \\times h$)', mul(ref(PHI1, n, i), sum(kp, mul(ref(S, n, k, kp), ref(V, kp, i)))));

const block = (latex: string, text: string) => notation(`[H_{${latex}}]`, `H_${text}`, { groups: [2, 2] });

export const H_WW = define(
  'HWW',
  [i, j, ip, jp],
  block('\\tilde W\\tilde W', 'WW'),
  "first-layer block: rows $\\tilde W_{ij}$, columns $\\tilde W_{i'j'}$",
  mul(ref(KAPPA), sum(n, mul(ref(A, n, i, ip), ref(XT, n, j), ref(XT, n, jp)))),
);
export const H_VV = define(
  'HVV',
  [k, l, kp, lp],
  block('\\tilde V\\tilde V', 'VV'),
  "second-layer block: rows $\\tilde V_{kl}$, columns $\\tilde V_{k'l'}$",
  mul(ref(KAPPA), sum(n, mul(ref(S, n, k, kp), ref(ZT, n, l), ref(ZT, n, lp)))),
);
export const H_WV = define(
  'HWV',
  [i, j, k, l],
  block('\\tilde W\\tilde V', 'WV'),
  'cross block: rows $\\tilde W_{ij}$, columns $\\tilde V_{kl}$',
  mul(ref(KAPPA), sum(n, mul(ref(XT, n, j), add(mul(ref(C, n, k, i), ref(ZT, n, l)), mul(ref(ONE_H), ref(G, n, k), ref(PHI1, n, i), indicator(l, i)))))),
);

const jac = (latex: string, text: string) => notation(`J^{${latex}}`, `J^${text}`, { groups: [1, 1, 2], decorated: true });
export const J_W = define('JW', [n, k, i, j], jac('\\tilde W', 'W'), 'Jacobian of the logits in the first layer, $\\partial v_{nk}/\\partial\\tilde W_{ij}$', mul(ref(V, k, i), ref(PHI1, n, i), ref(XT, n, j)));
export const J_V = define('JV', [n, k, kp, l], jac('\\tilde V', 'V'), "Jacobian of the logits in the second layer, $\\partial v_{nk}/\\partial\\tilde V_{k'l}$", mul(indicator(k, kp), ref(ZT, n, l)));

const k2 = index("k''", 'c');
const k3 = index("k'''", 'c');
const gn = (latex: string, text: string) => notation(`[G_{${latex}}]`, `G_${text}`, { groups: [2, 2] });
export const G_WW = define(
  'GWW',
  [i, j, ip, jp],
  gn('\\tilde W\\tilde W', 'WW'),
  'Gauss–Newton first-layer block',
  mul(ref(KAPPA), sum([n, k2, k3], mul(ref(J_W, n, k2, i, j), ref(S, n, k2, k3), ref(J_W, n, k3, ip, jp)))),
);
export const G_VV = define(
  'GVV',
  [k, l, kp, lp],
  gn('\\tilde V\\tilde V', 'VV'),
  'Gauss–Newton second-layer block',
  mul(ref(KAPPA), sum([n, k2, k3], mul(ref(J_V, n, k2, k, l), ref(S, n, k2, k3), ref(J_V, n, k3, kp, lp)))),
);
export const G_WV = define('GWV', [i, j, k, l], gn('\\tilde W\\tilde V', 'WV'), 'Gauss–Newton cross block', mul(ref(KAPPA), sum([n, k2, k3], mul(ref(J_W, n, k2, i, j), ref(S, n, k2, k3), ref(J_V, n, k3, k, l)))));
