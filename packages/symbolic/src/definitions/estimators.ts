/**
 * The Hessian's diagonal in closed form (eq:hessian-diagonal) and the stochastic estimators that
 * `hsr estimate` measures against the closed forms (numeric's estimators/, docs/estimators.md),
 * as executable definitions: Hutchinson's estimator of T1 and its variances
 * (eq:hutchinson-trace), the Frobenius estimator of T2 (eq:frobenius-estimator), the excess
 * kurtosis of one probe's quadratic form (eq:quadratic-form-kurtosis), Hutch++
 * (eq:hutch-plus-plus), XTrace (eq:xtrace) and the interval a sample variance falls in
 * (eq:sample-variance-interval).
 *
 * The estimators are definitions over the block's Hessian as a P x P matrix H and over the
 * probes as inputs. What is not a closed form stays an input with its meaning stated: the
 * orthonormal basis of a sketch (Hutch++), the projectors onto the leave-one-out sketches
 * (XTrace; each estimate depends on the span only, so any basis gives the same value) and the
 * chi-square quantiles. The sweep feeds them the probes numeric's estimators draw from the same
 * seed and compares the values with numeric's estimators on the same matrix, and the moments
 * with exact enumeration of every Rademacher probe and with the dense spectrum.
 */
import { add, define, div, extent, index, indicator, input, mul, neg, num, pow, ref, sub, sum, type Expr, type Index } from '../notation/expression.ts';
import type { Formula } from '../notation/latex.ts';
import { A, DELTA } from './curvature.ts';
import { CROSS_ENTROPY } from './losses.ts';
import { a, i, j, k, KAPPA, l, n, notation, ONE_H, ONE_V, ONE_W, PHI1, PHI2, S, V, XT, ZT } from './network.ts';
import { T1 } from './traces.ts';

// ---------------------------------------------------------------------------------------------
// The diagonal of the Hessian (the network's shapes).

const diagonal = (layer: string, text: string) =>
  notation(
    (ix) => `[H_{${layer}}]_{${ix.join('')},${ix.join('')}}`,
    (ix) => `H_${text}[${ix.join(',')};${ix.join(',')}]`,
  );

export const DIAG_W = define(
  'diag.W',
  [i, j],
  diagonal('\\tilde W\\tilde W', 'WW'),
  'diagonal of the first-layer block: the entry of $\\tilde W_{ij}$ with itself',
  mul(ref(KAPPA), sum(n, mul(ref(A, n, i, i), pow(ref(XT, n, j), 2)))),
);
export const DIAG_V = define(
  'diag.V',
  [k, l],
  diagonal('\\tilde V\\tilde V', 'VV'),
  'diagonal of the second-layer block: the entry of $\\tilde V_{kl}$ with itself',
  mul(ref(KAPPA), sum(n, mul(ref(S, n, k, k), pow(ref(ZT, n, l), 2)))),
);

/** The softmax probabilities of the loss table's cross-entropy (the weighted-variance form is a property of that loss). */
const P_SOFTMAX = CROSS_ENTROPY.definitions[0]!;

export const VBAR = define('diag.vbar', [n, i], notation('\\bar v', 'v-'), '$p_n$-weighted mean of column $i$ of $V$', sum(k, mul(ref(P_SOFTMAX, n, k), ref(V, k, i))));

/** (A_n)_ii as the code evaluates it for cross-entropy: a weighted variance (every term >= 0, no cancellation). */
export const DIAG_A_WEIGHTED: Formula = {
  kind: 'identity',
  lhs: ref(A, n, i, i),
  rhs: add(mul(pow(ref(PHI1, n, i), 2), sum(k, mul(ref(P_SOFTMAX, n, k), pow(sub(ref(V, k, i), ref(VBAR, n, i)), 2)))), mul(ref(ONE_H), ref(DELTA, n, i), ref(PHI2, n, i))),
};
export const DIAG_S: Formula = { kind: 'identity', lhs: ref(S, n, k, k), rhs: mul(ref(P_SOFTMAX, n, k), sub(num(1), ref(P_SOFTMAX, n, k))) };
export const DIAG_SUM: Formula = { kind: 'identity', lhs: add(mul(ref(ONE_W), sum([i, j], ref(DIAG_W, i, j))), mul(ref(ONE_V), sum([k, l], ref(DIAG_V, k, l)))), rhs: ref(T1) };

// ---------------------------------------------------------------------------------------------
// The estimators: definitions over H (P x P, theta order, the block's) and the probes.

