/**
 * lanczos.ts (eq:lanczos): the extreme Ritz values equal the dense solver's extreme eigenvalues;
 * the tridiagonal eigen-solver equals the dense one.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_LANCZOS_VS_DENSE, RTOL_VS_DENSE } from '@hsr/testkit';
import { BLOCKS, CURVATURES, createRng, denseHessian, symmetricEigenvalues, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { extremeEigenvalues, tridiagonalEigen } from '../src/lanczos.ts';
import { caseSpread, seededCase } from '@hsr/crosscheck/cases';

const GLOROT = { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } } as const;

const variants: Variant[] = [];
for (const block of BLOCKS) for (const curvature of CURVATURES) variants.push({ reduction: 'mean', block, curvature });
variants.push({ reduction: 'sum', block: 'all', curvature: 'hessian' });

describe('Lanczos extreme eigenvalues', () => {
  const cases = [caseSpread()[0]!, caseSpread()[3]!, seededCase({ activation: 'tanh', bias: true, inputDim: 6, hiddenDim: 10, classes: 4, samples: 20, seed: 99 }, GLOROT)];
  describe.each(cases)('on $name', ({ model, data }: { model: Model; data: Dataset }) => {
    it.each(variants)('match the dense solver ($block, $curvature, $reduction)', (variant) => {
      const eig = symmetricEigenvalues(denseHessian(model, data, variant));
      const lo = eig[0]!;
      const hi = eig[eig.length - 1]!;
      const scale = Math.max(Math.abs(lo), Math.abs(hi));
      const r = extremeEigenvalues(model, data, variant, { tol: 1e-11, seed: 3 });
      expect(r.converged).toBe(true);
      expect([r.lambdaMax, r.lambdaMin]).toBeAllClose([hi, lo], { rtol: RTOL_LANCZOS_VS_DENSE, scale });
    });
  });

  it('stops early on a large block and says whether it converged', () => {
    const { model, data } = seededCase({ activation: 'tanh', bias: true, inputDim: 12, hiddenDim: 16, classes: 5, samples: 30, seed: 4 }, GLOROT);
    const variant: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };
    const eig = symmetricEigenvalues(denseHessian(model, data, variant));
    const P = eig.length;
    const r = extremeEigenvalues(model, data, variant, { k: 150, tol: 1e-11, seed: 1 });
    expect(r.iterations).toBeLessThan(P);
    expect(r.converged).toBe(true);
    const scale = Math.max(Math.abs(eig[0]!), Math.abs(eig[P - 1]!));
    expect([r.lambdaMax, r.lambdaMin]).toBeAllClose([eig[P - 1]!, eig[0]!], { rtol: RTOL_LANCZOS_VS_DENSE, scale });
    const short = extremeEigenvalues(model, data, variant, { k: 3, tol: 1e-11, seed: 1 });
    expect(short.iterations).toBe(3);
    expect(short.converged).toBe(false);
  });
});

describe('tridiagonalEigen', () => {
  it('gives the dense solver eigenvalues and unit eigenvector last components', () => {
    const rng = createRng(8);
    const n = 17;
    const alpha = Array.from({ length: n }, () => rng.normal());
    const beta = Array.from({ length: n - 1 }, () => rng.normal());
    const T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) T[i * n + i] = alpha[i]!;
    for (let i = 0; i < n - 1; i++) T[i * n + i + 1] = T[(i + 1) * n + i] = beta[i]!;
    const { values, lastRow } = tridiagonalEigen(alpha, beta);
    expect(values).toBeAllClose(symmetricEigenvalues({ size: n, data: T }), { rtol: RTOL_VS_DENSE });
    // The last components of an orthonormal eigenbasis have unit norm (last row of an orthogonal matrix).
    let s = 0;
    for (const z of lastRow) s += z * z;
    expect(s).toBeAllClose(1, { rtol: RTOL_VS_DENSE });
  });
});
