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

// ---------------------------------------------------------------------------------------
// Closed forms of polynomials, for products and sums whose operands' supports stand in every
// relation unionOf and sum distinguish (equal, disjoint, prefix, suffix, same length but
// different, gaps, direction 0 absent).

/** sum_t c_t prod_i x_i^{p_ti}: coefficient and exponents of each term. */
type Polynomial = readonly (readonly [number, readonly number[]])[];

/** d^alpha of the polynomial at x, by the power rule: prod_i p_i!/(p_i - alpha_i)! x_i^(p_i - alpha_i). */
function polynomialDerivative(poly: Polynomial, x: readonly number[], alpha: readonly number[]): number {
  let total = 0;
  for (const [c, p] of poly) {
    let term = c;
    for (let i = 0; i < x.length; i++) {
      const a = alpha[i] ?? 0;
      const e = p[i] ?? 0;
      if (a > e) term = 0;
      for (let t = 0; t < a; t++) term *= e - t;
      term *= x[i]! ** Math.max(e - a, 0);
    }
    total += term;
  }
  return total;
}

/** The closed-form value, gradient, Hessian and their d/dx_k (k < 0: no tangent) of a polynomial. */
function polynomialJet(poly: Polynomial, x: readonly number[], k: number) {
  const n = x.length;
  const unit = (...axes: number[]) => Array.from({ length: n }, (_, i) => axes.filter((a) => a === i).length);
  const d = (...axes: number[]) => polynomialDerivative(poly, x, unit(...axes.filter((a) => a >= 0)));
  const pairs = Array.from({ length: n * n }, (_, t) => [Math.floor(t / n), t % n] as const);
  return {
    value: d(),
    gradient: Array.from({ length: n }, (_, i) => d(i)),
    hessian: pairs.map(([i, j]) => d(i, j)),
    tangentValue: k < 0 ? 0 : d(k),
    tangentGradient: Array.from({ length: n }, (_, i) => (k < 0 ? 0 : d(i, k))),
    tangentHessian: pairs.map(([i, j]) => (k < 0 ? 0 : d(i, j, k))),
  };
}

function expectJet(out: ReturnType<typeof jetDerivatives>, want: ReturnType<typeof polynomialJet>) {
  expect(out.value).toBeAllClose(want.value, { rtol: RTOL_SAME_FORMULA });
  expect(out.gradient).toBeAllClose(want.gradient, { rtol: RTOL_SAME_FORMULA });
  expect(out.hessian).toBeAllClose(want.hessian, { rtol: RTOL_SAME_FORMULA });
  expect(out.tangentValue).toBeAllClose(want.tangentValue, { rtol: RTOL_SAME_FORMULA });
  expect(out.tangentGradient).toBeAllClose(want.tangentGradient, { rtol: RTOL_SAME_FORMULA });
  expect(out.tangentHessian).toBeAllClose(want.tangentHessian, { rtol: RTOL_SAME_FORMULA });
}