export const b = index('b', 'theta');
const ap = index("a'", 'theta');
/** A probe, over the m probes (Hutchinson, Frobenius). */
export const q = index('q', 'probes');
/** A complement probe of Hutch++, over its m - 2k. */
export const qc = index('q', 'complement');
/** A probe of XTrace, over its k. */
export const qk = index('q', 'loo');
/** A direction of the sketch's basis. */
export const e = index('e', 'sketch');
const ep = index("e'", 'sketch');

export const H_MATRIX = input('Hmat', ['theta', 'theta'], notation('H', 'H'), 'the Hessian of the block (or its Gauss–Newton part) as a $P \\times P$ matrix in $\\theta$ order: the blocks of eq:hessian-blocks');
export const PROBES = input('probe.v', ['probes', 'theta'], notation('v', 'v'), 'the $m$ probe vectors (one per Hessian-vector product): i.i.d. entries with $E[vv^\\top] = I$, Rademacher ($\\pm1$) or standard normal');

const H = (x: Index, y: Index) => ref(H_MATRIX, x, y);
const sumSquares = (x: Expr) => sum([a, b], pow(x, 2));
const perProbe = (x: Expr) => mul(div(num(1), extent('probes')), x);

export const QUADRATIC = define(
  'hutch.quad',
  [q],
  notation(
    (ix) => `v_{${ix[0]}}^\\top Hv_{${ix[0]}}`,
    (ix) => `v[${ix[0]}]^T H v[${ix[0]}]`,
  ),
  'the quadratic form of probe $q$',
  sum([a, b], mul(ref(PROBES, q, a), H(a, b), ref(PROBES, q, b))),
);
export const T1_HAT = define('hutch.T1', [], notation('\\widehat{T_1}', 'T1^'), "Hutchinson's estimate of $T_1 = \\mathrm{tr}H$", perProbe(sum(q, ref(QUADRATIC, q))));
export const T1_HAT_VAR_GAUSS = define(
  'hutch.varGauss',
  [],
  notation('\\mathrm{Var}_{\\mathcal N}\\widehat{T_1}', 'Var_N T1^'),
  'variance of $\\widehat{T_1}$ with Gaussian probes ($2\\|H\\|_F^2/m$)',
  mul(div(num(2), extent('probes')), sumSquares(H(a, b))),
);
export const T1_HAT_VAR_RADEMACHER = define(
  'hutch.varRad',
  [],
  notation('\\mathrm{Var}_{\\pm}\\widehat{T_1}', 'Var_+- T1^'),
  'variance of $\\widehat{T_1}$ with Rademacher probes: the diagonal carries none of it',
  mul(div(num(2), extent('probes')), sub(sumSquares(H(a, b)), sum(a, pow(H(a, a), 2)))),
);

export const H_PROBE = define(
  'frob.Hv',
  [q, a],
  notation(
    (ix) => `(Hv_{${ix[0]}})_{${ix[1]}}`,
    (ix) => `(H v[${ix[0]}])[${ix[1]}]`,
  ),
  'the Hessian-vector product of probe $q$',
  sum(b, mul(H(a, b), ref(PROBES, q, b))),
);
export const SQUARED_NORM = define(
  'frob.sq',
  [q],
  notation(
    (ix) => `\\|Hv_{${ix[0]}}\\|^2`,
    (ix) => `|H v[${ix[0]}]|^2`,
    { decorated: true },
  ),
  'the squared norm of the product of probe $q$',
  sum(a, pow(ref(H_PROBE, q, a), 2)),
);
export const T2_HAT = define('frob.T2', [], notation('\\widehat{T_2}', 'T2^'), 'the Frobenius estimate of $T_2 = \\|H\\|_F^2$', perProbe(sum(q, ref(SQUARED_NORM, q))));
export const H_SQUARED = define(
  'frob.H2',
  [a, b],
  notation(
    (ix) => `(H^2)_{${ix.join('')}}`,
    (ix) => `(H^2)[${ix.join(',')}]`,
    { decorated: true },
  ),
  '$H^2$',
  sum(ap, mul(H(a, ap), H(ap, b))),
);
export const T2_HAT_VAR_GAUSS = define(
  'frob.varGauss',
  [],
  notation('\\mathrm{Var}_{\\mathcal N}\\widehat{T_2}', 'Var_N T2^'),
  'variance of $\\widehat{T_2}$ with Gaussian probes ($2\\,\\mathrm{tr}H^4/m$)',
  mul(div(num(2), extent('probes')), sumSquares(ref(H_SQUARED, a, b))),
);
export const T2_HAT_VAR_RADEMACHER = define(
  'frob.varRad',
  [],
  notation('\\mathrm{Var}_{\\pm}\\widehat{T_2}', 'Var_+- T2^'),
  'variance of $\\widehat{T_2}$ with Rademacher probes',
  mul(div(num(2), extent('probes')), sub(sumSquares(ref(H_SQUARED, a, b)), sum(a, pow(ref(H_SQUARED, a, a), 2)))),
);

