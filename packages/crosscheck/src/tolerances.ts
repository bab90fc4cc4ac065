/**
 * Every named tolerance of the project, each with its derivation, and the one comparison they
 * are used in:
 *
 *   |actual - expected| <= atol + rtol * max(|expected|, scale)
 *
 * where `scale` (default: the largest |expected| in the whole array) keeps entries that are
 * tiny only by cancellation from demanding impossible relative accuracy. None is loosened to
 * make a test pass; a new comparison gets a new constant here, with its reason.
 *
 * This module imports nothing, so `@hsr/crosscheck/tolerances` can be loaded by any package's
 * tests (and by users) without the oracles behind the rest of crosscheck.
 */

/** Machine epsilon of float64. */
export const EPS = 2 ** -52;

// ---------------------------------------------------------------------------------------
// Exact routes against each other.

/** Two routes that evaluate the same formula in a different order: a few ulps per operation. */
export const RTOL_SAME_FORMULA = 1e-12;

/**
 * The depth-general route at L = 2 against the three-layer route: the same terms of the same
 * formula (H_WW, H_VV, H_WV; T1, T2), grouped differently (gemm products instead of loops, the
 * reduction factor applied once instead of per sample). Each entry is a sum of O(N h) rounded
 * products whose cancellation is measured against the largest entry (`scale`): a reordering
 * costs a few ulps of that scale, and 1e-14 (45 ulps) leaves room for that but fails any
 * missing or doubled term, which changes entries by O(1) relative.
 */
export const RTOL_DEPTH_TWO_VS_THREE_LAYER = 1e-14;

/**
 * Closed form vs forward-mode AD: different summation orders over O(P^2 N) terms, so round-off
 * grows like P eps times the condition; at P <= 70 that is ~1e-13, and 1e-10 leaves three
 * orders for the condition of sums that cancel.
 */
export const RTOL_VS_AUTODIFF = 1e-10;

/**
 * Closed form vs the dense Hessian's eigenvalues or Frobenius norm: the symmetric QL solver is
 * backward stable (eigenvalues exact for a matrix within ~P eps ||H|| of H), so sums of them err
 * by ~P^2 eps relative to sum |lambda|, 1e-12 at P = 70; 1e-10 as for autodiff.
 */
export const RTOL_VS_DENSE = 1e-10;

/**
 * Symbolic derivative (nerdamer or mathjs), compiled to float64, vs a closed form: the same exact
 * value through different expression trees, O(P^2) terms summed for T2 and its gradient, so
 * round-off of order P eps times the condition; relative 1e-10 as for autodiff, with the closed
 * forms' absolute round-off floors (magnitudes.ts) where entries cancel.
 */
export const RTOL_VS_SYMBOLIC = 1e-10;

/**
 * nerdamer vs mathjs on an activation's phi^(k): two exact derivations evaluated in float64
 * through different expression trees; the trees are unsimplified (mathjs) or carry rational
 * stand-ins for e (nerdamer), so allow ~1e3 ulps. Same value as RTOL_VS_AUTODIFF.
 */
export const RTOL_ENGINES_AGREE = 1e-10;

/**
 * An executable definition of the formula registry (index notation, plain loops in definition
 * order) vs @hsr/numeric's closed form of the same quantity: the same exact value summed in a
 * different order and grouping (numeric contracts Gram matrices, packed stacks, weighted row
 * sums), O(N^2 P) terms at P <= 50, N <= 4, so round-off ~P eps times the condition of the sum
 * (measured worst ~1e-15 on the sweep). 1e-10 as for autodiff: five orders of margin, and a
 * wrong term is an O(1) relative error.
 */
export const RTOL_DEFINITION_VS_NUMERIC = 1e-10;

/**
 * Two definitions of the registry claimed equal, both evaluated by the same loops: an expanded
 * form (tr S_n = 1 - ||p_n||^2, <S_n, S_m> in p), the Gauss–Newton blocks against the Hessian
 * blocks with 1_H = 0, T1 and T2 against the trace and squared norm of the blocks' matrix. The
 * sides differ in summation order and, for the expanded forms, cancel O(1) terms to results of
 * order (1 - p_max) >= 1e-3 on the sweep's unsaturated cases: ~1e3 eps relative. 1e-11 keeps
 * three orders above that and fails any wrong term.
 */
export const RTOL_DEFINITION_IDENTITY = 1e-11;

