/**
 * boundGradient.ts: the closed-form gradients of T1, T2 and the WS bounds (eq:grad-assembly,
 * eq:bound-gradient), against five-point differences of the closed forms' own values on the
 * shared case spread and on generated cases, and against the autodiff oracle.
 */
import { boundGradientVsCentralDifference, boundGradientsEqualAutodiff, traceGradientVsCentralDifference, traceGradientsEqualAutodiff } from '@hsr/crosscheck/properties';
import { AUTODIFF_CASES, describeProperties } from '@hsr/testkit/properties';
import { describe, expect, it } from 'vitest';
import { RTOL_CLOSED_FORM_VS_FIVE_POINT, RTOL_SAME_FORMULA } from '@hsr/testkit';
import {
  BLOCKS,
  BOUND_KINDS,
  CURVATURES,
  boundGradient,
  boundGradientFromTraces,
  flattenParameters,
  hessianTraces,
  traceGradients,
  unflattenParameters,
  wolkowiczStyanBounds,
  type Dataset,
  type Model,
  type Variant,
} from '@hsr/numeric';
import { caseSpread, seededCase } from '@hsr/crosscheck/cases';

function fivePoint(model: Model, f: (m: Model) => number): Float64Array {
  const theta = flattenParameters(model);
  const out = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    const h = 2e-4 * (1 + Math.abs(theta[i]!));
    const at = (s: number) => {
      const t = theta.slice();
      t[i]! += s * h;
      return f(unflattenParameters(model, t));
    };
    out[i] = (at(-2) - 8 * at(-1) + 8 * at(1) - at(2)) / (12 * h);
  }
  return out;
}

const cases = caseSpread();
const variants: Variant[] = [];
for (const block of BLOCKS) for (const curvature of CURVATURES) variants.push({ reduction: 'mean', block, curvature });
variants.push({ reduction: 'sum', block: 'all', curvature: 'hessian' });

describe.each(cases)('closed forms on $name', ({ model, data }: { model: Model; data: Dataset }) => {
  it.each(variants)('grad T1, grad T2 and grad U equal a five-point difference ($block, $curvature, $reduction)', (variant) => {
    const tg = traceGradients(model, data, variant);
    expect(tg.gradTraceH).toBeAllClose(
      fivePoint(model, (m) => hessianTraces(m, data, variant).traceH),
      { rtol: RTOL_CLOSED_FORM_VS_FIVE_POINT },
    );
    expect(tg.gradTraceH2).toBeAllClose(
      fivePoint(model, (m) => hessianTraces(m, data, variant).traceH2),
      { rtol: RTOL_CLOSED_FORM_VS_FIVE_POINT },
    );
    const upper = (m: Model) => {
      const t = hessianTraces(m, data, variant);
      return wolkowiczStyanBounds(t.traceH, t.traceH2, t.parameters).lambdaMaxUpper;
    };
    const bg = boundGradient(model, data, variant, 'upper');
    // The gradient pass evaluates T1, T2 by the same code as hessianTraces: identical bits.
    const t = hessianTraces(model, data, variant);
    expect([tg.traceH, tg.traceH2]).toEqual([t.traceH, t.traceH2]);
    // At s = 0 the bound has a kink; the contract is then the minimum-norm subgradient grad T1 / P.
    if (bg.degenerate)
      expect(bg.gradient).toBeAllClose(
        tg.gradTraceH.map((g) => g / t.parameters),
        { rtol: RTOL_SAME_FORMULA },
      );
    else expect(bg.gradient).toBeAllClose(fivePoint(model, upper), { rtol: RTOL_CLOSED_FORM_VS_FIVE_POINT });
  });
});

describe('the degenerate bound (s = 0)', () => {
  // d = h = 1 without biases: the first block has P = 1, so s = 0 by definition.
  const { model, data } = seededCase({ activation: 'tanh', bias: false, inputDim: 1, hiddenDim: 1, classes: 2, samples: 3, seed: 5 }, { weights: { kind: 'normal', scale: 0.8 } });
  const variant: Variant = { reduction: 'mean', block: 'first', curvature: 'hessian' };
  it.each(['upper', 'lower', 'range'] as const)('%s: flagged degenerate, the subgradient that treats R as 0', (of) => {
    const tg = traceGradients(model, data, variant);
    const bg = boundGradient(model, data, variant, of);
    expect(bg.degenerate).toBe(true);
    expect(bg.value).toBe(of === 'range' ? 0 : tg.traceH);
    const want = of === 'range' ? new Float64Array(tg.gradTraceH.length) : tg.gradTraceH;
    expect(bg.gradient).toBeAllClose(want, { rtol: RTOL_SAME_FORMULA });
  });
});

describe('the degenerate bound with P > 1 (all eigenvalues equal)', () => {
  // P = 3 eigenvalues equal to 2: T1 = 6, T2 = 12, so s^2 = 12/3 - 2^2 = 0 exactly and the bound
  // is m = T1 / P; its minimum-norm subgradient is grad T1 / P (here exact: a power of two apart).
  const tg = { traceH: 6, traceH2: 12, parameters: 3, gradTraceH: Float64Array.of(3, -6, 1.5), gradTraceH2: Float64Array.of(5, 7, -1) };
  it.each(BOUND_KINDS)('%s: grad T1 / P, not grad T1 (nor grad T1 P)', (of) => {
    const bg = boundGradientFromTraces(tg, of);
    expect(bg.degenerate).toBe(true);
    expect(bg.value).toBe(of === 'range' ? 0 : 2);
    expect([...bg.gradient]).toEqual(of === 'range' ? [0, 0, 0] : [1, -2, 0.5]);
  });
  it('BOUND_KINDS lists every bound kind once (the tests above and the oracle tests iterate it)', () => {
    expect([...BOUND_KINDS].sort()).toEqual(['lower', 'range', 'upper']);
  });
});

describeProperties('gradient properties on generated cases', { file: 'packages/numeric/test/boundGradient.test.ts', properties: [traceGradientVsCentralDifference, boundGradientVsCentralDifference], numRuns: 100 });
describeProperties('autodiff legs on generated cases', { file: 'packages/numeric/test/boundGradient.test.ts', properties: [traceGradientsEqualAutodiff, boundGradientsEqualAutodiff], numRuns: 30, cases: AUTODIFF_CASES });
