/**
 * deriveActivation: the printed phi', phi'', phi''' (mathjs, simplified, e as exp) are checked as
 * printed, against nerdamer, a five-point difference and, for the built-in activations, the
 * hand-written table of @hsr/numeric (an independent implementation, so agreement is not
 * circular); malformed and non-C^3 formulas are refused with one-line reasons.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, ACTIVATION_NAMES } from '@hsr/numeric';
import { ATOL_FLOOR, RTOL_VS_SYMBOLIC } from '@hsr/testkit';
import { activationAgreement } from '@hsr/crosscheck';
import { math } from '../src/engines.ts';
import { ACTIVATION_SAMPLE_POINTS, ActivationFormulaError, compileActivation, deriveActivation } from '../src/index.ts';

/** f'' by a five-point stencil of f' (itself a five-point stencil of f) in plain float64. */
function secondDerivative(f: (u: number) => number, u: number): number {
  const h = 1e-3;
  const d1 = (x: number) => (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h);
  return (d1(u - 2 * h) - 8 * d1(u - h) + 8 * d1(u + h) - d1(u + 2 * h)) / (12 * h);
}

describe('deriveActivation', () => {
  for (const name of ACTIVATION_NAMES) {
    it(`${name}: the printed derivatives match nerdamer, a five-point difference and @hsr/numeric's table`, () => {
      const rule = ACTIVATIONS[name];
      const r = deriveActivation(rule.formula, (k, u) => rule.all(u)[k]!);
      const agreement = activationAgreement(r);
      expect(agreement.checks.map((c) => c.against)).toEqual(['nerdamer', 'five-point-difference', 'numeric']);
      expect(agreement.pass).toBe(true);
      const want = [rule.phi, rule.d1, rule.d2, rule.d3];
      for (let k = 0; k < 4; k++)
        expect(ACTIVATION_SAMPLE_POINTS.map((u) => r.functions[k]!(u))).toBeAllClose(
          ACTIVATION_SAMPLE_POINTS.map((u) => want[k]!(u)),
          { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR },
        );
      for (const t of r.printed.text) expect(t).not.toMatch(/\d{7,}|EUL|SQRT/);
    });
  }

  it("prints the nested exponential without rational stand-ins for e, and its printed phi'' is the true value", () => {
    const formula = 'log(1+exp(1/(1+exp(u))))';
    const r = deriveActivation(formula);
    expect(activationAgreement(r).pass).toBe(true);
    for (const t of [...r.printed.text, ...r.printed.latex]) expect(t).not.toMatch(/\d{7,}/);
    const f = (u: number) => Math.log(1 + Math.exp(1 / (1 + Math.exp(u))));
    const printed = math.parse(r.printed.text[2]).compile().evaluate({ u: 0.05 }) as number;
    // Nested five-point stencils at h = 1e-3: truncation ~h^4, round-off ~eps/h^2 ~ 1e-10.
    expect([printed]).toBeAllClose([secondDerivative(f, 0.05)], { rtol: 1e-8, atol: 1e-9 });
    // The value the wrong nerdamer printout missed (it evaluated to -0.8727).
    expect([printed]).toBeAllClose([0.01858], { rtol: 0, atol: 5e-6 });
  });

  it("a user formula gives text, LaTeX and a passing check; phi'(u) = (1 - u^2)/(1 + u^2)^2 by hand", () => {
    const r = deriveActivation('u/(1+u^2)');
    expect(r.printed.text).toHaveLength(4);
    expect(r.printed.latex).toHaveLength(4);
    expect(activationAgreement(r).pass).toBe(true);
    expect([r.functions[1](0.5)]).toBeAllClose([(1 - 0.25) / 1.25 ** 2], { rtol: RTOL_VS_SYMBOLIC, atol: 0 });
  });

  it('keeps GELU exact: erf by the chain rule, sqrt(2) and pi as written', () => {
    const r = deriveActivation(ACTIVATIONS.gelu.formula);
    expect(r.printed.text[1]).toContain('sqrt(2)');
    expect(r.printed.text[1]).toContain('sqrt(pi)');
    for (const t of r.printed.text) expect(t).not.toMatch(/\d\.\d{5,}/);
  });

  it("roots no longer meet nerdamer's fractional-power defect: u sqrt(u^2 + 2) and sqrt(u^2 + 1) pass, phi'' and phi''' by hand", () => {
    // Raw nerdamer takes a root too many here (defects.test.ts); compileActivation writes roots
    // as exponentials first. By hand, s = sqrt(u^2 + k): (u s)'' = 3u/s - u^3/s^3,
    // (u s)''' = 3/s - 6u^2/s^3 + 3u^4/s^5; s'' = k/s^3, s''' = -3ku/s^5.
    const cases: [string, (u: number) => [number, number]][] = [
      [
        'u*sqrt(u^2+2)',
        (u) => {
          const s = Math.sqrt(u * u + 2);
          return [(3 * u) / s - u ** 3 / s ** 3, 3 / s - (6 * u * u) / s ** 3 + (3 * u ** 4) / s ** 5];
        },
      ],
      [
        'sqrt(u^2+1)',
        (u) => {
          const s = Math.sqrt(u * u + 1);
          return [1 / s ** 3, (-3 * u) / s ** 5];
        },
      ],
      [
        '(u^2+1)^(3/2)',
        (u) => {
          const s = Math.sqrt(u * u + 1);
          return [3 * s + (3 * u * u) / s, (9 * u) / s - (3 * u ** 3) / s ** 3];
        },
      ],
    ];
    for (const [formula, byHand] of cases) {
      const a = activationAgreement(deriveActivation(formula));
      expect(a.checks.map((c) => [c.against, c.pass])).toEqual([
        ['nerdamer', true],
        ['five-point-difference', true],
      ]);
      const [, , d2, d3] = compileActivation(formula);
      expect(ACTIVATION_SAMPLE_POINTS.flatMap((u) => [d2(u), d3(u)])).toBeAllClose(ACTIVATION_SAMPLE_POINTS.flatMap(byHand), { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR });
    }
  });

  it('fails its own check where a leg cannot confirm the printout (tanh(20u) is too steep for the five-point step)', () => {
    const a = activationAgreement(deriveActivation('tanh(20*u)'));
    expect(a.pass).toBe(false);
    expect(a.checks.find((c) => c.against === 'nerdamer')!.pass).toBe(true);
    expect(a.checks.find((c) => c.against === 'five-point-difference')!.pass).toBe(false);
  });

  it.each([
    ['x', /neither a named activation .* nor a formula in u/],
    ['u+', /is not a formula/],
    [')(', /is not a formula/],
    ['', /empty formula/],
    ['   ', /empty formula/],
    ['abs(u)', /abs\(\.\.\.\) is not three times differentiable/],
    ['max(u, 0)', /max\(\.\.\.\) is not three times differentiable/],
    ['relu', /neither a named activation/],
    ['constructor', /neither a named activation/],
    ['sqrt(-1)', /does not depend on u/],
    ['log(u)', /not finite at u = -30/],
    ['1/u', /not finite at u = 0/],
    ['u*x', /uses x; a formula has one variable, u/],
    ['foo(u)', /unknown function foo/],
  ])('refuses %j with one line', (formula, message) => {
    let err: unknown;
    try {
      deriveActivation(formula);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ActivationFormulaError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });
});
