/**
 * hessian.ts: the dense Hessian (eq:hessian-blocks), the reference every closed form is held
 * to, is symmetric and equals a five-point difference of the analytic gradient (Gauss–Newton is
 * no derivative: the property checks the full Hessian), and equals the autodiff Hessian;
 * asymmetry and matrixTraces measure what their names say on matrices small enough to check
 * by hand.
 */
import { describe, expect, it } from 'vitest';
import { hessianEqualsAutodiff, hessianSymmetric, hessianVsGradientCentralDifference } from '@hsr/crosscheck/properties';
import { AUTODIFF_CASES, describeProperties } from '@hsr/testkit/properties';
import { asymmetry, matrixTraces } from '../src/hessian.ts';

describeProperties('Hessian properties on generated cases', { file: 'packages/numeric/test/hessian.test.ts', properties: [hessianSymmetric, hessianVsGradientCentralDifference], numRuns: 200 });
describeProperties('autodiff legs on generated cases', { file: 'packages/numeric/test/hessian.test.ts', properties: [hessianEqualsAutodiff], numRuns: 30, cases: AUTODIFF_CASES });

describe('asymmetry', () => {
  it('is the largest |m_ij - m_ji| over the largest |m_ij|', () => {
    // |2 - 3| = 1 over max |m| = |-4|; the other pairs differ by 0.5 and 0.
    const m = { size: 3, data: Float64Array.from([1, 2, 0.5, 3, -4, 1, 0, 1, 0]) };
    expect(asymmetry(m)).toBe(0.25);
    // Transposed, the same pairs: the measure is symmetric in which triangle is off.
    expect(asymmetry({ size: 3, data: Float64Array.from([1, 3, 0, 2, -4, 1, 0.5, 1, 0]) })).toBe(0.25);
  });

  it('is 0 for a symmetric matrix and for the zero matrix', () => {
    expect(asymmetry({ size: 2, data: Float64Array.from([-7, 2, 2, 5]) })).toBe(0);
    expect(asymmetry({ size: 2, data: new Float64Array(4) })).toBe(0);
  });
});

describe('matrixTraces', () => {
  it('gives the diagonal sum and the sum of squared entries', () => {
    // tr = 1 + 4 = 5; ||m||_F^2 = 1 + 4 + 9 + 16 = 30 (entries exact in float64).
    expect(matrixTraces({ size: 2, data: Float64Array.from([1, 2, 3, 4]) })).toEqual({ traceH: 5, traceH2: 30 });
  });
});
