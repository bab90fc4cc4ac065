import { describe, expect, test } from 'vitest';
import { RTOL_SAME_FORMULA, RTOL_VS_AUTODIFF, RTOL_VS_FINITE_DIFFERENCE } from '@hsr/testkit';
import { fivePointJacobian } from '@hsr/crosscheck';
import {
  ACTIVATION_NAMES,
  BLOCKS,
  CURVATURES,
  REDUCTIONS,
  blockRange,
  denseHessian,
  flattenParameters,
  hessianTraces,
  loss,
  lossGradient,
  parameterCount,
  unflattenParameters,
  type Dataset,
  type Model,
  type Variant,
} from '@hsr/numeric';
import { JetAlgebra, denseGradientOf } from '../src/jet.ts';
import { logitsOver, parametersOf } from '../src/loss.ts';
import { autodiffGradient, autodiffHessian, autodiffLoss, lossJet, seedBlock } from '../src/oracle.ts';
import { autodiffTraces } from '../src/traces.ts';
import { SMALL, randomCase } from './cases.ts';

/** theta -> f(model with theta) for the finite-difference stencils. */
const at =
  <R>(model: Model, f: (m: Model) => R) =>
  (theta: Float64Array) =>
    f(unflattenParameters(model, theta));

/** Columns [start, end) of an out x n Jacobian. */
function columns(jac: Float64Array, outputs: number, n: number, start: number, end: number): Float64Array {
  const out = new Float64Array(outputs * (end - start));
  for (let i = 0; i < outputs; i++) for (let j = start; j < end; j++) out[i * (end - start) + j - start] = jac[i * n + j]!;
  return out;
}

describe('the generic loss', () => {
  test('reads theta in the flattening contract order (vs unflattenParameters)', () => {
    for (const bias of [true, false]) {
      const { model } = randomCase({ ...SMALL, activation: 'tanh', bias, seed: 1 });
      const theta = Array.from(flattenParameters(model));
      const p = parametersOf(model, theta);
      const m = unflattenParameters(model, theta);
      expect(p.W).toEqual(Array.from(m.W));
      expect(p.V).toEqual(Array.from(m.V));
      expect(p.b).toEqual(m.b ? Array.from(m.b) : null);
      expect(p.a).toEqual(m.a ? Array.from(m.a) : null);
    }
  });

  test('equals @hsr/numeric loss for every activation, bias and reduction', () => {
    for (const activation of ACTIVATION_NAMES)
      for (const bias of [true, false])
        for (const reduction of REDUCTIONS) {
          const { model, data } = randomCase({ ...SMALL, activation, bias, seed: 2 });
          expect(autodiffLoss(model, data, reduction)).toBeAllClose(loss(model, data, reduction), { rtol: RTOL_SAME_FORMULA });
        }
  });

  test('stays finite with huge logits (shifted log-sum-exp)', () => {
    const { model, data } = randomCase({ ...SMALL, activation: 'softplus', bias: true, seed: 3, weightScale: 40 });
    expect(Number.isFinite(autodiffLoss(model, data))).toBe(true);
    expect(autodiffGradient(model, data).every(Number.isFinite)).toBe(true);
  });
});

describe('gradient', () => {
  test('equals five-point differences of autodiffLoss', () => {
    for (const activation of ACTIVATION_NAMES)
      for (const bias of [true, false])
        for (const reduction of REDUCTIONS) {
          const { model, data } = randomCase({ ...SMALL, activation, bias, seed: 4 });
          const fd = fivePointJacobian(
            at(model, (m) => [autodiffLoss(m, data, reduction)]),
            flattenParameters(model),
          );
          expect(autodiffGradient(model, data, reduction), `${activation} bias=${bias} ${reduction}`).toBeAllClose(fd.jacobian, {
            rtol: RTOL_VS_FINITE_DIFFERENCE,
            atol: Math.max(...fd.roundoff),
          });
        }
  });

  test('equals @hsr/numeric lossGradient for every activation, bias and reduction', () => {
    for (const activation of ACTIVATION_NAMES)
      for (const bias of [true, false])
        for (const reduction of REDUCTIONS) {
          const { model, data } = randomCase({ ...SMALL, activation, bias, seed: 5 });
          expect(autodiffGradient(model, data, reduction), `${activation} bias=${bias} ${reduction}`).toBeAllClose(lossGradient(model, data, reduction).gradient, {
            rtol: RTOL_VS_AUTODIFF,
          });
        }
  });
});