// The excess kurtosis of one probe's v^T H v (the interval of a sample variance needs it).
export const OFF_DIAGONAL = define('kurt.B', [a, b], notation('B', 'B'), 'the off-diagonal part of $H$', mul(sub(num(1), indicator(a, b)), H(a, b)));
export const OFF_DIAGONAL_SQUARED = define(
  'kurt.B2',
  [a, b],
  notation(
    (ix) => `(B^2)_{${ix.join('')}}`,
    (ix) => `(B^2)[${ix.join(',')}]`,
    { decorated: true },
  ),
  '$B^2$',
  sum(ap, mul(ref(OFF_DIAGONAL, a, ap), ref(OFF_DIAGONAL, ap, b))),
);
export const ROW_SQUARES = define('kurt.r', [a], notation('r', 'r'), 'the squared norm of row $a$ of $B$', sum(b, pow(ref(OFF_DIAGONAL, a, b), 2)));
export const KURTOSIS_GAUSS = define(
  'kurt.gauss',
  [],
  notation('\\gamma_2^{\\mathcal N}', 'gamma2_N', { decorated: true }),
  "excess kurtosis of one Gaussian probe's $v^\\top Hv$",
  div(mul(num(12), sumSquares(ref(H_SQUARED, a, b))), pow(sumSquares(H(a, b)), 2)),
);
export const KURTOSIS_RADEMACHER = define(
  'kurt.rad',
  [],
  notation('\\gamma_2^{\\pm}', 'gamma2_+-', { decorated: true }),
  "excess kurtosis of one Rademacher probe's $v^\\top Hv$",
  div(
    add(mul(num(48), sumSquares(ref(OFF_DIAGONAL_SQUARED, a, b))), neg(mul(num(96), sum(a, pow(ref(ROW_SQUARES, a), 2)))), mul(num(32), sum([a, b], pow(ref(OFF_DIAGONAL, a, b), 4)))),
    mul(num(4), pow(sumSquares(ref(OFF_DIAGONAL, a, b)), 2)),
  ),
);
export const SPECTRAL_NORM = input('rhoH', [], notation('\\|H\\|_2', '|H|_2'), 'the spectral norm $\\max(|\\lambda_{\\max}|, |\\lambda_{\\min}|)$ (the sweep takes it from the dense spectrum)');
const rho2 = pow(ref(SPECTRAL_NORM), 2);
export const KURTOSIS_BOUND_GAUSS: Formula = { kind: 'inequality', chain: [ref(KURTOSIS_GAUSS), div(mul(num(12), rho2), sumSquares(H(a, b)))] };
export const KURTOSIS_BOUND_RADEMACHER: Formula = { kind: 'inequality', chain: [ref(KURTOSIS_RADEMACHER), div(mul(num(56), rho2), sumSquares(ref(OFF_DIAGONAL, a, b)))] };

// Hutch++: the sketch's basis Q (P x r, orthonormal columns) and the m - 2k complement probes g_q.
export const SKETCH_BASIS = input(
  'hpp.Q',
  ['theta', 'sketch'],
  notation('Q', 'Q'),
  'an orthonormal basis of the span of $HS$, $S$ the $k = \\lfloor m/3\\rfloor$ sketch probes ($r = k$ columns unless $HS$ is rank-deficient); the estimate depends on the span only',
);
export const COMPLEMENT_PROBES = input('hpp.g', ['complement', 'theta'], notation('g', 'g'), 'the $m - 2k$ complement probes, drawn after $S$');
const Q = (x: Index, y: Index) => ref(SKETCH_BASIS, x, y);
const g = (x: Index) => ref(COMPLEMENT_PROBES, qc, x);

