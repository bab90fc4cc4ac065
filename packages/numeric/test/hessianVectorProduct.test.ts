/**
 * hessianVectorProduct.ts (eq:hessian-vector-product): H v equals the assembled dense Hessian
 * times v on every activation x bias x block x curvature of the shared case spread; the
 * operator overwrites the buffer it is given and rejects a vector of the wrong length; the
 * one-shot hessianVectorProduct is the dense product too.
 */
import { describe, expect, it } from 'vitest';
import { matVec, RTOL_VS_DENSE } from '@hsr/testkit';
import { BLOCKS, CURVATURES, createRng, denseHessian, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { hessianOperator, hessianVectorProduct } from '../src/hessianVectorProduct.ts';
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

describe('hessianOperator.apply', () => {
  const { model, data } = caseSpread()[1]!;
  const variant: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };

  it('overwrites the output buffer it is given (Lanczos reuses one)', () => {
    const op = hessianOperator(model, data, variant);
    const rng = createRng(6);
    const v = Float64Array.from({ length: op.size }, () => rng.normal());
    const fresh = op.apply(v);
    const out = new Float64Array(op.size).fill(Number.NaN);
    expect(op.apply(v, out)).toBe(out);
    expect(out).toEqual(fresh);
  });

  it('hessianVectorProduct, the one-shot form, is the dense Hessian times v', () => {
    const rng = createRng(7);
    for (const block of BLOCKS) {
      const v2 = { ...variant, block };
      const H = denseHessian(model, data, v2);
      const v = Float64Array.from({ length: H.size }, () => rng.normal());
      expect(hessianVectorProduct(model, data, v2, v)).toBeAllClose(matVec(H, v), { rtol: RTOL_VS_DENSE });
    }
  });

  it('rejects a vector whose length is not the block size, naming both', () => {
    const op = hessianOperator(model, data, { ...variant, block: 'second' });
    expect(() => op.apply(new Float64Array(op.size + 1))).toThrow(new RangeError(`vector has length ${op.size + 1}, the second block has ${op.size}`));
  });
});
