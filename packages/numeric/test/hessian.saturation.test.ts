/**
 * hessian.ts and the closed forms in deep saturation (weights of order 1e3, p_max = 1 - eps
 * with eps far below float64's resolution of 1 - p): the dense Hessian's T1, T2 and extreme
 * eigenvalues, and the closed-form T1 and T2, against a 120-digit mpmath reference computed
 * from the loss definition (fixtures/saturated/generate.py, committed beside its output).
 * A textbook S_n = diag(p) - p p^T loses the p_max(1 - p_max) entry entirely here (the dense
 * T1 came out half the true value); so does a g_n = p_n - y_n that subtracts 1 from p_y. The
 * label-smoothing and binary cross-entropy cases hold the other losses' rows to the same standard
 * (g_y = eps(1 - 1/c) - sum of the others; sigma(v)sigma(-v) without 1 - sigma, down to 1e-260).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { RTOL_SATURATED_VS_HIGH_PRECISION } from '@hsr/testkit';
import { createDataset, createModel, denseHessian, hessianDiagonal, hessianTraces, matrixTraces, symmetricEigenvalues, type ModelArrays, type Variant } from '../src/index.ts';

interface SaturatedCase {
  name: string;
  variant: Variant;
  model: ModelArrays;
  data: { X: number[][]; y: number[] };
  parameters: number;
  traceH: number;
  traceH2: number;
  lambdaMax: number;
  lambdaMin: number;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/saturated/saturated.json', import.meta.url), 'utf8')) as { cases: SaturatedCase[] };

describe('saturated networks against a 120-digit reference', () => {
  test('the fixture covers saturation in both layers, each variant axis and a misclassified sample', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(6);
    expect(new Set(fixture.cases.map((c) => c.variant.block))).toEqual(new Set(['all', 'first', 'second']));
    expect(new Set(fixture.cases.map((c) => c.variant.curvature))).toEqual(new Set(['hessian', 'gauss-newton']));
    expect(new Set(fixture.cases.map((c) => c.model.loss ?? 'cross-entropy'))).toEqual(new Set(['cross-entropy', 'label-smoothing', 'binary-cross-entropy']));
  });

  for (const c of fixture.cases) {
    describe(c.name, () => {
      const model = createModel(c.model);
      const data = createDataset(c.data.X, c.data.y, model.classes);
      const rtol = RTOL_SATURATED_VS_HIGH_PRECISION;

      test('closed-form T1 and T2 match the reference', () => {
        const t = hessianTraces(model, data, c.variant);
        expect(t.parameters).toBe(c.parameters);
        expect(t.traceH).toBeAllClose(c.traceH, { rtol, atol: 0 });
        expect(t.traceH2).toBeAllClose(c.traceH2, { rtol, atol: 0 });
      });

      test('the closed-form diagonal sums to the reference T1', () => {
        const diag = hessianDiagonal(model, data, c.variant);
        let s = 0;
        for (const x of diag) s += x;
        expect(s).toBeAllClose(c.traceH, { rtol, atol: 0 });
      });

      test('the dense Hessian: T1, T2 and the extreme eigenvalues match the reference', () => {
        const H = denseHessian(model, data, c.variant);
        const m = matrixTraces(H);
        expect(m.traceH).toBeAllClose(c.traceH, { rtol, atol: 0 });
        expect(m.traceH2).toBeAllClose(c.traceH2, { rtol, atol: 0 });
        const ev = symmetricEigenvalues(H);
        // Eigenvalues are exact for a matrix within ~P eps ||H|| of H: relative to the largest |lambda|.
        const scale = Math.max(Math.abs(c.lambdaMax), Math.abs(c.lambdaMin));
        expect([ev[0]!, ev[ev.length - 1]!]).toBeAllClose([c.lambdaMin, c.lambdaMax], { rtol, atol: 0, scale });
      });
    });
  }
});