describe('Hessian', () => {
  test('is exactly symmetric and equals five-point differences of autodiffGradient, per block', () => {
    for (const activation of ACTIVATION_NAMES)
      for (const bias of [true, false]) {
        const { model, data } = randomCase({ ...SMALL, activation, bias, seed: 6 });
        const P = parameterCount(model);
        const fd = fivePointJacobian(
          at(model, (m) => autodiffGradient(m, data, 'sum')),
          flattenParameters(model),
        );
        for (const block of BLOCKS) {
          const H = autodiffHessian(model, data, { reduction: 'sum', block, curvature: 'hessian' });
          const { start, end } = blockRange(model, block);
          expect(H.size).toBe(end - start);
          for (let i = 0; i < H.size; i++) for (let j = 0; j < i; j++) expect(H.data[i * H.size + j]).toBe(H.data[j * H.size + i]);
          const rows = columns(fd.jacobian, P, P, start, end).subarray(start * H.size, end * H.size);
          expect(H.data, `${activation} bias=${bias} ${block}`).toBeAllClose(rows, { rtol: RTOL_VS_FINITE_DIFFERENCE, atol: Math.max(...fd.roundoff) });
        }
      }
  });

  test('the Gauss–Newton block equals J^T S J built from first-order jets of the logits', () => {
    for (const activation of ACTIVATION_NAMES) {
      const { model, data } = randomCase({ ...SMALL, activation, bias: true, seed: 7 });
      const P = parameterCount(model);
      const c = model.classes;
      const A = new JetAlgebra({ order: 1, tangent: false });
      const theta = flattenParameters(model);
      const params = parametersOf(
        model,
        Array.from(theta, (t, i) => A.variable(t, i)),
      );
      const G = new Float64Array(P * P);
      for (let n = 0; n < data.samples; n++) {
        const v = logitsOver(A, model, params, data, n);
        const J = v.map((vk) => denseGradientOf(vk, P));
        const e = v.map((vk) => Math.exp(vk.value));
        const total = e.reduce((s, t) => s + t, 0);
        const p = e.map((t) => t / total);
        for (let k = 0; k < c; k++)
          for (let l = 0; l < c; l++) {
            const S = (k === l ? p[k]! : 0) - p[k]! * p[l]!;
            for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) G[i * P + j] = G[i * P + j]! + (J[k]![i]! * S * J[l]![j]!) / data.samples;
          }
      }
      for (const block of BLOCKS) {
        const { start, end } = blockRange(model, block);
        const size = end - start;
        const expected = Float64Array.from({ length: size * size }, (_, t) => G[(start + Math.floor(t / size)) * P + start + (t % size)]!);
        const H = autodiffHessian(model, data, { reduction: 'mean', block, curvature: 'gauss-newton' });
        expect(H.data, `${activation} ${block}`).toBeAllClose(expected, { rtol: RTOL_SAME_FORMULA });
      }
    }
  });

  test('equals @hsr/numeric denseHessian and hessianTraces over activation x bias x reduction x block x curvature', () => {
    for (const activation of ACTIVATION_NAMES)
      for (const bias of [true, false])
        for (const reduction of REDUCTIONS)
          for (const block of BLOCKS)
            for (const curvature of CURVATURES) {
              const { model, data } = randomCase({ ...SMALL, activation, bias, seed: 8 });
              const variant: Variant = { reduction, block, curvature };
              const label = `${activation} bias=${bias} ${reduction} ${block} ${curvature}`;
              const H = autodiffHessian(model, data, variant);
              expect(H.data, label).toBeAllClose(denseHessian(model, data, variant).data, { rtol: RTOL_VS_AUTODIFF });
              const t = autodiffTraces(model, data, variant);
              const n = hessianTraces(model, data, variant);
              // T1 can be small by cancellation of eigenvalues of both signs; |T1| <= sqrt(P T2).
              expect(t.traceH, label).toBeAllClose(n.traceH, { rtol: RTOL_VS_AUTODIFF, scale: Math.sqrt(H.size * n.traceH2) });
              expect(t.traceH2, label).toBeAllClose(n.traceH2, { rtol: RTOL_VS_AUTODIFF });
            }
  });
});