/**
 * hsr against the PyTorch peer of `pnpm bench --peer torch` (tools/peer/torch_peer.py): U and
 * grad U of the same closed form in two implementations whose GEMMs block and sum in different
 * orders (hsr's kernel, OpenBLAS), grad U by hand-written reverse mode against autograd. T2 at
 * 784-128-128-10, N = 128 sums ~N^2 m^2 = 2.7e8 rounded products in blocks, whose round-off is a
 * few hundred ulps of the largest partial sums at worst; gradients are judged against their
 * largest entry. 1e-10 (RTOL_VS_DENSE's value) leaves orders of magnitude above that (measured:
 * <= 1e-14) and fails any wrong term, which moves U by ~1e-3 relative (the self-check's mutants).
 */
export const RTOL_VS_PEER = 1e-10;

/** vs PyTorch golden fixtures: float64 autograd, a different code path, printed with repr. */
export const RTOL_VS_GOLDEN = 1e-10;

/** Gradients vs PyTorch golden fixtures: a third-order quantity through autograd. */
export const RTOL_GRADIENT_VS_GOLDEN = 1e-9;

/**
 * Float64 T1, T2 and extreme eigenvalues of a saturated network (weights ~1e3, p_max = 1 - eps
 * with eps < 1e-16) vs a 120-digit reference from the loss definition, on the same float64
 * inputs. With S_n and g_n formed entry-wise (no 1 - p) nothing cancels catastrophically; what
 * remains is inherent to evaluating the logits in float64: v_k - v_y is a difference of sums of
 * size |V||z| ~ 2e3, off by a few ulp(2e3) ~ 1e-13 absolute, which is the relative error of
 * each p_k = exp(v_k - lse) and of the eps-sized curvature (T2 ~ eps^2 doubles it). Measured
 * worst: 1.5e-13 (T2). 1e-12 keeps a margin of several times that; a lost 1 - p term is an
 * O(1) relative error.
 */
export const RTOL_SATURATED_VS_HIGH_PRECISION = 1e-12;

/**
 * The softmax covariance kernels (losses.ts: S_n entry-wise, tr S_n, <S_n, S_m>) on float64
 * probabilities vs an 80-digit reference from the definitions diag(p) - p p^T
 * (fixtures/softmax/generate.py), with the kernels fed p rounded to float64: each p_k is off
 * by at most half an ulp (1.1e-16) relative. Every term of the cancellation-free sums is a
 * product of at most four p's (<= 4 half-ulps) and the sums have at most c^2 = 16 non-negative
 * terms, so nothing cancels and the relative error is at most about (4 + 16) eps/2 ~ 2e-15
 * (measured worst: 2.2e-16 for S_n and tr S_n, 2.7e-16 for <S_n, S_m>). 1e-14 leaves a margin
 * of 5 over the bound while failing a textbook 1 - ||p||^2 (measured relative error 1), or a kernel that takes the wrong index as the largest probability,
 * whose relative error in these rows is of order 1 (1 - p_max is 1e-11 to 1e-26).
 */
export const RTOL_SOFTMAX_VS_HIGH_PRECISION = 1e-14;

/**
 * The loss table (losses.ts: p, the loss, g, S, tr S, <S_n, S_m>, S x and the logit adjoint of
 * every loss) from float64 logits vs an 80-digit reference from the definitions
 * (fixtures/losses/generate.py), entry by entry against max(|reference|, the sum of the
 * magnitudes of the entry's terms). Per row the tolerance is this constant times
 * 1 + max_k |v_k|: p_k = exp(v_k - lse) takes its argument with an absolute rounding of up to
 * eps (|v_k| + |lse|) / 2, which exp turns into that much relative error (1.8e-13 at |v| = 800);
 * the rest are sums of at most c^2 = 16 terms of at most four such factors, about 20 eps
 * (4.4e-15) relative to their term magnitudes. 1e-14 (1 + max|v|) is above both (measured:
 * every entry is within 5e-16 (1 + max|v|), a twentieth of it) and fails a dropped term, a wrong sign or a lost 1 - p, which are errors
 * of order 1 relative to their entry.
 */
export const RTOL_LOSS_TABLE_VS_HIGH_PRECISION = 1e-14;

/** Absolute floor: values below this are zero for every float64 quantity we compare. */
export const ATOL_FLOOR = 1e-13;