export const SKETCH_M = define('hpp.M', [e, ep], notation('M', 'M'), '$Q^\\top HQ$ ($r \\times r$)', sum([a, b], mul(Q(a, e), H(a, b), Q(b, ep))));
export const SKETCH_TRACE = define('hpp.trQ', [], notation('\\mathrm{tr}(Q^\\top HQ)', 'tr(Q^T H Q)'), 'the trace of $H$ on the sketch', sum(e, ref(SKETCH_M, e, e)));
export const PROJECTED_PROBE = define(
  'hpp.gperp',
  [qc, a],
  notation(
    (ix) => `((I - QQ^\\top)g_{${ix[0]}})_{${ix[1]}}`,
    (ix) => `((I - Q Q^T) g[${ix[0]}])[${ix[1]}]`,
  ),
  'complement probe $q$ with its part in the sketch removed',
  sub(g(a), sum([e, b], mul(Q(a, e), Q(b, e), g(b)))),
);
export const COMPLEMENT_FORM = define(
  'hpp.form',
  [qc],
  notation(
    (ix) => `g_{${ix[0]}}^\\top(I - QQ^\\top)H(I - QQ^\\top)g_{${ix[0]}}`,
    (ix) => `g[${ix[0]}]^T (I - Q Q^T) H (I - Q Q^T) g[${ix[0]}]`,
  ),
  'the quadratic form of complement probe $q$ on the compression of $H$',
  sum([a, b], mul(ref(PROJECTED_PROBE, qc, a), H(a, b), ref(PROJECTED_PROBE, qc, b))),
);
export const HUTCH_PLUS_PLUS = define(
  'hpp.T1',
  [],
  notation('\\widehat{T_1}^{\\,\\mathrm{H{+}{+}}}', 'T1^H++', { decorated: true }),
  'the Hutch++ estimate of $T_1$',
  add(ref(SKETCH_TRACE), mul(div(num(1), extent('complement')), sum(qc, ref(COMPLEMENT_FORM, qc)))),
);
const QG = define(
  'hpp.Qg',
  [qc, e],
  notation(
    (ix) => `(Q^\\top g_{${ix[0]}})_{${ix[1]}}`,
    (ix) => `(Q^T g[${ix[0]}])[${ix[1]}]`,
  ),
  'the sketch coordinates of complement probe $q$',
  sum(a, mul(Q(a, e), g(a))),
);
const QHG = define(
  'hpp.QHg',
  [qc, e],
  notation(
    (ix) => `(Q^\\top Hg_{${ix[0]}})_{${ix[1]}}`,
    (ix) => `(Q^T H g[${ix[0]}])[${ix[1]}]`,
  ),
  'the sketch coordinates of the product of complement probe $q$',
  sum([a, b], mul(Q(a, e), H(a, b), g(b))),
);
/** The form numeric evaluates: one product H g per probe, the projections as r-vectors. */
export const COMPLEMENT_FORM_EXPANDED: Formula = {
  kind: 'identity',
  lhs: ref(COMPLEMENT_FORM, qc),
  rhs: add(sum([a, b], mul(g(a), H(a, b), g(b))), neg(mul(num(2), sum(e, mul(ref(QG, qc, e), ref(QHG, qc, e))))), sum([e, ep], mul(ref(QG, qc, e), ref(SKETCH_M, e, ep), ref(QG, qc, ep)))),
};

// XTrace: k probes w_q, each also the Hutchinson probe of the complement of the sketch of the others.
export const XTRACE_PROBES = input('xt.w', ['loo', 'theta'], notation('w', 'w'), 'the $k = \\lfloor m/2\\rfloor$ probes');
export const XTRACE_PROJECTORS = input(
  'xt.Pi',
  ['loo', 'theta', 'theta'],
  notation(
    (ix) => `(Q_{${ix[0]}}Q_{${ix[0]}}^\\top)_{${ix[1]}${ix[2]}}`,
    (ix) => `(Q[${ix[0]}] Q[${ix[0]}]^T)[${ix[1]},${ix[2]}]`,
  ),
  "the orthogonal projector onto the span of $Hw_{q'}$ for $q' \\ne q$ ($Q_q$: an orthonormal basis of the other $k - 1$ products)",
);
const PI = (x: Index, y: Index) => ref(XTRACE_PROJECTORS, qk, x, y);
const w = (x: Index) => ref(XTRACE_PROBES, qk, x);
export const XTRACE_TRACE = define(
  'xt.tr',
  [qk],
  notation(
    (ix) => `\\mathrm{tr}(Q_{${ix[0]}}^\\top HQ_{${ix[0]}})`,
    (ix) => `tr(Q[${ix[0]}]^T H Q[${ix[0]}])`,
  ),
  'the trace of $H$ on the sketch without probe $q$',
  sum([a, b], mul(PI(a, b), H(b, a))),
);
export const XTRACE_PROJECTED = define(
  'xt.wperp',
  [qk, a],
  notation(
    (ix) => `((I - Q_{${ix[0]}}Q_{${ix[0]}}^\\top)w_{${ix[0]}})_{${ix[1]}}`,
    (ix) => `((I - Q[${ix[0]}] Q[${ix[0]}]^T) w[${ix[0]}])[${ix[1]}]`,
  ),
  'probe $q$ with its part in its own sketch removed',
  sub(w(a), sum(b, mul(PI(a, b), w(b)))),
);
export const XTRACE_FORM = define(
  'xt.form',
  [qk],
  notation(
    (ix) => `w_{${ix[0]}}^\\top(I - Q_{${ix[0]}}Q_{${ix[0]}}^\\top)H(I - Q_{${ix[0]}}Q_{${ix[0]}}^\\top)w_{${ix[0]}}`,
    (ix) => `w[${ix[0]}]^T (I - Q[${ix[0]}] Q[${ix[0]}]^T) H (I - Q[${ix[0]}] Q[${ix[0]}]^T) w[${ix[0]}]`,
  ),
  'the quadratic form of probe $q$ on the compression of $H$ by its own sketch',
  sum([a, b], mul(ref(XTRACE_PROJECTED, qk, a), H(a, b), ref(XTRACE_PROJECTED, qk, b))),
);
export const XTRACE = define(
  'xt.T1',
  [],
  notation('\\widehat{T_1}^{\\,\\mathrm{X}}', 'T1^X', { decorated: true }),
  'the XTrace estimate of $T_1$',
  mul(div(num(1), extent('loo')), sum(qk, add(ref(XTRACE_TRACE, qk), ref(XTRACE_FORM, qk)))),
);

