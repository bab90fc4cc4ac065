/**
 * The symbolic Gauss–Newton matrix (J^T S J from the engines' first derivatives of the logits
 * and second derivatives of the log-sum-exp) against @hsr/numeric's dense Gauss–Newton block
 * and closed-form traces, for every block; both engines, and GELU by nerdamer alone.
 */
import { describe, expect, test } from 'vitest';
import { ACTIVATION_NAMES, denseHessian, hessianTraces, wolkowiczStyanBounds } from '@hsr/numeric';
import { ATOL_FLOOR, RTOL_VS_SYMBOLIC } from '@hsr/testkit';
import { deriveGaussNewton } from '../src/index.ts';
import { generatedPoint } from './agreementChecks.ts';

const TOL = { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR };
// d = 2, h = 3, c = 3 with biases: P = 21, beyond the Hessian derivation's reach.
const shape = { inputDim: 2, hiddenDim: 3, classes: 3, bias: true };

describe('symbolic Gauss–Newton', () => {
  for (const activation of ACTIVATION_NAMES)
    test(`${activation}: G, T1, T2 and the bounds of every block match numeric`, () => {
      const { model, data } = generatedPoint(shape, activation, 4, 31);
      const engines = activation === 'gelu' ? (['nerdamer'] as const) : (['nerdamer', 'mathjs'] as const);
      for (const engine of engines) {
        const gn = deriveGaussNewton(shape, activation, engine);
        for (const block of ['all', 'first', 'second'] as const)
          for (const reduction of ['mean', 'sum'] as const) {
            const variant = { reduction, block, curvature: 'gauss-newton' } as const;
            const q = gn.evaluate(model, data, reduction, block);
            const dense = denseHessian(model, data, variant);
            expect(q.size).toBe(dense.size);
            expect(q.matrix).toBeAllClose(dense.data, TOL);
            const t = hessianTraces(model, data, variant);
            expect([q.traceH, q.traceH2]).toBeAllClose([t.traceH, t.traceH2], TOL);
            const ws = wolkowiczStyanBounds(t.traceH, t.traceH2, t.parameters);
            expect([q.bounds.lambdaMaxUpper, q.bounds.lambdaMinLower, q.bounds.rangeUpper]).toBeAllClose([ws.lambdaMaxUpper, ws.lambdaMinLower, ws.rangeUpper], TOL);
          }
        // Not the Hessian: the full Hessian's T1 differs (the g-terms), so the test can tell them apart.
        const full = hessianTraces(model, data, { reduction: 'mean', block: 'all', curvature: 'hessian' });
        expect(Math.abs(gn.evaluate(model, data, 'mean').traceH - full.traceH)).toBeGreaterThan(1e-6 * Math.abs(full.traceH));
      }
    });

  test('mathjs refuses GELU with the reason', () => {
    expect(() => deriveGaussNewton(shape, 'gelu', 'mathjs')).toThrow(/erf/);
  });
});
