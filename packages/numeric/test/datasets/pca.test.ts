/**
 * Principal components against their defining identities on data with known directions: the
 * directions and variances are recovered, the projected training set has mean 0 and the
 * diagonal covariance of the eigenvalues, and a held-out set is projected with the training
 * part's statistics only.
 */
import { describe, expect, it } from 'vitest';
import { ATOL_FLOOR, RTOL_VS_DENSE } from '@hsr/testkit';
import { applyPca, fitPca } from '../../src/datasets/pca.ts';
import { createRng } from '../../src/random.ts';
import type { Dataset } from '../../src/types.ts';

/** N samples x = mu + sum_r s_r g_r q_r with orthonormal q_r (a rotation of the axes) and g ~ N(0, 1). */
function anisotropic(N: number, seed: number): { data: Dataset; directions: number[][]; mean: number[] } {
  const c = Math.cos(0.6);
  const s = Math.sin(0.6);
  // Rotation in the (x0, x1) plane; x2 and x3 stay axes.
  const directions = [
    [c, s, 0, 0],
    [0, 0, 1, 0],
    [-s, c, 0, 0],
    [0, 0, 0, 1],
  ];
  const scales = [5, 2, 0.5, 0.1];
  const mean = [1, -2, 3, 0.5];
  const rng = createRng(seed);
  const X = new Float64Array(N * 4);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < 4; j++) X[n * 4 + j] = mean[j]!;
    for (let r = 0; r < 4; r++) {
      const g = scales[r]! * rng.normal();
      for (let j = 0; j < 4; j++) X[n * 4 + j]! += g * directions[r]![j]!;
    }
  }
  return { data: { samples: N, features: 4, X, y: new Int32Array(N) }, directions, mean };
}

/** Sample covariance (1/N) of an N x k set, computed directly. */
function covariance(data: Dataset): number[][] {
  const { samples: N, features: k, X } = data;
  const mu = Array.from({ length: k }, (_, j) => Array.from({ length: N }, (_, n) => X[n * k + j]!).reduce((a, b) => a + b, 0) / N);
  return mu.map((_, i) => mu.map((_, j) => Array.from({ length: N }, (_, n) => (X[n * k + i]! - mu[i]!) * (X[n * k + j]! - mu[j]!)).reduce((a, b) => a + b, 0) / N));
}

describe('fitPca', () => {
  const { data, directions } = anisotropic(4000, 3);
  const pca = fitPca(data, 3);

  it('recovers the generating directions in order of variance, with a fixed sign', () => {
    for (let r = 0; r < 3; r++) {
      const w = Array.from(pca.components.subarray(r * 4, r * 4 + 4));
      const q = directions[r]!;
      const pivot = q.reduce((best, v, j) => (Math.abs(v) > Math.abs(q[best]!) ? j : best), 0);
      const sign = Math.sign(q[pivot]!);
      // A statistical bound, not round-off: the sample direction's error is about
      // sqrt(s_r^2 s_q^2 / (N (s_r^2 - s_q^2)^2)) <= 0.008 for the closest pair (2 vs 0.5) at
      // N = 4000, so 0.05 is six of those and still fails a wrong or swapped direction (error ~1.4).
      expect(Math.hypot(...w.map((v, j) => v - sign * q[j]!))).toBeLessThan(0.05);
      const largest = w.reduce((b, v, j) => (Math.abs(v) > Math.abs(w[b]!) ? j : b), 0);
      expect(w[largest]!).toBeGreaterThan(0);
    }
    expect(Array.from(pca.variances)).toEqual([...pca.variances].sort((a, b) => b - a));
  });

  it('projects the training set to mean 0 and covariance diag(variances); the variances sum to tr C', () => {
    const y = applyPca(data, pca);
    const cov = covariance(y);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        if (i === j) expect(cov[i]![i]!).toBeAllClose(pca.variances[i]!, { rtol: RTOL_VS_DENSE });
        else expect(Math.abs(cov[i]![j]!)).toBeLessThan(RTOL_VS_DENSE * pca.variances[0]!);
      }
    const full = fitPca(data, 4);
    const traceC = covariance(data).reduce((s, row, i) => s + row[i]!, 0);
    expect(full.variances.reduce((a, b) => a + b, 0)).toBeAllClose(traceC, { rtol: RTOL_VS_DENSE });
    expect(full.totalVariance).toBeAllClose(traceC, { rtol: RTOL_VS_DENSE });
  });

  it('projects held-out data with the training mean and directions, not their own', () => {
    const test: Dataset = { samples: 2, features: 4, X: Float64Array.from([...pca.mean, ...pca.mean.map((m, j) => m + pca.components[j]!)]), y: new Int32Array(2) };
    const y = applyPca(test, pca);
    // The training mean maps to 0; mean + w_1 maps to (1, 0, 0).
    expect(Array.from(y.X)).toBeAllClose([0, 0, 0, 1, 0, 0], { rtol: 0, atol: ATOL_FLOOR });
  });

  it('refuses a bad number of components and mismatched features', () => {
    expect(() => fitPca(data, 0)).toThrow(RangeError);
    expect(() => fitPca(data, 5)).toThrow(RangeError);
    expect(() => applyPca({ samples: 1, features: 3, X: new Float64Array(3), y: new Int32Array(1) }, pca)).toThrow(RangeError);
  });

  it('is deterministic: the same data give the same bits', () => {
    const again = fitPca(anisotropic(4000, 3).data, 3);
    expect(Array.from(again.components)).toEqual(Array.from(pca.components));
  });
});