/**
 * d = h = 1, c = 2, tanh, biases on: theta = (w, b, V_0, a_0, V_1, a_1). With o = 1 - y and
 * Delta = v_o - v_y = (V_o - V_y) z + (a_o - a_y), the sample loss is softplus(Delta), so by hand
 *   grad l = q grad Delta,   H = q(1-q) grad Delta grad Delta^T + q hess Delta,   GN = q(1-q) grad Delta grad Delta^T,
 * q = sigmoid(Delta), t' = 1 - z^2, t'' = -2 z t', and the only non-zero second derivatives of Delta
 *   (w,w) = dV t'' x^2, (w,b) = dV t'' x, (b,b) = dV t'',  (w,V_o) = t' x, (w,V_y) = -t' x, (b,V_o) = t', (b,V_y) = -t'
 * with dV = V_o - V_y.
 */
function handDerived(theta: number[], samples: [number, number][]): { loss: number; gradient: number[]; hessian: number[]; gaussNewton: number[] } {
  const [w, b, V0, a0, V1, a1] = theta as [number, number, number, number, number, number];
  const V = [V0, V1];
  const a = [a0, a1];
  const out = { loss: 0, gradient: new Array<number>(6).fill(0), hessian: new Array<number>(36).fill(0), gaussNewton: new Array<number>(36).fill(0) };
  for (const [x, y] of samples) {
    const o = 1 - y;
    const z = Math.tanh(w * x + b);
    const t1 = 1 - z * z;
    const t2 = -2 * z * t1;
    const dV = V[o]! - V[y]!;
    const delta = dV * z + a[o]! - a[y]!;
    const q = 1 / (1 + Math.exp(-delta));
    const grad = new Array<number>(6).fill(0);
    grad[0] = dV * t1 * x;
    grad[1] = dV * t1;
    grad[2 + 2 * o] = z;
    grad[3 + 2 * o] = 1;
    grad[2 + 2 * y] = -z;
    grad[3 + 2 * y] = -1;
    const hess = new Array<number>(36).fill(0);
    const set = (i: number, j: number, value: number) => {
      hess[i * 6 + j] = value;
      hess[j * 6 + i] = value;
    };
    set(0, 0, dV * t2 * x * x);
    set(0, 1, dV * t2 * x);
    set(1, 1, dV * t2);
    set(0, 2 + 2 * o, t1 * x);
    set(0, 2 + 2 * y, -t1 * x);
    set(1, 2 + 2 * o, t1);
    set(1, 2 + 2 * y, -t1);
    const N = samples.length;
    out.loss += Math.log1p(Math.exp(delta)) / N;
    for (let i = 0; i < 6; i++) {
      out.gradient[i] = out.gradient[i]! + (q * grad[i]!) / N;
      for (let j = 0; j < 6; j++) {
        const outer = (q * (1 - q) * grad[i]! * grad[j]!) / N;
        out.gaussNewton[i * 6 + j] = out.gaussNewton[i * 6 + j]! + outer;
        out.hessian[i * 6 + j] = out.hessian[i * 6 + j]! + outer + (q * hess[i * 6 + j]!) / N;
      }
    }
  }
  return out;
}

