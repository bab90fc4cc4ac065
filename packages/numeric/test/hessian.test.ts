/**
 * hessian.ts: the dense Hessian (eq:hessian-blocks), the reference every closed form is held
 * to, is symmetric and equals a five-point difference of the analytic gradient (Gauss–Newton is
 * no derivative: the property checks the full Hessian), and equals the autodiff Hessian; a
 * block requested alone is the matching sub-block of the full Hessian bit for bit;
 * asymmetry and matrixTraces measure what their names say on matrices small enough to check
 * by hand.
 */
import { describe, expect, it } from 'vitest';
import { hessianEqualsAutodiff, hessianSymmetric, hessianVsGradientCentralDifference } from '@hsr/crosscheck/properties';
import { AUTODIFF_CASES, describeProperties } from '@hsr/testkit/properties';
import { seededCase } from '@hsr/crosscheck/cases';
import { asymmetry, denseHessian, matrixTraces } from '../src/hessian.ts';
import { firstLayerSize } from '../src/parameters.ts';
import { CURVATURES, type Curvature } from '../src/types.ts';

describeProperties('Hessian properties on generated cases', { file: 'packages/numeric/test/hessian.test.ts', properties: [hessianSymmetric, hessianVsGradientCentralDifference], numRuns: 200 });
describeProperties('autodiff legs on generated cases', { file: 'packages/numeric/test/hessian.test.ts', properties: [hessianEqualsAutodiff], numRuns: 30, cases: AUTODIFF_CASES });

describe('denseHessian blocks', () => {
  // Each block is accumulated by the same operations in the same order whether it is requested
  // alone or inside 'all' (the cross block touches neither diagonal block), so the two must agree
  // bit for bit; no tolerance is owed. Only the cross block is mirrored, and only in 'all'. The
  // second layer is wider than the first (c h~ = 15 > h d~ = 4), so a mirror of local rows below
  // h d~ onto their columns would land inside the second block alone, and a mirror one row past
  // the cross block inside H_VV of 'all'. H_VV = sum_n S_n (x) z~_n z~_n^T is symmetric only up
  // to the order of the products (s z_l) z_ll and (s z_ll) z_l, so such a mirror changes bits.
  const { model, data } = seededCase({ activation: 'tanh', bias: true, inputDim: 1, hiddenDim: 2, classes: 5, samples: 6, seed: 4 }, { weights: { kind: 'normal', scale: 1 } });
  const off = firstLayerSize(model);
  const sub = (m: { size: number; data: Float64Array }, from: number, size: number) => Float64Array.from({ length: size * size }, (_, e) => m.data[(from + Math.floor(e / size)) * m.size + from + (e % size)]!);
  for (const curvature of CURVATURES as readonly Curvature[]) {
    it(`'first' and 'second' are the diagonal blocks of 'all' bit for bit (${curvature})`, () => {
      const all = denseHessian(model, data, { reduction: 'mean', block: 'all', curvature });
      const first = denseHessian(model, data, { reduction: 'mean', block: 'first', curvature });
      const second = denseHessian(model, data, { reduction: 'mean', block: 'second', curvature });
      expect([all.size, first.size, second.size]).toEqual([off + 15, off, 15]);
      expect(first.data).toEqual(sub(all, 0, off));
      expect(second.data).toEqual(sub(all, off, 15));
    });
  }
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
    // Distinct off-diagonal entries: pairing m_ij with any entry but m_ji finds a difference.
    const m4 = [
      [1, 2, 3, 4],
      [2, 5, 6, 7],
      [3, 6, 8, 9],
      [4, 7, 9, 10],
    ];
    expect(asymmetry({ size: 4, data: Float64Array.from(m4.flat()) })).toBe(0);
  });

  it('compares only pairs i != j: a symmetric matrix scores 0 even with an infinite diagonal', () => {
    // max |m| = Infinity and no off-diagonal difference, so 0 / Infinity = 0; a diagonal term
    // |m_ii - m_ii| would be Infinity - Infinity = NaN.
    expect(asymmetry({ size: 2, data: Float64Array.from([Infinity, 2, 2, 5]) })).toBe(0);
  });
});

describe('matrixTraces', () => {
  it('gives the diagonal sum and the sum of squared entries', () => {
    // tr = 1 + 4 = 5; ||m||_F^2 = 1 + 4 + 9 + 16 = 30 (entries exact in float64).
    expect(matrixTraces({ size: 2, data: Float64Array.from([1, 2, 3, 4]) })).toEqual({ traceH: 5, traceH2: 30 });
  });
});
