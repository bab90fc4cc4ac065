/**
 * Slow tier: every quantity to third order WITH biases (P = 6) and a wider first layer
 * (d = 2, P = 8 with biases) for each activation. nerdamer needs ~25-60 s per case here.
 */
import { describe, it } from 'vitest';
import { ACTIVATION_NAMES } from '@hsr/numeric';
import { runAgreement } from './agreementChecks.ts';

describe('symbolic legs agree with numeric, biases on, third order (slow)', () => {
  for (const a of ACTIVATION_NAMES) {
    it(`${a}: d = h = 1, c = 2, N = 2, mean (seed 21)`, () => {
      runAgreement({ inputDim: 1, hiddenDim: 1, classes: 2, bias: true }, a, 2, 21, 3, 'mean');
    });
    it(`${a}: d = 2, h = 1, c = 2, N = 2, sum (seed 22)`, () => {
      runAgreement({ inputDim: 2, hiddenDim: 1, classes: 2, bias: true }, a, 2, 22, 3, 'sum');
    });
  }
});
