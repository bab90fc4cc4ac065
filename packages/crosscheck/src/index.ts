export type { CompareOptions, Comparison } from './tolerances.ts';
export {
  ATOL_FLOOR,
  ATOL_STANDARDIZED_MEAN,
  CLOSED_FORM_ROUNDOFF_UNITS,
  EPS,
  FINITE_DIFFERENCE_ROUNDOFF_UNITS,
  FIVE_POINT_STEP,
  MIN_RELATIVE_SPREAD_FOR_GRADIENT,
  ORTHONORMALIZATION_ROUNDOFF_UNITS,
  RTOL_ACTIVATION_TABLE,
  RTOL_ACTIVATION_TAIL,
  RTOL_ACTIVATION_VS_FIVE_POINT,
  RTOL_ACTIVATION_VS_REFERENCE,
  RTOL_ACTIVATION_VS_TEXTBOOK,
  RTOL_CLOSED_FORM_VS_FIVE_POINT,
  RTOL_DEFINITION_IDENTITY,
  RTOL_DEFINITION_VS_NUMERIC,
  RTOL_DEPTH_TWO_VS_THREE_LAYER,
  RTOL_ENGINE_VS_FIVE_POINT,
  RTOL_ENGINES_AGREE,
  RTOL_ERF,
  RTOL_ERF_VS_LIBM,
  RTOL_GRADIENT_VS_GOLDEN,
  RTOL_HUTCHPP_VS_PROJECTIONS,
  RTOL_LANCZOS_VS_DENSE,
  RTOL_PHI_CANCELLATION,
  RTOL_PUBLISHED_TABLE,
  RTOL_QUANTILE,
  RTOL_RITZ_ROUNDOFF,
  RTOL_SAME_FORMULA,
  RTOL_SATURATED_VS_HIGH_PRECISION,
  RTOL_SKETCH_EXACT_ON_LOW_RANK,
  RTOL_SPECTRUM_ENCLOSURE,
  RTOL_THIRD_DIFFERENCE,
  RTOL_VS_AUTODIFF,
  RTOL_VS_DENSE,
  RTOL_VS_ENUMERATION,
  RTOL_VS_FINITE_DIFFERENCE,
  RTOL_VS_GOLDEN,
  RTOL_VS_PEER,
  RTOL_VS_SYMBOLIC,
  RTOL_XTRACE_VS_LEAVE_ONE_OUT,
  STATISTICAL_CHECK_ALPHA,
  assertAllClose,
  compareClose,
  describeComparison,
} from './tolerances.ts';
export type { ActivationAgreement, ActivationCheck } from './activationAgreement.ts';
export { activationAgreement } from './activationAgreement.ts';
export type { CaseSpec, CheckCase, InputStyle, SeededCase, SeededCaseOptions, SeededShape, WeightRecipe } from './cases.ts';
export type { LayeredCaseSpec, LayeredCheckCase } from './cases.ts';
export { buildCase, buildDataset, buildLayeredCase, buildLayeredDataset, buildLayeredModel, buildModel, caseSpread, describeLayeredSpec, describeSpec, fixedCase, seededCase } from './cases.ts';
export type { CaseOptions, LayeredCaseOptions, ShapeLimits } from './arbitraries.ts';
export { DEFAULT_WEIGHT_SCALES, caseArbitrary, caseSpecArbitrary, datasetArbitrary, layeredCaseArbitrary, layeredCaseSpecArbitrary, networkArbitrary, variantArbitrary } from './arbitraries.ts';
export type { FiniteDifference, StencilOptions } from './finiteDifference.ts';
export { fivePointGradient, fivePointJacobian, layeredParameterSteps, parameterSteps } from './finiteDifference.ts';
export { boundRoundoff, gradientMagnitudes, layeredLossMagnitude, layeredTraceRoundoff, traceMagnitudes, traceRoundoff } from './magnitudes.ts';
export type { ClosedForms, Implementations, LayeredImplementations } from './implementations.ts';
export { NUMERIC_IMPLEMENTATIONS, NUMERIC_LAYERED_IMPLEMENTATIONS, boundValue, withImplementations, withLayeredImplementations } from './implementations.ts';
export type { AutodiffLeg, LayeredAutodiffLeg } from './autodiffLeg.ts';
export { AUTODIFF, LAYERED_AUTODIFF } from './autodiffLeg.ts';
export type { CompareSpec, Part, PropertyOutcome, PropertyTolerance, ToleranceOverride } from './outcome.ts';
export { compareInequalities, comparePart, parameterName, withToleranceOverride } from './outcome.ts';
export type { NamedProperty, PropertyCase } from './properties.ts';
export {
  AUTODIFF_PROPERTIES,
  GRADIENT_PROPERTIES,
  HESSIAN_PROPERTIES,
  PROPERTIES,
  activationDerivatives,
  boundGradientsEqualAutodiff,
  boundGradientVsCentralDifference,
  boundKinkReason,
  closedFormTracesEqualDenseTraces,
  hessianEqualsAutodiff,
  hessianSymmetric,
  hessianVsGradientCentralDifference,
  lossGradientEqualsAutodiff,
  lossGradientVsCentralDifference,
  trace2EqualsEigenvalueSquareSum,
  traceEqualsEigenvalueSum,
  traceGradientVsCentralDifference,
  traceGradientsEqualAutodiff,
  tracesEqualAutodiff,
  wsBoundsEncloseSpectrum,
} from './properties.ts';
export type { LayeredProperty } from './layeredProperties.ts';
export {
  LAYERED_AUTODIFF_PROPERTIES,
  LAYERED_GRADIENT_PROPERTIES,
  LAYERED_HESSIAN_PROPERTIES,
  LAYERED_PROPERTIES,
  layeredBoundGradientsEqualAutodiff,
  layeredBoundGradientVsCentralDifference,
  layeredClosedFormTracesEqualDenseTraces,
  layeredHessianEqualsAutodiff,
  layeredHessianVsGradientCentralDifference,
  layeredLossGradientVsCentralDifference,
  layeredHessianSymmetric,
  layeredParameterName,
  layeredTrace2EqualsEigenvalueSquareSum,
  layeredTraceEqualsEigenvalueSum,
  layeredTraceGradientsEqualAutodiff,
  layeredTraceGradientVsCentralDifference,
  layeredTracesEqualAutodiff,
  layeredWsBoundsEncloseSpectrum,
} from './layeredProperties.ts';
export type { FailureContext, PropertyRun, ReplayEntry, ReplayOptions, ReplayTarget, SeedSource } from './replay.ts';
export { failureMessage, parseReplay, predicate, propertyParameters, replayCommand, replaySettings, replayTarget, runProperty } from './replay.ts';
export type { CheckAgainstOraclesOptions, OracleQuantity, OracleReport, UserImplementation, VariantPattern } from './checkAgainstOracles.ts';
export { ORACLE_PROPERTIES, checkAgainstOracles, expandVariants, implementationsFor } from './checkAgainstOracles.ts';
export type { SymbolicEngine } from './symbolicLimits.ts';
export { SYMBOLIC_CASE_OPTIONS, SYMBOLIC_ENGINES, SYMBOLIC_LIMITS } from './symbolicLimits.ts';
export type { DerivationLimit, LayeredSymbolicLimits } from './layeredSymbolicLimits.ts';
export { LAYERED_SYMBOLIC_LIMITS, LAYERED_SYMBOLIC_SLOW_LIMITS, layeredSymbolicCaseOptions, nerdamerLimit } from './layeredSymbolicLimits.ts';
// The symbolic leg, its properties, the audit and the formula sweep load nerdamer and mathjs: `@hsr/crosscheck/symbolic`.
