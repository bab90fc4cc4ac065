/**
 * nerdamer- and mathjs-derived quantities vs @hsr/numeric at generated points, for every
 * activation. Biases off: every quantity to third order (trace and bound gradients) on
 * d = h = 1, c = 2, N = 2. Biases on: loss, gradient, Hessian, T1, T2 and bounds (second
 * order) on the same shape; third order with biases is in symbolicNetwork.slow.test.ts (nerdamer
 * needs ~25 s per label there). mathjs cannot differentiate erf: for GELU its leg is checked
 * to refuse, with the reason.
 */
import { ACTIVATION_NAMES } from '@hsr/numeric';
import { describe, it } from 'vitest';
import { runAgreement } from './agreementChecks.ts';

const SHAPE = { inputDim: 1, hiddenDim: 1, classes: 2 };

describe.each(ACTIVATION_NAMES)('symbolic legs agree with numeric: %s', (activation) => {
  it('biases off, every quantity to third order, mean loss (seed 11)', () => {
    runAgreement({ ...SHAPE, bias: false }, activation, 2, 11, 3, 'mean');
  });
  it('biases on, loss to bounds (second order), sum loss (seed 12)', () => {
    runAgreement({ ...SHAPE, bias: true }, activation, 2, 12, 2, 'sum');
  });
});
