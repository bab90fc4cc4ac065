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