// The interval a sample variance falls in (moment-matched chi-square).
export const SAMPLE_SIGMA2 = input('svi.sigma2', [], notation('\\sigma^2', 'sigma^2', { decorated: true }), 'the variance of each of the values (from its formula)');
export const SAMPLE_COUNT = input('svi.n', [], notation('n', 'n'), 'the number of i.i.d. values, $n \\ge 2$');
export const SAMPLE_KURTOSIS = input(
  'svi.gamma',
  [],
  notation('\\gamma_2', 'gamma2'),
  "the values' excess kurtosis (for a mean of $m$ probes, $\\gamma_2^{\\pm}/m$ or $\\gamma_2^{\\mathcal N}/m$ of eq:quadratic-form-kurtosis, or its bound)",
);
export const QUANTILE_LOW = input(
  'svi.qlo',
  [],
  notation('\\chi^2_{\\nu,(1-c)/2}', 'chi2_{nu,(1-c)/2}', { decorated: true }),
  'the $(1 - c)/2$ quantile of the chi-square distribution with $\\nu$ degrees of freedom, for confidence $c$ (numeric `chiSquareQuantile`)',
);
export const QUANTILE_HIGH = input('svi.qhi', [], notation('\\chi^2_{\\nu,(1+c)/2}', 'chi2_{nu,(1+c)/2}', { decorated: true }), 'the $(1 + c)/2$ quantile of the same');
const nMinus1 = sub(ref(SAMPLE_COUNT), num(1));
export const SAMPLE_VARIANCE_VARIANCE = define(
  'svi.var',
  [],
  notation('\\mathrm{Var}(s^2)', 'Var(s^2)'),
  'the exact variance of the sample variance $s^2$ of the $n$ values',
  mul(pow(ref(SAMPLE_SIGMA2), 2), add(div(num(2), nMinus1), div(ref(SAMPLE_KURTOSIS), ref(SAMPLE_COUNT)))),
);
export const DEGREES_OF_FREEDOM = define(
  'svi.nu',
  [],
  notation('\\nu', 'nu'),
  'the degrees of freedom of the moment-matched chi-square',
  div(num(2), add(div(num(2), nMinus1), div(ref(SAMPLE_KURTOSIS), ref(SAMPLE_COUNT)))),
);
/** Satterthwaite: sigma^2 chi^2_nu / nu has variance 2 sigma^4 / nu, equal to Var(s^2) at this nu. */
export const MOMENT_MATCH: Formula = { kind: 'identity', lhs: ref(DEGREES_OF_FREEDOM), rhs: div(mul(num(2), pow(ref(SAMPLE_SIGMA2), 2)), ref(SAMPLE_VARIANCE_VARIANCE)) };
export const INTERVAL_LOW = define('svi.lower', [], notation('s^2_{\\mathrm{lo}}', 's2_lo', { decorated: true }), 'the lower end', div(mul(ref(SAMPLE_SIGMA2), ref(QUANTILE_LOW)), ref(DEGREES_OF_FREEDOM)));
export const INTERVAL_HIGH = define('svi.upper', [], notation('s^2_{\\mathrm{hi}}', 's2_hi', { decorated: true }), 'the upper end', div(mul(ref(SAMPLE_SIGMA2), ref(QUANTILE_HIGH)), ref(DEGREES_OF_FREEDOM)));
