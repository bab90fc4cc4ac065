/**
 * Block variants: both engines' block-restricted T1, T2, bounds and their gradients (nerdamer
 * by restricting its third-derivative sums, mathjs by deriving the block's trace expressions)
 * against @hsr/numeric on the same block. d = 2, h = 1, c = 2 without biases: P = 4, blocks
 * of 2 (W) and 2 (V).
 */
import { describe, expect, test } from 'vitest';
import { boundGradient, hessianTraces, traceGradients, wolkowiczStyanBounds } from '@hsr/numeric';
import { ATOL_FLOOR, RTOL_VS_SYMBOLIC } from '@hsr/testkit';
import { deriveMathjsNetwork, deriveNerdamerNetwork } from '../src/index.ts';
import { generatedPoint } from './agreementChecks.ts';

const TOL = { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR };
const shape = { inputDim: 2, hiddenDim: 1, classes: 2, bias: false };

describe('block-restricted traces and gradients (tanh, seed 21)', () => {
  const { model, data } = generatedPoint(shape, 'tanh', 2, 21);
  const nerdamer = deriveNerdamerNetwork(shape, 'tanh', 3, data.y);
  for (const block of ['first', 'second'] as const)
    test(`${block} block: nerdamer and mathjs match numeric`, () => {
      const variant = { reduction: 'sum', block, curvature: 'hessian' } as const;
      const tr = hessianTraces(model, data, variant);
      const tg = traceGradients(model, data, variant);
      const ws = wolkowiczStyanBounds(tr.traceH, tr.traceH2, tr.parameters);
      expect(tr.parameters).toBe(2);
      for (const q of [nerdamer.evaluate(model, data, 'sum', block), deriveMathjsNetwork(shape, 'tanh', data.y, 'sum', 3, block).evaluate(model, data, 'sum', block)]) {
        expect([q.traceH, q.traceH2]).toBeAllClose([tr.traceH, tr.traceH2], TOL);
        expect([q.bounds.lambdaMaxUpper, q.bounds.lambdaMinLower, q.bounds.rangeUpper]).toBeAllClose([ws.lambdaMaxUpper, ws.lambdaMinLower, ws.rangeUpper], TOL);
        expect(q.gradTraceH).toBeAllClose(tg.gradTraceH, TOL);
        expect(q.gradTraceH2).toBeAllClose(tg.gradTraceH2, TOL);
        expect(q.upperBoundGradient).toBeAllClose(boundGradient(model, data, variant, 'upper').gradient, TOL);
        expect(q.lowerBoundGradient).toBeAllClose(boundGradient(model, data, variant, 'lower').gradient, TOL);
        expect(q.rangeBoundGradient).toBeAllClose(boundGradient(model, data, variant, 'range').gradient, TOL);
      }
      // The block's T2 is a strict part of the full one here (the cross block is not zero).
      expect(tr.traceH2).toBeLessThan(hessianTraces(model, data, { ...variant, block: 'all' }).traceH2);
    });

  test('a mathjs network refuses a block it was not derived for', () => {
    const net = deriveMathjsNetwork(shape, 'tanh', data.y, 'sum', 2, 'first');
    expect(() => net.evaluate(model, data, 'sum', 'second')).toThrow(/derived for block first/);
  });
});
