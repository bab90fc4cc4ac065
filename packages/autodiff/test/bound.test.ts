import { describe, expect, test } from 'vitest';
import { RTOL_SAME_FORMULA, RTOL_VS_AUTODIFF, RTOL_VS_FINITE_DIFFERENCE } from '@hsr/testkit';
import { fivePointJacobian } from '@hsr/crosscheck';
import { ACTIVATION_NAMES, BLOCKS, BOUND_KINDS, CURVATURES, boundGradient, flattenParameters, unflattenParameters, wolkowiczStyanBounds, type Variant } from '@hsr/numeric';
import { autodiffBoundGradient, boundOver, type AutodiffBoundKind } from '../src/bound.ts';
import { Jet, JetAlgebra, denseGradientOf } from '../src/jet.ts';
import { autodiffTraces } from '../src/traces.ts';
import { SMALL, randomCase } from './cases.ts';

const KINDS: readonly AutodiffBoundKind[] = ['upper', 'lower', 'range'];

/** A first-order jet over n directions with the given value and gradient. */
function jet(value: number, gradient: number[]): Jet {
  return new Jet(
    Int32Array.from(gradient, (_, i) => i),
    value,
    Float64Array.from(gradient),
    null,
    0,
    null,
    null,
  );
}

describe('the bound as a function of T1, T2', () => {
  test("AD of boundOver reproduces docs/mathematics.md §5's alpha and beta", () => {
    const A = new JetAlgebra({ order: 1, tangent: false });
    const [T1, T2, P] = [3.7, 9.1, 12];
    const out = (of: AutodiffBoundKind) => boundOver(A, jet(T1, [1, 0]), jet(T2, [0, 1]), P, of).bound;
    const R = Math.sqrt(((P - 1) / P) * (T2 - (T1 * T1) / P));
    // U = T1/P + R:  dU/dT1 = 1/P - (P-1) T1 / (P^2 R),  dU/dT2 = (P-1) / (2 P R).
    const alpha = 1 / P - ((P - 1) * T1) / (P * P * R);
    const beta = (P - 1) / (2 * P * R);
    expect(out('upper').value).toBeAllClose(T1 / P + R, { rtol: RTOL_SAME_FORMULA });
    expect(out('upper').gradient).toBeAllClose([alpha, beta], { rtol: RTOL_SAME_FORMULA });
    expect(out('lower').gradient).toBeAllClose([2 / P - alpha, -beta], { rtol: RTOL_SAME_FORMULA });
    // range = s sqrt(2P) = sqrt(2P/(P-1)) R
    const f = Math.sqrt((2 * P) / (P - 1));
    expect(out('range').gradient).toBeAllClose([f * (alpha - 1 / P), f * beta], { rtol: RTOL_SAME_FORMULA });
    const ws = wolkowiczStyanBounds(T1, T2, P);
    expect([out('upper').value, out('lower').value, out('range').value]).toBeAllClose([ws.lambdaMaxUpper, ws.lambdaMinLower, ws.rangeUpper], { rtol: RTOL_SAME_FORMULA });
  });

  test('all eigenvalues equal (s = 0): degenerate, minimum-norm subgradient, no NaN', () => {
    const A = new JetAlgebra({ order: 1, tangent: false });
    const [P, lambda] = [5, 0.3];
    for (const of of KINDS) {
      const r = boundOver(A, jet(P * lambda, [1, 0]), jet(P * lambda * lambda * (1 - 1e-15), [0, 1]), P, of);
      expect(r.degenerate).toBe(true);
      expect(r.bound.value).toBeAllClose(of === 'range' ? 0 : lambda, { rtol: RTOL_SAME_FORMULA });
      expect(Array.from(denseGradientOf(r.bound, 2))).toEqual(of === 'range' ? [0, 0] : [1 / P, 0]);
    }
  });

  test('s^2 = 0 exactly is degenerate too: the square root of 0 is never differentiated', () => {
    // P = 4, T1 = 2, T2 = 1: m = 1/2 and s^2 = 1/4 - 1/4 = 0 with no rounding anywhere.
    const A = new JetAlgebra({ order: 1, tangent: false });
    for (const of of KINDS) {
      const r = boundOver(A, jet(2, [1, 0]), jet(1, [0, 1]), 4, of);
      expect(r.degenerate, of).toBe(true);
      expect(r.bound.value).toBe(of === 'range' ? 0 : 0.5);
      expect(Array.from(denseGradientOf(r.bound, 2))).toEqual(of === 'range' ? [0, 0] : [1 / 4, 0]);
    }
  });

  test('P = 1 is degenerate whatever T2 says: the one eigenvalue is T1', () => {
    // Traces that no 1 x 1 Hessian has (T2 > T1^2): s must still be taken as 0, as
    // wolkowiczStyanBounds does at P = 1, not from the round-off or the caller's T2.
    const A = new JetAlgebra({ order: 1, tangent: false });
    for (const of of KINDS) {
      const r = boundOver(A, jet(3, [1, 0]), jet(10, [0, 1]), 1, of);
      expect(r.degenerate, of).toBe(true);
      expect(Array.from(denseGradientOf(r.bound, 2))).toEqual(of === 'range' ? [0, 0] : [1, 0]);
    }
  });
});

describe('bound gradient', () => {
  test('equals five-point differences of the bound value', () => {
    for (const block of BLOCKS)
      for (const of of KINDS) {
        const { model, data } = randomCase({ ...SMALL, activation: 'silu', bias: true, seed: 21 });
        const variant: Variant = { reduction: 'mean', block, curvature: 'hessian' };
        const r = autodiffBoundGradient(model, data, variant, of);
        const P = r.parameters;
        const value = (theta: Float64Array) => {
          const t = autodiffTraces(unflattenParameters(model, theta), data, variant);
          const ws = wolkowiczStyanBounds(t.traceH, t.traceH2, P);
          return [of === 'upper' ? ws.lambdaMaxUpper : of === 'lower' ? ws.lambdaMinLower : ws.rangeUpper];
        };
        const fd = fivePointJacobian(value, flattenParameters(model));
        expect(r.value).toBeAllClose(value(flattenParameters(model))[0]!, { rtol: RTOL_SAME_FORMULA });
        expect(r.gradient, `${block} ${of}`).toBeAllClose(fd.jacobian, { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: Math.max(...fd.roundoff) });
      }
  });

  test('equals @hsr/numeric boundGradient for every activation, block, curvature and kind', () => {
    for (const activation of ACTIVATION_NAMES)
      for (const block of BLOCKS)
        for (const curvature of CURVATURES) {
          const { model, data } = randomCase({ ...SMALL, activation, bias: true, seed: 22 });
          const variant: Variant = { reduction: 'sum', block, curvature };
          for (const of of BOUND_KINDS) {
            const ad = autodiffBoundGradient(model, data, variant, of);
            const closed = boundGradient(model, data, variant, of);
            const label = `${activation} ${block} ${curvature} ${of}`;
            expect(ad.degenerate, label).toBe(closed.degenerate);
            expect(ad.value, label).toBeAllClose(closed.value, { rtol: RTOL_VS_AUTODIFF, scale: Math.abs(closed.bounds.mean) + closed.bounds.spread * Math.sqrt(2 * ad.parameters) });
            expect(ad.gradient, label).toBeAllClose(closed.gradient, { rtol: RTOL_VS_AUTODIFF });
          }
        }
  });
});