/**
 * Column means of standardised data are sums of N terms of size up to max|z| ~ 10, each
 * carrying a rounding error of a few eps: N * 4 eps * 10 ~ 1e-11 for N = 1797 (digits).
 */
export const ATOL_STANDARDIZED_MEAN = 1e-11;

/**
 * Slack allowed when checking that the Wolkowicz–Styan bounds enclose the dense spectrum,
 * relative to max |lambda|: the symmetric QL solver's eigenvalues are exact for a matrix
 * within ~P eps ||H|| of H (backward stable; P <= 70 here gives ~2e-14), and T1, T2 carry
 * their own ~1e-15 relative error. 1e-10 is far above that and far below any real violation
 * (a wrong trace moves a bound by a fraction of the spread).
 */
export const RTOL_SPECTRUM_ENCLOSURE = 1e-10;

/**
 * Lanczos run to a relative residual tol = 1e-11 puts an eigenvalue within tol * ||H|| of
 * each extreme Ritz value (Weyl); the rest is O(k eps ||H||) round-off of the recurrence and
 * O(P^3) round-off of the dense solver, so 1e-9 of ||H|| leaves two orders of margin.
 */
export const RTOL_LANCZOS_VS_DENSE = 1e-9;

// ---------------------------------------------------------------------------------------
// Special functions and activations.

/**
 * erf vs CPython's math.erf (C99 libm, within about 1 ulp, printed with repr): our series and
 * continued fraction agree to a few ulps, 1e-15 relative (~5 ulps).
 */
export const RTOL_ERF = 1e-15;

/**
 * erf/erfc by the autodiff package's own jets vs CPython's libm: the series and the continued
 * fraction are each accurate to a few ulps (erfc on x >= 1.5: 2.2 eps at worst against
 * mpmath). erfc = 1 - erf on (-1.5, 1.5) keeps erf's absolute error only: up to 1.6e-14
 * relative near x = 1.44 (docs/verification.md), which the libm grid's points stay under.
 */
export const RTOL_ERF_VS_LIBM = 1e-14;

/**
 * The activation table vs the textbook derivatives (s(1 - s), 1 - t^2, ...) at |u| <= 3, where
 * those forms cancel only against O(1) terms: a handful of roundings each, ~10 eps relative to
 * the largest value on the grid; 1e-13 leaves margin and fails any wrong term (O(1) relative).
 */
export const RTOL_ACTIVATION_VS_TEXTBOOK = 1e-13;

/** Phi(u) for -2 sqrt2 < u < 0 is 1 + erf with erf near -1: ~1/erfc(2) = 200 ulps relative. */
export const RTOL_PHI_CANCELLATION = 5e-14;

/**
 * The activation table in the saturated tails vs mpmath: each tail entry is a product of at
 * most four factors that are each accurate to a few ulps (sigma(+-u): one exp and one division;
 * tanh; the Gaussian e^{-u^2/2} split so that u^2 is not rounded), plus at most one sum whose
 * terms do not cancel (silu's s + u s' at u = -30 loses a factor 30/29): ~10 ulps = 2e-15
 * expected (measured worst 4.0e-16). 1e-14 leaves margin for libm's exp and tanh while still
 * failing the old 1 - t^2 (relative error 1 at |u| >= 20) by 14 orders of magnitude.
 */
export const RTOL_ACTIVATION_TAIL = 1e-14;

/**
 * Activation derivatives by jets vs sympy's symbolic derivatives of the defining formulas
 * (autodiff's fixtures/activations.json), relative, tails included. The jets are ulp-accurate
 * except for GELU's Gaussian: e^{-x^2} with x = u/sqrt 2 turns the rounding of x into a relative
 * error of 2 x^2 eps = u^2 eps ~ 2e-13 at |u| = 30 (measured: 3.3e-14). phi'' and phi''' are
 * judged relative to the larger of the two at that u, so an isolated zero (gelu''' at -2,
 * tanh'' at 0) is judged on the local scale.
 */
export const RTOL_ACTIVATION_VS_REFERENCE = 1e-13;

/**
 * `@hsr/numeric`'s ACTIVATIONS table vs the jets over the whole grid, relative to
 * max(|value|, 1): the jets' own tanh/logistic compositions, not the table, limit this to ulps
 * of 1 in the saturated tails. The table's relative accuracy there is held separately, against
 * the sympy fixture and mpmath values. Measured worst: ~2e-16.
 */
