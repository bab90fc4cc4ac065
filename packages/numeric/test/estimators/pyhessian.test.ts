/**
 * eq:pyhessian-trace-rule and PyHessian's eigenvalues(): the stopping rules on hand-built
 * sequences (each expected count worked out from the rule as PyHessian writes it), the trace
 * rule over the same Rademacher stream as hutchinsonSamples, and the eigenvalue loop against a
 * line-by-line transliteration of PyHessian's, including its returning the PREVIOUS Rayleigh
 * quotient and converging to the eigenvalue of largest magnitude.
 */
import { describe, expect, it } from 'vitest';
import { createRng, denseOperator, hutchinsonSamples, pyhessianTopEigenvalue, pyhessianTrace, pyhessianTraceRule, symmetricEigenvalues, type SymmetricMatrix } from '@hsr/numeric';
import { matVec, RTOL_SAME_FORMULA, randomSymmetric } from '@hsr/testkit';

function stream(values: number[]): () => number | null {
  let i = 0;
  return () => (i < values.length ? values[i++]! : null);
}

describe("PyHessian's trace() rule", () => {
  it('stops at the first probe whose running mean moved by < tol relative to the previous mean', () => {
    // Means 1, 1: the second changes by 0 < 1e-3.
    expect(pyhessianTraceRule(stream([1, 1]))).toEqual({ estimate: 1, products: 2, stopped: true });
    // Means 2, 1.5, 1.5 (change 0): three probes.
    expect(pyhessianTraceRule(stream([2, 1, 1.5]))).toEqual({ estimate: 1.5, products: 3, stopped: true });
    // Means 10, 10.0005: relative change 5e-5 < 1e-3 at the second.
    expect(pyhessianTraceRule(stream([10, 10.001]))!.products).toBe(2);
    // Means 10, 10.05: 5e-3 >= 1e-3, then 10.05 -> (20.1 + x)/3 ...: with x = 10.05 the change is 0.
    expect(pyhessianTraceRule(stream([10, 10.1, 10.05]))!.products).toBe(3);
  });

  it('with the previous mean starting at 0, stops at once only if |v^T H v| < 1e-9 (the absolute 1e-6)', () => {
    expect(pyhessianTraceRule(stream([5e-10, 7]))!.products).toBe(1);
    expect(pyhessianTraceRule(stream([2e-9, 2e-9]))!.products).toBe(2);
  });

  it('runs maxIter probes without stopping on a sequence whose mean keeps moving, and returns its mean', () => {
    const alternating = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    expect(pyhessianTraceRule(stream(alternating))).toEqual({ estimate: 0, products: 100, stopped: false });
    expect(pyhessianTraceRule(stream(alternating), { maxIter: 7 })).toEqual({ estimate: 1 / 7, products: 7, stopped: false });
  });

  it('returns null when the stream ends before the rule decides', () => {
    expect(pyhessianTraceRule(stream([3, 1]))).toBeNull();
  });

  it('pyhessianTrace is the rule over the Rademacher stream hutchinsonSamples draws from the same seed', () => {
    const op = denseOperator(randomSymmetric(12, 1, 2));
    for (const seed of [1, 2, 3]) {
      const r = pyhessianTrace(op, createRng(seed));
      const s = hutchinsonSamples(op, createRng(seed), 100, 'rademacher');
      let i = 0;
      expect(r).toEqual(pyhessianTraceRule(() => s.quadratic[i++]!));
    }
  });
});

/** PyHessian's eigenvalues(top_n=1) loop, transliterated from hessian.py and utils.py. */
function pyhessianReference(H: SymmetricMatrix, seed: number, maxIter = 100, tol = 1e-3): { eigenvalue: number; iterations: number } {
  const rng = createRng(seed);
  const normalization = (v: Float64Array) => {
    const s = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    return v.map((x) => x / (s + 1e-6));
  };
  let v = normalization(Float64Array.from({ length: H.size }, () => rng.normal()));
  let eigenvalue: number | null = null;
  for (let i = 0; i < maxIter; i++) {
    v = normalization(v); // orthnormal(v, [])
    const Hv = matVec(H, v);
    const tmp = Hv.reduce((a, x, j) => a + x * v[j]!, 0);
    v = normalization(Hv);
    if (eigenvalue === null) eigenvalue = tmp;
    else if (Math.abs(eigenvalue - tmp) / (Math.abs(eigenvalue) + 1e-6) < tol) return { eigenvalue, iterations: i + 1 };
    else eigenvalue = tmp;
  }
  return { eigenvalue: eigenvalue!, iterations: maxIter };
}

describe("PyHessian's eigenvalues() rule", () => {
  it('matches the transliterated loop: same stopping iteration, the previous Rayleigh quotient', () => {
    for (const seed of [1, 2, 3, 4]) {
      const H = randomSymmetric(20, seed, 0.5);
      const r = pyhessianTopEigenvalue(denseOperator(H), createRng(seed));
      const ref = pyhessianReference(H, seed);
      expect(r.products).toBe(ref.iterations);
      expect(r.estimate).toBeAllClose(ref.eigenvalue, { rtol: RTOL_SAME_FORMULA });
    }
  });

  it('converges to the eigenvalue of largest magnitude: lambda_min when |lambda_min| > lambda_max', () => {
    // Q diag(-5, 3, 1, 0.5) Q^T with a fixed rotation.
    const lambdas = [-5, 3, 1, 0.5];
    const P = 4;
    const rng = createRng(8);
    const basisVectors: Float64Array[] = [];
    while (basisVectors.length < P) {
      const w = Float64Array.from({ length: P }, () => rng.normal());
      for (const q of basisVectors) {
        const d = q.reduce((s, x, i) => s + x * w[i]!, 0);
        for (let i = 0; i < P; i++) w[i]! -= d * q[i]!;
      }
      const n = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
      basisVectors.push(w.map((x) => x / n));
    }
    const data = new Float64Array(P * P);
    basisVectors.forEach((q, k) => {
      for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) data[i * P + j]! += lambdas[k]! * q[i]! * q[j]!;
    });
    const H = { size: P, data };
    const ev = symmetricEigenvalues(H);
    const r = pyhessianTopEigenvalue(denseOperator(H), createRng(1), { tol: 1e-10 });
    expect(ev[P - 1]!).toBeAllClose(3, { rtol: 1e-12 });
    // Converged (relative change 1e-10) to -5, not to lambda_max = 3, up to PyHessian's own bias:
    // its two normalisations v / (||v|| + 1e-6) per iteration leave ||v||^2 ~ 1 - 2e-6.
    expect(Math.abs(r.estimate / -5 - 1)).toBeLessThan(3e-6);
  });
});
