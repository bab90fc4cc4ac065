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
import { BOUND_KINDS, BOUND_VALUE_KEYS } from '@hsr/numeric';
import type { SymbolicBounds } from '@hsr/symbolic';
import { boundRoundoff, gradientMagnitudes, traceRoundoff } from './magnitudes.ts';
import { comparePart, hessianEntryName, outcome, parameterName, skipped, type Part } from './outcome.ts';
import { CLOSED_FORM_ROUNDOFF_UNITS, EPS, RTOL_VS_SYMBOLIC } from './tolerances.ts';
import { boundKinkReason, define, implTraces, lengthScales, memo, variantKey, type NamedProperty } from './properties.ts';
import { symbolicBlock, symbolicEvaluation, symbolicGaussNewton, type SymbolicEvaluation } from './symbolicLeg.ts';
import type { SymbolicEngine } from './symbolicLimits.ts';
import type { Implementations } from './implementations.ts';
import type { CheckCase } from './cases.ts';

const WHY =
  'computer-algebra derivatives compiled to float64 sum the same terms in a different order: round-off ~P eps times the condition, relative to the largest entry, with absolute floors of 64 eps times the term magnitudes, where a hidden activation counts |z| + 1 + |u| because the compiled formulas (1 + erf, log(1 + e^u)) know phi only to an absolute eps (1 + |u|)';

/** Round-off floors of T1, T2 for the symbolic leg: the closed forms' with activations as written (magnitudes.ts). */
function symbolicRoundoff(c: CheckCase): { traceH: number; traceH2: number } {
  return memo(c, `symbolic-roundoff:${variantKey(c.variant)}`, () => traceRoundoff(c.model, c.data, c.variant, { asWritten: true }));
}

const legName = (engine: SymbolicEngine) => `symbolic (${engine})`;

function evaluation(c: CheckCase, engine: SymbolicEngine): SymbolicEvaluation | string {
  return memo(c, `symbolic:${engine}:${variantKey(c.variant)}`, () => symbolicEvaluation(c, engine));
}

/** What both curvatures compare: the block matrix, its traces and the engine's bounds of them. */
interface SymbolicCurvature {
  size: number;
  matrix: Float64Array;
  traceH: number;
  traceH2: number;
  bounds: SymbolicBounds;
}

/** The implementation's dense block, T1, T2 and five bounds against the engine's. */
function curvatureParts(c: CheckCase, impl: Implementations, leg: string, g: SymbolicCurvature): Part[] {
  const r = symbolicRoundoff(c);
  const t = implTraces(c, impl);
  const mine = impl.wolkowiczStyanBounds(t.traceH, t.traceH2, t.P);
  const boundScale = Math.abs(g.bounds.mean) + g.bounds.spread * Math.sqrt(g.size);
  const boundAtol = boundRoundoff(g.traceH, g.traceH2, g.size, r.traceH, r.traceH2);
  return [
    comparePart('hessian', leg, impl.denseHessian(c.model, c.data, c.variant).data, g.matrix, { rtol: RTOL_VS_SYMBOLIC, atol: r.traceH, name: hessianEntryName(c.model, c.variant.block) }),
    comparePart('traceH', leg, t.traceH, g.traceH, { rtol: RTOL_VS_SYMBOLIC, scale: Math.abs(g.traceH) + Math.sqrt(g.size * Math.abs(g.traceH2)), atol: r.traceH }),
    comparePart('traceH2', leg, t.traceH2, g.traceH2, { rtol: RTOL_VS_SYMBOLIC, atol: r.traceH2 }),
    // The engine's bounds come from its own outer layer applied to its own block traces.
    ...BOUND_VALUE_KEYS.map((k) => comparePart(k, leg, mine[k], g.bounds[k], { rtol: RTOL_VS_SYMBOLIC, scale: boundScale, atol: boundAtol })),
  ];
}

function tracesEqualSymbolic(engine: SymbolicEngine): NamedProperty {
  const leg = legName(engine);
  return define({
    name: `traces-equal-${engine}`,
    description: `the loss, its gradient, the dense Hessian block, closed-form T1, T2 and the five WS bounds equal the ${engine} derivation of the loss (Gauss–Newton: the block of J^T S J, T1, T2, bounds)`,
    leg,
    tolerance: { rtol: RTOL_VS_SYMBOLIC, why: WHY },
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
  const leg = legName(engine);
  return define({
    name: `trace-gradients-equal-${engine}`,
    description: `closed-form gradients of T1, T2 and the upper, lower and range bounds (of the case's block) equal the ${engine} third-order derivation`,
    leg,
    tolerance: { rtol: RTOL_VS_SYMBOLIC, why: `${WHY}; the bound gradient is skipped near the kink R = 0 like the other legs` },
    run(c, impl) {
      if (c.variant.curvature === 'gauss-newton') return skipped('the symbolic Gauss–Newton leg derives J and S to first order only; its trace gradients are not derived');
      const e = evaluation(c, engine);
      if (typeof e === 'string') return skipped(e);
      if (e.order < 3) return skipped(`P = ${e.quantities.parameters} exceeds the ${engine} third-order limit (see SYMBOLIC_LIMITS)`);
      const q = e.quantities;
      const r = symbolicRoundoff(c);
      const l = lengthScales(c);
      const tg = impl.traceGradients(c.model, c.data, c.variant);
      const parts: Part[] = [
        comparePart('gradTraceH', leg, tg.gradTraceH, q.gradTraceH, { rtol: RTOL_VS_SYMBOLIC, atol: Float64Array.from(l, (x) => r.traceH / x), name: (i) => `dT1/d${parameterName(c.model, i)}` }),
        comparePart('gradTraceH2', leg, tg.gradTraceH2, q.gradTraceH2, { rtol: RTOL_VS_SYMBOLIC, atol: Float64Array.from(l, (x) => r.traceH2 / x), name: (i) => `dT2/d${parameterName(c.model, i)}` }),
      ];
      const t = implTraces(c, impl);
      if (!boundKinkReason(t.traceH, t.traceH2, t.P, r.traceH, r.traceH2)) {
        const eb = boundRoundoff(t.traceH, t.traceH2, t.P, r.traceH, r.traceH2);
        const atol = Float64Array.from(l, (x) => eb / x);
        const symbolic = { upper: q.upperBoundGradient, lower: q.lowerBoundGradient, range: q.rangeBoundGradient };
        for (const of of BOUND_KINDS) {
          const bg = impl.boundGradient(c.model, c.data, c.variant, of);
          parts.push(comparePart(`boundGradient.${of}`, leg, bg.gradient, symbolic[of], { rtol: RTOL_VS_SYMBOLIC, atol, name: (j) => `d${of}/d${parameterName(c.model, j)}` }));
        }
      }
      return outcome(parts);
    },
  });
}

export const tracesEqualNerdamer = tracesEqualSymbolic('nerdamer');
export const tracesEqualMathjs = tracesEqualSymbolic('mathjs');
export const traceGradientsEqualNerdamer = traceGradientsEqualSymbolic('nerdamer');
export const traceGradientsEqualMathjs = traceGradientsEqualSymbolic('mathjs');

/** The symbolic properties, nerdamer before mathjs for each quantity group. */
export const SYMBOLIC_PROPERTIES: readonly NamedProperty[] = [tracesEqualNerdamer, tracesEqualMathjs, traceGradientsEqualNerdamer, traceGradientsEqualMathjs];
