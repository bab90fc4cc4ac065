/**
 * Tolerances this package's tests need beyond `@hsr/crosscheck`'s named ones, each with why.
 */

/**
 * erf/erfc vs CPython's libm: the series and the continued fraction are each accurate to a
 * few ulps; erfc = 1 - erf on (-1.5, 1.5) adds one more rounding relative to erfc >= 0.034.
 */
export const RTOL_ERF_VS_LIBM = 1e-14;

/**
 * Activation derivatives by jets vs sympy's symbolic derivatives of the defining formulas
 * (fixtures/activations.json), relative, tails included. The jets are ulp-accurate except for
 * GELU's Gaussian: e^{-x^2} with x = u/sqrt 2 turns the rounding of x into a relative error of
 * 2 x^2 eps = u^2 eps ~ 2e-13 at |u| = 30 (measured: 3.3e-14). phi'' and phi''' are judged
 * relative to the larger of the two at that u, so an isolated zero (gelu''' at -2, tanh'' at 0)
 * is judged on the local scale.
 */
export const RTOL_ACTIVATION_VS_REFERENCE = 1e-13;

/**
 * `@hsr/numeric`'s ACTIVATIONS table vs the jets over the whole grid, relative to
 * max(|value|, 1): the jets' own tanh/logistic compositions, not the table, limit this to ulps
 * of 1 in the saturated tails. The table's relative accuracy there is held separately, against
 * the sympy fixture (activations.test.ts) and mpmath values (numeric's activationTails.test.ts).
 * Measured worst: ~2e-16.
 */
export const RTOL_ACTIVATION_TABLE = 1e-13;

/**
 * Third derivatives by three nested five-point stencils (step h = 2e-3) of a plain-number
 * function: round-off ~ eps |f| (18/12)^3 / h^3 ~ 1e-7 relative to |f|, truncation ~ h^4 ~ 1e-11.
 */
export const RTOL_THIRD_DIFFERENCE = 1e-6;
