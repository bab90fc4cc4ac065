/**
 * hessian.ts: the dense Hessian (eq:hessian-blocks), the reference every closed form is held
 * to, is symmetric and equals a five-point difference of the analytic gradient (Gauss–Newton is
 * no derivative: the property checks the full Hessian), and equals the autodiff Hessian;
 * each layer's block is the corresponding diagonal block of the whole; asymmetry and
 * matrixTraces measure what their names say on matrices small enough to check by hand.
 */
import { describe, expect, it } from 'vitest';
import { seededCase } from '@hsr/crosscheck/cases';
import { hessianEqualsAutodiff, hessianSymmetric, hessianVsGradientCentralDifference } from '@hsr/crosscheck/properties';
import { AUTODIFF_CASES, describeProperties } from '@hsr/testkit/properties';
import { asymmetry, denseHessian, matrixTraces } from '../src/hessian.ts';
import { firstLayerSize } from '../src/parameters.ts';
import { BLOCKS, CURVATURES, type Variant } from '../src/types.ts';

describeProperties('Hessian properties on generated cases', { file: 'packages/numeric/test/hessian.test.ts', properties: [hessianSymmetric, hessianVsGradientCentralDifference], numRuns: 200 });
describeProperties('autodiff legs on generated cases', { file: 'packages/numeric/test/hessian.test.ts', properties: [hessianEqualsAutodiff], numRuns: 30, cases: AUTODIFF_CASES });

describe('denseHessian by block', () => {
  // The WW entries of the whole Hessian receive only the A_n terms and the VV entries only the
  // S_n terms, the same additions in the same order as the block alone, so each layer's block
  // must equal its diagonal block of the whole bit for bit: any term of another block leaking
  // into it (the cross-block loop run for a single layer) changes entries.
  const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;
  // Wide second layers (c (h + 1) > h (d + 1)) too: there a mirror of the cross block run for
  // one layer, or one row too far, would overwrite VV entries with their transposes, which agree
  // with them only in exact arithmetic ((s z_l) z_l' against (s z_l') z_l).
  const shapes = [
    { inputDim: 3, hiddenDim: 2, classes: 3, samples: 4, seed: 7 },
    { inputDim: 1, hiddenDim: 3, classes: 4, samples: 5, seed: 8 },
    { inputDim: 2, hiddenDim: 2, classes: 5, samples: 3, seed: 9 },
  ];
  for (const curvature of CURVATURES)
    for (const shape of shapes)
      it(`gives the first and second layer's diagonal blocks of the whole (${curvature}, ${shape.inputDim}-${shape.hiddenDim}-${shape.classes})`, () => {
        const { model, data } = seededCase({ activation: 'softplus', bias: true, ...shape }, GLOROT);
        const at = (block: Variant['block']) => denseHessian(model, data, { reduction: 'mean', block, curvature });
        const all = at('all');
        const off = firstLayerSize(model);
        const P = all.size;
        const sub = (from: number, to: number) => Array.from({ length: (to - from) ** 2 }, (_, k) => all.data[(from + Math.floor(k / (to - from))) * P + from + (k % (to - from))]!);
        expect(BLOCKS).toEqual(['all', 'first', 'second']);
        const first = at('first');
        const second = at('second');
        expect([first.size, second.size]).toEqual([off, P - off]);
        expect(Array.from(first.data)).toEqual(sub(0, off));
        expect(Array.from(second.data)).toEqual(sub(off, P));
        // Not vacuous: both blocks carry curvature.
        expect(first.data.some((x) => x !== 0) && second.data.some((x) => x !== 0)).toBe(true);
      });
});

describe('asymmetry', () => {
  it('is the largest |m_ij - m_ji| over the largest |m_ij|', () => {
    // |2 - 3| = 1 over max |m| = |-4|; the other pairs differ by 0.5 and 0.
    const m = { size: 3, data: Float64Array.from([1, 2, 0.5, 3, -4, 1, 0, 1, 0]) };
    expect(asymmetry(m)).toBe(0.25);
    // Transposed, the same pairs: the measure is symmetric in which triangle is off.
    expect(asymmetry({ size: 3, data: Float64Array.from([1, 3, 0, 2, -4, 1, 0.5, 1, 0]) })).toBe(0.25);
  });

  it('is 0 for a symmetric matrix and for the zero matrix', () => {
    expect(asymmetry({ size: 2, data: Float64Array.from([-7, 2, 2, 5]) })).toBe(0);
    expect(asymmetry({ size: 2, data: new Float64Array(4) })).toBe(0);
  });
});

describe('matrixTraces', () => {
  it('gives the diagonal sum and the sum of squared entries', () => {
    // tr = 1 + 4 = 5; ||m||_F^2 = 1 + 4 + 9 + 16 = 30 (entries exact in float64).
    expect(matrixTraces({ size: 2, data: Float64Array.from([1, 2, 3, 4]) })).toEqual({ traceH: 5, traceH2: 30 });
  });
});