export const RTOL_ACTIVATION_TABLE = 1e-13;

// ---------------------------------------------------------------------------------------
// Finite differences. Every stencil in the project is the five-point central difference
//   f'(t) ~ [f(t-2h) - 8f(t-h) + 8f(t+h) - f(t+2h)] / (12h),
// truncation h^4 f^(5)/30, round-off ~ (18/12) eps |f| / h (the weights' absolute sum times
// the evaluation error of f, over the step). The tolerances below differ by what is
// differentiated and how large the step is.

/**
 * Step of the five-point central difference of the named properties. With h = 2^-10 (~1e-3,
 * exactly representable so t +- h rounds by at most ulp(t)) the truncation is
 * ~3e-14 |f^(5)| and the round-off ~3e-13 |f|: five orders below RTOL_VS_FINITE_DIFFERENCE
 * for the generated scales (inputs <= 3 sqrt(d), weights <= 10), where the plain two-point
 * stencil at its optimal step eps^(1/3) would only reach ~1e-10 and has no margin left for
 * saturated units' large higher derivatives. `parameterSteps` divides it by each coordinate's
 * rate.
 */
export const FIVE_POINT_STEP = 2 ** -10;

/**
 * The named properties' analytic derivatives (loss gradient, Hessian, activation table,
 * gradients of T1, T2 and the bounds) vs the five-point stencil above at step 2^-10 over each
 * coordinate's rate: truncation (h rate)^4 |f^(5)|/30 ~ 3e-14 and round-off ~3e-13 relative,
 * per entry additionally floored by the round-off 1.5 * 64 eps |f| / h
 * (FINITE_DIFFERENCE_ROUNDOFF_UNITS). 1e-7 is five orders above both on generated cases and
 * leaves room for saturated units, whose fifth derivatives reach ~1e5 at weights ~10; a wrong
 * term is an O(1) relative error.
 */
export const RTOL_VS_FINITE_DIFFERENCE = 1e-7;

/**
 * A nerdamer derivative vs the five-point stencil (step 2^-10) of its own lower derivative, for
 * activations mathjs cannot differentiate (erf): truncation ~3e-14 |f^(5)|, round-off ~2e-13
 * |f|; 1e-8 leaves room for the larger fifth derivatives of GELU and SiLU at |u| ~ 2.
 */
export const RTOL_ENGINE_VS_FIVE_POINT = 1e-8;

/**
 * The activation table's phi^(k+1) vs the stencil (step 1e-3) of its phi^(k) on a grid of
 * |u| <= 20: truncation h^4 f^(5)/30 ~ 1e-13 for these smooth functions, round-off ~eps/h ~
 * 1e-13; 1e-9 relative to the derivative's scale on the grid (with an absolute 1e-12 for the
 * saturated zeros) leaves margin.
 */
export const RTOL_ACTIVATION_VS_FIVE_POINT = 1e-9;

/**
 * Closed-form gradients of T1, T2 and U vs the stencil at step 2e-4 (1 + |theta_i|) of the
 * closed forms' own values: truncation O(h^4 f^(5)) ~ 1e-12 and round-off ~eps |f| / h ~ 1e-12
 * relative, so 1e-9 (scaled by the largest gradient entry) has three orders of margin and still
 * catches a single wrong term (those are O(1) relative).
 */
export const RTOL_CLOSED_FORM_VS_FIVE_POINT = 1e-9;

/**
 * Third derivatives by three nested five-point stencils (step h = 2e-3) of a plain-number
 * function: round-off ~eps |f| (18/12)^3 / h^3 ~ 1e-7 relative to |f|, truncation ~h^4 ~ 1e-11.
 */
export const RTOL_THIRD_DIFFERENCE = 1e-6;

/**
 * Absolute error floor of a five-point derivative, in units of eps |f|max / h: the stencil's
 * weights sum to 18/12 in absolute value and each f value carries a few ulps of its own
 * evaluation error times the condition of its summation (N <= 8 samples, a handful of
 * cancelling terms in T2); 64 covers that with room. Without it a near-zero derivative of an
 * O(1) function (the loss at near-zero weights) would demand impossible relative accuracy.
 */
export const FINITE_DIFFERENCE_ROUNDOFF_UNITS = 64;