describe('products and sums over every relation of supports match the power rule', () => {
  const x = [0.7, -1.3, 0.4, 1.1];
  // x0^2 x1 x2, grouped so that the factors' supports are: [0] and [0,1,2] (prefix), [0,1,2]
  // and [0] (the other way), [0,1] and [0,2] (same length, different), [2] and [0,1] (disjoint,
  // after), [1] and [0] (disjoint, before).
  const groupings: Record<string, Fn> = {
    'x0 (x0 (x1 x2))': (A, [a, b, c]) => A.mul(a!, A.mul(a!, A.mul(b!, c!))),
    '((x0 x1) x2) x0': (A, [a, b, c]) => A.mul(A.mul(A.mul(a!, b!), c!), a!),
    '(x1 x0)(x2 x0)': (A, [a, b, c]) => A.mul(A.mul(b!, a!), A.mul(c!, a!)),
    'x2 (x1 (x0 x0))': (A, [a, b, c]) => A.mul(c!, A.mul(b!, A.mul(a!, a!))),
  };
  for (const [name, f] of Object.entries(groupings)) {
    test(`x0^2 x1 x2 as ${name}, to third order along every direction`, () => {
      for (let k = 0; k < 4; k++) expectJet(jetDerivatives(f, x, k), polynomialJet([[1, [2, 1, 1, 0]]], x, k));
    });
  }

  test('add and sub of jets on supports of the same length that differ', () => {
    // (x2 x3 + x1 x3) - (x1 x3 - x0 x1): supports [2,3], [1,3] and [1,3], [0,1].
    const f: Fn = (A, [a, b, c, d]) => A.sub(A.add(A.mul(c!, d!), A.mul(b!, d!)), A.sub(A.mul(b!, d!), A.mul(a!, b!)));
    const poly: Polynomial = [
      [1, [0, 0, 1, 1]],
      [1, [1, 1, 0, 0]],
    ];
    for (let k = 0; k < 4; k++) expectJet(jetDerivatives(f, x, k), polynomialJet(poly, x, k));
  });

  test('sum of terms whose supports leave gaps and miss direction 0', () => {
    // 2 x1 x4 + x4^3 + (x1 + 1/2) + x1 x2 at five points: supports [1,4], [4], [1], [1,2], so the
    // merged support [1,2,4] skips direction 0 and direction 3 (after its second entry).
    const y = [...x, -0.6];
    const f: Fn = (A, [, b, c, , e]) => A.sum([A.scale(A.mul(b!, e!), 2), A.mul(A.mul(e!, e!), e!), A.shift(b!, 0.5), A.mul(b!, c!)]);
    const poly: Polynomial = [
      [2, [0, 1, 0, 0, 1]],
      [1, [0, 0, 0, 0, 3]],
      [1, [0, 1, 0, 0, 0]],
      [0.5, [0, 0, 0, 0, 0]],
      [1, [0, 1, 1, 0, 0]],
    ];
    for (let k = 0; k < 5; k++) expectJet(jetDerivatives(f, y, k), polynomialJet(poly, y, k));
    const A = new JetAlgebra({ order: 2, tangent: true });
    const vars = y.map((yi, i) => A.variable(yi, i, i === 4 ? 1 : 0));
    expect(Array.from(f(A, vars).support)).toEqual([1, 2, 4]);
  });

  test('the sum of no terms is the constant 0 and of one term is that term', () => {
    const A = new JetAlgebra({ order: 2, tangent: true });
    const empty = A.sum([]);
    expect([empty.value, empty.tangentValue, empty.support.length]).toEqual([0, 0, 0]);
    const vars = x.map((xi, i) => A.variable(xi, i, i === 1 ? 1 : 0));
    const term = A.mul(vars[1]!, vars[3]!);
    const one = A.sum([term]);
    expect([one.value, one.tangentValue, ...one.gradient, ...one.hessian!, ...one.tangentGradient!, ...one.tangentHessian!]).toEqual([
      term.value,
      term.tangentValue,
      ...term.gradient,
      ...term.hessian!,
      ...term.tangentGradient!,
      ...term.tangentHessian!,
    ]);
    // Bit for bit: a one-term sum performs no addition, so a -0 stays -0 (0 + -0 would be +0).
    const negativeZero = A.mul(A.variable(-0, 0), vars[2]!);
    expect(Object.is(negativeZero.value, -0)).toBe(true);
    expect(Object.is(A.sum([negativeZero]).value, -0)).toBe(true);
  });
});

describe('orders and tangents', () => {
  const x = [0.7, -1.3, 0.4];
  const f: Fn = (A, [a, b, c]) => A.add(A.mul(A.mul(a!, b!), c!), A.mul(a!, a!));
  const poly: Polynomial = [
    [1, [1, 1, 1]],
    [1, [2, 0, 0]],
  ];

  test('order 1 with a tangent: d gradient / d x_k is row k of the Hessian', () => {
    const A = new JetAlgebra({ order: 1, tangent: true });
    for (let k = 0; k < 3; k++) {
      const out = f(
        A,
        x.map((xi, i) => A.variable(xi, i, i === k ? 1 : 0)),
      );
      const want = polynomialJet(poly, x, k);
      expect(out.hessian).toBeNull();
      expect(out.tangentHessian).toBeNull();
      expect(denseGradientOf(out, 3)).toBeAllClose(want.gradient, { rtol: RTOL_SAME_FORMULA });
      expect(out.tangentValue).toBeAllClose(want.tangentValue, { rtol: RTOL_SAME_FORMULA });
      expect(denseGradientOf(out, 3, true)).toBeAllClose(want.tangentGradient, { rtol: RTOL_SAME_FORMULA });
    }
  });

  test('without a tangent the tangent value is 0 and its arrays absent, even if a seed asks for one', () => {
    for (const order of [1, 2] as const) {
      const A = new JetAlgebra({ order, tangent: false });
      const out = f(
        A,
        x.map((xi, i) => A.variable(xi, i, 1)),
      );
      expect(A.variable(0.5, 0, 1).tangentValue).toBe(0);
      expect(out.tangentValue).toBe(0);
      expect(out.tangentGradient).toBeNull();
      expect(out.tangentHessian).toBeNull();
      // The dense views of absent coefficients are zeros, not an error.
      expect(Array.from(denseGradientOf(out, 3, true))).toEqual([0, 0, 0]);
      expect(Array.from(denseHessianOf(out, 3, true))).toEqual(new Array(9).fill(0));
      if (order === 1) expect(Array.from(denseHessianOf(out, 3))).toEqual(new Array(9).fill(0));
      else expect(denseHessianOf(out, 3)).toBeAllClose(polynomialJet(poly, x, -1).hessian, { rtol: RTOL_SAME_FORMULA });
    }
  });
});

