/**
 * Constants the named properties need beyond `tolerance.ts`: finite-difference steps and the
 * round-off models that make comparisons scale-aware. Each says why it has its value.
 */

/** Machine epsilon of float64. */
export const EPS = 2 ** -52;

/**
 * Step of the five-point central difference
 *   f'(t) ~ [f(t-2h) - 8f(t-h) + 8f(t+h) - f(t+2h)] / (12h),
 * whose truncation error is h^4 f^(5)/30 and round-off ~ 1.5 eps |f| / h. With h = 2^-10
 * (~1e-3, exactly representable so t +- h rounds by at most ulp(t)) the truncation is
 * ~3e-14 |f^(5)| and the round-off ~3e-13 |f|: five orders below RTOL_VS_FINITE_DIFFERENCE
 * for the generated scales (inputs <= 3 sqrt(d), weights <= 10), where the plain
 * two-point stencil at its optimal step eps^(1/3) would only reach ~1e-10 and has no margin
 * left for saturated units' large higher derivatives.
 */
export const FIVE_POINT_STEP = 2 ** -10;

/**
 * Absolute error floor of a five-point derivative, in units of eps |f|max / h: the stencil's
 * weights sum to 18/12 in absolute value and each f value carries a few ulps of its own
 * evaluation error times the condition of its summation (N <= 8 samples, a handful of
 * cancelling terms in T2); 64 covers that with room. Without it a near-zero derivative of an
 * O(1) function (the loss at near-zero weights) would demand impossible relative accuracy.
 */
export const FINITE_DIFFERENCE_ROUNDOFF_UNITS = 64;

/**
 * Slack allowed when checking that the Wolkowicz–Styan bounds enclose the dense spectrum,
 * relative to max |lambda|: the symmetric QL solver's eigenvalues are exact for a matrix
 * within ~P eps ||H|| of H (backward stable; P <= 70 here gives ~2e-14), and T1, T2 carry
 * their own ~1e-15 relative error. 1e-10 is far above that and far below any real violation
 * (a wrong trace moves a bound by a fraction of the spread).
 */
export const RTOL_SPECTRUM_ENCLOSURE = 1e-10;

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
