/**
 * The Hutchinson and Frobenius checks of hutchinson.test.ts on network Hessians across the
 * shared case spread and every block x curvature x reduction (slow: dense Hessians and
 * thousands of products per case).
 */
import { describe, it } from 'vitest';
import { BLOCKS, CURVATURES, type Dataset, type Model, type Probe, type Variant } from '@hsr/numeric';
import { caseSpread } from '@hsr/crosscheck/cases';
import { checkHutchinsonOnNetwork } from './networks.ts';

const variants: Variant[] = [];
for (const block of BLOCKS) for (const curvature of CURVATURES) variants.push({ reduction: 'mean', block, curvature });
variants.push({ reduction: 'sum', block: 'all', curvature: 'hessian' });

describe.each(caseSpread().filter((_, i) => i % 2 === 0))('Hutchinson and Frobenius on $name', ({ model, data }: { model: Model; data: Dataset }) => {
  for (const probe of ['rademacher', 'gaussian'] as Probe[])
    it.each(variants)(`${probe}: unbiased and the variance matches the formula ($block, $curvature, $reduction)`, (variant) => {
      checkHutchinsonOnNetwork(model, data, variant, probe, 3000, 4, 1);
    });
});
