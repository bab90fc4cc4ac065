/**
 * The activations from their defining formulas, over any `Algebra`. Their derivatives are
 * whatever the chain rule over exp/expm1/log1p/erfc and + - * / makes of them: nothing here
 * knows phi', phi'' or phi'''. That is what lets `activations.test.ts` check `@hsr/numeric`'s
 * ACTIVATIONS derivative table.
 *
 * Each formula is written in one of two algebraically identical forms, chosen by the sign of
 * the real part, so that no exp overflows and no tail cancels:
 *   sigmoid  1/(1+e^{-u})                       (u >= 0)   e^u/(1+e^u)             (u < 0)
 *   tanh     (1-e^{-2u})/(1+e^{-2u}) = -m/(2+m), m = expm1(-2u)   (u >= 0), odd mirror (u < 0)
 *   softplus log(1+e^u) = u + log1p(e^{-u})      (u >= 0)   log1p(e^u)              (u < 0)
 *   silu     u sigmoid(u)
 *   gelu     u Phi(u),  Phi(u) = erfc(-u/\sqrt2)/2 = (1 + erf(u/\sqrt2))/2
 * The branch is on the value only; both forms are the same analytic function, so every
 * derivative is the same on either side.
 */
import type { Activation } from '@hsr/numeric';
import type { Algebra } from './algebra.ts';

export function sigmoidOver<T>(A: Algebra<T>, u: T): T {
  const one = A.constant(1);
  if (A.real(u) >= 0) return A.div(one, A.shift(A.exp(A.neg(u)), 1));
  const e = A.exp(u);
  return A.div(e, A.shift(e, 1));
}

export function tanhOver<T>(A: Algebra<T>, u: T): T {
  const positive = A.real(u) >= 0;
  const m = A.expm1(A.scale(u, positive ? -2 : 2));
  const t = A.div(m, A.shift(m, 2));
  return positive ? A.neg(t) : t;
}

export function softplusOver<T>(A: Algebra<T>, u: T): T {
  if (A.real(u) >= 0) return A.add(u, A.log1p(A.exp(A.neg(u))));
  return A.log1p(A.exp(u));
}

export function siluOver<T>(A: Algebra<T>, u: T): T {
  return A.mul(u, sigmoidOver(A, u));
}

export function normalCdfOver<T>(A: Algebra<T>, u: T): T {
  return A.scale(A.erfc(A.scale(u, -Math.SQRT1_2)), 0.5);
}

export function geluOver<T>(A: Algebra<T>, u: T): T {
  return A.mul(u, normalCdfOver(A, u));
}

/** Exhaustive: a new `Activation` without a defining formula here is a compile error. */
const DEFINITIONS: { readonly [K in Activation]: <T>(A: Algebra<T>, u: T) => T } = {
  sigmoid: sigmoidOver,
  tanh: tanhOver,
  softplus: softplusOver,
  silu: siluOver,
  gelu: geluOver,
};

/** phi(u) for the named activation, over any algebra. */
export function activationOver<T>(A: Algebra<T>, name: Activation, u: T): T {
  return DEFINITIONS[name](A, u);
}
