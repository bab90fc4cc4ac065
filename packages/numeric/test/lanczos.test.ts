/**
 * lanczos.ts (eq:lanczos): the extreme Ritz values equal the dense solver's extreme eigenvalues;
 * the tridiagonal eigen-solver equals the dense one; on diagonal operators with a known spectrum,
 * the Ritz values interlace it, each lies within its reported residual of an eigenvalue, an
 * invariant Krylov space stops the iteration with zero residuals, and the documented defaults
 * (seed 0, at most 120 vectors, tol 1e-8) and argument checks hold.
 */
import { describe, expect, it } from 'vitest';
import { RTOL_LANCZOS_VS_DENSE, RTOL_VS_DENSE } from '@hsr/testkit';
import { BLOCKS, CURVATURES, createRng, denseHessian, symmetricEigenvalues, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { extremeEigenvalues, lanczosExtremes, tridiagonalEigen } from '../src/lanczos.ts';
import type { HessianOperator } from '../src/hessianVectorProduct.ts';
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

/** diag(values) as an operator: its spectrum is known exactly. */
function diagonalOperator(values: readonly number[]): HessianOperator {
  return {
    size: values.length,
    apply(v, out = new Float64Array(values.length)) {
      for (let i = 0; i < values.length; i++) out[i] = values[i]! * v[i]!;
      return out;
    },
  };
}

/** 200 eigenvalues: -3 and 5 well separated from the rest, spread over [-1, 1]. */
const SPECTRUM = [5, -3, ...Array.from({ length: 198 }, (_, i) => -1 + (2 * i) / 197)];

describe('lanczosExtremes on diagonal operators', () => {
  it('Ritz values interlace the spectrum and lie within their residual bounds of an eigenvalue', () => {
    // A cluster of eigenvalues near each end keeps 4 steps far from convergence.
    const values = Array.from({ length: 60 }, (_, i) => Math.cos((Math.PI * i) / 59));
    const r = lanczosExtremes(diagonalOperator(values), { k: 4, tol: 1e-14, seed: 2 });
    expect(r.iterations).toBe(4);
    expect(r.converged).toBe(false);
    expect(r.lambdaMax).toBeLessThanOrEqual(1);
    expect(r.lambdaMin).toBeGreaterThanOrEqual(-1);
    expect(r.lambdaMax).toBeGreaterThan(r.lambdaMin);
    const distance = (theta: number) => Math.min(...values.map((x) => Math.abs(x - theta)));
    expect(distance(r.lambdaMax)).toBeLessThanOrEqual(r.residualMax);
    expect(distance(r.lambdaMin)).toBeLessThanOrEqual(r.residualMin);
    // Not converged at tol 1e-14: both residuals are real, positive bounds.
    expect(r.residualMax).toBeGreaterThan(1e-14);
    expect(r.residualMin).toBeGreaterThan(1e-14);
  });

  it('stop with exact extremes and zero residuals when the Krylov space is invariant', () => {
    // Two distinct eigenvalues: the Krylov space of any start vector has dimension 2.
    const r = lanczosExtremes(diagonalOperator([1, 1, 1, 5, 5, 5, 5]), { tol: 0 });
    expect(r.iterations).toBe(2);
    expect(r.converged).toBe(true);
    expect([r.lambdaMax, r.lambdaMin]).toBeAllClose([5, 1], { rtol: RTOL_VS_DENSE });
    expect(r.residualMax).toBe(0);
    expect(r.residualMin).toBe(0);
  });

  it('converge at the default tol 1e-8 with residuals below it, well before the default 120 vectors', () => {
    const r = lanczosExtremes(diagonalOperator(SPECTRUM));
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThan(120);
    expect([r.lambdaMax, r.lambdaMin]).toBeAllClose([5, -3], { rtol: RTOL_LANCZOS_VS_DENSE });
    expect(r.residualMax).toBeLessThanOrEqual(1e-8 * 5);
    expect(r.residualMin).toBeLessThanOrEqual(1e-8 * 5);
    // The loop stopped at the first step that met tol: one step fewer did not.
    const before = lanczosExtremes(diagonalOperator(SPECTRUM), { k: r.iterations - 1 });
    expect(before.converged).toBe(false);
    expect(Math.max(before.residualMax, before.residualMin)).toBeGreaterThan(1e-8 * 5);
  });

  it('use at most 120 vectors and the start vector of seed 0 by default', () => {
    const op = diagonalOperator(SPECTRUM);
    const r = lanczosExtremes(op, { tol: 0 });
    expect(r.iterations).toBe(120);
    expect(r.converged).toBe(false);
    const short = lanczosExtremes(op, { k: 3 });
    expect(short).toEqual(lanczosExtremes(op, { k: 3, seed: 0 }));
    expect(short.lambdaMax).not.toBe(lanczosExtremes(op, { k: 3, seed: 1 }).lambdaMax);
  });

  it('count the step that exhausts the dimension as converged', () => {
    // P = 3 distinct eigenvalues: the third step spans the whole space.
    const r = lanczosExtremes(diagonalOperator([2, -1, 0.5]), { tol: 0, seed: 4 });
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(true);
    expect([r.lambdaMax, r.lambdaMin]).toBeAllClose([2, -1], { rtol: RTOL_VS_DENSE });
  });

  it('reject an empty operator and a vector budget below 1', () => {
    expect(() => lanczosExtremes(diagonalOperator([]))).toThrow(new RangeError('the operator has dimension 0'));
    expect(() => lanczosExtremes(diagonalOperator([1, 2]), { k: 0 })).toThrow(new RangeError('k must be >= 1, got 0'));
    expect(() => lanczosExtremes(diagonalOperator([1, 2]), { k: Number.NaN })).toThrow(new RangeError('k must be >= 1, got NaN'));
  });
});

/** diag(values), recording a copy of every vector it is applied to (the Lanczos vectors q_j). */
function recordingOperator(values: readonly number[]): { op: HessianOperator; seen: Float64Array[] } {
  const seen: Float64Array[] = [];
  const inner = diagonalOperator(values);
  return {
    seen,
    op: {
      size: inner.size,
      apply(v, out) {
        seen.push(Float64Array.from(v));
        return inner.apply(v, out);
      },
    },
  };
}

/**
 * Full reorthogonalisation applied twice keeps Q_k^T Q_k = I to a small multiple of k * eps
 * (Giraud et al. 2005; 120 * 2^-52 ~ 2.7e-14); 1e-12 leaves a factor 40 above that. On this
 * graded spectrum a single Gram-Schmidt pass loses orthogonality to ~1e-8 (measured), far above.
 */
const ORTHONORMALITY_TOL = 1e-12;

describe('lanczosExtremes invariants', () => {
  it('keeps the Lanczos vectors orthonormal on a graded spectrum (|Q^T Q - I| <= ORTHONORMALITY_TOL)', () => {
    // Eigenvalues +-10^(-12 i / 199), alternating signs: Krylov vectors align fast, so any lost
    // orthogonality shows.
    const values = Array.from({ length: 200 }, (_, i) => (i % 2 === 1 ? -1 : 1) * 10 ** ((-12 * i) / 199));
    const { op, seen } = recordingOperator(values);
    const r = lanczosExtremes(op, { tol: 0 });
    expect(seen.length).toBe(r.iterations);
    let worst = 0;
    for (let a = 0; a < seen.length; a++)
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let i = 0; i < values.length; i++) s += seen[a]![i]! * seen[b]![i]!;
        worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
      }
    expect(worst).toBeLessThanOrEqual(ORTHONORMALITY_TOL);
  });

  it('Ritz extremes lie inside the spectrum and widen monotonically with k (Cauchy interlacing)', () => {
    const op = diagonalOperator(SPECTRUM);
    // Ritz values are exact for Q_k^T H Q_k only up to rounding of order k * eps * ||H||
    // (||H|| = 5, k <= 12): 64 eps * 5 covers it; the spectrum's ends are 5 and -3.
    const slack = 64 * 2 ** -52 * 5;
    let previous = { lambdaMax: -Infinity, lambdaMin: Infinity };
    for (let k = 1; k <= 12; k++) {
      const r = lanczosExtremes(op, { k, tol: 0, seed: 7 });
      expect(r.iterations).toBe(k);
      expect(r.lambdaMax).toBeLessThanOrEqual(5 + slack);
      expect(r.lambdaMin).toBeGreaterThanOrEqual(-3 - slack);
      expect(r.lambdaMax).toBeGreaterThanOrEqual(previous.lambdaMax - slack);
      expect(r.lambdaMin).toBeLessThanOrEqual(previous.lambdaMin + slack);
      previous = r;
    }
  });

  it('with one vector returns the Rayleigh quotient of the seed start vector for both extremes', () => {
    const op = diagonalOperator(SPECTRUM);
    const r = lanczosExtremes(op, { k: 1, seed: 5 });
    expect(r.iterations).toBe(1);
    expect(r.lambdaMax).toBe(r.lambdaMin);
    // The start vector is the normalised rng.normal() draw of seed 5 (the documented start).
    const rng = createRng(5);
    const x = Array.from({ length: SPECTRUM.length }, () => rng.normal());
    let num = 0;
    let den = 0;
    for (let i = 0; i < x.length; i++) {
      num += SPECTRUM[i]! * x[i]! * x[i]!;
      den += x[i]! * x[i]!;
    }
    expect(r.lambdaMax).toBeAllClose(num / den, { rtol: RTOL_VS_DENSE });
  });

  it('accepts an operator of dimension 1: its one eigenvalue, exactly, in one step', () => {
    const r = lanczosExtremes(diagonalOperator([3]));
    expect(r).toEqual({ lambdaMax: 3, lambdaMin: 3, iterations: 1, converged: true, residualMax: 0, residualMin: 0 });
  });
});

