/**
 * The layered derivation (symbolicLayered.ts): its symbols follow numeric's deep theta order, and
 * at L = 2 its text, written layer by layer, is the three-layer network's loss, so both engines'
 * derivations must reproduce numeric's two-layer closed forms (an oracle that shares no code with
 * the layered text). Depths 3 and 4 are checked against numeric's deep closed forms by crosscheck
 * (test/layeredSymbolicProperties*.test.ts).
 */
import { describe, expect, test } from 'vitest';
import { flattenLayered, layeredFromModel, type LayeredModel } from '@hsr/numeric';
import { ATOL_FLOOR, RTOL_VS_SYMBOLIC } from '@hsr/testkit';
import { deriveLayeredNetwork, layeredBlockIndices, layeredLogitExpressions, layeredParameterSymbols, layeredShapeOf } from '../src/index.ts';
import { expectMatchesNumeric, generatedPoint } from './agreementChecks.ts';

describe('layered symbols', () => {
  test('follow the deep theta order: per layer, row by row, W then b', () => {
    const shape = { widths: [2, 1, 2], activations: ['tanh'], bias: true };
    expect(layeredParameterSymbols(shape)).toEqual(['W1q1q1', 'W1q1q2', 'b1q1', 'W2q1q1', 'b2q1', 'W2q2q1', 'b2q2']);
    expect(layeredBlockIndices(shape, [1])).toEqual([3, 4, 5, 6]);
    expect(layeredBlockIndices({ widths: [1, 1, 1, 2], activations: ['tanh', 'tanh'], bias: false }, [0, 2])).toEqual([0, 2, 3]);
  });

  test('the logits nest one activation per hidden layer', () => {
    const [v1, v2] = layeredLogitExpressions({ widths: [1, 1, 1, 2], activations: ['A(u)', 'B(u)'], bias: false }, ['A(u)', 'B(u)'], ['X1']);
    expect(v1).toBe('(W3q1q1*B(((W2q1q1*A(((W1q1q1*X1)))))))');
    expect(v2).toBe('(W3q2q1*B(((W2q1q1*A(((W1q1q1*X1)))))))');
  });
});

describe('at L = 2 the layered derivation is the three-layer network', () => {
  for (const engine of ['nerdamer', 'mathjs'] as const)
    test(`${engine}: every quantity to third order equals numeric's two-layer closed forms (tanh, seed 5)`, () => {
      const { model, data } = generatedPoint({ inputDim: 1, hiddenDim: 1, classes: 2, bias: false }, 'tanh', 2, 5);
      const layered = layeredFromModel(model);
      const net = deriveLayeredNetwork(engine, layeredShapeOf(layered), 3);
      expect(net.parameters).toBe(flattenLayered(layered).length);
      expectMatchesNumeric(net.evaluate(layered, data, 'mean'), model, data, 3, 'mean');
      expect(() => net.evaluate({ ...layered, activations: ['sigmoid'] }, data, 'mean')).toThrow(/does not have the derived shape/);
    });
});

describe('a formula activation at depth', () => {
  test('sqrt(u^2+1) (a root nerdamer folds wrongly unless written as an exponential): both engines agree entry by entry', () => {
    const shape = { widths: [1, 1, 1, 2], activations: ['sqrt(u^2+1)', 'tanh'], bias: false };
    const { model, data } = generatedPoint({ inputDim: 1, hiddenDim: 1, classes: 2, bias: false }, 'tanh', 2, 7);
    const base = layeredFromModel(model);
    // Three layers of width 1; the model's activation names stand in for the formula, which evaluate compares as text.
    const layered = { activations: shape.activations, layers: [base.layers[0]!, { inputs: 1, outputs: 1, W: Float64Array.of(-0.9), b: null }, base.layers[1]!] } as unknown as LayeredModel;
    const [n, m] = (['nerdamer', 'mathjs'] as const).map((engine) => deriveLayeredNetwork(engine, shape, 2).evaluate(layered, data, 'sum'));
    expect(n!.hessian).toBeAllClose(m!.hessian, { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR });
    expect([n!.loss, n!.traceH2]).toBeAllClose([m!.loss, m!.traceH2], { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR });
  });
});
