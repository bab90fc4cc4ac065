/**
 * The symbolic leg: @hsr/symbolic derives the loss of the case's network by two independent
 * computer-algebra engines (nerdamer, and mathjs as its cross-check), compiles the
 * derivatives and evaluates them at the case. Neither engine is trusted alone (nerdamer has
 * silent defects, docs/mathematics.md §7 and packages/symbolic/test/defects.test.ts): each is a
 * separate leg of the audit table, so a disagreement names the engine.
 *
 * Cost decides where it runs. Derivation cost grows like c P^3 third derivatives (nerdamer)
 * or O(P^2) expression trees over all N samples (mathjs); measured on the 2-core machine
 * (tanh; GELU's erf roughly 4x dearer in nerdamer):
 *
 *   shape (d-h-c, bias)   P   nerdamer order 2 / 3     mathjs order 3 (N = 2): time, retained heap (SiLU)
 *   1-1-2, bias           6   1.0 s / 8.7 s            0.3 s, 160 MB
 *   2-2-2, no bias        8   3.0 s / 49 s             2.3 s, 600 MB
 *   2-2-2, bias          12   7.9 s / 155 s            6.2 s
 *
 * so `SYMBOLIC_LIMITS` lets each engine derive to third order (every trace and bound
 * gradient) or second order (Hessian entries, traces, bounds) only up to the P where one
 * derivation stays within a few seconds; beyond it the leg reports "not checked" with the
 * reason rather than stalling an audit. A compiled mathjs network keeps its expression trees
 * (hundreds of MB at third order), so its limit is set by memory as much as time. Derived
 * networks are cached per shape, activation, loss and order, a few at a time (least recently used
 * first out): nerdamer derives every label, so any data of that shape reuses it; mathjs
 * derives the whole data set, so its key also holds the labels and the reduction.
 *
 * What it covers: loss, gradient, Hessian entries, and for the full Hessian and each block
 * T1, T2, the five bounds and the gradients of T1, T2 and the upper, lower and range bounds
 * (nerdamer restricts its third-derivative sums to the block; mathjs derives the block's
 * trace expressions). Gauss–Newton is not a derivative of the loss: for it the leg builds
 * J^T S J from the engines' first derivatives of the logits (`symbolicGaussNewton`, up to
 * P = SYMBOLIC_LIMITS.gaussNewton, any N) and checks the matrix, T1, T2 and the bounds, not
 * their gradients.
 */
import { blockRange, labelSmoothingOf, lossOf, parameterCount, type Activation } from '@hsr/numeric';
import {
  MATHJS_GELU_SKIP_REASON,
  deriveGaussNewton,
  deriveMathjsNetwork,
  deriveNerdamerNetwork,
  type DerivationOrder,
  type LossSpec,
  type SymbolicBounds,
  type SymbolicGaussNewton,
  type SymbolicNetwork,
  type SymbolicQuantities,
} from '@hsr/symbolic';
import type { CheckCase } from './cases.ts';
import { SYMBOLIC_LIMITS, type SymbolicEngine } from './symbolicLimits.ts';

const cache = new Map<string, SymbolicNetwork | SymbolicGaussNewton | Error>();
/** Networks kept per engine: enough for the cases of one property run to share derivations. */
const CACHE_SIZE: Record<SymbolicEngine, number> = { nerdamer: 4, mathjs: 2 };

function shapeOf(c: CheckCase) {
  return { inputDim: c.model.inputDim, hiddenDim: c.model.hiddenDim, classes: c.model.classes, bias: c.model.b !== null };
}

/** The highest order `engine` derives for this case, or why it does not run. */
export function symbolicOrder(c: CheckCase, engine: SymbolicEngine): DerivationOrder | string {
  if (c.variant.curvature !== 'hessian') return 'Gauss–Newton is not a derivative of the loss; the symbolic leg builds it from J and S instead (symbolicGaussNewton)';
  const P = parameterCount(c.model);
  const limits = SYMBOLIC_LIMITS[engine];
  if (engine === 'mathjs') {
    if (c.model.activation === 'gelu') return MATHJS_GELU_SKIP_REASON;
    if (c.data.samples > SYMBOLIC_LIMITS.mathjs.samples) return `mathjs derives the whole data set; N = ${c.data.samples} exceeds its limit ${SYMBOLIC_LIMITS.mathjs.samples}`;
  }
  if (P <= limits.third) return 3;
  if (P <= limits.second) return 2;
  return `P = ${P} exceeds the ${engine} limit ${limits.second} (derivation cost grows like c P^3; see SYMBOLIC_LIMITS)`;
}