describe('inverse pairs compose to the identity to all orders', () => {
  // u = x0 x1 x2 + x0^2 + 3/2 > 0 at x: f(g(u)) for the pairs below must reproduce u's closed-form
  // value, gradient, Hessian and third derivatives, though every intermediate coefficient differs.
  const x = [0.7, 1.3, 0.4];
  const poly: Polynomial = [
    [1, [1, 1, 1]],
    [1, [2, 0, 0]],
    [1.5, [0, 0, 0]],
  ];
  const u = <T>(A: Algebra<T>, [a, b, c]: readonly T[]) => A.shift(A.add(A.mul(A.mul(a!, b!), c!), A.mul(a!, a!)), 1.5);
  const pairs: Record<string, Fn> = {
    'exp(log u)': (A, v) => A.exp(A.log(u(A, v))),
    'log(exp u)': (A, v) => A.log(A.exp(u(A, v))),
    'expm1(log1p u)': (A, v) => A.expm1(A.log1p(u(A, v))),
    'sqrt(u) sqrt(u)': (A, v) => {
      const r = A.sqrt(u(A, v));
      return A.mul(r, r);
    },
    'sqrt(u^2)': (A, v) => {
      const w = u(A, v);
      return A.sqrt(A.mul(w, w));
    },
    '1/(1/u)': (A, v) => A.div(A.constant(1), A.div(A.constant(1), u(A, v))),
    '-(-u)': (A, v) => A.neg(A.neg(u(A, v))),
  };
  for (const [name, f] of Object.entries(pairs)) {
    test(name, () => {
      for (let k = 0; k < 3; k++) expectJet(jetDerivatives(f, x, k), polynomialJet(poly, x, k));
    });
  }
});

describe('a zero coefficient contributes exactly nothing, even against an overflowed derivative', () => {
  // y = 1e400 x0 + 3 x1 (formed as two scalings by 1e200, so y's value is finite at x0 = 0 but
  // its derivative along x0 overflows to +Infinity, the correctly rounded 1e400). y is linear, so
  // its Hessian is exactly zero, and so is the Hessian of any affine function of it. IEEE gives
  // 0 * Infinity = NaN, so a jet that multiplied the zero second derivative of an affine rule into
  // grad y grad y^T (or the zero f'' dv into grad y) would report NaN where the answer is 0.
  const affine = (a: number) => [2 * a - 5, 2, 0, 0] as const;
  for (const tangent of [false, true]) {
    test(`apply with an affine rule equals scale and shift, bit for bit (tangent ${tangent})`, () => {
      const A = new JetAlgebra({ order: 2, tangent });
      const x0 = A.variable(0, 0);
      const x1 = A.variable(0.25, 1);
      const y = A.add(A.scale(A.scale(x0, 1e200), 1e200), A.scale(x1, 3));
      expect(Array.from(y.gradient)).toEqual([Number.POSITIVE_INFINITY, 3]);
      expect(Array.from(y.hessian!)).toEqual([0, 0, 0, 0]);
      const applied = A.apply(y, affine);
      const scaled = A.shift(A.scale(y, 2), -5);
      for (const [name, a, b] of [
        ['gradient', applied.gradient, scaled.gradient],
        ['hessian', applied.hessian, scaled.hessian],
        ['tangentGradient', applied.tangentGradient, scaled.tangentGradient],
        ['tangentHessian', applied.tangentHessian, scaled.tangentHessian],
      ] as const) {
        expect(a === null ? null : Array.from(a), name).toEqual(b === null ? null : Array.from(b));
      }
      expect(Array.from(applied.hessian!)).toEqual([0, 0, 0, 0]);
      expect([applied.value, applied.tangentValue]).toEqual([scaled.value, scaled.tangentValue]);
    });
  }
});
