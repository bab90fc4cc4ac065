/**
 * Named properties of the symbolic leg (symbolicLeg.ts): the implementation under test
 * against derivatives that nerdamer, and separately mathjs, obtained from the loss text.
 *
 *   name                          quantity under test                                    oracle
 *   traces-equal-nerdamer         loss, gradient, Hessian block, T1, T2, five WS bounds  nerdamer derivation
 *                                 (Gauss–Newton: the block of J^T S J, T1, T2, bounds)   (J, S derived, gaussNewton.ts)
 *   traces-equal-mathjs           the same                                               mathjs derivation
 *   trace-gradients-equal-nerdamer grad T1, T2, upper, lower, range bound (any block)     nerdamer, third order
 *   trace-gradients-equal-mathjs  the same                                               mathjs, third order
 *
 * One property per engine, so the audit names the engine that disagrees and says per engine
 * why it did not run (GELU in mathjs, P or N over SYMBOLIC_LIMITS, Gauss–Newton).
 */
import { BOUND_KINDS, BOUND_VALUE_KEYS, type BoundKind, type WolkowiczStyanBounds } from '@hsr/numeric';
import type { SymbolicBounds, SymbolicQuantities } from '@hsr/symbolic';
import { boundRoundoff, gradientMagnitudes, traceRoundoff } from './magnitudes.ts';
import { comparePart, hessianEntryName, outcome, parameterName, skipped, type Part } from './outcome.ts';
import { CLOSED_FORM_ROUNDOFF_UNITS, EPS, RTOL_VS_SYMBOLIC } from './tolerances.ts';
import { boundKinkReason, define, implTraces, lengthScales, memo, variantKey, type NamedProperty } from './properties.ts';
import { symbolicBlock, symbolicEvaluation, symbolicGaussNewton, type SymbolicEvaluation } from './symbolicLeg.ts';
import type { SymbolicEngine } from './symbolicLimits.ts';
import type { Implementations } from './implementations.ts';
import type { CheckCase } from './cases.ts';

/** Why the symbolic legs' tolerance is what it is (the layered symbolic properties share it). */
export const SYMBOLIC_WHY =
  'computer-algebra derivatives compiled to float64 sum the same terms in a different order: round-off ~P eps times the condition, relative to the largest entry, with absolute floors of 64 eps times the term magnitudes, where a hidden activation counts |z| + 1 + |u| because the compiled formulas (1 + erf, log(1 + e^u)) know phi only to an absolute eps (1 + |u|)';

/** Round-off floors of T1, T2 for the symbolic leg: the closed forms' with activations as written (magnitudes.ts). */
function symbolicRoundoff(c: CheckCase): { traceH: number; traceH2: number } {
  return memo(c, `symbolic-roundoff:${variantKey(c.variant)}`, () => traceRoundoff(c.model, c.data, c.variant, { asWritten: true }));
}

/** The audit leg of an engine: `symbolic (nerdamer)`, `symbolic (mathjs)`. */
export const symbolicLegName = (engine: SymbolicEngine) => `symbolic (${engine})`;

function evaluation(c: CheckCase, engine: SymbolicEngine): SymbolicEvaluation | string {
  return memo(c, `symbolic:${engine}:${variantKey(c.variant)}`, () => symbolicEvaluation(c, engine));
}

/** What both curvatures compare: the block matrix, its traces and the engine's bounds of them. */
export interface SymbolicCurvature {
  size: number;
  matrix: Float64Array;
  traceH: number;
  traceH2: number;
  bounds: SymbolicBounds;
}

/** The closed forms' side of a curvature comparison: the dense block, its closed-form T1, T2, P_b and bounds. */
export interface ClosedFormCurvature {
  hessian: Float64Array;
  traceH: number;
  traceH2: number;
  bounds: WolkowiczStyanBounds;
}

/**
 * The implementation's dense block, T1, T2 and five bounds against the engine's, with the round-off
 * floors `r` of T1, T2 (shared by the two-layer and the layered symbolic properties).
 */
