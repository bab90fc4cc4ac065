import { describe, expect, test } from 'vitest';
import { RTOL_SAME_FORMULA, RTOL_THIRD_DIFFERENCE, RTOL_VS_FINITE_DIFFERENCE } from '@hsr/testkit';
import { NUMBER_ALGEBRA, type Algebra } from '../src/algebra.ts';
import { JetAlgebra, denseGradientOf, denseHessianOf } from '../src/jet.ts';

type Fn = <T>(A: Algebra<T>, x: readonly T[]) => T;

/** Value, gradient, Hessian and (tangent along e_k) d Hessian / d x_k of f at x, all by jets. */
function jetDerivatives(f: Fn, x: number[], k: number) {
  const A = new JetAlgebra({ order: 2, tangent: true });
  const n = x.length;
  const out = f(
    A,
    x.map((xi, i) => A.variable(xi, i, i === k ? 1 : 0)),
  );
  return {
    value: out.value,
    gradient: denseGradientOf(out, n),
    hessian: denseHessianOf(out, n),
    tangentValue: out.tangentValue,
    tangentGradient: denseGradientOf(out, n, true),
    tangentHessian: denseHessianOf(out, n, true),
  };
}

// f = x^2 y^3 and f = e^{xy}: every derivative up to third order written out by hand.
const polynomial: Fn = (A, [x, y]) => A.mul(A.mul(x!, x!), A.mul(A.mul(y!, y!), y!));
const expProduct: Fn = (A, [x, y]) => A.exp(A.mul(x!, y!));

describe('jets reproduce hand-derived derivatives', () => {
  const [x, y] = [0.7, -1.3];

  test('x^2 y^3 to third order', () => {
    for (const k of [0, 1]) {
      const r = jetDerivatives(polynomial, [x, y], k);
      expect(r.value).toBeAllClose(x * x * y ** 3, { rtol: RTOL_SAME_FORMULA });
      expect(r.gradient).toBeAllClose([2 * x * y ** 3, 3 * x * x * y * y], { rtol: RTOL_SAME_FORMULA });
      expect(r.hessian).toBeAllClose([2 * y ** 3, 6 * x * y * y, 6 * x * y * y, 6 * x * x * y], { rtol: RTOL_SAME_FORMULA });
      // d/dx H = [[0, 6y^2], [6y^2, 12xy]],  d/dy H = [[6y^2, 12xy], [12xy, 6x^2]]
      const dH = k === 0 ? [0, 6 * y * y, 6 * y * y, 12 * x * y] : [6 * y * y, 12 * x * y, 12 * x * y, 6 * x * x];
      expect(r.tangentHessian).toBeAllClose(dH, { rtol: RTOL_SAME_FORMULA });
      expect(r.tangentValue).toBeAllClose(r.gradient[k]!, { rtol: RTOL_SAME_FORMULA });
      expect(r.tangentGradient).toBeAllClose([r.hessian[k]!, r.hessian[2 + k]!], { rtol: RTOL_SAME_FORMULA });
    }
  });

  test('e^{xy} to third order', () => {
    const e = Math.exp(x * y);
    const r0 = jetDerivatives(expProduct, [x, y], 0);
    const r1 = jetDerivatives(expProduct, [x, y], 1);
    expect(r0.gradient).toBeAllClose([y * e, x * e], { rtol: RTOL_SAME_FORMULA });
    expect(r0.hessian).toBeAllClose([y * y * e, (1 + x * y) * e, (1 + x * y) * e, x * x * e], { rtol: RTOL_SAME_FORMULA });
    const mixed = (2 * y + x * y * y) * e;
    const mixed2 = (2 * x + x * x * y) * e;
    expect(r0.tangentHessian).toBeAllClose([y ** 3 * e, mixed, mixed, mixed2], { rtol: RTOL_SAME_FORMULA });
    expect(r1.tangentHessian).toBeAllClose([mixed, mixed2, mixed2, x ** 3 * e], { rtol: RTOL_SAME_FORMULA });
  });
});

// Every algebra operation at once, on variables with disjoint, interleaved and absent Taylor
// directions, checked against differences of the plain-number evaluation.
const composite: Fn = (A, [a, b, c, d]) => {
  const s = A.sum([A.scale(a!, 0.7), A.mul(b!, c!), A.shift(d!, 0.25)]);
  const q = A.div(A.expm1(A.mul(a!, d!)), A.shift(A.mul(c!, c!), 1.5));
  const r = A.sub(A.log1p(A.mul(b!, b!)), A.erfc(A.neg(s)));
  return A.add(A.mul(A.sqrt(A.shift(A.mul(q, q), 0.5)), A.log(A.shift(A.exp(r), 1))), A.mul(s, r));
};

