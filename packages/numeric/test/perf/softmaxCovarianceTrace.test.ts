/**
 * tr S = 1 - ||p||^2 without cancellation (hessianTrace.ts, softmaxCovarianceTrace): on a
 * saturated two-class softmax the exact value 2t/(1+t)^2, t = e^{-a}, has no cancellation of
 * its own, while 1 - ||p||^2 loses ~log10(1/t) digits.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/crosscheck';
import { softmaxCovarianceTrace } from '../../src/hessianTrace.ts';

describe('softmaxCovarianceTrace', () => {
  it.each([1, 10, 23, 30, 40])('keeps full relative accuracy at logit gap %d', (a) => {
    const t = Math.exp(-a);
    const p = Float64Array.from([t / (1 + t), 1 / (1 + t)]);
    expect(softmaxCovarianceTrace(p, 0, 2)).toBeAllClose((2 * t) / (1 + t) ** 2, { rtol: RTOL_SAME_FORMULA });
  });

  it('equals sum_k p_k (1 - p_k) on an unsaturated sample, and reads row n', () => {
    const p = Float64Array.from([0.5, 0.5, 0, 0.2, 0.3, 0.5]);
    expect(softmaxCovarianceTrace(p, 1, 3)).toBeAllClose(0.2 * 0.8 + 0.3 * 0.7 + 0.5 * 0.5, { rtol: RTOL_SAME_FORMULA });
  });
});
