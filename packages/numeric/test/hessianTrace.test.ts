/**
 * hessianTrace.ts: the closed forms T1 and T2 (eq:trace-h, eq:trace-h2).
 * - On generated cases: T1 and T2 equal the dense Hessian's eigenvalue sums and diagonal sum /
 *   Frobenius norm, and the autodiff Hessian's traces (crosscheck's named properties).
 * - On the shared case spread (every activation x bias x block x curvature, both reductions):
 *   T1, T2 equal the dense Hessian's traces; T2 equals the per-pair sum of the derivation
 *   (@hsr/testkit pairSumTraceH2); the packed A_n stack equals the packing of the dense A_n bit
 *   for bit; the softmax-covariance pieces keep full relative accuracy on saturated samples.
 */
import { closedFormTracesEqualDenseTraces, trace2EqualsEigenvalueSquareSum, traceEqualsEigenvalueSum, tracesEqualAutodiff } from '@hsr/crosscheck/properties';
import { AUTODIFF_CASES, describeProperties } from '@hsr/testkit/properties';
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA, pairSumTraceH2, RTOL_VS_DENSE } from '@hsr/testkit';
import { BLOCKS, CURVATURES, forwardPass, hessianTraces, type Variant, denseHessian, matrixTraces, type Dataset, type Model } from '@hsr/numeric';
import { gramMatrix, packedHiddenCurvature, softmaxCovarianceInner, softmaxCovarianceStack, softmaxCovarianceTrace } from '../src/hessianTrace.ts';
import { sampleCurvatureIn } from '../src/sampleCurvature.ts';
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

const variants: Variant[] = [];
for (const block of BLOCKS) for (const curvature of CURVATURES) variants.push({ reduction: 'mean', block, curvature });
variants.push({ reduction: 'sum', block: 'all', curvature: 'hessian' });

describe.each(cases)('closed forms on $name', ({ model, data }: { model: Model; data: Dataset }) => {
  it.each(variants)('T1, T2 equal the dense Hessian traces ($block, $curvature, $reduction)', (variant) => {
    const dense = matrixTraces(denseHessian(model, data, variant));
    const t = hessianTraces(model, data, variant);
    expect([t.traceH, t.traceH2]).toBeAllClose([dense.traceH, dense.traceH2], { rtol: RTOL_VS_DENSE });
  });
});

describeProperties('trace properties on generated cases', {
  file: 'packages/numeric/test/hessianTrace.test.ts',
  properties: [traceEqualsEigenvalueSum, trace2EqualsEigenvalueSquareSum, closedFormTracesEqualDenseTraces],
  numRuns: 200,
});
describeProperties('autodiff legs on generated cases', { file: 'packages/numeric/test/hessianTrace.test.ts', properties: [tracesEqualAutodiff], numRuns: 30, cases: AUTODIFF_CASES });
