/**
 * The scale-aware sharpness reported beside lambda_max and U (docs/guide-sharpness.md).
 *
 * eq:relative-sharpness
 *   \kappa_{\mathrm{rel}} = \lambda_{\max}(H)\,\frac{\|\theta\|^2}{P}
 *
 * Why this one. A second-order expansion along the top eigenvector v gives, for a
 * perturbation whose size is a fraction epsilon of the weights' own size,
 *   L(\theta + \epsilon\|\theta\|v) - L(\theta) \approx \tfrac12\epsilon^2\,\|\theta\|^2\lambda_{\max},
 * so kappa_rel * P is the loss increase per unit of RELATIVE perturbation (dividing by P makes
 * it ||theta||^2/P = the mean squared weight, comparable across widths). Raw lambda_max has
 * units of 1/theta^2: a run can lower it just by inflating the weights (the cross-entropy
 * trap, docs/mathematics.md §6: as weights grow, predictions saturate, S_n -> 0 and every curvature
 * measure falls). kappa_rel charges that inflation back through ||theta||^2, so a method that
 * "flattens" only by growing the weights does not look flatter than it is.
 *
 * What it does not buy: when the margins themselves grow, S_n and the loss both decay like
 * e^{-margin}, faster than ||theta||^2 grows; no Hessian-only measure separates "flat" from
 * "confident" there. Read kappa_rel beside the weight norm, train loss and test accuracy,
 * and compare methods at matched train loss.
 *
 * Cost O(P) given lambda_max. Above the dense-Hessian limit lambda_max is unknown and
 * `boundedRelativeSharpness` (U in place of lambda_max; an upper bound on kappa_rel because
 * lambda_max <= U) is the only one reported. Verified by `sharpness.test.ts`.
 */

/** ||theta||_2, summed in theta order (deterministic). */
export function weightNorm(theta: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < theta.length; i++) s += theta[i]! * theta[i]!;
  return Math.sqrt(s);
}

/** kappa_rel = lambda_max ||theta||^2 / P (eq:relative-sharpness). */
export function relativeSharpness(lambdaMax: number, theta: ArrayLike<number>): number {
  if (theta.length === 0) throw new RangeError('theta is empty');
  const norm = weightNorm(theta);
  return (lambdaMax * norm * norm) / theta.length;
}