/** The cached derivation under `key` (engine-prefixed), deriving it on a miss; LRU per engine. */
function cached<T extends SymbolicNetwork | SymbolicGaussNewton>(engine: SymbolicEngine, key: string, make: () => T): T {
  let net = cache.get(key);
  if (net === undefined) {
    // Evict this engine's least recently used networks first, so the old trees can be freed.
    const mine = [...cache.keys()].filter((k) => k.startsWith(`${engine}|`));
    for (const k of mine.slice(0, Math.max(0, mine.length - CACHE_SIZE[engine] + 1))) cache.delete(k);
    try {
      net = make();
    } catch (error) {
      net = error instanceof Error ? error : new Error(String(error));
    }
  }
  // Re-insert to mark it most recently used (Map keeps insertion order).
  cache.delete(key);
  cache.set(key, net);
  if (net instanceof Error) throw net;
  return net as T;
}

/** The case's loss as the symbolic package takes it. */
function lossSpecOf(c: CheckCase): LossSpec {
  return { name: lossOf(c.model), labelSmoothing: labelSmoothingOf(c.model) };
}

function lossKey(loss: LossSpec): string {
  return loss.name === 'label-smoothing' ? `${loss.name}(${loss.labelSmoothing})` : loss.name;
}

function derive(c: CheckCase, engine: SymbolicEngine, order: DerivationOrder): SymbolicNetwork {
  const shape = shapeOf(c);
  const activation: Activation = c.model.activation;
  const loss = lossSpecOf(c);
  return engine === 'nerdamer'
    ? cached(engine, `nerdamer|${JSON.stringify(shape)}|${activation}|${lossKey(loss)}|${order}`, () => deriveNerdamerNetwork(shape, activation, order, undefined, loss))
    : cached(engine, `mathjs|${JSON.stringify(shape)}|${activation}|${lossKey(loss)}|${order}|${c.variant.reduction}|${c.variant.block}|${Array.from(c.data.y).join(',')}`, () =>
        deriveMathjsNetwork(shape, activation, c.data.y, c.variant.reduction, order, c.variant.block, loss),
      );
}

/** The Gauss–Newton block by `engine` (gaussNewton.ts in @hsr/symbolic), or why it does not run. */
export function symbolicGaussNewton(c: CheckCase, engine: SymbolicEngine): { size: number; matrix: Float64Array; traceH: number; traceH2: number; bounds: SymbolicBounds } | string {
  if (engine === 'mathjs' && c.model.activation === 'gelu') return MATHJS_GELU_SKIP_REASON;
  const P = parameterCount(c.model);
  if (P > SYMBOLIC_LIMITS.gaussNewton) return `P = ${P} exceeds the symbolic Gauss–Newton limit ${SYMBOLIC_LIMITS.gaussNewton} (see SYMBOLIC_LIMITS)`;
  const shape = shapeOf(c);
  const loss = lossSpecOf(c);
  const gn = cached(engine, `${engine}|gn|${JSON.stringify(shape)}|${c.model.activation}|${lossKey(loss)}`, () => deriveGaussNewton(shape, c.model.activation, engine, loss));
  return gn.evaluate(c.model, c.data, c.variant.reduction, c.variant.block);
}

/** What one engine gives for a case: the derived quantities (traces, bounds and their gradients of the case's block), and the order reached. */
export interface SymbolicEvaluation {
  engine: SymbolicEngine;
  order: DerivationOrder;
  quantities: SymbolicQuantities;
}

/** Derive (or reuse) and evaluate `engine` on the case, or say why it does not run. */
export function symbolicEvaluation(c: CheckCase, engine: SymbolicEngine): SymbolicEvaluation | string {
  const order = symbolicOrder(c, engine);
  if (typeof order === 'string') return order;
  const quantities = derive(c, engine, order).evaluate(c.model, c.data, c.variant.reduction, c.variant.block);
  return { engine, order, quantities };
}

/** The block's sub-matrix of the derived full row-major P x P Hessian. */
export function symbolicBlock(c: CheckCase, q: SymbolicQuantities): { size: number; matrix: Float64Array } {
  const P = q.parameters;
  const { start, end } = blockRange(c.model, c.variant.block);
  const size = end - start;
  const matrix = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) matrix[i * size + j] = q.hessian[(start + i) * P + start + j]!;
  return { size, matrix };
}
