/**
 * The loss, its gradient and its Hessian block, each read off one forward pass of `lossOver`
 * over the matching number type. No formula from `@hsr/numeric` is used: only its types and
 * the parameter flattening contract (flattenParameters, blockRange, parameterCount).
 */
import { blockRange, flattenParameters, parameterCount, type Dataset, type Model, type Reduction, type Variant } from '@hsr/numeric';
import { NUMBER_ALGEBRA } from './algebra.ts';
import { type Jet, JetAlgebra, denseGradientOf, denseHessianOf } from './jet.ts';
import { lossOver } from './loss.ts';

/** A dense symmetric matrix, row-major (the shape `@hsr/numeric` uses). */
export interface DenseMatrix {
  readonly size: number;
  readonly data: Float64Array;
}

/**
 * L(theta) = (1/N) sum_n [lse(v_n) - v_{n,y_n}] (or the sum), evaluated on plain float64 from
 * the same generic definition the derivatives come from (`loss.ts`, eq:loss).
 * Cost O(N(hd + ch)). Verified against `@hsr/numeric`'s `loss` in `oracle.test.ts`.
 */
export function autodiffLoss(model: Model, data: Dataset, reduction: Reduction = 'mean'): number {
  return lossOver(NUMBER_ALGEBRA, model, Array.from(flattenParameters(model)), data, { reduction });
}

/**
 * \nabla_\theta L in theta order, by first-order jets in all P directions (forward mode,
 * sparse: u_n's jets carry d+1 directions, the logits' at most h(d+1) + h + 1).
 * Cost O(N c P + N h (hd + ...)) ~ O(N c P) flops. Verified by `oracle.test.ts`: central
 * differences of `autodiffLoss`, the hand-derived d=h=1, c=2 case, and `@hsr/numeric`'s
 * `lossGradient` at RTOL_VS_AUTODIFF.
 */
export function autodiffGradient(model: Model, data: Dataset, reduction: Reduction = 'mean'): Float64Array {
  const A = new JetAlgebra({ order: 1, tangent: false });
  const theta = flattenParameters(model);
  const seeds = Array.from(theta, (t, i) => A.variable(t, i));
  return denseGradientOf(lossOver(A, model, seeds, data, { reduction }), theta.length);
}

/**
 * Seeds theta as second-order jets whose Taylor directions are the block's parameters
 * (direction i - start for theta_i in [start, end)); `tangentIndex` (if >= 0) also gets the
 * epsilon direction.
 */
export function seedBlock(A: JetAlgebra, model: Model, variant: Variant, tangentIndex = -1): Jet[] {
  const { start, end } = blockRange(model, variant.block);
  const theta = flattenParameters(model);
  return Array.from(theta, (t, i) => A.variable(t, i >= start && i < end ? i - start : -1, i === tangentIndex ? 1 : 0));
}

/** The block Hessian (or Gauss–Newton block) as a second-order jet of the loss. */
export function lossJet(A: JetAlgebra, model: Model, data: Dataset, variant: Variant, tangentIndex = -1): Jet {
  return lossOver(A, model, seedBlock(A, model, variant, tangentIndex), data, {
    reduction: variant.reduction,
    linearizeLogits: variant.curvature === 'gauss-newton',
  });
}

/**
 * The block Hessian H_b = \partial^2 L / \partial\theta_b^2 (P_b x P_b, row-major, block order
 * of theta), or for `curvature: 'gauss-newton'` the block of G = \sum_n J_n^\top S_n J_n
 * (scaled 1/N for the mean), J_n = \partial v_n/\partial\theta, S_n = diag p_n - p_n p_n^\top.
 *
 * One forward pass with second-order jets in the block's P_b directions. Gauss–Newton is
 * obtained honestly from AD: the logits are truncated to first order in the Taylor
 * directions (linearised logits, see `loss.ts`), so the chain rule through the cross-entropy
 * produces J^\top S J and nothing else. Cost O(N c P_b^2) flops for the log-sum-exp plus
 * O(N h (d+1)^2) for the hidden layer.
 *
 * Verified by `oracle.test.ts`: symmetry, central differences of `autodiffGradient`, the
 * hand-derived tiny case, a J^T S J built from first-order jets of the logits, and
 * `@hsr/numeric`'s `denseHessian` at RTOL_VS_AUTODIFF over activations x bias x reduction x
 * block x curvature; and by jax-js's `hessian` in `jax.slow.test.ts`.
 */
export function autodiffHessian(model: Model, data: Dataset, variant: Variant): DenseMatrix {
  const A = new JetAlgebra({ order: 2, tangent: false });
  const size = parameterCount(model, variant.block);
  return { size, data: denseHessianOf(lossJet(A, model, data, variant), size) };
}
