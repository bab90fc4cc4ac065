export type { CompareOptions, Comparison } from './tolerances.ts';
export {
  ATOL_FLOOR,
  ATOL_STANDARDIZED_MEAN,
  CLOSED_FORM_ROUNDOFF_UNITS,
  EPS,
  FINITE_DIFFERENCE_ROUNDOFF_UNITS,
  FIVE_POINT_STEP,
  MIN_RELATIVE_SPREAD_FOR_GRADIENT,
  RTOL_ACTIVATION_TABLE,
  RTOL_ACTIVATION_TAIL,
  RTOL_ACTIVATION_VS_FIVE_POINT,
  RTOL_ACTIVATION_VS_REFERENCE,
  RTOL_ACTIVATION_VS_TEXTBOOK,
  RTOL_CLOSED_FORM_VS_FIVE_POINT,
  RTOL_DEFINITION_IDENTITY,
  RTOL_DEFINITION_VS_NUMERIC,
  RTOL_ENGINE_VS_FIVE_POINT,
  RTOL_ENGINES_AGREE,
  RTOL_ERF,
  RTOL_ERF_VS_LIBM,
  RTOL_GRADIENT_VS_GOLDEN,
  RTOL_LANCZOS_VS_DENSE,
  RTOL_PHI_CANCELLATION,
  RTOL_SAME_FORMULA,
  RTOL_SPECTRUM_ENCLOSURE,
  RTOL_THIRD_DIFFERENCE,
  RTOL_VS_AUTODIFF,
  RTOL_VS_DENSE,
  RTOL_VS_FINITE_DIFFERENCE,
  RTOL_VS_GOLDEN,
  RTOL_VS_SYMBOLIC,
  assertAllClose,
  compareClose,
  describeComparison,
} from './tolerances.ts';
export type { ActivationAgreement, ActivationCheck } from './activationAgreement.ts';
export { activationAgreement } from './activationAgreement.ts';
export type { CaseSpec, CheckCase, InputStyle, SeededCase, SeededCaseOptions, SeededShape, WeightRecipe } from './cases.ts';
export { buildCase, buildDataset, buildModel, caseSpread, describeSpec, fixedCase, seededCase } from './cases.ts';
export type { CaseOptions, ShapeLimits } from './arbitraries.ts';
export { DEFAULT_WEIGHT_SCALES, caseArbitrary, caseSpecArbitrary, datasetArbitrary, networkArbitrary, variantArbitrary } from './arbitraries.ts';
export type { FiniteDifference, StencilOptions } from './finiteDifference.ts';
export { fivePointGradient, fivePointJacobian, parameterSteps } from './finiteDifference.ts';
export { boundRoundoff, gradientMagnitudes, traceMagnitudes, traceRoundoff } from './magnitudes.ts';
export type { Implementations } from './implementations.ts';
export { NUMERIC_IMPLEMENTATIONS, boundValue, withImplementations } from './implementations.ts';
export type { AutodiffLeg } from './autodiffLeg.ts';
export { AUTODIFF } from './autodiffLeg.ts';
export type { CompareSpec, Part, PropertyOutcome, PropertyTolerance } from './outcome.ts';
export { compareInequalities, comparePart, parameterName } from './outcome.ts';
export type { NamedProperty } from './properties.ts';
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
export type { PropertyRun, ReplayOptions } from './replay.ts';
export { failureMessage, predicate, propertyParameters, replayCommand, replaySettings, runProperty } from './replay.ts';
export type { CheckAgainstOraclesOptions, OracleQuantity, OracleReport, UserImplementation } from './checkAgainstOracles.ts';
export { ORACLE_PROPERTIES, checkAgainstOracles, implementationsFor } from './checkAgainstOracles.ts';
export type { AuditReport, AuditRow } from './audit.ts';
export { AUDIT_PROPERTIES, auditCase, auditCases, auditGenerated } from './audit.ts';
export type { SymbolicEngine, SymbolicEvaluation } from './symbolicLeg.ts';
export { SYMBOLIC_CASE_OPTIONS, SYMBOLIC_ENGINES, SYMBOLIC_LIMITS, symbolicBlock, symbolicGaussNewton, symbolicEvaluation, symbolicOrder } from './symbolicLeg.ts';
export {
  SYMBOLIC_PROPERTIES,
  traceGradientsEqualMathjs,
  traceGradientsEqualNerdamer,
  tracesEqualMathjs,
  tracesEqualNerdamer,
} from './symbolicProperties.ts';
export type { SweepRun } from './formulaSweep.ts';
export { SWEEP_TOLERANCES, describeFailure, judgeMeasurement, runFormulaSweep } from './formulaSweep.ts';
