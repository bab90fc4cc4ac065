/**
 * Principal component analysis fitted on a training set and applied to any set with the same
 * features, so a held-out set is projected with the training part's mean and directions only
 * (no statistic of the held-out samples leaks into the features).
 *
 * With $\mu = \frac1N\sum_n x_n$ and $C = \frac1N\sum_n (x_n - \mu)(x_n - \mu)^\top$ (d x d), the
 * components are the eigenvectors $w_1, \dots, w_k$ of C for its k largest eigenvalues
 * $\sigma_1^2 \ge \dots \ge \sigma_k^2$, and a sample maps to $y = W_k^\top(x - \mu)$, so the
 * projected training set has mean 0 and covariance $\mathrm{diag}(\sigma_1^2, \dots, \sigma_k^2)$.
 * Each component's sign is fixed so that its entry of largest magnitude (the first such) is
 * positive: the same data give the same features on every platform and run.
 *
 * Cost O(N d^2) for C plus O(d^3) for its eigen-decomposition (ml-matrix's symmetric QL; MNIST's
 * d = 784: a few seconds). Verified by test/datasets/pca.test.ts (known directions recovered,
 * the projected covariance is diagonal with the eigenvalues, the variances sum to tr C).
 */
import { symmetricEigen } from '../eigen.ts';
import type { Dataset } from '../types.ts';

export interface PrincipalComponents {
  /** mu, length d. */
  readonly mean: Float64Array;
  /** k x d row-major: row r is w_{r+1}, unit length. */
  readonly components: Float64Array;
  /** sigma_r^2 (population variance along w_r), descending, length k. */
  readonly variances: Float64Array;
  /** tr C: the total variance, of which `variances` is the explained part. */
  readonly totalVariance: number;
}

/** The k leading principal components of `data` (1 <= k <= d; N >= 1). */
export function fitPca(data: Dataset, k: number): PrincipalComponents {
  const { samples: N, features: d, X } = data;
  if (N === 0) throw new RangeError('cannot fit principal components to 0 samples');
  if (!Number.isInteger(k) || k < 1 || k > d) throw new RangeError(`components must be an integer in [1, ${d}], got ${k}`);
  const mean = new Float64Array(d);
  for (let n = 0; n < N; n++) for (let j = 0; j < d; j++) mean[j]! += X[n * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= N;
  const centred = new Float64Array(N * d);
  for (let n = 0; n < N; n++) for (let j = 0; j < d; j++) centred[n * d + j] = X[n * d + j]! - mean[j]!;
  const C = new Float64Array(d * d);
  for (let n = 0; n < N; n++) {
    const row = n * d;
    for (let i = 0; i < d; i++) {
      const xi = centred[row + i]!;
      if (xi === 0) continue;
      const out = i * d;
      for (let j = i; j < d; j++) C[out + j]! += xi * centred[row + j]!;
    }
  }
  let totalVariance = 0;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const c = C[i * d + j]! / N;
      C[i * d + j] = c;
      C[j * d + i] = c;
    }
    totalVariance += C[i * d + i]!;
  }
  const { values, vectors } = symmetricEigen({ size: d, data: C });
  const components = new Float64Array(k * d);
  const variances = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    const col = d - 1 - r;
    // Round-off can leave a zero variance slightly negative.
    variances[r] = Math.max(0, values[col]!);
    let pivot = 0;
    for (let j = 1; j < d; j++) if (Math.abs(vectors[j * d + col]!) > Math.abs(vectors[pivot * d + col]!)) pivot = j;
    const sign = vectors[pivot * d + col]! < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) components[r * d + j] = sign * vectors[j * d + col]!;
  }
  return { mean, components, variances, totalVariance };
}

/** y_n = W_k^T (x_n - mu) for every sample: an N x k data set with the same labels. Cost O(N d k). */
export function applyPca(data: Dataset, pca: PrincipalComponents): Dataset {
  const { samples: N, features: d, X } = data;
  if (pca.mean.length !== d) throw new RangeError(`principal components have ${pca.mean.length} features, data has ${d}`);
  const k = pca.variances.length;
  const out = new Float64Array(N * k);
  const centred = new Float64Array(d);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < d; j++) centred[j] = X[n * d + j]! - pca.mean[j]!;
    for (let r = 0; r < k; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += pca.components[r * d + j]! * centred[j]!;
      out[n * k + r] = s;
    }
  }
  return { samples: N, features: k, X: out, y: data.y };
}