describe('hand-derived tiny case (d = h = 1, c = 2, tanh)', () => {
  const theta = [0.9, -0.3, 1.4, 0.2, -0.7, -0.5];
  const samples: [number, number][] = [
    [0.8, 0],
    [-1.7, 1],
    [0.3, 1],
  ];
  const model = unflattenParameters({ activation: 'tanh', inputDim: 1, hiddenDim: 1, classes: 2, W: new Float64Array(1), b: new Float64Array(1), V: new Float64Array(2), a: new Float64Array(2) }, theta);
  const data: Dataset = { samples: samples.length, features: 1, X: Float64Array.from(samples, (s) => s[0]), y: Int32Array.from(samples, (s) => s[1]) };
  const hand = handDerived(theta, samples);

  test('loss, gradient, Hessian and Gauss–Newton match the hand derivation', () => {
    expect(autodiffLoss(model, data)).toBeAllClose(hand.loss, { rtol: RTOL_SAME_FORMULA });
    expect(autodiffGradient(model, data)).toBeAllClose(hand.gradient, { rtol: RTOL_SAME_FORMULA });
    expect(autodiffHessian(model, data, { reduction: 'mean', block: 'all', curvature: 'hessian' }).data).toBeAllClose(hand.hessian, { rtol: RTOL_SAME_FORMULA });
    expect(autodiffHessian(model, data, { reduction: 'mean', block: 'all', curvature: 'gauss-newton' }).data).toBeAllClose(hand.gaussNewton, { rtol: RTOL_SAME_FORMULA });
  });

  test('blocks are the matching sub-matrices, and sum = N mean', () => {
    const first = autodiffHessian(model, data, { reduction: 'sum', block: 'first', curvature: 'hessian' });
    expect(first.size).toBe(2);
    expect(first.data).toBeAllClose(
      [0, 1, 6, 7].map((t) => 3 * hand.hessian[t]!),
      { rtol: RTOL_SAME_FORMULA },
    );
    const second = autodiffHessian(model, data, { reduction: 'mean', block: 'second', curvature: 'hessian' });
    const idx = [2, 3, 4, 5];
    expect(second.data).toBeAllClose(
      idx.flatMap((i) => idx.map((j) => hand.hessian[i * 6 + j]!)),
      { rtol: RTOL_SAME_FORMULA },
    );
  });
});

describe('the tangent seed (tangentIndex)', () => {
  // With a tangent algebra, the default tangentIndex = -1 must seed no parameter with the
  // epsilon direction: every tangent coefficient is then exactly zero (nothing depends on
  // epsilon), while an index >= 0 seeds exactly that parameter.
  const tangentAlgebra = new JetAlgebra({ order: 2, tangent: true });
  const zeroTangent = (parts: ArrayLike<number> | null) => parts !== null && Array.from(parts).every((x) => x === 0);

  test('seedBlock without tangentIndex gives every parameter tangent value 0; with k, only theta_k', () => {
    const { model } = randomCase({ ...SMALL, activation: 'tanh', bias: true, seed: 31 });
    const variant: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };
    const P = parameterCount(model);
    expect(seedBlock(tangentAlgebra, model, variant).map((x) => x.tangentValue)).toEqual(new Array<number>(P).fill(0));
    for (const k of [0, 1, P - 1]) expect(seedBlock(tangentAlgebra, model, variant, k).map((x) => x.tangentValue)).toEqual(Array.from({ length: P }, (_, i) => (i === k ? 1 : 0)));
  });

  test('lossJet without tangentIndex has all-zero tangent parts on a tangent algebra, for every block', () => {
    const { model, data } = randomCase({ ...SMALL, activation: 'softplus', bias: true, seed: 32 });
    for (const block of BLOCKS) {
      const variant: Variant = { reduction: 'mean', block, curvature: 'hessian' };
      const L = lossJet(tangentAlgebra, model, data, variant);
      expect([L.tangentValue, zeroTangent(L.tangentGradient), zeroTangent(L.tangentHessian)], block).toEqual([0, true, true]);
      // The same pass seeded at theta_1 does depend on epsilon (so the check above can fail).
      const L1 = lossJet(tangentAlgebra, model, data, variant, 1);
      expect(zeroTangent(L1.tangentHessian), `${block} seeded at theta_1`).toBe(false);
    }
  });
});
