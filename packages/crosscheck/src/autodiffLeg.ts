/**
 * The autodiff oracle (@hsr/autodiff: forward-mode AD over the loss definition itself, sharing
 * no formula code with @hsr/numeric), seen through the interface the properties compare against.
 * Imports are static and typed: renaming an @hsr/autodiff export is a compile error here, never
 * a property that quietly stops running.
 */
import { autodiffBoundGradient, autodiffBoundGradientFromTraces, autodiffDeepHessian, autodiffDeepTraceGradients, autodiffGradient, autodiffHessian, autodiffTraceGradients, autodiffTraces } from '@hsr/autodiff';
import type { BoundKind, Dataset, DeepVariant, LayeredModel, Model, Reduction, SymmetricMatrix, Variant } from '@hsr/numeric';

export interface AutodiffLeg {
  lossGradient(model: Model, data: Dataset, reduction: Reduction): Float64Array;
  hessian(model: Model, data: Dataset, variant: Variant): SymmetricMatrix;
  traces(model: Model, data: Dataset, variant: Variant): { traceH: number; traceH2: number };
  /** With T1, T2 themselves (the values the gradients were taken at). */
  traceGradients(model: Model, data: Dataset, variant: Variant): { traceH: number; traceH2: number; gradTraceH: Float64Array; gradTraceH2: Float64Array };
  boundGradient(model: Model, data: Dataset, variant: Variant, of: BoundKind): { value: number; gradient: Float64Array };
  /** The bound's gradient by autodiff's own chain rule from trace gradients already computed (P = the block size). */
  boundGradientFromTraces(traces: { traceH: number; traceH2: number; gradTraceH: Float64Array; gradTraceH2: Float64Array }, P: number, of: BoundKind): { value: number; gradient: Float64Array };
}

/** @hsr/autodiff behind the interface above. */
export const AUTODIFF: AutodiffLeg = {
  lossGradient: (model, data, reduction) => autodiffGradient(model, data, reduction),
  hessian: (model, data, variant) => autodiffHessian(model, data, variant),
  traces: (model, data, variant) => autodiffTraces(model, data, variant),
  traceGradients: (model, data, variant) => autodiffTraceGradients(model, data, variant),
  boundGradient: (model, data, variant, of) => autodiffBoundGradient(model, data, variant, of),
  boundGradientFromTraces: (traces, P, of) => autodiffBoundGradientFromTraces(traces, P, of),
};

/** The deep oracle (@hsr/autodiff's deepOracle.ts) seen by the layered properties. */
export interface LayeredAutodiffLeg {
  hessian(model: LayeredModel, data: Dataset, variant: DeepVariant): SymmetricMatrix;
  traceGradients(model: LayeredModel, data: Dataset, variant: DeepVariant): { traceH: number; traceH2: number; gradTraceH: Float64Array; gradTraceH2: Float64Array };
  boundGradientFromTraces: AutodiffLeg['boundGradientFromTraces'];
}

export const LAYERED_AUTODIFF: LayeredAutodiffLeg = {
  hessian: (model, data, variant) => autodiffDeepHessian(model, data, variant),
  traceGradients: (model, data, variant) => autodiffDeepTraceGradients(model, data, variant),
  boundGradientFromTraces: (traces, P, of) => autodiffBoundGradientFromTraces(traces, P, of),
};
