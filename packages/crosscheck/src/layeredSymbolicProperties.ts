/**
 * The symbolic leg on tiny MLPs of any depth: @hsr/symbolic (symbolicLayered.ts) writes the
 * layered network's loss out as text, nerdamer and, separately, mathjs differentiate it entry by
 * entry, and the compiled derivatives are held against numeric's deep closed forms with the
 * two-layer leg's comparisons and tolerance (symbolicProperties.ts: symbolicCurvatureParts,
 * symbolicGradientParts, RTOL_VS_SYMBOLIC) and the layered properties' round-off floors
 * (layeredTraceRoundoff) and length scales.
 *
 *   name                                               quantity under test                              oracle
 *   layered-symbolic-traces-equal-nerdamer            loss, gradient, dense deep H block, T1, T2,       nerdamer derivation
 *                                                     five WS bounds
 *   layered-symbolic-traces-equal-mathjs              the same                                          mathjs derivation
 *   layered-symbolic-trace-gradients-equal-nerdamer   grad T1, T2, upper, lower, range bound (block)    nerdamer, third order
 *   layered-symbolic-trace-gradients-equal-mathjs     the same                                          mathjs, third order
 *
 * One property per engine, so the audit names the engine that disagrees (the legs are the
 * two-layer ones: `symbolic (nerdamer)`, `symbolic (mathjs)`). Where an engine cannot run (the
 * Gauss–Newton variant, GELU in mathjs, P over LAYERED_SYMBOLIC_LIMITS) the property says why.
 * `layeredSymbolicProperties(limits)` builds the four with other limits (the slow suite's).
 */
import { layeredParameterCount, lossOf, labelSmoothingOf, type BoundKind } from '@hsr/numeric';
import { MATHJS_GELU_SKIP_REASON, deriveLayeredNetwork, layeredBlockIndices, layeredShapeOf, type DerivationOrder, type LossSpec, type SymbolicLayeredNetwork, type SymbolicQuantities } from '@hsr/symbolic';
import type { LayeredCheckCase } from './cases.ts';
import { boundRoundoff, layeredLossMagnitude } from './magnitudes.ts';
import { comparePart, outcome, skipped } from './outcome.ts';
import { deepVariantKey, layeredBlockEntryName, layeredFloors, layeredKink, layeredLengthScales, layeredParameterName, layeredTraces, type LayeredProperty } from './layeredProperties.ts';
import { LAYERED_SYMBOLIC_LIMITS, nerdamerLimit, type LayeredSymbolicLimits } from './layeredSymbolicLimits.ts';
import { define, memo } from './properties.ts';
import { NUMERIC_LAYERED_IMPLEMENTATIONS, type LayeredImplementations } from './implementations.ts';
import { SYMBOLIC_WHY, symbolicCurvatureParts, symbolicGradientParts, symbolicLegName } from './symbolicProperties.ts';
import type { SymbolicEngine } from './symbolicLimits.ts';
import { CLOSED_FORM_ROUNDOFF_UNITS, EPS, RTOL_VS_SYMBOLIC } from './tolerances.ts';

/** The highest order `engine` derives for this layered case under `limits`, or why it does not run. */
export function layeredSymbolicOrder(c: LayeredCheckCase, engine: SymbolicEngine, limits: LayeredSymbolicLimits = LAYERED_SYMBOLIC_LIMITS): DerivationOrder | string {
  if (c.variant.curvature !== 'hessian') return 'Gauss–Newton is not a derivative of the loss; the layered symbolic leg derives the Hessian only';
  const P = layeredParameterCount(c.model);
  if (engine === 'mathjs' && c.model.activations.includes('gelu')) return MATHJS_GELU_SKIP_REASON;
  const limit = engine === 'mathjs' ? limits.mathjs : nerdamerLimit(limits, c.model.activations);
  if (P <= limit.third) return 3;
  if (P <= limit.second) return 2;
  const which = engine === 'mathjs' ? '' : ` for ${[...new Set(c.model.activations)].join(', ')}`;
  return `P = ${P} exceeds the ${engine} limit ${limit.second}${which} at depth (derivation cost grows like c P^3, and with nested exponentials in nerdamer; see LAYERED_SYMBOLIC_LIMITS)`;
}

