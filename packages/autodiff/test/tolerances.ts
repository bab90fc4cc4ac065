/**
 * Tolerances this package's tests need beyond `@hsr/crosscheck`'s named ones, each with why.
 */

/**
 * erf/erfc vs CPython's libm: the series and the continued fraction are each accurate to a
 * few ulps; erfc = 1 - erf on (-1.5, 1.5) adds one more rounding relative to erfc >= 0.034.
 */
export const RTOL_ERF_VS_LIBM = 1e-14;

/**
 * Activation derivatives by jets vs `@hsr/numeric`'s closed-form table, at |u| <= 30. Both are
 * ulp-accurate formulas, but GELU's Gaussian e^{-u^2/2} (and e^{-x^2} with x = u/sqrt 2 here)
 * turns one rounding of u or u^2 into a relative error of u^2 eps ~ 900 eps = 2e-13 at |u| = 30,
 * and third derivatives of the logistic family add ~10 roundings of same-sign products.
 * Relative to max(|expected|, the size of the other derivatives of order >= 2 at that u),
 * so that isolated zeros (tanh'' at 0, gelu''' at 2) are judged on the local scale.
 */
export const RTOL_ACTIVATION_DERIVATIVES = 1e-12;
