/**
 * The cheaper contractions inside the closed-form T2 (hessianTrace.ts), each against the route
 * it replaced:
 * - packedHiddenCurvature equals the packing of sampleCurvatureIn's dense A_n bit for bit (it keeps
 *   the same summation order, so a bound is unchanged to the last bit by the rewrite);
 * - the Gram matrix of softmaxCovarianceStack equals softmaxCovarianceInner pair by pair,
 *   also on saturated samples (both are sums of non-negative terms);
 * - T2 equals the per-pair sum of eq:trace-h2 (@hsr/testkit pairSumTraceH2: no Gram matrices,
 *   no contraction through the input features), on every case of the shared spread.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA, pairSumTraceH2 } from '@hsr/testkit';
import { BLOCKS, CURVATURES, forwardPass, hessianTraces, type Variant } from '@hsr/numeric';
import { gramMatrix, packedHiddenCurvature, softmaxCovarianceInner, softmaxCovarianceStack, softmaxCovarianceTrace } from '../../src/hessianTrace.ts';
import { sampleCurvatureIn } from '../../src/sampleCurvature.ts';
import { caseSpread } from '@hsr/crosscheck/cases';

const cases = caseSpread();

describe.each(cases)('$name', ({ model, data }) => {
  const fp = forwardPass(model, data);
  const { samples: N, hiddenDim: h, classes: c } = fp;

  it.each(CURVATURES)('packedHiddenCurvature equals the packed dense A_n of sampleCurvatureIn bit for bit (%s)', (curvature) => {
    // Upper triangles row by row, off-diagonal entries times sqrt 2.
    const A = sampleCurvatureIn(model, fp, curvature, 'dense').A;
    const packed: number[] = [];
    for (let n = 0; n < N; n++) for (let i = 0; i < h; i++) for (let j = i; j < h; j++) packed.push((i === j ? 1 : Math.SQRT2) * A[n * h * h + i * h + j]!);
    const sc = sampleCurvatureIn(model, fp, curvature, 'none');
    expect(Array.from(packedHiddenCurvature(model, fp, sc, curvature === 'hessian'))).toEqual(packed);
  });

  it('the Gram matrix of softmaxCovarianceStack equals softmaxCovarianceInner', () => {
    const G = gramMatrix(softmaxCovarianceStack(fp.p, N, c), N, c * c);
    const inner = new Float64Array(N * N);
    for (let n = 0; n < N; n++) for (let m = 0; m < N; m++) inner[n * N + m] = softmaxCovarianceInner(fp.p, n, m, c);
    expect(G).toBeAllClose(inner, { rtol: RTOL_SAME_FORMULA });
  });

  it.each(BLOCKS.flatMap((block) => CURVATURES.map((curvature) => ({ block, curvature }))))('T2 equals the per-pair sum of eq:trace-h2 ($block, $curvature)', ({ block, curvature }) => {
    const variant: Variant = { reduction: 'mean', block, curvature };
    expect(hessianTraces(model, data, variant, fp).traceH2).toBeAllClose(pairSumTraceH2(model, data, variant, curvature === 'hessian', fp), { rtol: RTOL_SAME_FORMULA });
  });
});

describe('softmaxCovarianceStack', () => {
  it('keeps full relative accuracy on a saturated sample (its trace is tr S_n)', () => {
    for (const a of [10, 25, 40]) {
      const t = Math.exp(-a);
      const p = Float64Array.from([t / (1 + t), 1 / (1 + t)]);
      const S = softmaxCovarianceStack(p, 1, 2);
      expect(S[0]! + S[3]!).toBeAllClose(softmaxCovarianceTrace(p, 0, 2), { rtol: RTOL_SAME_FORMULA });
      expect(S[0]!).toBeAllClose(t / (1 + t) ** 2, { rtol: RTOL_SAME_FORMULA });
    }
  });
});
