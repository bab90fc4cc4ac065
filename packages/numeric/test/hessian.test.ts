/**
 * hessian.ts: the dense Hessian (eq:hessian-blocks), the reference every closed form is held
 * to, is symmetric and equals a five-point difference of the analytic gradient (Gauss–Newton is
 * no derivative: the property checks the full Hessian), and equals the autodiff Hessian.
 */
import { hessianEqualsAutodiff, hessianSymmetric, hessianVsGradientCentralDifference } from '@hsr/crosscheck/properties';
import { AUTODIFF_CASES, describeProperties } from '@hsr/testkit/properties';

describeProperties('Hessian properties on generated cases', { file: 'packages/numeric/test/hessian.test.ts', properties: [hessianSymmetric, hessianVsGradientCentralDifference], numRuns: 200 });
describeProperties('autodiff legs on generated cases', { file: 'packages/numeric/test/hessian.test.ts', properties: [hessianEqualsAutodiff], numRuns: 30, cases: AUTODIFF_CASES });
