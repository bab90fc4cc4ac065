/**
 * Each activation and its first three derivatives as executable definitions in the scalar u
 * (eq:activation-*): the textbook identities, in the auxiliary functions they are usually
 * written in (\sigma, \tanh, \Phi, \phi). One exhaustive table, so a new activation without its
 * four formulas is a compile error. The sweep evaluates them at sample points and compares with
 * @hsr/numeric's table (written for float64 in the tails, a different evaluation) and with the
 * two engines' derivatives of numeric's defining formula text.
 */
import type { Activation } from '@hsr/numeric';
import { add, apply, define, div, exp, input, log, mul, neg, num, pow, ref, sqrt, sub, type Definition, type Expr } from '../notation/expression.ts';
import { notation } from './network.ts';

export const U_SCALAR = input('uScalar', [], notation('u', 'u'), 'pre-activation');

export interface ActivationDefinitions {
  /** Auxiliary functions of u the derivatives are written in. */
  readonly auxiliary: readonly Definition[];
  /** phi, phi', phi'', phi'''. */
  readonly derivatives: readonly [Definition, Definition, Definition, Definition];
}

const u = ref(U_SCALAR);
const ORDER_LATEX = ['\\varphi(u)', "\\varphi'(u)", "\\varphi''(u)", "\\varphi'''(u)"];
const ORDER_TEXT = ['phi(u)', "phi'(u)", "phi''(u)", "phi'''(u)"];

function derivatives(name: Activation, bodies: readonly [Expr, Expr, Expr, Expr]): ActivationDefinitions['derivatives'] {
  return bodies.map((b, k) =>
    define(`act.${name}.${k}`, [], notation(ORDER_LATEX[k]!, ORDER_TEXT[k]!, { decorated: true }), k === 0 ? `the ${name} activation` : `its derivative of order ${k}`, b),
  ) as unknown as ActivationDefinitions['derivatives'];
}

const aux = (name: string, latex: string, text: string, meaning: string, body: Expr) => define(name, [], notation(latex, text), meaning, body);

const SIGMA = aux('act.sigma', '\\sigma', 'sigma', 'the logistic function', div(num(1), add(num(1), exp(neg(u)))));
const s = ref(SIGMA);
const oneMinus = (x: Expr) => sub(num(1), x);
/** sigma', sigma'', sigma''' in sigma: s(1-s), s(1-s)(1-2s), s(1-s)(1-6s+6s^2). */
const sigma1 = mul(s, oneMinus(s));
const sigma2 = mul(s, oneMinus(s), sub(num(1), mul(num(2), s)));
const sigma3 = mul(s, oneMinus(s), add(sub(num(1), mul(num(6), s)), mul(num(6), pow(s, 2))));

const TANH = aux('act.t', 't', 't', '$\\tanh u$', apply('tanh', u));
const t = ref(TANH);

const GAUSS_CDF = aux('act.Phi', '\\Phi', 'Phi', 'the standard normal distribution function', mul(num(0.5), add(num(1), apply('erf', div(u, sqrt(num(2)))))));
const GAUSS_PDF = aux('act.pdf', '\\phi', 'pdf', 'the standard normal density', div(exp(neg(div(pow(u, 2), num(2)))), sqrt(mul(num(2), num(Math.PI)))));
const Phi = ref(GAUSS_CDF);
const pdf = ref(GAUSS_PDF);

export const ACTIVATION_DEFINITIONS: { readonly [A in Activation]: ActivationDefinitions } = {
  sigmoid: { auxiliary: [SIGMA], derivatives: derivatives('sigmoid', [s, sigma1, sigma2, sigma3]) },
  tanh: {
    auxiliary: [TANH],
    derivatives: derivatives('tanh', [t, oneMinus(pow(t, 2)), mul(num(-2), t, oneMinus(pow(t, 2))), mul(num(-2), oneMinus(pow(t, 2)), sub(num(1), mul(num(3), pow(t, 2))))]),
  },
  softplus: { auxiliary: [SIGMA], derivatives: derivatives('softplus', [log(add(num(1), exp(u))), s, sigma1, sigma2]) },
  silu: { auxiliary: [SIGMA], derivatives: derivatives('silu', [mul(u, s), add(s, mul(u, sigma1)), add(mul(num(2), sigma1), mul(u, sigma2)), add(mul(num(3), sigma2), mul(u, sigma3))]) },
  gelu: {
    auxiliary: [GAUSS_CDF, GAUSS_PDF],
    derivatives: derivatives('gelu', [mul(u, Phi), add(Phi, mul(u, pdf)), mul(pdf, sub(num(2), pow(u, 2))), mul(pdf, sub(pow(u, 3), mul(num(4), u)))]),
  },
};
