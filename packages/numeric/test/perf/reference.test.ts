/**
 * The contract the fast rewrites of hessianTrace.ts / boundGradient.ts are held to. Written
 * BEFORE the rewrite, against independent routes that do not share the pair sums:
 * - T1, T2 vs the assembled dense Hessian (`denseHessian` + `matrixTraces`), RTOL_VS_DENSE;
 * - dT1/dtheta, dT2/dtheta and dU/dtheta vs a five-point central difference of the closed
 *   forms' values, RTOL_CLOSED_FORM_VS_FIVE_POINT.
 * Every activation x bias x block x curvature on the shared case spread, both reductions.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_CLOSED_FORM_VS_FIVE_POINT, RTOL_VS_DENSE } from '@hsr/testkit';
import {
  BLOCKS,
  CURVATURES,
  boundGradient,
  denseHessian,
  flattenParameters,
  hessianTraces,
  matrixTraces,
  traceGradients,
  unflattenParameters,
  wolkowiczStyanBounds,
  type Dataset,
  type Model,
  type Variant,
} from '@hsr/numeric';
import { caseSpread } from '@hsr/crosscheck/cases';

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
  it.each(variants)('T1, T2 equal the dense Hessian traces ($block, $curvature, $reduction)', (variant) => {
    const dense = matrixTraces(denseHessian(model, data, variant));
    const t = hessianTraces(model, data, variant);
    expect([t.traceH, t.traceH2]).toBeAllClose([dense.traceH, dense.traceH2], { rtol: RTOL_VS_DENSE });
  });

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
    if (!bg.degenerate) expect(bg.gradient).toBeAllClose(fivePoint(model, upper), { rtol: RTOL_CLOSED_FORM_VS_FIVE_POINT });
  });
});
