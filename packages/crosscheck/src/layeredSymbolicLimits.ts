/**
 * Where the symbolic leg runs on MLPs of any depth, as constants that load no computer-algebra
 * engine (the leg itself is layeredSymbolicProperties.ts, behind `@hsr/crosscheck/symbolic`).
 *
 * Measured on the 2-core machine (symbolicLayered.ts in @hsr/symbolic: derive and compile every
 * entry of one per-sample loss; cross-entropy; an idle machine, except the second table's
 * nerdamer columns, measured at load 9 on the 2 cores, about 3x slower):
 *
 *   widths, bias      P   nerdamer tanh order 2 / 3   nerdamer GELU order 2   mathjs tanh order 3
 *   1-1-1-2           4   1.1 s / 8.6 s               10 s                    0.7 s
 *   1-1-1-1-2         5   2.9 s / 35 s                109 s                   0.2 s
 *   1-1-1-2, bias     8   7.0 s (order 2)             -                       0.4 s
 *   1-1-1-1-2, bias  10   -                           -                       1.1 s
 *   2-2-2-2, bias    18   -                           -                       8.6 s
 *
 *   nerdamer order 2 (loaded)   tanh    softplus   sigmoid   SiLU     mathjs order 3, P = 10, bias (loaded)
 *   1-1-1-2, P = 4              3.0 s   3.8 s      7.5 s     22 s     tanh 2.7 s, softplus 1.5 s,
 *   1-1-1-1-2, P = 5            5.6 s   27 s       24 s      223 s    sigmoid 3.7 s, SiLU 5.5 s
 *
 * nerdamer's cost grows with the nesting of exponentials (the sigmoid inside SiLU, erf inside
 * GELU), mathjs's hardly: it derives one per-sample loss with label symbols, so any N costs only
 * evaluations, while nerdamer derives it once per label. As for two layers (SYMBOLIC_LIMITS), one
 * derivation stays within a few seconds by default: nerdamer to second order (Hessian, traces,
 * bounds) up to P = 5 for tanh and P = 4 for softplus and sigmoid, mathjs to third order (trace
 * and bound gradients too) up to P = 10 and second up to P = 18. The slow suite
 * (LAYERED_SYMBOLIC_SLOW_LIMITS) also takes nerdamer to third order at P = 4 and every activation
 * to second order.
 */
import { ACTIVATION_NAMES, type Activation } from '@hsr/numeric';
import type { LayeredCaseOptions } from './arbitraries.ts';

/** Largest P an engine derives to second and to third order (0: never). */
export interface DerivationLimit {
  readonly second: number;
  readonly third: number;
}

/** Largest P each engine derives at depth; nerdamer's per activation (a network takes the smallest of its layers'). */
export interface LayeredSymbolicLimits {
  readonly nerdamer: Readonly<Record<Activation, DerivationLimit>>;
  readonly mathjs: DerivationLimit;
}

export const LAYERED_SYMBOLIC_LIMITS: LayeredSymbolicLimits = {
  nerdamer: { tanh: { second: 5, third: 0 }, softplus: { second: 4, third: 0 }, sigmoid: { second: 4, third: 0 }, silu: { second: 0, third: 0 }, gelu: { second: 0, third: 0 } },
  mathjs: { second: 18, third: 10 },
};

/** The slow suite's limits: nerdamer to third order at P = 4 (8.6 s for tanh), SiLU and GELU to second order at P = 4 (10 to 20 s). */
export const LAYERED_SYMBOLIC_SLOW_LIMITS: LayeredSymbolicLimits = {
  nerdamer: { tanh: { second: 5, third: 4 }, softplus: { second: 5, third: 4 }, sigmoid: { second: 5, third: 4 }, silu: { second: 4, third: 0 }, gelu: { second: 4, third: 0 } },
  mathjs: { second: 18, third: 10 },
};

/** nerdamer's limit for a network with these activations: the smallest over them. */
export function nerdamerLimit(limits: LayeredSymbolicLimits, activations: readonly Activation[]): DerivationLimit {
  const own = activations.length > 0 ? activations : ACTIVATION_NAMES;
  return { second: Math.min(...own.map((a) => limits.nerdamer[a].second)), third: Math.min(...own.map((a) => limits.nerdamer[a].third)) };
}

/**
 * Generated layered cases small enough for both engines at depth L: widths 1, c = 2, N in
 * 1..2, unit-order weight scales, the Hessian (the symbolic leg differentiates the loss; the
 * Gauss–Newton part is no derivative of it), any block of layers, every reduction, loss and
 * activation, biases on and off. As for two layers (SYMBOLIC_CASE_OPTIONS), saturated regimes stay
 * with the other legs: the compiled expressions evaluate log(1 + e^u) and e^v as written.
 */
export function layeredSymbolicCaseOptions(depth: number): LayeredCaseOptions {
  return {
    depth: [depth, depth],
    width: [1, 1],
    classes: [2, 2],
    samples: [1, 2],
    curvatures: ['hessian'],
    weightScales: [
      { weight: 2, scale: 1 },
      { weight: 1, scale: 0.5 },
    ],
  };
}
