export type { Activation, Block, Curvature, Dataset, Model, Reduction, Variant } from './types.ts';
export { BLOCKS, CURVATURES, DEFAULT_VARIANT, REDUCTIONS, hasBias } from './types.ts';
export type { ActivationRule } from './activations.ts';
export { ACTIVATIONS, ACTIVATION_NAMES, erf, isActivation, normalCdf, normalPdf, sigmoid } from './activations.ts';
export type { ParameterShapes } from './parameters.ts';
export {
  augmentedHiddenDim,
  augmentedInputDim,
  blockRange,
  firstLayerIndex,
  firstLayerSize,
  flattenParameters,
  parameterCount,
  secondLayerIndex,
  secondLayerSize,
  toParameterShapes,
  unflattenParameters,
} from './parameters.ts';
export type { Rng } from './random.ts';
export { createRng } from './random.ts';
export type { InitOptions, ModelArrays } from './model.ts';
export { ShapeError, checkCompatible, createDataset, createModel, initModel, modelToArrays, subsetDataset } from './model.ts';
export type { ForwardPass } from './network.ts';
export { accuracy, forwardPass, loss, lossGradient, reductionScale } from './network.ts';
export type { SampleCurvature } from './sampleCurvature.ts';
export { sampleCurvature } from './sampleCurvature.ts';
export type { SymmetricMatrix } from './hessian.ts';
export { asymmetry, denseHessian, matrixTraces } from './hessian.ts';
export { symmetricEigen, symmetricEigenvalues } from './eigen.ts';
export type { HessianTraces } from './hessianTrace.ts';
export { crossTerm, gramMatrix, hessianTraces, softmaxCovarianceInner } from './hessianTrace.ts';
export type { WolkowiczStyanBounds } from './wolkowiczStyan.ts';
export { wolkowiczStyanBounds } from './wolkowiczStyan.ts';
export type { BoundGradient, BoundKind, TraceGradients } from './boundGradient.ts';
export { BOUND_KINDS, boundGradient, boundGradientFromTraces, traceGradients } from './boundGradient.ts';