const cache = new Map<string, SymbolicLayeredNetwork | Error>();
/** Networks kept: enough for the cases of one property run to share derivations. */
const CACHE_SIZE = 6;

/** The case's derived network (cached per engine, shape, activations, loss and order; least recently used out first). */
function derived(c: LayeredCheckCase, engine: SymbolicEngine, order: DerivationOrder): SymbolicLayeredNetwork {
  const shape = layeredShapeOf(c.model);
  const loss: LossSpec = { name: lossOf(c.model), labelSmoothing: labelSmoothingOf(c.model) };
  const key = `${engine}|${JSON.stringify(shape)}|${loss.name}|${loss.name === 'label-smoothing' ? loss.labelSmoothing : ''}|${order}`;
  let net = cache.get(key);
  if (net === undefined) {
    for (const k of [...cache.keys()].slice(0, Math.max(0, cache.size - CACHE_SIZE + 1))) cache.delete(k);
    try {
      net = deriveLayeredNetwork(engine, shape, order, loss);
    } catch (error) {
      net = error instanceof Error ? error : new Error(String(error));
    }
  }
  cache.delete(key);
  cache.set(key, net);
  if (net instanceof Error) throw net;
  return net;
}

/** What one engine gives for a layered case (the quantities of the case's block of layers) and the order reached. */
export interface LayeredSymbolicEvaluation {
  engine: SymbolicEngine;
  order: DerivationOrder;
  quantities: SymbolicQuantities;
}

/** Derive (or reuse) and evaluate `engine` on the layered case, or say why it does not run. */
export function layeredSymbolicEvaluation(c: LayeredCheckCase, engine: SymbolicEngine, limits: LayeredSymbolicLimits = LAYERED_SYMBOLIC_LIMITS): LayeredSymbolicEvaluation | string {
  const order = layeredSymbolicOrder(c, engine, limits);
  if (typeof order === 'string') return order;
  return memo(c, `layered-symbolic:${engine}:${order}:${deepVariantKey(c.variant)}`, () => ({ engine, order, quantities: derived(c, engine, order).evaluate(c.model, c.data, c.variant.reduction, c.variant.layers) }));
}

/** The block's sub-matrix of the derived full P x P Hessian (the block's layers' slices, in theta order). */
function blockOf(c: LayeredCheckCase, q: SymbolicQuantities): { size: number; matrix: Float64Array } {
  const P = q.parameters;
  const theta = layeredBlockIndices(layeredShapeOf(c.model), c.variant.layers);
  const size = theta.length;
  const matrix = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) matrix[i * size + j] = q.hessian[theta[i]! * P + theta[j]!]!;
  return { size, matrix };
}

function layeredSymbolic(p: Omit<LayeredProperty, 'check'> & { run: (c: LayeredCheckCase, impl: LayeredImplementations) => ReturnType<LayeredProperty['check']> }): LayeredProperty {
  return define<LayeredCheckCase, LayeredImplementations>(p, NUMERIC_LAYERED_IMPLEMENTATIONS);
}

