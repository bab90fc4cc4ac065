/**
 * The functions a property holds to account. Properties take an `Implementations` object so
 * the same named property checks @hsr/numeric (the default), a user's own code
 * (`checkAgainstOracles`) or a deliberate mutant (test/mutants.test.ts). The oracles they
 * are compared with (the dense eigen-decomposition, finite differences, autodiff) are never
 * taken from this object.
 */
import * as numeric from '@hsr/numeric';
import type { BoundKind, Dataset, DeepVariant, LayeredModel, Model, Reduction, SymmetricMatrix, Variant, WolkowiczStyanBounds } from '@hsr/numeric';

export interface Implementations {
  /** The loss (eq:loss). */
  loss(model: Model, data: Dataset, reduction: Reduction): number;
  /** Its gradient in theta order (parameters.ts). */
  lossGradient(model: Model, data: Dataset, reduction: Reduction): Float64Array;
  /** The dense Hessian (or Gauss–Newton) block, P_block x P_block. */
  denseHessian(model: Model, data: Dataset, variant: Variant): SymmetricMatrix;
  /** Closed-form T1 = tr H and T2 = tr H^2 of the block. */
  hessianTraces(model: Model, data: Dataset, variant: Variant): { traceH: number; traceH2: number };
  /** The five WS bounds from T1, T2 and P. */
  wolkowiczStyanBounds(traceH: number, traceH2: number, P: number): WolkowiczStyanBounds;
  /** Gradients of T1 and T2 with respect to all of theta. */
  traceGradients(model: Model, data: Dataset, variant: Variant): { gradTraceH: Float64Array; gradTraceH2: Float64Array };
  /** Gradient of one bound with respect to all of theta. */
  boundGradient(model: Model, data: Dataset, variant: Variant, of: BoundKind): { value: number; gradient: Float64Array; degenerate: boolean };
}

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
export interface LayeredImplementations {
  /** The loss and its gradient in the layered theta order (deep/model.ts). */
  loss(model: LayeredModel, data: Dataset, reduction: Reduction): number;
  lossGradient(model: LayeredModel, data: Dataset, reduction: Reduction): Float64Array;
  /** The dense Hessian (or Gauss–Newton) block of `variant.layers`, P_b x P_b. */
  denseHessian(model: LayeredModel, data: Dataset, variant: DeepVariant): SymmetricMatrix;
  /** Closed-form T1, T2 of the block. */
  hessianTraces(model: LayeredModel, data: Dataset, variant: DeepVariant): { traceH: number; traceH2: number };
  wolkowiczStyanBounds(traceH: number, traceH2: number, P: number): WolkowiczStyanBounds;
  /** Gradients of the block's T1, T2 with respect to all of theta. */
  traceGradients(model: LayeredModel, data: Dataset, variant: DeepVariant): { gradTraceH: Float64Array; gradTraceH2: Float64Array };
  boundGradient(model: LayeredModel, data: Dataset, variant: DeepVariant, of: BoundKind): { value: number; gradient: Float64Array; degenerate: boolean };
}

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
