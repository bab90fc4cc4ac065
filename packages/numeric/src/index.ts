export type { Activation, Block, Curvature, Dataset, Loss, Model, Reduction, Variant } from './types.ts';
export { BLOCKS, CURVATURES, DEFAULT_LABEL_SMOOTHING, DEFAULT_LOSS, DEFAULT_VARIANT, REDUCTIONS, hasBias, labelSmoothingOf, lossFields, lossOf } from './types.ts';
export type { LossRule } from './losses.ts';
export { LOSSES, LOSS_NAMES, isLabelSmoothing, isLoss } from './losses.ts';
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
export type { RangeProblem } from './inputRange.ts';
export { MAX_ROW_NORM, findInputRangeProblem, findOutputOverflow, findRangeProblem } from './inputRange.ts';
export type { ForwardPass } from './network.ts';
export { accuracy, forwardPass, loss, lossGradient, reductionScale } from './network.ts';
export type { SampleCurvature } from './sampleCurvature.ts';
export { sampleCurvature } from './sampleCurvature.ts';
export type { SymmetricMatrix } from './hessian.ts';
export { asymmetry, denseHessian, matrixTraces } from './hessian.ts';
export { symmetricEigen, symmetricEigenvalues } from './eigen.ts';
export type { HessianTraces } from './hessianTrace.ts';
export { hessianTraces } from './hessianTrace.ts';
export type { BoundValues, WolkowiczStyanBounds } from './wolkowiczStyan.ts';
export { BOUND_VALUE_KEYS, boundValues, wolkowiczStyanBounds } from './wolkowiczStyan.ts';
export type { BoundGradient, BoundKind, TraceGradients } from './boundGradient.ts';
export { BOUND_KINDS, boundGradient, boundGradientFromTraces, traceGradients } from './boundGradient.ts';
export type { TraceOptions, TracePlan } from './traceEngine.ts';
export { MemoryLimitError, planTraces, problemShape } from './traceEngine.ts';
export { ARENA_MAX_BYTES } from './parallel/arena.ts';
export type { PartialKind, ReducedTraces, TracePartial } from './shards.ts';
export { PARTIAL_FORMAT, PARTIAL_VERSION, PartialError, reduceTracePartials, shardRows, tracePartial } from './shards.ts';
export type { NamedDataset } from './datasets/namedDataset.ts';
export { classesFromLabels, defaultNames } from './datasets/namedDataset.ts';
export type { PrincipalComponents } from './datasets/pca.ts';
export { applyPca, fitPca } from './datasets/pca.ts';
export type { SplitOptions, Standardizer, TrainTestSplit } from './datasets/split.ts';
export { applyStandardizer, fitStandardizer, standardizeSplit, trainTestSplit } from './datasets/split.ts';
export type { BlobsOptions, CosineOptions, MoonsOptions, XorOptions } from './datasets/synthetic.ts';
export { cosineInputs, gaussianBlobs, meanPairwiseCosine, twoMoons, xorData } from './datasets/synthetic.ts';
export type { OptimizerName, OptimizerOptions, Optimizer, OptimizerState } from './training/optimizers.ts';
export { OPTIMIZER_NAMES, createOptimizer } from './training/optimizers.ts';
export { relativeSharpness, weightNorm } from './training/sharpness.ts';
export type { CalibrationInput, LayerNorms, MetricsRecord, MetricsContext } from './training/metrics.ts';
export {
  CALIBRATION_BINS,
  METRICS_MAX_EXACT_PARAMETERS,
  NEGATIVE_EIGENVALUE_RTOL,
  SATURATION_RTOL,
  computeLayeredMetrics,
  computeMetrics,
  expectedCalibrationError,
  isFiniteRecord,
  layerNorms,
  layeredLayerNorms,
  layeredSaturatedFraction,
  negativeMass,
  saturatedFraction,
} from './training/metrics.ts';
export type { ParameterState, StepInfo, StepTiming, TrainingCheckpoint, TrainingConfig, TrainingHooks, TrainableModel, TrainingMethod, TrainingResult, TrainingStatus } from './training/train.ts';
export {
  DEFAULT_TRAINING_CONFIG,
  HyperparameterError,
  METRICS_SUBSET_SEED_MIX,
  REGULARISED_BOUND,
  TRAINING_METHODS,
  layeredTrainable,
  layeredVariant,
  metricsSubsetIndices,
  train,
  trainAsync,
  trainLayered,
  trainLayeredAsync,
  trainModel,
  trainModelAsync,
  twoLayerTrainable,
  validateTrainingConfig,
} from './training/train.ts';
export type { LanczosSpectrum, LanczosSpectrumOptions, NegativeMassEstimate } from './training/spectrum.ts';
export { METRICS_LANCZOS_MAX_STEPS, METRICS_LANCZOS_TOL, SLQ_PROBES, SLQ_STEPS, gaussQuadrature, lanczosSpectrum, probeMasses, ratioOfMeans, recordingOperator } from './training/spectrum.ts';
export type { HessianOperator } from './hessianVectorProduct.ts';
export { hessianOperator, hessianVectorProduct } from './hessianVectorProduct.ts';
export type { ExtremeEigenvalues, LanczosOptions } from './lanczos.ts';
export { extremeEigenvalues, lanczosExtremes, tridiagonalEigen } from './lanczos.ts';
export type { DataProtocol, ExperimentData, ExperimentSeeds, NetworkProtocol, ValidationData } from './experiment.ts';
export { deriveSeeds, experimentData, initialModel } from './experiment.ts';
export { hessianDiagonal } from './hessianDiagonal.ts';
export type { Probe } from './estimators/probes.ts';
export { PROBES, drawProbe } from './estimators/probes.ts';
export { countingOperator, denseOperator } from './estimators/denseOperator.ts';
export type { Estimate, HutchinsonOptions, HutchinsonSamples } from './estimators/hutchinson.ts';
export { frobeniusNormSquared, hutchinsonSamples, hutchinsonTrace, hutchinsonTraces, quadraticFormVariance } from './estimators/hutchinson.ts';
export type { BudgetEstimate, SketchOptions } from './estimators/hutchPlusPlus.ts';
export { hutchPlusPlus, hutchPlusPlusAtBudgets } from './estimators/hutchPlusPlus.ts';
export type { XTraceEstimate } from './estimators/xtrace.ts';
export { xtrace, xtraceAtBudgets } from './estimators/xtrace.ts';
export type { AdaptiveEstimate, AdaptiveOptions } from './estimators/pyhessian.ts';
export { PYHESSIAN_MAX_ITER, PYHESSIAN_TOL, pyhessianTopEigenvalue, pyhessianTrace, pyhessianTraceRule } from './estimators/pyhessian.ts';
export type { EigenvalueEstimate } from './estimators/extremeEigenvalue.ts';
export { POWER_ROUNDOFF_RTOL, lanczosAtBudgets, powerIteration, powerIterationAtBudgets } from './estimators/extremeEigenvalue.ts';
export type { VarianceInterval } from './estimators/statistics.ts';
export {
  chiSquareQuantile,
  meanAndVariance,
  normalQuantile,
  percentile,
  quadraticFormExcessKurtosis,
  quadraticFormExcessKurtosisBound,
  sampleVarianceInterval,
} from './estimators/statistics.ts';
// Networks of any depth (deep/): the layered model, its forward pass, loss and gradient, dense Hessian and closed-form traces.
export type { DeepVariant, Layer, LayeredInitOptions, LayeredModel, LayeredModelArrays } from './deep/model.ts';
export {
  allLayers,
  augmentedLayerInputs,
  checkLayerSet,
  createLayeredModel,
  depthOf,
  flattenLayered,
  initLayeredModel,
  layeredFromModel,
  layeredHasBias,
  layeredModelToArrays,
  layeredParameterCount,
  layerOffset,
  layerParameterCount,
  layersOfBlock,
  layerWidths,
  modelFromLayered,
  toLayerShapes,
  unflattenLayered,
} from './deep/model.ts';
export type { OutputLoss, OutputLossValues } from './deep/outputLoss.ts';
export { CROSS_ENTROPY_LOSS, outputLossFor, outputLossOf } from './deep/outputLoss.ts';
export type { DeepForwardPass } from './deep/forward.ts';
export { deepForwardPass, deepLoss, deepLossGradient } from './deep/forward.ts';
export { deepDenseHessian } from './deep/hessian.ts';
export { deepHessianOperator, deepHessianVectorProduct } from './deep/hessianVectorProduct.ts';
export type { DeepHessianTraces } from './deep/traces.ts';
export { deepHessianTraces } from './deep/traces.ts';
export { deepBoundGradient, deepTraceGradients } from './deep/traceGradient.ts';
