/**
 * The symbolic legs per loss: each loss's expression (lossOnLogits, from its definition) derived
 * by nerdamer and mathjs to third order, and the Gauss–Newton matrix from each loss's S, against
 * @hsr/numeric's loss table (losses.ts), which the engines never see.
 */
import { describe, expect, test } from 'vitest';
import { LOSS_NAMES, denseHessian, hessianTraces, type Loss } from '@hsr/numeric';
import { ATOL_FLOOR, RTOL_VS_SYMBOLIC } from '@hsr/testkit';
import { math } from '../src/engines.ts';
import { deriveGaussNewton, lossOnLogits, rationalText, type LossSpec } from '../src/index.ts';
import { generatedPoint, runAgreement } from './agreementChecks.ts';

const OTHER_LOSSES = LOSS_NAMES.filter((l) => l !== 'cross-entropy');
const spec = (name: Loss, labelSmoothing = 0.3): LossSpec => ({ name, labelSmoothing });

describe('rationalText', () => {
  test('writes the double itself as an exact fraction', () => {
    expect(rationalText(0.1)).toBe('(1/10)');
    expect(rationalText(0.25)).toBe('(1/4)');
    expect(rationalText(-3)).toBe('(-3/1)');
    for (const x of [0.3, 1 / 3, 0.123456789, 1e-7]) {
      const [p, q] = rationalText(x).slice(1, -1).split('/').map(Number);
      expect(p! / q!).toBe(x);
    }
  });
});

describe('lossOnLogits evaluates to each loss at numeric logits', () => {
  // v = (0.7, -1.2, 2.5), label 1 (0-based): the definitions by hand.
  const v = [0.7, -1.2, 2.5];
  const lse = Math.log(v.reduce((s, x) => s + Math.exp(x), 0));
  const expected: Record<Loss, number> = {
    'cross-entropy': lse + 1.2,
    'label-smoothing': (1 - 0.3) * (lse + 1.2) + (0.3 / 3) * v.reduce((s, x) => s + lse - x, 0),
    mse: 0.5 * (0.7 ** 2 + (-1.2 - 1) ** 2 + 2.5 ** 2),
    'binary-cross-entropy': Math.log1p(Math.exp(0.7)) + Math.log1p(Math.exp(1.2)) + Math.log1p(Math.exp(2.5)),
  };
  for (const name of LOSS_NAMES)
    test(name, () => {
      const text = lossOnLogits(
        spec(name),
        v.map((x) => `(${x})`),
        1,
      );
      expect(math.evaluate(text) as number).toBeAllClose(expected[name], { rtol: 1e-14, atol: 0 });
    });
});

describe.each(OTHER_LOSSES)('symbolic legs agree with numeric for %s', (loss) => {
  test('tanh, biases off, every quantity to third order, mean loss (seed 21)', () => {
    runAgreement({ inputDim: 1, hiddenDim: 1, classes: 2, bias: false }, 'tanh', 2, 21, 3, 'mean', spec(loss));
  });
  test('sigmoid, biases on, loss to bounds (second order), sum loss (seed 22)', () => {
    runAgreement({ inputDim: 1, hiddenDim: 1, classes: 2, bias: true }, 'sigmoid', 2, 22, 2, 'sum', spec(loss));
  });
  test('Gauss–Newton J^T S J of every block, both engines (seed 23)', () => {
    const shape = { inputDim: 2, hiddenDim: 2, classes: 3, bias: true };
    const { model, data } = generatedPoint(shape, 'softplus', 3, 23, spec(loss));
    for (const engine of ['nerdamer', 'mathjs'] as const) {
      const gn = deriveGaussNewton(shape, 'softplus', engine, spec(loss));
      for (const block of ['all', 'first', 'second'] as const) {
        const variant = { reduction: 'mean', block, curvature: 'gauss-newton' } as const;
        const q = gn.evaluate(model, data, 'mean', block);
        expect(q.matrix, `${engine} ${block}`).toBeAllClose(denseHessian(model, data, variant).data, { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR });
        const t = hessianTraces(model, data, variant);
        expect([q.traceH, q.traceH2]).toBeAllClose([t.traceH, t.traceH2], { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR });
      }
    }
  });
});
