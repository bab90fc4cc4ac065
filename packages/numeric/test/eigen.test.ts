/** eigen.ts: the defining identities of the symmetric eigen-decomposition, on seeded random matrices. */
import { RTOL_SAME_FORMULA, RTOL_VS_DENSE } from '@hsr/testkit';
import { describe, expect, test } from 'vitest';
import { symmetricEigen, symmetricEigenvalues } from '../src/eigen.ts';
import { createRng } from '../src/random.ts';

function randomSymmetric(P: number, seed: number): { size: number; data: Float64Array } {
  const rng = createRng(seed);
  const data = new Float64Array(P * P);
  for (let i = 0; i < P; i++)
    for (let j = i; j < P; j++) {
      const x = rng.normal();
      data[i * P + j] = x;
      data[j * P + i] = x;
    }
  return { size: P, data };
}

describe.each([1, 2, 7, 30])('P = %i', (P) => {
  const m = randomSymmetric(P, P);
  const { values, vectors } = symmetricEigen(m);
  const scale = Math.max(...Array.from(values, Math.abs));

  test('A V = V diag(lambda), with orthonormal columns', () => {
    const AV = new Float64Array(P * P);
    const VL = new Float64Array(P * P);
    const VtV = new Float64Array(P * P);
    for (let i = 0; i < P; i++)
      for (let k = 0; k < P; k++) {
        let av = 0;
        let vv = 0;
        for (let j = 0; j < P; j++) {
          av += m.data[i * P + j]! * vectors[j * P + k]!;
          vv += vectors[j * P + i]! * vectors[j * P + k]!;
        }
        AV[i * P + k] = av;
        VL[i * P + k] = vectors[i * P + k]! * values[k]!;
        VtV[i * P + k] = vv;
      }
    expect(AV).toBeAllClose(VL, { rtol: RTOL_VS_DENSE, scale });
    const identity = Float64Array.from({ length: P * P }, (_, r) => (r % (P + 1) === 0 ? 1 : 0));
    expect(VtV).toBeAllClose(identity, { rtol: RTOL_VS_DENSE, scale: 1 });
  });

  test('eigenvalues ascend, sum to the trace, and symmetricEigenvalues gives the same values', () => {
    for (let k = 1; k < P; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
    let trace = 0;
    for (let i = 0; i < P; i++) trace += m.data[i * P + i]!;
    expect(values.reduce((s, x) => s + x, 0)).toBeAllClose(trace, { rtol: RTOL_VS_DENSE, scale: P * scale });
    expect(symmetricEigenvalues(m)).toBeAllClose(values, { rtol: RTOL_SAME_FORMULA, scale });
  });
});
