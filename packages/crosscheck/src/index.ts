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