/** The symmetric tridiagonal with diagonal alpha and off-diagonal beta, dense. */
function denseTridiagonal(alpha: readonly number[], beta: readonly number[]): { size: number; data: Float64Array } {
  const n = alpha.length;
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) T[i * n + i] = alpha[i]!;
  for (let i = 0; i < n - 1; i++) T[i * n + i + 1] = T[(i + 1) * n + i] = beta[i]!;
  return { size: n, data: T };
}

describe('tridiagonalEigen at the edges of its splitting test', () => {
  it('splits off a zero leading block (the test |e_m| <= eps tst1 with tst1 = 0) and solves a zero matrix', () => {
    // Rows 0 and 1 are zero and uncoupled: at l = 0 and 1 the running norm tst1 is 0, so only a
    // test that accepts |e_m| = 0 = eps * tst1 splits them off.
    const alpha = [0, 0, 1.5, -0.25, 2];
    const beta = [0, 0, 0.75, -1];
    expect(tridiagonalEigen(alpha, beta).values).toBeAllClose(symmetricEigenvalues(denseTridiagonal(alpha, beta)), { rtol: RTOL_VS_DENSE });
    expect(Array.from(tridiagonalEigen([0, 0, 0], [0, 0]).values)).toEqual([0, 0, 0]);
  });

  it('commutes with scaling by a power of two, bit for bit (its tests are relative to the norm)', () => {
    // Every step (hypot, the shift, the rotations, eps * tst1) is exact under a power-of-two
    // scaling away from underflow and overflow (entries of 1e-36 .. 1e36 here: products of two stay normal), so the scaled matrix takes the same steps.
    const rng = createRng(12);
    for (const n of [5, 17]) {
      const alpha = Array.from({ length: n }, (_, i) => rng.normal() * 10 ** (-6 + (12 * i) / (n - 1)));
      const beta = Array.from({ length: n - 1 }, (_, i) => rng.normal() * 10 ** (-6 + (12 * i) / (n - 1)));
      const base = tridiagonalEigen(alpha, beta);
      for (const c of [2 ** -100, 2 ** 100]) {
        const scaled = tridiagonalEigen(
          alpha.map((a) => a * c),
          beta.map((b) => b * c),
        );
        expect(Array.from(scaled.values)).toEqual(Array.from(base.values, (v) => v * c));
        expect(Array.from(scaled.lastRow)).toEqual(Array.from(base.lastRow));
      }
    }
  });
});

