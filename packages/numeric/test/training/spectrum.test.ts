/**
 * The metrics' spectrum at large P (spectrum.ts) against the dense spectrum of small networks:
 * the recorded tridiagonal is the Lanczos one, the Gauss quadrature is exact once the Krylov
 * space is full, its error at fewer nodes stays within the Jackson bound
 * (SLQ_QUADRATURE_JACKSON), and the SLQ negative mass lands within its error bar of the
 * dense one.
 */
import { seededCase } from '@hsr/crosscheck/cases';
import { RTOL_LANCZOS_VS_DENSE, SLQ_QUADRATURE_JACKSON, STATISTICAL_CHECK_ALPHA } from '@hsr/testkit';
import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../src/activations.ts';
import { symmetricEigen } from '../../src/eigen.ts';
import { denseOperator } from '../../src/estimators/denseOperator.ts';
import { denseHessian, type SymmetricMatrix } from '../../src/hessian.ts';
import type { HessianOperator } from '../../src/hessianVectorProduct.ts';
import { lanczosExtremes } from '../../src/lanczos.ts';
import { NEGATIVE_EIGENVALUE_RTOL, negativeMass } from '../../src/training/metrics.ts';
import { gaussQuadrature, lanczosSpectrum, probeMasses, ratioOfMeans, recordingOperator } from '../../src/training/spectrum.ts';
import { DEFAULT_VARIANT } from '../../src/types.ts';

/** A tanh network whose Hessian has a good share of negative curvature (O(1) weights, P = 4*6+6 + 3*6+3 = 51). */
const CASE = seededCase({ activation: 'tanh', bias: true, inputDim: 4, hiddenDim: 6, classes: 3, samples: 12, seed: 5 }, { weights: { kind: 'normal', scale: 1.5 } });
const H: SymmetricMatrix = denseHessian(CASE.model, CASE.data, DEFAULT_VARIANT);
const P = H.size;
const EIGEN = symmetricEigen(H);
const SCALE = Math.max(Math.abs(EIGEN.values[0]!), Math.abs(EIGEN.values[P - 1]!));
const TAU = NEGATIVE_EIGENVALUE_RTOL * SCALE;

/** q^T f(H) q from the dense eigendecomposition. */
function quadraticForm(q: Float64Array, f: (x: number) => number): number {
  let s = 0;
  for (let i = 0; i < P; i++) {
    let c = 0;
    for (let r = 0; r < P; r++) c += EIGEN.vectors[r * P + i]! * q[r]!;
    s += c * c * f(EIGEN.values[i]!);
  }
  return s;
}

/** The tridiagonal and the start vector of a Lanczos run of `k` steps from `seed`. */
function run(k: number, seed: number): { alpha: number[]; beta: number[]; start: Float64Array } {
  let start: Float64Array | null = null;
  const dense = denseOperator(H);
  const capture: HessianOperator = {
    size: P,
    apply(v, out) {
      start ??= v.slice();
      return dense.apply(v, out);
    },
  };
  const rec = recordingOperator(capture);
  lanczosExtremes(rec.operator, { k, tol: 0, seed });
  return { ...rec.tridiagonal(), start: start! };
}

const negativePart = (x: number) => (x < -TAU ? -x : 0);

