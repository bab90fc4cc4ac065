/**
 * The number interface the loss is written against once (`loss.ts`): plain float64 for the
 * value, truncated Taylor jets (`jet.ts`) for its derivatives. Anything that implements these
 * operations exactly to its truncation order differentiates the loss definition itself.
 */
import { erfcRule, expm1Rule, expRule, log1pRule, logRule, sqrtRule, type Derivatives } from './elementary.ts';

export interface Algebra<T> {
  constant(c: number): T;
  /** The float64 value (the real part) of x; used only for branch and shift choices. */
  real(x: T): number;
  add(x: T, y: T): T;
  sub(x: T, y: T): T;
  mul(x: T, y: T): T;
  div(x: T, y: T): T;
  neg(x: T): T;
  /** \sum_i x_i (0 for none), as one operation so that jets merge their supports once. */
  sum(xs: readonly T[]): T;
  /** c x for a constant c. */
  scale(x: T, c: number): T;
  /** x + c for a constant c. */
  shift(x: T, c: number): T;
  exp(x: T): T;
  expm1(x: T): T;
  log(x: T): T;
  log1p(x: T): T;
  erfc(x: T): T;
  sqrt(x: T): T;
  /**
   * The first-order truncation of x: value and first derivatives in the Taylor directions
   * kept, second derivatives in those directions dropped. Identity on plain numbers. Used for
   * the Gauss–Newton curvature (linearised logits).
   */
  linearize(x: T): T;
}

const value = (rule: (a: number) => Derivatives) => (a: number) => rule(a)[0];

/** Plain float64: the loss value, and the reference for the jets' value parts. */
export const NUMBER_ALGEBRA: Algebra<number> = {
  constant: (c) => c,
  real: (x) => x,
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  neg: (x) => -x,
  sum: (xs) => {
    let s = 0;
    for (const x of xs) s += x;
    return s;
  },
  scale: (x, c) => c * x,
  shift: (x, c) => x + c,
  exp: value(expRule),
  expm1: value(expm1Rule),
  log: value(logRule),
  log1p: value(log1pRule),
  erfc: value(erfcRule),
  sqrt: value(sqrtRule),
  linearize: (x) => x,
};
