/**
 * `@hsr/crosscheck/properties`: the named properties with their arbitraries and runner, without
 * the symbolic leg (which loads nerdamer and mathjs), for test files that hold numeric's closed
 * forms to account.
 */
export type { CaseOptions, LayeredCaseOptions, ShapeLimits } from './arbitraries.ts';
export { caseArbitrary, layeredCaseArbitrary } from './arbitraries.ts';
// Every named property and suite (the same names as the package index, which lists them).
export * from './properties.ts';
export {
  AUTODIFF_PROPERTIES,
  GRADIENT_PROPERTIES,
  HESSIAN_PROPERTIES,
  activationDerivatives,
  boundGradientsEqualAutodiff,
  boundGradientVsCentralDifference,
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
// The layered (any-depth) properties and their suites.
export * from './layeredProperties.ts';
export { predicate, propertyParameters, runProperty } from './replay.ts';
