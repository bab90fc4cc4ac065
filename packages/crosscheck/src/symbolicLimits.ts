/**
 * Where the symbolic leg runs, as constants that load no computer-algebra engine: the engines,
 * the largest networks each derives (SYMBOLIC_LIMITS, measured in symbolicLeg.ts) and the
 * generated cases small enough for both. The package index exports these; the leg itself
 * (nerdamer and mathjs, ~2 s to load) is `@hsr/crosscheck/symbolic`.
 */
import type { CaseOptions } from './arbitraries.ts';

export const SYMBOLIC_ENGINES = ['nerdamer', 'mathjs'] as const;
export type SymbolicEngine = (typeof SYMBOLIC_ENGINES)[number];

/**
 * Largest parameter count P each engine derives to second and to third order, and the
 * largest N for mathjs (whose expression holds every sample). Chosen from the cost table in
 * symbolicLeg.ts so one derivation costs at most a few seconds.
 */
export const SYMBOLIC_LIMITS = {
  nerdamer: { second: 6, third: 3 },
  mathjs: { second: 12, third: 6, samples: 3 },
  /** Gauss–Newton needs only c P first derivatives of the logits (either engine, any N). */
  gaussNewton: 40,
} as const;

/**
 * Generated cases small enough for both engines: d, h in 1..2, c = 2, N in 1..2, unit-order
 * weight scales (and, as by default, every reduction, block and curvature). Saturated and near-zero
 * regimes stay with the other legs: the compiled symbolic expressions evaluate log(1 + e^u)
 * and e^v as written, without the closed forms' stabilisation, so a disagreement there would
 * say nothing about the closed forms.
 */
export const SYMBOLIC_CASE_OPTIONS: CaseOptions = {
  inputDim: [1, 2],
  hiddenDim: [1, 2],
  classes: [2, 2],
  samples: [1, 2],
  weightScales: [
    { weight: 2, scale: 1 },
    { weight: 1, scale: 0.3 },
    { weight: 1, scale: 2 },
  ],
};
