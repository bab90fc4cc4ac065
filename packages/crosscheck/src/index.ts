export type { CompareOptions, Comparison } from './tolerance.ts';
export {
  ATOL_FLOOR,
  RTOL_GRADIENT_VS_GOLDEN,
  RTOL_SAME_FORMULA,
  RTOL_VS_AUTODIFF,
  RTOL_VS_DENSE,
  RTOL_VS_FINITE_DIFFERENCE,
  RTOL_VS_GOLDEN,
  assertAllClose,
  compareClose,
  describeComparison,
} from './tolerance.ts';
export { allCloseMatchers } from './matchers.ts';
export {
  CLOSED_FORM_ROUNDOFF_UNITS,
  EPS,
  FINITE_DIFFERENCE_ROUNDOFF_UNITS,
  FIVE_POINT_STEP,
  MIN_RELATIVE_SPREAD_FOR_GRADIENT,
  RTOL_SPECTRUM_ENCLOSURE,
} from './propertyTolerances.ts';
export type { CaseSpec, CheckCase, InputStyle } from './cases.ts';
export { buildCase, buildDataset, buildModel, describeSpec, fixedCase } from './cases.ts';
export type { CaseOptions, ShapeLimits } from './arbitraries.ts';
export { DEFAULT_WEIGHT_SCALES, caseArbitrary, caseSpecArbitrary, datasetArbitrary, networkArbitrary, variantArbitrary } from './arbitraries.ts';
export type { FiniteDifference, StencilOptions } from './finiteDifference.ts';
export { fivePointGradient, fivePointJacobian, parameterSteps } from './finiteDifference.ts';
export { boundRoundoff, gradientMagnitudes, traceMagnitudes, traceRoundoff } from './magnitudes.ts';
export type { Implementations } from './implementations.ts';
export { NUMERIC_IMPLEMENTATIONS, boundValue, withImplementations } from './implementations.ts';
export type { AutodiffLeg } from './autodiffLeg.ts';
export { AUTODIFF, AUTODIFF_EXPORTS, autodiffHas, autodiffMissing } from './autodiffLeg.ts';
export type { CompareSpec, Part, PropertyOutcome, PropertyTolerance } from './outcome.ts';
export { compareInequalities, comparePart, parameterName } from './outcome.ts';
export type { NamedProperty } from './properties.ts';
export {
  AUTODIFF_PROPERTIES,
  GRADIENT_PROPERTIES,
  ISSUE2_PROPERTIES,
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
  RTOL_VS_SYMBOLIC,
  SYMBOLIC_PROPERTIES,
  traceGradientsEqualMathjs,
  traceGradientsEqualNerdamer,
  tracesEqualMathjs,
  tracesEqualNerdamer,
} from './symbolicProperties.ts';
