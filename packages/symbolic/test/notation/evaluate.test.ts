/** The evaluator on hand-computed examples: sums, products, powers, the indicator, the augmentation, overrides. */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '@hsr/numeric';
import { ELEMENTWISE, Evaluator, sizesOf, tensor, type Tensor } from '../../src/notation/evaluate.ts';
import { add, augment, DERIVATIVE_OF, define, div, exp, extent, index, indicator, input, mul, num, pow, ref, sum } from '../../src/notation/expression.ts';

const n = index('n', 'N');
const k = index('k', 'c');
const kp = index("k'", 'c');
const j = index('j', 'dt');
const jd = index('j', 'd');
const sizes = sizesOf({ N: 2, d: 2, dt: 3, c: 2 });
const X = input('X', ['N', 'c'], { latex: 'X', text: 'X' }, '');
const D = input('D', ['N', 'd'], { latex: 'D', text: 'D' }, '');
const t = input('t', [], { latex: 't', text: 't' }, '');
const ctx = {
  sizes,
  inputs: new Map<string, Tensor | number>([
    ['X', tensor([2, 2], [1, 2, 3, 4])],
    ['D', tensor([2, 2], [5, 6, 7, 8])],
    ['t', 3],
  ]),
};

describe('Evaluator', () => {
  it('evaluates sums, products, powers with an expression exponent and quotients entry by entry', () => {
    const rowSum = define('rowSum', [n], { latex: 's', text: 's' }, '', sum(k, ref(X, n, k)));
    const ev = new Evaluator(ctx);
    expect(Array.from(ev.value(rowSum).data)).toEqual([3, 7]);
    const total = define('total', [], { latex: 'T', text: 'T' }, '', sum(n, pow(ref(rowSum, n), ref(t))));
    expect(ev.scalar(total)).toBe(3 ** 3 + 7 ** 3);
    const q = define('q', [], { latex: 'q', text: 'q' }, '', div(extent('dt'), add(num(1), exp(num(0)))));
    expect(ev.scalar(q)).toBe(1.5);
  });

  it('evaluates the indicator and the augmentation by a trailing one', () => {
    const ev = new Evaluator(ctx);
    const outer = define('outer', [n, k, kp], { latex: 'o', text: 'o' }, '', mul(indicator(k, kp), ref(X, n, k)));
    expect(Array.from(ev.value(outer).data)).toEqual([1, 0, 0, 2, 3, 0, 0, 4]);
    const aug = define('aug', [n, j], { latex: 'a', text: 'a' }, '', augment(j, jd, ref(D, n, jd)));
    expect(Array.from(ev.value(aug).data)).toEqual([5, 6, 1, 7, 8, 1]);
  });

  it('uses an override wherever its name is referred to', () => {
    const leaf = define('leaf', [n], { latex: 'l', text: 'l' }, '', sum(k, ref(X, n, k)));
    const top = define('top', [], { latex: 't', text: 't' }, '', sum(n, ref(leaf, n)));
    expect(new Evaluator(ctx).scalar(top)).toBe(10);
    const mutant = define('leaf', [n], { latex: 'l', text: 'l' }, '', sum(k, mul(num(2), ref(X, n, k))));
    expect(new Evaluator({ ...ctx, definitions: new Map([['leaf', mutant]]) }).scalar(top)).toBe(20);
  });

  it('refuses an input of the wrong shape and an unknown one', () => {
    const bad = new Evaluator({ ...ctx, inputs: new Map<string, Tensor | number>([['X', tensor([3], [1, 2, 3])]]) });
    expect(() => bad.value(X)).toThrow(/shape \[3\], expected \[2, 2\]/);
    expect(() => new Evaluator({ sizes, inputs: new Map() }).value(X)).toThrow(/no value for input X/);
  });
});

describe('the derivative table of the elementwise functions', () => {
  it("holds the evaluator's functions: each one's listed derivative is its five-point difference", () => {
    const t = ACTIVATIONS.tanh;
    const act = { phi: t.phi, phi1: t.d1, phi2: t.d2, phi3: t.d3 };
    const closed: Record<string, (x: number) => number> = {
      reciprocal: (x) => 1 / x,
      'half-reciprocal-sqrt': (x) => 0.5 / Math.sqrt(x),
      gaussian: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
      sech2: (x) => 1 / Math.cosh(x) ** 2,
    };
    const h = 2 ** -10;
    for (const [fn, d] of Object.entries(DERIVATIVE_OF)) {
      if (d === null) continue;
      const f = (x: number) => ELEMENTWISE[fn as keyof typeof ELEMENTWISE](x, act);
      const df = d in ELEMENTWISE ? (x: number) => ELEMENTWISE[d as keyof typeof ELEMENTWISE](x, act) : closed[d]!;
      for (const x of [0.3, 0.9, 1.7]) {
        const fd = (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h);
        // Five-point stencil at h = 2^-10: truncation ~h^4 |f^(5)| ~ 1e-12, round-off ~eps/h ~ 1e-13.
        expect([df(x)], `${fn}' = ${d} at ${x}`).toBeAllClose([fd], { rtol: 1e-9, atol: 1e-11 });
      }
    }
  });
});