describe('stochastic Lanczos quadrature', () => {
  it('has a case with negative curvature to measure', () => {
    expect(negativeMass(EIGEN.values)).toBeGreaterThan(0.05);
  });

  it('records the Lanczos tridiagonal: run to invariance, its eigenvalues are eigenvalues of H, extremes included', () => {
    const { alpha, beta } = run(P, 1);
    // The Krylov space of one start vector holds one direction per distinct eigenvalue: fewer
    // than P here, since the softmax null directions share the eigenvalue 0.
    expect(alpha.length).toBeLessThanOrEqual(P);
    expect(alpha.length).toBeGreaterThan(P / 2);
    expect(beta).toHaveLength(alpha.length - 1);
    const { nodes, weights } = gaussQuadrature(alpha, beta);
    for (const theta of nodes) expect(Math.min(...Array.from(EIGEN.values, (l) => Math.abs(l - theta)))).toBeLessThanOrEqual(RTOL_LANCZOS_VS_DENSE * SCALE);
    expect([nodes[0]!, nodes.at(-1)!]).toBeAllClose([EIGEN.values[0]!, EIGEN.values[P - 1]!], { rtol: 0, atol: RTOL_LANCZOS_VS_DENSE * SCALE });
    // The weights of a unit start vector sum to 1.
    expect(weights.reduce((s, w) => s + w, 0)).toBeAllClose(1, { rtol: RTOL_LANCZOS_VS_DENSE });
  });

  it('is exact for q^T f(H) q once the Krylov space is full', () => {
    for (const seed of [1, 2, 3]) {
      const { alpha, beta, start } = run(P, seed);
      const { nodes, weights } = gaussQuadrature(alpha, beta);
      const m = probeMasses(nodes, weights, TAU);
      expect([m.negative, m.total]).toBeAllClose([quadraticForm(start, negativePart), quadraticForm(start, Math.abs)], { rtol: 0, atol: RTOL_LANCZOS_VS_DENSE * SCALE });
    }
  });

  it('stays within the Jackson bound of Gauss quadrature with fewer nodes, and gets closer with more', () => {
    const errors: number[] = [];
    for (const k of [3, 6, 12]) {
      const { alpha, beta, start } = run(k, 4);
      const { nodes, weights } = gaussQuadrature(alpha, beta);
      const m = probeMasses(nodes, weights, TAU);
      // f_- differs from the 1-Lipschitz max(-x, 0) by at most tau, on both sides.
      const bound = (SLQ_QUADRATURE_JACKSON * (EIGEN.values[P - 1]! - EIGEN.values[0]!)) / k + 2 * TAU;
      const eNeg = Math.abs(m.negative - quadraticForm(start, negativePart));
      const eAbs = Math.abs(m.total - quadraticForm(start, Math.abs));
      expect(eNeg).toBeLessThanOrEqual(bound);
      expect(eAbs).toBeLessThanOrEqual(bound);
      errors.push(eNeg + eAbs);
    }
    expect(errors[2]!).toBeLessThan(errors[0]!);
  });

  it('estimates the negative mass within its error bar of the dense value', () => {
    const exact = negativeMass(EIGEN.values);
    const est = lanczosSpectrum(denseOperator(H), { probes: 200, steps: P, negativeRtol: NEGATIVE_EIGENVALUE_RTOL, seed: 9 });
    expect(est.negative.probes).toBe(200);
    expect(est.negative.standardError).toBeGreaterThan(0);
    // A normal deviate beyond this many standard errors has probability STATISTICAL_CHECK_ALPHA.
    const z = 5;
    expect(2 * (1 - normalCdf(z))).toBeLessThanOrEqual(STATISTICAL_CHECK_ALPHA);
    expect(Math.abs(est.negative.negativeMass - exact)).toBeLessThanOrEqual(z * est.negative.standardError);
    // And the error bar is a useful one: well under the value.
    expect(est.negative.standardError).toBeLessThan(0.2 * exact);
    expect([est.lambdaMax, est.lambdaMin]).toBeAllClose([EIGEN.values[P - 1]!, EIGEN.values[0]!], { rtol: 0, atol: RTOL_LANCZOS_VS_DENSE * SCALE });
  });

  it('ratioOfMeans: the ratio of sums and the delta-method standard error, by hand', () => {
    const r = ratioOfMeans([
      { negative: 1, total: 4 },
      { negative: 3, total: 4 },
    ]);
    // r = 4/8; residuals 1 - 2 = -1, 3 - 2 = 1; se = sqrt(2 / 2) / 4.
    expect(r.negativeMass).toBe(0.5);
    expect(r.standardError).toBe(0.25);
    expect(ratioOfMeans([{ negative: 0, total: 0 }])).toEqual({ negativeMass: 0, standardError: 0, probes: 1 });
  });
});