function tracesEqual(engine: SymbolicEngine, limits: LayeredSymbolicLimits): LayeredProperty {
  const leg = symbolicLegName(engine);
  return layeredSymbolic({
    name: `layered-symbolic-traces-equal-${engine}`,
    description: `the deep loss, its gradient, the dense deep Hessian block, closed-form deep T1, T2 and the five WS bounds equal the ${engine} derivation of the layered loss`,
    leg,
    tolerance: { rtol: RTOL_VS_SYMBOLIC, why: `${SYMBOLIC_WHY}; floors from layeredTraceRoundoff, the loss's from layeredLossMagnitude` },
    run(c, impl) {
      const e = layeredSymbolicEvaluation(c, engine, limits);
      if (typeof e === 'string') return skipped(e);
      const q = e.quantities;
      const r = c.variant.reduction;
      const lossAtol = CLOSED_FORM_ROUNDOFF_UNITS * EPS * layeredLossMagnitude(c.model, c.data, r);
      const t = layeredTraces(c, impl);
      const mine = { hessian: impl.denseHessian(c.model, c.data, c.variant).data, traceH: t.traceH, traceH2: t.traceH2, bounds: impl.wolkowiczStyanBounds(t.traceH, t.traceH2, t.P) };
      return outcome([
        comparePart('loss', leg, impl.loss(c.model, c.data, r), q.loss, { rtol: RTOL_VS_SYMBOLIC, atol: lossAtol }),
        comparePart('lossGradient', leg, impl.lossGradient(c.model, c.data, r), q.gradient, {
          rtol: RTOL_VS_SYMBOLIC,
          atol: Float64Array.from(layeredLengthScales(c), (l) => lossAtol / l),
          name: (i) => `dL/d${layeredParameterName(c.model, i)}`,
        }),
        ...symbolicCurvatureParts(leg, mine, { ...blockOf(c, q), traceH: q.traceH, traceH2: q.traceH2, bounds: q.bounds }, layeredFloors(c), layeredBlockEntryName(c.model, c.variant.layers)),
      ]);
    },
  });
}

function traceGradientsEqual(engine: SymbolicEngine, limits: LayeredSymbolicLimits): LayeredProperty {
  const leg = symbolicLegName(engine);
  return layeredSymbolic({
    name: `layered-symbolic-trace-gradients-equal-${engine}`,
    description: `closed-form deep gradients of T1, T2 and the upper, lower and range bounds (of the case's block of layers) equal the ${engine} third-order derivation`,
    leg,
    tolerance: { rtol: RTOL_VS_SYMBOLIC, why: `${SYMBOLIC_WHY}; the bound gradient is skipped near the kink R = 0 like the other legs` },
    run(c, impl) {
      const e = layeredSymbolicEvaluation(c, engine, limits);
      if (typeof e === 'string') return skipped(e);
      if (e.order < 3) return skipped(`P = ${e.quantities.parameters} exceeds the ${engine} third-order limit at depth (see LAYERED_SYMBOLIC_LIMITS)`);
      const t = layeredTraces(c, impl);
      const bounds = layeredKink(t) ? null : { atol: boundRoundoff(t.traceH, t.traceH2, t.P, t.floors.traceH, t.floors.traceH2), of: (of: BoundKind) => impl.boundGradient(c.model, c.data, c.variant, of).gradient };
      return outcome(symbolicGradientParts(leg, impl.traceGradients(c.model, c.data, c.variant), e.quantities, t.floors, layeredLengthScales(c), (i) => layeredParameterName(c.model, i), bounds));
    },
  });
}

/** The four layered symbolic properties under `limits`, nerdamer before mathjs for each quantity group. */
export function layeredSymbolicProperties(limits: LayeredSymbolicLimits = LAYERED_SYMBOLIC_LIMITS): readonly LayeredProperty[] {
  return [tracesEqual('nerdamer', limits), tracesEqual('mathjs', limits), traceGradientsEqual('nerdamer', limits), traceGradientsEqual('mathjs', limits)];
}

export const LAYERED_SYMBOLIC_PROPERTIES: readonly LayeredProperty[] = layeredSymbolicProperties();
export const [layeredSymbolicTracesEqualNerdamer, layeredSymbolicTracesEqualMathjs, layeredSymbolicTraceGradientsEqualNerdamer, layeredSymbolicTraceGradientsEqualMathjs] = LAYERED_SYMBOLIC_PROPERTIES as [
  LayeredProperty,
  LayeredProperty,
  LayeredProperty,
  LayeredProperty,
];
