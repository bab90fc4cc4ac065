/**
 * nerdamer- and mathjs-derived quantities vs @hsr/numeric for tanh at generated points
 * (issue 5). Biases off: every quantity to third order (trace and bound gradients) on
 * d = h = 1, c = 2, N = 2. Biases on: loss, gradient, Hessian, T1, T2 and bounds (second
 * order) on the same shape; third order with biases is in agreement.slow.test.ts
 * (nerdamer needs ~25 s per label there).
 */
import { describe, it } from 'vitest';
import { runAgreement } from './agreementCase.ts';

const SHAPE = { inputDim: 1, hiddenDim: 1, classes: 2 };

describe('symbolic legs agree with numeric: tanh', () => {
  it('biases off, every quantity to third order, mean loss (seed 11)', () => {
    runAgreement({ ...SHAPE, bias: false }, 'tanh', 2, 11, 3, 'mean');
  });
  it('biases on, loss to bounds (second order), sum loss (seed 12)', () => {
    runAgreement({ ...SHAPE, bias: true }, 'tanh', 2, 12, 2, 'sum');
  });
});
