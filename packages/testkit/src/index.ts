/**
 * `@hsr/testkit`: what the tests of every package share, so that no package needs a
 * devDependency on another (tests resolve workspace packages through the root package.json).
 * The tolerances are crosscheck's public module, re-exported so a test names them from one place
 * without loading the oracles behind the rest of crosscheck.
 */
export type { CompareOptions, Comparison } from '@hsr/crosscheck/tolerances';
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
} from '@hsr/crosscheck/tolerances';
export { allCloseMatchers } from './matchers.ts';
export { crossTerm, pairSumTraceH2 } from './pairSumTraces.ts';
