/**
 * formulaInput.ts: `--activation` is a built-in name or a formula in u over known functions,
 * finite and real at the comparison points; everything else is one UsageError naming the
 * flag, before nerdamer or mathjs see it (they threw engine errors and stack traces).
 */
import { fc, test as propTest } from '@fast-check/vitest';
import { ACTIVATION_SAMPLE_POINTS } from '@hsr/symbolic';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { checkActivationInput } from '../src/formulaInput.ts';

const refusal = (value: string): string => {
  try {
    checkActivationInput(value, ACTIVATION_SAMPLE_POINTS);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
};

describe('checkActivationInput', () => {
  test.each(['tanh', 'gelu', 'log(1+exp(u))', 'u*tanh(log(1+exp(u)))', '1/(1+exp(-u))', 'u^3 - 2*u', '-u', 'u*(1+erf(u/sqrt(2)))/2', 'sin(pi*u) + e'])('accepts %s', (value) => {
    expect(checkActivationInput(value, ACTIVATION_SAMPLE_POINTS)).toBe(value);
  });

  const cases: [string, string][] = [
    ['', '--activation: expected a name (sigmoid, tanh, softplus, silu, gelu) or a formula in u such as "log(1+exp(u))", got ""'],
    ['u+', '--activation: "u+" cannot be parsed: ends where a value was expected'],
    [')(', '--activation: ")(" cannot be parsed: unexpected ")" at position 1'],
    ['x', '--activation: "x" is not a built-in activation (sigmoid, tanh, softplus, silu, gelu) nor a formula in u such as "log(1+exp(u))"'],
    ['relu', '--activation: "relu" is not a built-in activation (sigmoid, tanh, softplus, silu, gelu) nor a formula in u such as "log(1+exp(u))"'],
    ['constructor', '--activation: "constructor" is not a built-in activation (sigmoid, tanh, softplus, silu, gelu) nor a formula in u such as "log(1+exp(u))"'],
    ['log(u)', '--activation: "log(u)" is not a finite real number at u = -2.1 (an activation must be defined on the whole real line)'],
    ['sqrt(-1)', '--activation: "sqrt(-1)" does not use the variable u'],
    ['x*u', '--activation: "x*u" cannot be parsed: unknown name "x" at position 1 (the variable is u; functions: exp, log, sqrt, tanh, sinh, cosh, sin, cos, atan, erf; constants: e, pi)'],
    ['exp(u', '--activation: "exp(u" cannot be parsed: expected ")" at the end'],
    ['2u', '--activation: "2u" cannot be parsed: unexpected text at position 2'],
    ['u # 1', '--activation: "u # 1" cannot be parsed: unexpected "#" at position 3'],
    ['abs(u)', "--activation: \"abs(u)\" cannot be parsed: abs at position 1 is not three times differentiable everywhere (the bound needs phi', phi'', phi'''); use a smooth form such as softplus or sqrt(u^2 + 0.01)"],
    [
      'u*max(u, 0)',
      "--activation: \"u*max(u, 0)\" cannot be parsed: max at position 3 is not three times differentiable everywhere (the bound needs phi', phi'', phi'''); use a smooth form such as softplus or sqrt(u^2 + 0.01)",
    ],
    ['toString(u)', '--activation: "toString(u)" cannot be parsed: unknown name "toString" at position 1 (the variable is u; functions: exp, log, sqrt, tanh, sinh, cosh, sin, cos, atan, erf; constants: e, pi)'],
  ];
  test.each(cases)('refuses %j', (value, message) => {
    expect(refusal(value)).toBe(message);
  });

  propTest.prop([fc.string({ maxLength: 60 })], { numRuns: 500 })('any text is accepted or refused with one line naming the flag, never another error', (value) => {
    try {
      checkActivationInput(value, ACTIVATION_SAMPLE_POINTS);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(/^--activation: [^\n]*$/);
    }
  });
});