/**
 * Bound gradients are checked only where the bound is differentiable with margin: R = s sqrt(P-1)
 * must exceed this fraction of sqrt(T2) (the eigenvalues' root mean square times sqrt P).
 * Closer to R = 0 (all eigenvalues equal) the bound has a kink and a finite difference with
 * step h straddles it; the degenerate branch is checked separately (`degenerate` flag).
 */
export const MIN_RELATIVE_SPREAD_FOR_GRADIENT = 1e-3;

/**
 * Absolute error floor of a closed-form trace, in units of eps times the magnitude of its
 * terms before cancellation (see `traceMagnitudes`): T1 = kappa sum_n [...(1 - ||p_n||^2)...]
 * loses all relative accuracy when a softmax saturates (1 - ||p||^2 ~ 1e-25 is computed as
 * 1 - 1 = 0) while its absolute error stays ~eps times the unsaturated scale. A relative
 * check below that floor would demand digits float64 does not have; 64 covers the few
 * roundings per term and the N^2 <= 64 pair sums.
 */
export const CLOSED_FORM_ROUNDOFF_UNITS = 64;

// ---------------------------------------------------------------------------------------
// Stochastic estimators (numeric's estimators/): exact identities evaluated in another order,
// the statistics behind the checks, and how often a seeded statistical check may be wrong.

/**
 * Probability that a correct estimator fails one seeded statistical check: a mean within
 * z(1 - alpha/2) standard errors of the exact value, a sample variance inside the 1 - alpha
 * interval of its formula, a count within z(1 - alpha/2) binomial standard deviations. The
 * checks are deterministic given their seeds, so this is the chance that the fixed seeds are
 * unlucky. z = 4.9 at 1e-6; a biased estimator or a wrong variance formula (Gaussian for
 * Rademacher, a missing diagonal term) lands many standard errors outside.
 */
export const STATISTICAL_CHECK_ALPHA = 1e-6;

/**
 * A moment formula of v^T A v (mean, variance, excess kurtosis) vs exact enumeration of all 2^P
 * Rademacher probes, P <= 10: the enumeration sums 2^P terms of O(P^2) products and the formula
 * O(P^4) products, each exact up to about 2^P eps ~ 2e-13 relative; 1e-10 leaves three orders
 * and fails any wrong term (an O(1) relative error).
 */
export const RTOL_VS_ENUMERATION = 1e-10;

/**
 * Hutch++ or XTrace vs the exact trace of a matrix whose rank fits in the sketch: an identity in
 * exact arithmetic, reached through an O(P k^2) orthogonalisation of a sketch whose condition
 * number is that of the low-rank H, so round-off ~ k P eps cond ~ 1e-12; 1e-10 leaves margin.
 */
export const RTOL_SKETCH_EXACT_ON_LOW_RANK = 1e-10;

/**
 * Hutch++ vs the algorithm written out with explicit projections on the same draws, relative to
 * ||H||_F: the same formula in another order (the projections p, q and M = Q^T H Q against
 * (I - QQ^T) applied vector by vector), a few hundred roundings of O(||H||_F) terms.
 */
export const RTOL_HUTCHPP_VS_PROJECTIONS = 1e-10;

/**
 * XTrace vs its leave-one-out definition with k explicit bases of k - 1 vectors each, relative
 * to ||H||_F: the implementation goes through R^{-T} (a triangular solve whose condition is
 * that of the sketch, ~1e2 for these random matrices) and Gram matrices, so one order more
 * than RTOL_HUTCHPP_VS_PROJECTIONS.
 */
export const RTOL_XTRACE_VS_LEAVE_ONE_OUT = 1e-9;

/**
 * A Rayleigh quotient or Ritz value vs the dense solver's eigenvalue, beyond its Weyl bound
 * (the residual ||Hv - theta v||): the product H v and the QL solver each add a few eps ||H||;
 * 1e-12 of lambda_max covers P <= 100 with margin.
 */
export const RTOL_RITZ_ROUNDOFF = 1e-12;

/**
 * Block CGS2 (two passes, Giraud et al. 2005) keeps max |Q Q^T - I| and the reconstruction error
 * of Y = R^T Q per entry at O(k eps) (times ||y|| for the latter); in units of k eps, 64 leaves
 * a wide margin while a single pass (O(k eps cond)) on a near-dependent sketch fails.
 */
export const ORTHONORMALIZATION_ROUNDOFF_UNITS = 64;

