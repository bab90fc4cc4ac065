/**
 * deriveActivation: both engines' phi', phi'', phi''' agree with each other and with the
 * hand-written table of @hsr/numeric for every built-in activation, and a user formula
 * works end to end. The numeric table is an independent implementation (closed forms in
 * sigmoid / tanh / normal pdf), so agreement is not circular.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, ACTIVATION_NAMES } from '@hsr/numeric';
import { ATOL_FLOOR, RTOL_VS_SYMBOLIC } from '@hsr/testkit';
import { activationAgreement } from '@hsr/crosscheck';
import { ACTIVATION_SAMPLE_POINTS, compileActivation, deriveActivation } from '../src/index.ts';

describe('deriveActivation', () => {
  for (const name of ACTIVATION_NAMES) {
    it(`${name}: engines agree and match @hsr/numeric's phi..phi''' at the sample points`, () => {
      const rule = ACTIVATIONS[name];
      const r = deriveActivation(rule.formula);
      const agreement = activationAgreement(r);
      expect(agreement.pass).toBe(true);
      if (name === 'gelu') {
        expect(r.mathjs).toBeNull();
        expect(r.mathjsSkipReason).toMatch(/erf/);
        expect(agreement.against).toBe('five-point-difference');
      } else expect(agreement.against).toBe('mathjs');
      const fns = compileActivation(rule.formula);
      const want = [rule.phi, rule.d1, rule.d2, rule.d3];
      for (let k = 0; k < 4; k++)
        expect(ACTIVATION_SAMPLE_POINTS.map((u) => fns[k]!(u))).toBeAllClose(
          ACTIVATION_SAMPLE_POINTS.map((u) => want[k]!(u)),
          { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR },
        );
    });
  }

  it('a user formula (a scaled softsign-like smooth unit) gives text, LaTeX and a passing check', () => {
    const r = deriveActivation('u/(1+u^2)');
    expect(r.nerdamer.text).toHaveLength(4);
    expect(r.mathjs?.latex).toHaveLength(4);
    expect(activationAgreement(r).pass).toBe(true);
    // phi'(u) = (1 - u^2)/(1 + u^2)^2 by hand.
    const d1 = compileActivation('u/(1+u^2)')[1];
    expect([d1(0.5)]).toBeAllClose([(1 - 0.25) / 1.25 ** 2], { rtol: RTOL_VS_SYMBOLIC, atol: 0 });
  });

  it('flags nerdamer LaTeX with a baseless exponent (GELU, upstream #358)', () => {
    expect(deriveActivation(ACTIVATIONS.gelu.formula).latexWarnings.length).toBeGreaterThan(0);
    expect(deriveActivation(ACTIVATIONS.tanh.formula).latexWarnings).toEqual([]);
  });

  it('rejects a formula without u', () => {
    expect(() => deriveActivation('exp(x)')).toThrow(/variable u/);
  });
});
