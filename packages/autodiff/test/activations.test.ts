import { describe, expect, test } from 'vitest';
import { RTOL_ACTIVATION_TABLE, RTOL_ACTIVATION_VS_REFERENCE, RTOL_SAME_FORMULA } from '@hsr/testkit';
import { ACTIVATIONS, ACTIVATION_NAMES, type Activation } from '@hsr/numeric';
import { activationOver } from '../src/activations.ts';
import { NUMBER_ALGEBRA } from '../src/algebra.ts';
import { JetAlgebra } from '../src/jet.ts';
import reference from './fixtures/activations.json' with { type: 'json' };

/** phi, phi', phi'', phi''' of the defining formula, by one jet pass (order 2 + tangent on u). */
function jetDerivatives(name: Activation, u: number): number[] {
  const A = new JetAlgebra({ order: 2, tangent: true });
  const out = activationOver(A, name, A.variable(u, 0, 1));
  return [out.value, out.gradient[0]!, out.hessian![0]!, out.tangentHessian![0]!];
}

function tableDerivatives(name: Activation, u: number): number[] {
  const r = ACTIVATIONS[name];
  return [r.phi(u), r.d1(u), r.d2(u), r.d3(u)];
}

/** phi and phi' on their own scale; phi'' and phi''' on the larger of the two at that u. */
function localScales(expected: readonly number[]): number[] {
  const curvature = Math.max(Math.abs(expected[2]!), Math.abs(expected[3]!));
  return [Math.abs(expected[0]!), Math.abs(expected[1]!), curvature, curvature];
}

const REFERENCE = reference as unknown as { points: number[]; far_points: number[]; far: Record<'sigmoid' | 'softplus' | 'silu', number[][]> } & Record<Activation, number[][]>;

// A grid over [-30, 30] (saturated on both sides for every activation), tiny |u|, and zeros of
// derivatives (tanh'' at 0, gelu''' at +-2, gelu'' at +-sqrt 2).
const GRID = [...Array.from({ length: 241 }, (_, i) => -30 + i * 0.25), -1e-9, 1e-9, 1e-300, Math.SQRT2, -Math.SQRT2, 0.5 + 1e-7, -17.3, 23.9, 29.999];

describe('activation derivatives by jets over the defining formulas', () => {
  for (const name of ACTIVATION_NAMES) {
    test(`${name}: phi .. phi''' match sympy's symbolic derivatives, relative, |u| <= 30`, () => {
      REFERENCE.points.forEach((u, i) => {
        const expected = REFERENCE[name][i]!;
        const ad = jetDerivatives(name, u);
        const scales = localScales(expected);
        for (let k = 0; k < 4; k++) {
          expect(ad[k], `${name}^(${k})(${u})`).toBeAllClose(expected[k]!, { rtol: RTOL_ACTIVATION_VS_REFERENCE, atol: 0, scale: scales[k]! });
        }
        expect(activationOver(NUMBER_ALGEBRA, name, u), 'plain-number phi').toBeAllClose(ad[0]!, { rtol: RTOL_SAME_FORMULA, atol: 0, scale: 0 });
      });
    });
  }
});

describe('the logistic family where e^|u| overflows', () => {
  // |u| = 400, 700: e^{|u|} squared (400) or itself (700) overflows float64, so each branch of
  // sigmoid and softplus is right only on its own side of 0 (1/(1+e^{-u}) at u = -400 gives
  // phi' = 0). Reference: mpmath at 1000 digits (generate_activations.py, FAR).
  for (const name of ['sigmoid', 'softplus', 'silu'] as const) {
    test(`${name}: phi .. phi''' by jets keep relative accuracy at |u| = 100, 400, 700`, () => {
      REFERENCE.far_points.forEach((u, i) => {
        const expected = REFERENCE.far[name][i]!;
        const ad = jetDerivatives(name, u);
        const scales = localScales(expected);
        for (let k = 0; k < 4; k++) {
          expect(ad[k], `${name}^(${k})(${u})`).toBeAllClose(expected[k]!, { rtol: RTOL_ACTIVATION_VS_REFERENCE, atol: 0, scale: scales[k]! });
        }
      });
    });
  }
});

describe("@hsr/numeric's ACTIVATIONS table", () => {
  for (const name of ACTIVATION_NAMES) {
    test(`${name}: d1, d2, d3 and phi match the jets at ${GRID.length} points, |u| <= 30`, () => {
      for (const u of GRID) {
        const ad = jetDerivatives(name, u);
        const table = tableDerivatives(name, u);
        for (let k = 0; k < 4; k++) {
          expect(table[k], `${name}^(${k})(${u})`).toBeAllClose(ad[k]!, { rtol: RTOL_ACTIVATION_TABLE, atol: 0, scale: Math.max(Math.abs(ad[k]!), 1) });
        }
      }
    });
  }

  test('the table comparison is sharp enough to catch a wrong entry', () => {
    const u = 0.8;
    const wrong = ACTIVATIONS.tanh.d3(u) * (1 + 1e-12);
    expect(Math.abs(jetDerivatives('tanh', u)[3]! - wrong)).toBeGreaterThan(RTOL_ACTIVATION_TABLE * Math.max(Math.abs(wrong), 1));
  });

  // Formerly a known defect: 1 - tanh^2 and s(1 - s) cancel once the unit saturates, so tanh'
  // (|u| >~ 19) and the logistic family's derivatives (u >~ 19) lost all relative accuracy
  // (relative error up to 1 at |u| = 30). The table now builds them from sigma(u) sigma(-u);
  // measured worst against this fixture: 6e-16 (gelu: 5e-15 at u = -2, Phi's 1 + erf zone).
  test('keeps relative accuracy in the saturated tails (sympy reference)', () => {
    for (const name of ACTIVATION_NAMES) {
      REFERENCE.points.forEach((u, i) => {
        const expected = REFERENCE[name][i]!;
        const table = tableDerivatives(name, u);
        const scales = localScales(expected);
        for (let k = 0; k < 4; k++) {
          expect(table[k], `${name}^(${k})(${u})`).toBeAllClose(expected[k]!, { rtol: RTOL_ACTIVATION_VS_REFERENCE, atol: 0, scale: scales[k]! });
        }
      });
    }
  });
});
