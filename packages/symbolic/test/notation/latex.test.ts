/** The renderer: references render through their notation, operators as a reader of the papers expects. */
import { describe, expect, it } from 'vitest';
import { add, define, div, index, input, mul, neg, num, pow, ref, sqrt, sub, sum } from '../../src/notation/expression.ts';
import { renderExpression, renderFormula } from '../../src/notation/latex.ts';

const n = index('n', 'N');
const k = index('k', 'c');
const kp = index("k'", 'c');
const S = input('S', ['N', 'c', 'c'], { latex: 'S', text: 'S' }, '');
const p = input('p', ['N', 'c'], { latex: 'p', text: 'p' }, '');
const P = input('P', [], { latex: 'P', text: 'P' }, '');
const s = input('s', [], { latex: 's', text: 's' }, '');

describe('rendering', () => {
  it('writes the sample index apart only before two or more further indices', () => {
    expect(renderExpression(ref(p, n, k), 'latex')).toBe('p_{nk}');
    expect(renderExpression(ref(S, n, k, kp), 'latex')).toBe("S_{n,kk'}");
    expect(renderExpression(ref(S, n, k, kp), 'text')).toBe("S[n,k,k']");
  });

  it('merges nested sums over one range and parenthesises a sum that is not the last factor', () => {
    expect(renderExpression(sum([k, kp], ref(S, n, k, kp)), 'latex')).toBe("\\sum_{k,k'=1}^{c} S_{n,kk'}");
    expect(renderExpression(mul(sum(k, ref(p, n, k)), ref(P)), 'latex')).toBe('\\left(\\sum_{k=1}^{c} p_{nk}\\right) P');
  });

  it('writes subtraction, fractions, roots and powers as a reader expects', () => {
    const e = add(ref(s), neg(div(ref(s), sqrt(sub(ref(P), num(1))))));
    expect(renderExpression(e, 'latex')).toBe('s - \\frac{s}{\\sqrt{P - 1}}');
    expect(renderExpression(e, 'text')).toBe('s - s/sqrt(P-1)');
    expect(renderExpression(mul(ref(s), sqrt(mul(num(2), ref(P)))), 'text')).toBe('s sqrt(2P)');
    expect(renderExpression(pow(ref(p, n, k), 2), 'latex')).toBe('p_{nk}^{2}');
    expect(renderExpression(num(0.5), 'latex')).toBe('\\tfrac{1}{2}');
  });

  it('renders a definition as "name = body"', () => {
    const d = define('tr', [n], { latex: (ix) => `\\mathrm{tr}\\,S_{${ix[0]}}`, text: 'trS' }, '', sum(k, ref(S, n, k, k)));
    expect(renderFormula({ kind: 'definition', definition: d }, 'latex')).toBe('\\mathrm{tr}\\,S_{n} = \\sum_{k=1}^{c} S_{n,kk}');
  });
});
