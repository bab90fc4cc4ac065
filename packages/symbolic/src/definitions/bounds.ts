/**
 * The Wolkowicz–Styan bounds from T1, T2 and P (docs/mathematics.md §2; Wolkowicz and Styan
 * 1980, Linear Algebra Appl. 29, Thm 2.1: eq:ws-bounds, eq:range-bound, eq:s2-clamp) and the outer
 * chain rule of their gradients (eq:bound-gradient): alpha = dB/dT1, beta = dB/dT2 for the
 * upper bound U, the lower bound on lambda_min and the range bound.
 */
import { add, define, div, extent, input, max, mul, neg, num, pow, ref, sqrt, sub } from '../notation/expression.ts';
import { notation, ONE_V, ONE_W } from './network.ts';
import { T1, T2 } from './traces.ts';

export const PB = define(
  'P',
  [],
  notation('P', 'P'),
  'parameters of the Hessian block: $h\\tilde d$ (first), $c\\tilde h$ (second) or both',
  add(mul(ref(ONE_W), extent('h'), extent('dt')), mul(ref(ONE_V), extent('c'), extent('ht'))),
);
const P = ref(PB);
export const MEAN = define('mean', [], notation('m', 'm'), 'mean of the eigenvalues', div(ref(T1), P));
export const SPREAD_SQUARED = define('s2', [], notation('s^2', 's^2', { decorated: true }), 'variance of the eigenvalues, clamped at 0 (eq:s2-clamp)', max(sub(div(ref(T2), P), pow(ref(MEAN), 2)), num(0)));
export const SPREAD = define('s', [], notation('s', 's'), 'standard deviation of the eigenvalues', sqrt(ref(SPREAD_SQUARED)));

const m = ref(MEAN);
const s = ref(SPREAD);
const root = sqrt(sub(P, num(1)));
export const LAMBDA_MAX_UPPER = define('lambdaMaxUpper', [], notation('U', 'U'), 'the upper bound on $\\lambda_{\\max}$ HSR descends', add(m, mul(s, root)));
export const LAMBDA_MAX_LOWER = define('lambdaMaxLower', [], notation('\\lambda^{\\max}_{\\mathrm{lo}}', 'lambda_max_lo', { decorated: true }), 'lower bound on $\\lambda_{\\max}$', add(m, div(s, root)));
export const LAMBDA_MIN_UPPER = define('lambdaMinUpper', [], notation('\\lambda^{\\min}_{\\mathrm{up}}', 'lambda_min_up', { decorated: true }), 'upper bound on $\\lambda_{\\min}$', sub(m, div(s, root)));
export const LAMBDA_MIN_LOWER = define('lambdaMinLower', [], notation('\\lambda^{\\min}_{\\mathrm{lo}}', 'lambda_min_lo', { decorated: true }), 'lower bound on $\\lambda_{\\min}$', sub(m, mul(s, root)));
export const RANGE_UPPER = define('rangeUpper', [], notation('\\Delta_{\\mathrm{up}}', 'range_up'), 'upper bound on $\\lambda_{\\max} - \\lambda_{\\min}$', mul(s, sqrt(mul(num(2), P))));

/** The dense spectrum's extremes (the sweep takes them from the symmetric eigensolver of the CAS-checked Hessian). */
export const LAMBDA_MAX = input('lambdaMax', [], notation('\\lambda_{\\max}', 'lambda_max'), 'largest eigenvalue of the block');
export const LAMBDA_MIN = input('lambdaMin', [], notation('\\lambda_{\\min}', 'lambda_min'), 'smallest eigenvalue of the block');

export const RADIUS = define('R', [], notation('R', 'R'), 'the radius $s\\sqrt{P-1}$', mul(s, root));

// The outer chain rule: alpha = dB/dT1, beta = dB/dT2.
const Rr = ref(RADIUS);
const t1 = ref(T1);
const alpha0 = div(mul(sub(P, num(1)), t1), mul(pow(P, 2), Rr));
const beta0 = div(sub(P, num(1)), mul(num(2), P, Rr));
const rangeFactor = sqrt(div(mul(num(2), P), sub(P, num(1))));
export const ALPHA = define('alpha', [], notation('\\alpha', 'alpha'), '$\\partial U/\\partial T_1$', sub(div(num(1), P), alpha0));
export const BETA = define('beta', [], notation('\\beta', 'beta'), '$\\partial U/\\partial T_2$', beta0);
export const ALPHA_LOWER = define('alphaLower', [], notation('\\alpha_{\\mathrm{lo}}', 'alpha_lo'), '$\\partial\\lambda^{\\min}_{\\mathrm{lo}}/\\partial T_1$', add(div(num(1), P), alpha0));
export const BETA_LOWER = define('betaLower', [], notation('\\beta_{\\mathrm{lo}}', 'beta_lo'), '$\\partial\\lambda^{\\min}_{\\mathrm{lo}}/\\partial T_2$', neg(beta0));
export const ALPHA_RANGE = define('alphaRange', [], notation('\\alpha_{\\Delta}', 'alpha_range'), '$\\partial\\Delta_{\\mathrm{up}}/\\partial T_1$', neg(mul(rangeFactor, alpha0)));
export const BETA_RANGE = define('betaRange', [], notation('\\beta_{\\Delta}', 'beta_range'), '$\\partial\\Delta_{\\mathrm{up}}/\\partial T_2$', mul(rangeFactor, beta0));