describe('lanczosExtremes stopping rule', () => {
  /** 80 eigenvalues in [0.01, 5]: max |theta| is 500 times min |theta|, and the top end clusters. */
  const POSITIVE = Array.from({ length: 80 }, (_, i) => 0.01 + (5 * i * i) / 6241);
  const GRADED = Array.from({ length: 200 }, (_, i) => (i % 2 === 1 ? -1 : 1) * 10 ** ((-12 * i) / 199));

  it.each([
    { name: 'SPECTRUM', values: SPECTRUM },
    { name: 'POSITIVE', values: POSITIVE },
    { name: 'GRADED', values: GRADED },
  ])('stops at the first step where both residuals are <= tol max(|theta_max|, |theta_min|) ($name)', ({ values }) => {
    const op = diagonalOperator(values);
    for (const tol of [1e-8, 1e-12])
      for (const seed of [1, 2]) {
        // Step j's state is the run with k = j (the stopping test reads nothing else); find the
        // first step meeting the documented rule from its lambdas and residuals.
        let expected = 0;
        for (let j = 1; j <= 120 && expected === 0; j++) {
          const s = lanczosExtremes(op, { k: j, tol: 0, seed });
          const bound = tol * Math.max(Math.abs(s.lambdaMax), Math.abs(s.lambdaMin));
          if ((s.residualMax <= bound && s.residualMin <= bound) || (s.residualMax === 0 && s.residualMin === 0)) expected = j;
        }
        expect(expected).toBeGreaterThan(1);
        const r = lanczosExtremes(op, { tol, seed });
        expect(r.iterations).toBe(expected);
        expect(r.converged).toBe(true);
      }
  });

  it('commutes with scaling the operator by a power of two: same steps, scaled extremes and residuals', () => {
    for (const values of [SPECTRUM, [1, 1, 1, 5, 5, 5, 5], POSITIVE])
      for (const c of [2 ** -40, 2 ** 40]) {
        const base = lanczosExtremes(diagonalOperator(values), { seed: 3 });
        const scaled = lanczosExtremes(diagonalOperator(values.map((v) => v * c)), { seed: 3 });
        expect(scaled).toEqual({ ...base, lambdaMax: base.lambdaMax * c, lambdaMin: base.lambdaMin * c, residualMax: base.residualMax * c, residualMin: base.residualMin * c });
      }
  });
});