function numberDifference(f: Fn, x: number[], i: number, j: number, k: number): number {
  // Nested five-point stencils of f on plain numbers: d^3 f / dx_i dx_j dx_k (or lower order with -1s).
  const h = 2e-3;
  const w = [1, -8, 8, -1];
  const o = [-2, -1, 1, 2];
  const axes = [i, j, k].filter((t) => t >= 0);
  const rec = (depth: number, point: number[]): number => {
    if (depth === axes.length) return f(NUMBER_ALGEBRA, point);
    let s = 0;
    for (let t = 0; t < 4; t++) {
      const p = point.slice();
      p[axes[depth]!] = p[axes[depth]!]! + o[t]! * h;
      s += w[t]! * rec(depth + 1, p);
    }
    return s / (12 * h);
  };
  return rec(0, x);
}

describe('jets agree with differences of the plain-number evaluation', () => {
  const x = [0.4, -0.9, 0.6, 0.3];
  const n = x.length;

  test('value, gradient, Hessian and every third derivative', () => {
    for (let k = 0; k < n; k++) {
      const r = jetDerivatives(composite, x, k);
      expect(r.value).toBeAllClose(composite(NUMBER_ALGEBRA, x), { rtol: RTOL_SAME_FORMULA });
      const g = Array.from({ length: n }, (_, i) => numberDifference(composite, x, i, -1, -1));
      expect(r.gradient).toBeAllClose(g, { rtol: RTOL_VS_FINITE_DIFFERENCE });
      const H = Array.from({ length: n * n }, (_, t) => numberDifference(composite, x, Math.floor(t / n), t % n, -1));
      expect(r.hessian).toBeAllClose(H, { rtol: RTOL_VS_FINITE_DIFFERENCE });
      const dH = Array.from({ length: n * n }, (_, t) => numberDifference(composite, x, Math.floor(t / n), t % n, k));
      expect(r.tangentHessian).toBeAllClose(dH, { rtol: RTOL_THIRD_DIFFERENCE });
    }
  });

  test('a variable outside the Taylor directions still carries its tangent', () => {
    const A = new JetAlgebra({ order: 2, tangent: true });
    // Directions only for x0 and x2; tangent along x1.
    const vars = x.map((xi, i) => A.variable(xi, i === 0 ? 0 : i === 2 ? 1 : -1, i === 1 ? 1 : 0));
    const out = composite(A, vars);
    const full = jetDerivatives(composite, x, 1);
    const pick = [0, 2];
    expect(denseHessianOf(out, 2)).toBeAllClose(
      pick.flatMap((i) => pick.map((j) => full.hessian[i * n + j]!)),
      { rtol: RTOL_SAME_FORMULA },
    );
    expect(denseHessianOf(out, 2, true)).toBeAllClose(
      pick.flatMap((i) => pick.map((j) => full.tangentHessian[i * n + j]!)),
      { rtol: RTOL_SAME_FORMULA },
    );
    expect(out.tangentValue).toBeAllClose(full.gradient[1]!, { rtol: RTOL_SAME_FORMULA });
  });

  test('order 1 gives the same gradient as order 2', () => {
    const A = new JetAlgebra({ order: 1, tangent: false });
    const out = composite(
      A,
      x.map((xi, i) => A.variable(xi, i)),
    );
    expect(out.hessian).toBeNull();
    expect(denseGradientOf(out, n)).toBeAllClose(jetDerivatives(composite, x, 0).gradient, { rtol: RTOL_SAME_FORMULA });
  });
});

describe('linearize', () => {
  test("drops exactly the inner second-order term: H[f(lin g)] = f''(g) grad g grad g^T", () => {
    const A = new JetAlgebra({ order: 2, tangent: true });
    const [x, y] = [0.8, -0.4];
    const vars = [A.variable(x, 0, 1), A.variable(y, 1, 0)];
    const inner = A.mul(A.mul(vars[0]!, vars[0]!), vars[1]!); // x^2 y
    const out = A.exp(A.linearize(inner));
    const e = Math.exp(x * x * y);
    const g = [2 * x * y, x * x];
    expect(denseHessianOf(out, 2)).toBeAllClose([e * g[0]! * g[0]!, e * g[0]! * g[1]!, e * g[0]! * g[1]!, e * g[1]! * g[1]!], { rtol: RTOL_SAME_FORMULA });
    // d/dx of e^{x^2 y} g g^T, with dg/dx = (2y, 2x): the tangent differentiates the gradient too.
    const de = e * g[0]!;
    const dg = [2 * y, 2 * x];
    const dH = [0, 1, 2, 3].map((t) => {
      const [i, j] = [Math.floor(t / 2), t % 2];
      return de * g[i]! * g[j]! + e * (dg[i]! * g[j]! + g[i]! * dg[j]!);
    });
    expect(denseHessianOf(out, 2, true)).toBeAllClose(dH, { rtol: RTOL_SAME_FORMULA });
  });
});