export function symbolicCurvatureParts(leg: string, mine: ClosedFormCurvature, g: SymbolicCurvature, r: { traceH: number; traceH2: number }, entryName: (index: number) => string): Part[] {
  const boundScale = Math.abs(g.bounds.mean) + g.bounds.spread * Math.sqrt(g.size);
  const boundAtol = boundRoundoff(g.traceH, g.traceH2, g.size, r.traceH, r.traceH2);
  return [
    comparePart('hessian', leg, mine.hessian, g.matrix, { rtol: RTOL_VS_SYMBOLIC, atol: r.traceH, name: entryName }),
    comparePart('traceH', leg, mine.traceH, g.traceH, { rtol: RTOL_VS_SYMBOLIC, scale: Math.abs(g.traceH) + Math.sqrt(g.size * Math.abs(g.traceH2)), atol: r.traceH }),
    comparePart('traceH2', leg, mine.traceH2, g.traceH2, { rtol: RTOL_VS_SYMBOLIC, atol: r.traceH2 }),
    // The engine's bounds come from its own outer layer applied to its own block traces.
    ...BOUND_VALUE_KEYS.map((k) => comparePart(k, leg, mine.bounds[k], g.bounds[k], { rtol: RTOL_VS_SYMBOLIC, scale: boundScale, atol: boundAtol })),
  ];
}

/** The implementation's dense block, T1, T2 and five bounds against the engine's. */
function curvatureParts(c: CheckCase, impl: Implementations, leg: string, g: SymbolicCurvature): Part[] {
  const t = implTraces(c, impl);
  const mine = { hessian: impl.denseHessian(c.model, c.data, c.variant).data, traceH: t.traceH, traceH2: t.traceH2, bounds: impl.wolkowiczStyanBounds(t.traceH, t.traceH2, t.P) };
  return symbolicCurvatureParts(leg, mine, g, symbolicRoundoff(c), hessianEntryName(c.model, c.variant.block));
}

/**
 * Closed-form gradients of T1, T2 (and, unless `boundGradient` is null near the kink, of the
 * upper, lower and range bounds) against the engine's third-order ones, with the floors `r`
 * over each coordinate's length scale `l`.
 */
export function symbolicGradientParts(
  leg: string,
  tg: { gradTraceH: Float64Array; gradTraceH2: Float64Array },
  q: SymbolicQuantities,
  r: { traceH: number; traceH2: number },
  l: Float64Array,
  parameter: (index: number) => string,
  boundGradient: { atol: number; of: (kind: BoundKind) => Float64Array } | null,
): Part[] {
  const parts: Part[] = [
    comparePart('gradTraceH', leg, tg.gradTraceH, q.gradTraceH, { rtol: RTOL_VS_SYMBOLIC, atol: Float64Array.from(l, (x) => r.traceH / x), name: (i) => `dT1/d${parameter(i)}` }),
    comparePart('gradTraceH2', leg, tg.gradTraceH2, q.gradTraceH2, { rtol: RTOL_VS_SYMBOLIC, atol: Float64Array.from(l, (x) => r.traceH2 / x), name: (i) => `dT2/d${parameter(i)}` }),
  ];
  if (boundGradient) {
    const atol = Float64Array.from(l, (x) => boundGradient.atol / x);
    const symbolic = { upper: q.upperBoundGradient, lower: q.lowerBoundGradient, range: q.rangeBoundGradient };
    for (const of of BOUND_KINDS) parts.push(comparePart(`boundGradient.${of}`, leg, boundGradient.of(of), symbolic[of], { rtol: RTOL_VS_SYMBOLIC, atol, name: (j) => `d${of}/d${parameter(j)}` }));
  }
  return parts;
}

