/**
 * The functions a property holds to account. Properties take an `Implementations` object so
 * the same named property checks @hsr/numeric (the default), a user's own code
 * (`checkAgainstOracles`) or a deliberate mutant (test/mutants.test.ts). The oracles they
 * are compared with (the dense eigen-decomposition, finite differences, autodiff) are never
 * taken from this object.
 */
import * as numeric from '@hsr/numeric';
import type { BoundKind, Dataset, DeepVariant, LayeredModel, Model, Reduction, SymmetricMatrix, Variant, WolkowiczStyanBounds } from '@hsr/numeric';

/**
 * The closed forms a property holds to account, for a network type M (its theta order) and
 * the variant type V that selects a block: the two-layer network (`Implementations`) and MLPs
 * of any depth (`LayeredImplementations`) share this shape.
 */
export interface ClosedForms<M, V> {
  /** The loss (eq:loss). */
  loss(model: M, data: Dataset, reduction: Reduction): number;
  /** Its gradient in theta order (parameters.ts; deep/model.ts for layered models). */
  lossGradient(model: M, data: Dataset, reduction: Reduction): Float64Array;
  /** The dense Hessian (or Gauss–Newton) block, P_block x P_block. */
  denseHessian(model: M, data: Dataset, variant: V): SymmetricMatrix;
  /** Closed-form T1 = tr H and T2 = tr H^2 of the block. */
  hessianTraces(model: M, data: Dataset, variant: V): { traceH: number; traceH2: number };
  /** The five WS bounds from T1, T2 and P. */
  wolkowiczStyanBounds(traceH: number, traceH2: number, P: number): WolkowiczStyanBounds;
  /** Gradients of the block's T1 and T2 with respect to all of theta. */
  traceGradients(model: M, data: Dataset, variant: V): { gradTraceH: Float64Array; gradTraceH2: Float64Array };
  /** Gradient of one bound with respect to all of theta. */
  boundGradient(model: M, data: Dataset, variant: V, of: BoundKind): { value: number; gradient: Float64Array; degenerate: boolean };
}

/** The two-layer network's closed forms. */
export type Implementations = ClosedForms<Model, Variant>;

/** @hsr/numeric's closed forms: what the properties check unless told otherwise. */
export const NUMERIC_IMPLEMENTATIONS: Implementations = {
  loss: (model, data, reduction) => numeric.loss(model, data, reduction),
  lossGradient: (model, data, reduction) => numeric.lossGradient(model, data, reduction).gradient,
  denseHessian: (model, data, variant) => numeric.denseHessian(model, data, variant),
  hessianTraces: (model, data, variant) => numeric.hessianTraces(model, data, variant),
  wolkowiczStyanBounds: (t1, t2, P) => numeric.wolkowiczStyanBounds(t1, t2, P),
  traceGradients: (model, data, variant) => numeric.traceGradients(model, data, variant),
  boundGradient: (model, data, variant, of) => numeric.boundGradient(model, data, variant, of),
};

/** numeric's implementations with some replaced. */
export function withImplementations(overrides: Partial<Implementations>): Implementations {
  return { ...NUMERIC_IMPLEMENTATIONS, ...overrides };
}

/** The value of one WS bound: upper = lambdaMaxUpper, lower = lambdaMinLower, range = rangeUpper. */
export function boundValue(b: WolkowiczStyanBounds, of: BoundKind): number {
  return of === 'upper' ? b.lambdaMaxUpper : of === 'lower' ? b.lambdaMinLower : b.rangeUpper;
}

/**
 * The same seam for MLPs of any depth (numeric's deep/): what the layered properties hold to
 * account (layeredProperties.ts), and what test/layeredMutantList.ts plants its mutants in.
 */
export type LayeredImplementations = ClosedForms<LayeredModel, DeepVariant>;

/** @hsr/numeric's deep closed forms. */
export const NUMERIC_LAYERED_IMPLEMENTATIONS: LayeredImplementations = {
  loss: (model, data, reduction) => numeric.deepLoss(model, data, reduction),
  lossGradient: (model, data, reduction) => numeric.deepLossGradient(model, data, reduction).gradient,
  denseHessian: (model, data, variant) => numeric.deepDenseHessian(model, data, variant),
  hessianTraces: (model, data, variant) => numeric.deepHessianTraces(model, data, variant),
  wolkowiczStyanBounds: (t1, t2, P) => numeric.wolkowiczStyanBounds(t1, t2, P),
  traceGradients: (model, data, variant) => numeric.deepTraceGradients(model, data, variant),
  boundGradient: (model, data, variant, of) => numeric.deepBoundGradient(model, data, variant, of),
};

/** numeric's deep implementations with some replaced. */
export function withLayeredImplementations(overrides: Partial<LayeredImplementations>): LayeredImplementations {
  return { ...NUMERIC_LAYERED_IMPLEMENTATIONS, ...overrides };
}
