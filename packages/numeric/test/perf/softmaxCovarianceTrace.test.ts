/**
 * tr S = 1 - ||p||^2 without cancellation (hessianTrace.ts, softmaxCovarianceTrace): on a
 * saturated two-class softmax the exact value 2t/(1+t)^2, t = e^{-a}, has no cancellation of
 * its own, while 1 - ||p||^2 loses ~log10(1/t) digits.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { softmaxCovarianceInner, softmaxCovarianceTrace } from '../../src/hessianTrace.ts';

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

describe('softmaxCovarianceInner', () => {
  it('keeps full relative accuracy for two samples saturated on the same class', () => {
    // Two classes, gaps a and b: p = (t/(1+t), 1/(1+t)); S = [[v, -v], [-v, v]] with v = t/(1+t)^2.
    for (const [ga, gb] of [
      [20, 25],
      [30, 30],
      [5, 40],
    ] as const) {
      const ta = Math.exp(-ga);
      const tb = Math.exp(-gb);
      const va = ta / (1 + ta) ** 2;
      const vb = tb / (1 + tb) ** 2;
      const p = Float64Array.from([ta / (1 + ta), 1 / (1 + ta), tb / (1 + tb), 1 / (1 + tb)]);
      // Entry by entry: four products of +-va and +-vb with equal signs.
      const exact = 4 * va * vb;
      expect(softmaxCovarianceInner(p, 0, 1, 2)).toBeAllClose(exact, { rtol: RTOL_SAME_FORMULA });
    }
  });

  it('equals the textbook form away from saturation', () => {
    const p = Float64Array.from([0.2, 0.3, 0.5, 0.6, 0.1, 0.3]);
    let s = 0;
    let dot = 0;
    for (let k = 0; k < 3; k++) {
      s += p[k]! * p[3 + k]! * (1 - p[k]! - p[3 + k]!);
      dot += p[k]! * p[3 + k]!;
    }
    expect(softmaxCovarianceInner(p, 0, 1, 3)).toBeAllClose(s + dot * dot, { rtol: RTOL_SAME_FORMULA });
  });
});
