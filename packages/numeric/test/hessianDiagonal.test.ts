/**
 * eq:hessian-diagonal against the dense Hessian: the closed-form diagonal equals the diagonal
 * of the assembled matrix on every activation x bias x block x curvature x reduction of the
 * shared case spread, and sums to hessianTraces' T1.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_VS_DENSE } from '@hsr/testkit';
import { BLOCKS, CURVATURES, denseHessian, hessianTraces, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { hessianDiagonal } from '../src/hessianDiagonal.ts';
import { caseSpread } from '@hsr/crosscheck/cases';

const variants: Variant[] = [];
for (const block of BLOCKS) for (const curvature of CURVATURES) variants.push({ reduction: 'mean', block, curvature });
variants.push({ reduction: 'sum', block: 'all', curvature: 'hessian' }, { reduction: 'sum', block: 'first', curvature: 'gauss-newton' });

describe.each(caseSpread())('closed-form Hessian diagonal on $name', ({ model, data }: { model: Model; data: Dataset }) => {
  it.each(variants)('equals the dense diagonal and sums to T1 ($block, $curvature, $reduction)', (variant) => {
    const H = denseHessian(model, data, variant);
    const dense = Float64Array.from({ length: H.size }, (_, i) => H.data[i * H.size + i]!);
    const diag = hessianDiagonal(model, data, variant);
    expect(diag.length).toBe(H.size);
    expect(diag).toBeAllClose(dense, { rtol: RTOL_VS_DENSE });
    const sum = diag.reduce((s, x) => s + x, 0);
    expect(sum).toBeAllClose(hessianTraces(model, data, variant).traceH, { rtol: RTOL_VS_DENSE, scale: diag.reduce((s, x) => s + Math.abs(x), 0) });
  });
});
