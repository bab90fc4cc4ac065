/**
 * hessianVectorProduct.ts (eq:hessian-vector-product): H v equals the assembled dense Hessian
 * times v on every activation x bias x block x curvature of the shared case spread.
 */
import { describe, expect, it } from 'vitest';
import { matVec, RTOL_VS_DENSE } from '@hsr/testkit';
import { BLOCKS, CURVATURES, createRng, denseHessian, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { hessianOperator } from '../src/hessianVectorProduct.ts';
import { caseSpread } from '@hsr/crosscheck/cases';

const variants: Variant[] = [];
for (const block of BLOCKS) for (const curvature of CURVATURES) variants.push({ reduction: 'mean', block, curvature });
variants.push({ reduction: 'sum', block: 'all', curvature: 'hessian' });

describe.each(caseSpread())('Hessian-vector products on $name', ({ model, data }: { model: Model; data: Dataset }) => {
  it.each(variants)('equal the dense Hessian times v ($block, $curvature, $reduction)', (variant) => {
    const H = denseHessian(model, data, variant);
    const op = hessianOperator(model, data, variant);
    expect(op.size).toBe(H.size);
    const rng = createRng(5);
    for (let t = 0; t < 2; t++) {
      const v = Float64Array.from({ length: H.size }, () => rng.normal());
      expect(op.apply(v)).toBeAllClose(matVec(H, v), { rtol: RTOL_VS_DENSE });
    }
  });
});
