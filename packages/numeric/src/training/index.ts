/** HSR training, its optimizers, metrics and the scale-aware sharpness. */
export type { OptimizerName, OptimizerOptions, Optimizer } from './optimizers.ts';
export { OPTIMIZER_NAMES, createOptimizer } from './optimizers.ts';
export { relativeSharpness, weightNorm } from './sharpness.ts';
export type { LayerNorms, MetricsRecord, MetricsContext } from './metrics.ts';
export {
  CALIBRATION_BINS,
  METRICS_MAX_EXACT_PARAMETERS,
  NEGATIVE_EIGENVALUE_RTOL,
  SATURATION_RTOL,
  computeMetrics,
  expectedCalibrationError,
  isFiniteRecord,
  layerNorms,
  negativeMass,
  saturatedFraction,
} from './metrics.ts';
export type { ParameterState, StepInfo, TrainingConfig, TrainingHooks, TrainingMethod, TrainingResult, TrainingStatus } from './train.ts';
export { DEFAULT_TRAINING_CONFIG, HyperparameterError, REGULARISED_BOUND, TRAINING_METHODS, train, trainAsync, validateTrainingConfig } from './train.ts';
