/** HSR training, its optimizers, metrics and the scale-aware sharpness. */
export type { OptimizerName, OptimizerOptions, Optimizer, OptimizerState } from './optimizers.ts';
export { OPTIMIZER_NAMES, createOptimizer } from './optimizers.ts';
export { relativeSharpness, weightNorm } from './sharpness.ts';
export type { CalibrationInput, LayerNorms, MetricsRecord, MetricsContext } from './metrics.ts';
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
} from './metrics.ts';
export type { ParameterState, StepInfo, StepTiming, TrainingCheckpoint, TrainingConfig, TrainingHooks, TrainableModel, TrainingMethod, TrainingResult, TrainingStatus } from './train.ts';
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
} from './train.ts';
export type { LanczosSpectrum, LanczosSpectrumOptions, NegativeMassEstimate } from './spectrum.ts';
export { METRICS_LANCZOS_MAX_STEPS, METRICS_LANCZOS_TOL, SLQ_PROBES, SLQ_STEPS, gaussQuadrature, lanczosSpectrum, probeMasses, ratioOfMeans, recordingOperator } from './spectrum.ts';
