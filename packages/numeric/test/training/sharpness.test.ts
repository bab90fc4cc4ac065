/** eq:relative-sharpness: the definition, and the units invariance it is chosen for. */
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { relativeSharpness, weightNorm } from '../../src/training/sharpness.ts';

describe('relative sharpness', () => {
  it('is lambda_max ||theta||^2 / P', () => {
    const theta = [3, -4, 0, 12];
    expect(weightNorm(theta)).toBeAllClose(13, { rtol: RTOL_SAME_FORMULA });
    expect(relativeSharpness(2, theta)).toBeAllClose((2 * 169) / 4, { rtol: RTOL_SAME_FORMULA });
  });

  it('does not change when theta is rescaled by alpha and curvature by 1/alpha^2 (a change of units)', () => {
    // L(theta) = f(theta / alpha) has Hessian eigenvalues lambda / alpha^2 at alpha * theta.
    const theta = [0.3, -1.2, 0.7];
    const base = relativeSharpness(5, theta);
    for (const alpha of [0.1, 3, 100]) {
      expect(
        relativeSharpness(
          5 / alpha ** 2,
          theta.map((t) => alpha * t),
        ),
      ).toBeAllClose(base, { rtol: RTOL_SAME_FORMULA });
    }
  });
});
