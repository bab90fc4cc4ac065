import { describe, expect, test } from 'vitest';
import { RTOL_VS_AUTODIFF, RTOL_VS_FINITE_DIFFERENCE } from '@hsr/testkit';
import { fivePointJacobian } from '@hsr/crosscheck';
import { ACTIVATION_NAMES, BLOCKS, CURVATURES, REDUCTIONS, flattenParameters, traceGradients, unflattenParameters, type Variant } from '@hsr/numeric';
import { autodiffTraceGradients, autodiffTraces } from '../src/traces.ts';
import { SMALL, randomCase } from './cases.ts';

describe('trace gradients', () => {
  test('equal five-point differences of autodiffTraces for every block and curvature', () => {
    for (const activation of ['tanh', 'gelu'] as const)
      for (const block of BLOCKS)
        for (const curvature of CURVATURES) {
          const { model, data } = randomCase({ ...SMALL, activation, bias: true, seed: 11 });
          const variant: Variant = { reduction: 'mean', block, curvature };
          const fd = fivePointJacobian((theta) => {
            const t = autodiffTraces(unflattenParameters(model, theta), data, variant);
            return [t.traceH, t.traceH2];
          }, flattenParameters(model));
          const P = fd.inputs;
          const g = autodiffTraceGradients(model, data, variant);
          const label = `${activation} ${block} ${curvature}`;
          // Every parameter, also outside the block: T of one block depends on all of theta.
          expect(g.gradTraceH, `${label} grad T1`).toBeAllClose(fd.jacobian.subarray(0, P), { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: Math.max(...fd.roundoff.subarray(0, P)) });
          expect(g.gradTraceH2, `${label} grad T2`).toBeAllClose(fd.jacobian.subarray(P), { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: Math.max(...fd.roundoff.subarray(P)) });
          const t = autodiffTraces(model, data, variant);
          expect([g.traceH, g.traceH2]).toEqual([t.traceH, t.traceH2]);
        }
  });

  test('equal @hsr/numeric traceGradients over activation x bias x reduction x block x curvature', () => {
    for (const activation of ACTIVATION_NAMES)
      for (const bias of [true, false])
        for (const reduction of REDUCTIONS)
          for (const block of BLOCKS)
            for (const curvature of CURVATURES) {
              const { model, data } = randomCase({ ...SMALL, activation, bias, seed: 12 });
              const variant: Variant = { reduction, block, curvature };
              const label = `${activation} bias=${bias} ${reduction} ${block} ${curvature}`;
              const ad = autodiffTraceGradients(model, data, variant);
              const closed = traceGradients(model, data, variant);
              expect(ad.gradTraceH, `${label} grad T1`).toBeAllClose(closed.gradTraceH, { rtol: RTOL_VS_AUTODIFF });
              expect(ad.gradTraceH2, `${label} grad T2`).toBeAllClose(closed.gradTraceH2, { rtol: RTOL_VS_AUTODIFF });
            }
  });
});