function tracesEqualSymbolic(engine: SymbolicEngine): NamedProperty {
  const leg = symbolicLegName(engine);
  return define({
    name: `traces-equal-${engine}`,
    description: `the loss, its gradient, the dense Hessian block, closed-form T1, T2 and the five WS bounds equal the ${engine} derivation of the loss (Gauss–Newton: the block of J^T S J, T1, T2, bounds)`,
    leg,
    tolerance: { rtol: RTOL_VS_SYMBOLIC, why: SYMBOLIC_WHY },
    run(c, impl) {
      if (c.variant.curvature === 'gauss-newton') {
        const g = memo(c, `symbolic-gn:${engine}:${variantKey(c.variant)}`, () => symbolicGaussNewton(c, engine));
        return typeof g === 'string' ? skipped(g) : outcome(curvatureParts(c, impl, leg, g));
      }
      const e = evaluation(c, engine);
      if (typeof e === 'string') return skipped(e);
      const q = e.quantities;
      const magnitudes = gradientMagnitudes(c.model, c.data, c.variant.reduction, { asWritten: true });
      const gradientAtol = Array.from(magnitudes.gradient, (m) => CLOSED_FORM_ROUNDOFF_UNITS * EPS * m);
      return outcome([
        comparePart('loss', leg, impl.loss(c.model, c.data, c.variant.reduction), q.loss, { rtol: RTOL_VS_SYMBOLIC, atol: CLOSED_FORM_ROUNDOFF_UNITS * EPS * magnitudes.loss }),
        comparePart('lossGradient', leg, impl.lossGradient(c.model, c.data, c.variant.reduction), q.gradient, { rtol: RTOL_VS_SYMBOLIC, atol: gradientAtol, name: (i) => `dL/d${parameterName(c.model, i)}` }),
        ...curvatureParts(c, impl, leg, { ...symbolicBlock(c, q), traceH: q.traceH, traceH2: q.traceH2, bounds: q.bounds }),
      ]);
    },
  });
}

function traceGradientsEqualSymbolic(engine: SymbolicEngine): NamedProperty {
  const leg = symbolicLegName(engine);
  return define({
    name: `trace-gradients-equal-${engine}`,
    description: `closed-form gradients of T1, T2 and the upper, lower and range bounds (of the case's block) equal the ${engine} third-order derivation`,
    leg,
    tolerance: { rtol: RTOL_VS_SYMBOLIC, why: `${SYMBOLIC_WHY}; the bound gradient is skipped near the kink R = 0 like the other legs` },
    run(c, impl) {
      if (c.variant.curvature === 'gauss-newton') return skipped('the symbolic Gauss–Newton leg derives J and S to first order only; its trace gradients are not derived');
      const e = evaluation(c, engine);
      if (typeof e === 'string') return skipped(e);
      if (e.order < 3) return skipped(`P = ${e.quantities.parameters} exceeds the ${engine} third-order limit (see SYMBOLIC_LIMITS)`);
      const r = symbolicRoundoff(c);
      const t = implTraces(c, impl);
      const kinked = boundKinkReason(t.traceH, t.traceH2, t.P, r.traceH, r.traceH2);
      const bounds = kinked ? null : { atol: boundRoundoff(t.traceH, t.traceH2, t.P, r.traceH, r.traceH2), of: (of: BoundKind) => impl.boundGradient(c.model, c.data, c.variant, of).gradient };
      return outcome(symbolicGradientParts(leg, impl.traceGradients(c.model, c.data, c.variant), e.quantities, r, lengthScales(c), (i) => parameterName(c.model, i), bounds));
    },
  });
}

export const tracesEqualNerdamer = tracesEqualSymbolic('nerdamer');
export const tracesEqualMathjs = tracesEqualSymbolic('mathjs');
export const traceGradientsEqualNerdamer = traceGradientsEqualSymbolic('nerdamer');
export const traceGradientsEqualMathjs = traceGradientsEqualSymbolic('mathjs');

/** The symbolic properties, nerdamer before mathjs for each quantity group. */
export const SYMBOLIC_PROPERTIES: readonly NamedProperty[] = [tracesEqualNerdamer, tracesEqualMathjs, traceGradientsEqualNerdamer, traceGradientsEqualMathjs];
