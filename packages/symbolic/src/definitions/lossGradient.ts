/**
 * The gradient of the loss by backpropagation (eq:loss-gradient): the output error g_n reaches
 * V~ through z~_n and, back-propagated as delta_n = V^T g_n, W~ through phi'_n and x~_n.
 */
import { define, mul, ref, sum } from '../notation/expression.ts';
import { DELTA } from './curvature.ts';
import { G, i, j, k, KAPPA, l, n, parameterGradient, PHI1, XT, ZT } from './network.ts';

export const LOSS_GRADIENT_W = define(
  'gradLW',
  [i, j],
  parameterGradient('\\tilde W', 'W~', 'L', 'L'),
  '$\\partial L/\\partial\\tilde W_{ij}$',
  mul(ref(KAPPA), sum(n, mul(ref(PHI1, n, i), ref(DELTA, n, i), ref(XT, n, j)))),
);
export const LOSS_GRADIENT_V = define('gradLV', [k, l], parameterGradient('\\tilde V', 'V~', 'L', 'L'), '$\\partial L/\\partial\\tilde V_{kl}$', mul(ref(KAPPA), sum(n, mul(ref(G, n, k), ref(ZT, n, l)))));