/**
 * A quantile found by bisection (to 1e-15 relative) vs its defining CDF or a closed form: the
 * CDFs (normalCdf, the regularised incomplete gamma by series or continued fraction) are
 * accurate to ~1e-14, and a quantile inherits that divided by the density; 1e-10 leaves margin.
 */
export const RTOL_QUANTILE = 1e-10;

/**
 * vs published tables (Abramowitz & Stegun Table 26.8; NIST e-Handbook 1.3.6.7.4), printed to
 * 5-6 significant digits: half a unit in the sixth digit is 5e-6 relative.
 */
export const RTOL_PUBLISHED_TABLE = 5e-6;

// ---------------------------------------------------------------------------------------
// The comparison.

export interface Comparison {
  ok: boolean;
  /** Largest |actual - expected| / (atol + rtol * max(|expected|, scale)); <= 1 passes. */
  worstRatio: number;
  /** Largest relative error |a - e| / max(|e|, scale), for reporting. */
  worstRelativeError: number;
  worstIndex: number;
  worstActual: number;
  worstExpected: number;
  length: number;
}

export interface CompareOptions {
  rtol: number;
  atol?: number;
  /** Magnitude below which errors count as absolute; default max |expected|. */
  scale?: number;
}

/** Compare two arrays (or scalars) elementwise with a relative-plus-absolute tolerance. */
export function compareClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, options: CompareOptions): Comparison {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  if (a.length !== e.length) {
    return { ok: false, worstRatio: Infinity, worstRelativeError: Infinity, worstIndex: -1, worstActual: NaN, worstExpected: NaN, length: a.length };
  }
  const atol = options.atol ?? ATOL_FLOOR;
  let scale = options.scale;
  if (scale === undefined) {
    scale = 0;
    for (let i = 0; i < e.length; i++) scale = Math.max(scale, Math.abs(e[i]!));
  }
  let worst = { ratio: -1, rel: 0, index: -1 };
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const ei = e[i]!;
    const diff = Math.abs(ai - ei);
    const allowed = atol + options.rtol * Math.max(Math.abs(ei), scale);
    const ratio = Number.isNaN(diff) ? Infinity : diff / allowed;
    if (ratio > worst.ratio) worst = { ratio, rel: diff / Math.max(Math.abs(ei), scale, Number.MIN_VALUE), index: i };
  }
  return {
    ok: worst.ratio <= 1,
    worstRatio: Math.max(worst.ratio, 0),
    worstRelativeError: worst.rel,
    worstIndex: worst.index,
    worstActual: a[worst.index] ?? NaN,
    worstExpected: e[worst.index] ?? NaN,
    length: a.length,
  };
}

/** A one-line description of a comparison's worst element. */
export function describeComparison(c: Comparison, label = 'value'): string {
  if (c.worstIndex < 0) return `${label}: length mismatch or empty (length ${c.length})`;
  return `${label}[${c.worstIndex}] = ${c.worstActual} vs expected ${c.worstExpected} (relative error ${c.worstRelativeError.toExponential(2)}, ${c.worstRatio.toFixed(2)}x the tolerance)`;
}

/** Throws with the worst element when the comparison fails (for use outside vitest). */
export function assertAllClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, options: CompareOptions & { label?: string }): Comparison {
  const c = compareClose(actual, expected, options);
  if (!c.ok) throw new Error(`not close: ${describeComparison(c, options.label)}`);
  return c;
}

/**
 * Not a round-off slack but the constant of an a-priori bound: the error of an m-node Gauss
 * quadrature (one probe of stochastic Lanczos quadrature, training/spectrum.ts) of
 * q^T f(H) q, ||q|| = 1, for a 1-Lipschitz f on [lambda_min, lambda_max]. Gauss quadrature is
 * exact for polynomials of degree 2m - 1 and its weights are positive and sum to 1, as do
 * the spectral measure's, so the error is at most 2 E_{2m-1}(f), E_n the best uniform error
 * of a degree-n polynomial; Jackson's theorem gives E_n(f) <= pi L (b - a) / (4 (n + 1)) on
 * [a, b], so the error is <= (pi / 4) (lambda_max - lambda_min) / m. |x| and max(-x, 0) are
 * 1-Lipschitz (the negative mass's threshold tau adds at most 2 tau). The bound is loose at
 * small m (SLQ's practical error is far smaller); the test checks it holds and shrinks with m.
 */
export const SLQ_QUADRATURE_JACKSON = Math.PI / 4;
