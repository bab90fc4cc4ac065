/**
 * Pins of nerdamer 1.1.13's known defects (docs/mathematics.md §7). Each asserts the
 * current WRONG output exactly, so that a library upgrade which changes it fails here and
 * the workaround in src/ can be re-examined. Also checks that each workaround gives the
 * right value, so the pins are not the only line of defence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { erf } from '@hsr/numeric';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { compileNerdamer, flushNerdamer, math, nerdamer } from '../src/engines.ts';
import { opaqueExp } from '../src/networkExpressions.ts';

afterEach(() => flushNerdamer());

describe('nerdamer defects (pinned)', () => {
  it('log(exp(a)+exp(b)) simplifies to 1 (docs/mathematics.md §7)', () => {
    expect(nerdamer('log(exp(a)+exp(b))').toString()).toBe('1');
    // mathjs, the second engine, gets the derivative right: exp(a)/(exp(a)+exp(b)).
    expect(math.derivative('log(exp(a)+exp(b))', 'a').toString()).toBe('exp(a) / (exp(a) + exp(b))');
  });

  it('the softmax ratio exp(a)/(exp(a)+exp(b)) is mangled', () => {
    expect(nerdamer('exp(a)/(exp(a)+exp(b))').toString()).toBe('(e^a+e^b)^(-1+a)');
  });

  it('the same mangling survives an opaque base: d2/dv1^2 log(EUL^v1 + EUL^v2) is wrong (why gaussNewton.ts differentiates the softmax form)', () => {
    const lse = nerdamer(opaqueExp('log(exp(v1)+exp(v2))'));
    const d11 = nerdamer.diff(nerdamer.diff(lse, 'v1'), 'v1');
    expect(d11.toString()).toBe('((-1+v1)*(EUL^v1+EUL^v2)^(-1)*EUL^v1*log(EUL)+log(EUL^v1+EUL^v2))*(EUL^v1+EUL^v2)^(-1+v1)*log(EUL)');
    const v = [0.3, -0.4] as const;
    const p1 = 1 / (1 + Math.exp(v[1] - v[0]));
    expect(Math.abs(compileNerdamer(d11, ['v1', 'v2', 'EUL'])(...v, Math.E) - p1 * (1 - p1))).toBeGreaterThan(0.05);
    // The workaround: p_1 = 1/(1 + e^{v2 - v1}) differentiated once gives S_11 = p_1 (1 - p_1).
    const s11 = compileNerdamer(nerdamer.diff(nerdamer(opaqueExp('1/(1+exp(v2-v1))')), 'v1'), ['v1', 'v2', 'EUL'])(...v, Math.E);
    expect([s11]).toBeAllClose([p1 * (1 - p1)], { rtol: RTOL_SAME_FORMULA });
  });

  it('the softmax ratio with an opaque base is mangled too (why the loss table gives nerdamer the shifted softmax)', () => {
    expect(nerdamer(opaqueExp('exp(a)/(exp(a)+exp(b))')).toString()).toBe('(EUL^a+EUL^b)^(-1+a)');
    const shifted = compileNerdamer(nerdamer(opaqueExp('1/(exp(a-a)+exp(b-a))')), ['a', 'b', 'EUL'])(0.3, -0.4, Math.E);
    expect([shifted]).toBeAllClose([1 / (1 + Math.exp(-0.7))], { rtol: RTOL_SAME_FORMULA });
  });

  it('d/du of u sqrt(u^2 + 2) takes one square root too many (why compileActivation writes roots as exponentials)', () => {
    expect(nerdamer.diff(nerdamer('u*sqrt(u^2+2)'), 'u').toString()).toBe('(2+u^2)^(-1/2)*u^2+sqrt((2+u^2)^(1/2))');
  });

  it('diff(sqrt(k)*S, S) and diff(sqrt(k*S), S) lose a square root (upstream #675)', () => {
    expect(nerdamer.diff('sqrt(k)*S', 'S').toString()).toBe('sqrt(k^(1/2))');
    expect(nerdamer.diff('sqrt(k*S)', 'S').toString()).toBe('(1/2)*S^(-1/2)*sqrt(k^(1/2))');
    // The WS radius itself: d/dT2 sqrt((P-1)/P (T2 - T1^2/P)) comes out with (P-1)^(1/4) P^(1/4).
    expect(nerdamer.diff('sqrt((P-1)/P*(T2-T1^2/P))', 'T2').toString()).toBe('(1/2)*(-P^(-1)*T1^2+T2)^(-1/2)*sqrt((-1+P)^(1/2))*sqrt(P^(-1/2))^(-1)');
  });

  it('toTeX of a differentiated sqrt(2) constant has an exponent with no base (upstream #358)', () => {
    const tex = nerdamer.diff('u*(1+erf(u/sqrt(2)))/2', 'u').toTeX();
    expect(tex).toBe(
      '\\frac{\\left(\\frac{37593262 \\cdot 119696244^{\\frac{8690408031080164 \\cdot u^{2}}{17380816062160328}} \\cdot u}{33316161 \\cdot 325368125^{\\frac{8690408031080164 \\cdot u^{2}}{17380816062160328}} \\cdot \\sqrt{\\frac{2}{^{\\frac{1}{2}}}}}+\\mathrm{erf}\\left(\\frac{u}{\\sqrt{\\frac{2}{^{\\frac{1}{2}}}}}\\right)+1\\right)}{2}',
    );
  });

  it('identifiers with digits after underscores are split (V_1_1 -> V_1*_1)', () => {
    expect(nerdamer('V_1_1*x').toString()).toBe('V_1*_1*x');
  });

  it('a nested exponential differentiated twice gets the wrong sign on ln(e) (e as 325368125/119696244)', () => {
    const wrong = nerdamer.diff(nerdamer.diff('log(1+exp(1/(1+exp(w))))', 'w'), 'w');
    // The factor should be ln(119696244) - ln(325368125) = -1; nerdamer writes +(ln a + ln b) = 317984817/8324006.
    expect(wrong.toString()).toContain('(317984817/8324006)');
    const exact = (w: number) => {
      // f = log(1 + exp(s)), s = 1/(1+e^w): f'' = (s')^2 sigma(s)(1-sigma(s)) + s'' sigma(s), by hand.
      const s = 1 / (1 + Math.exp(w));
      const s1 = -Math.exp(w) * s * s;
      const s2 = -Math.exp(w) * s * s + 2 * Math.exp(2 * w) * s * s * s;
      const sig = 1 / (1 + Math.exp(-s));
      return s1 * s1 * sig * (1 - sig) + s2 * sig;
    };
    expect(Math.abs(wrong.buildFunction(['w'])(0.3) - exact(0.3))).toBeGreaterThan(1e-3);
    // Workaround (networkExpressions.ts opaqueExp): Euler's number as an opaque symbol.
    const fixed = nerdamer.diff(nerdamer.diff(opaqueExp('log(1+exp(1/(1+exp(w))))'), 'w'), 'w');
    expect([compileNerdamer(fixed, ['w', 'EUL'])(0.3, Math.E)]).toBeAllClose([exact(0.3)], { rtol: RTOL_SAME_FORMULA, atol: 0 });
  });

  it("buildFunction's inlined erf is only ~1e-7 accurate; compileNerdamer replaces it", () => {
    const e = nerdamer('erf(u)');
    const built = e.buildFunction(['u']);
    expect(Math.abs(built(0.5) - erf(0.5))).toBeGreaterThan(1e-9);
    expect(compileNerdamer(e, ['u'])(0.5)).toBe(erf(0.5));
  });

  it('mathjs cannot differentiate erf (why GELU has no mathjs leg in the sweep, and hsr derive applies the chain rule around erf)', () => {
    expect(() => math.derivative('erf(u)', 'u')).toThrow(/erf/);
  });
});
