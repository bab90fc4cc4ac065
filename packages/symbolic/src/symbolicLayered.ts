/**
 * Symbolic derivation of a tiny MLP of any depth (docs/mathematics.md §9), by either engine,
 * compiled and evaluated at a layered model and data set: the loss, its gradient, every Hessian
 * entry, T1 and T2 of any block of layers, the five WS bounds and the gradients of T1, T2 and
 * the upper, lower and range bounds.
 *
 *   u^0 = W_1 x + b_1,\quad z^l = \varphi_l(u^{l-1}),\quad u^l = W_{l+1} z^l + b_{l+1},\quad v = u^{L-1},
 *
 * written out entry by entry as text (layeredLogitExpressions: each hidden unit's activation of
 * the text of the layer before, so a width-2 network's logit text doubles with every layer), then
 * the per-sample loss of the logits from networkExpressions.ts (the same loss texts as the
 * two-layer leg: lossOnLogits, the shifted log-sum-exp, for nerdamer; lossWithLabelSymbols for
 * mathjs). Nothing here comes from numeric's deep/ closed forms.
 *
 * Each engine differentiates the per-sample loss l(theta; x, y) entry by entry: P first, P(P+1)/2
 * second and, at order 3, P(P+1)(P+2)/6 third derivatives (symmetry of mixed partials). nerdamer
 * derives once per label, with e and integer square roots opaque and other roots as exponentials
 * (its nested-exponential, sqrt(2) and fractional-power defects: networkExpressions.ts opaqueExp,
 * engines.ts nerdamerActivationText); mathjs derives once
 * with label symbols Y1..Yc and cannot differentiate erf (GELU: MATHJS_GELU_SKIP_REASON). Then,
 * exactly by linearity and the product rule, over a block B of parameter indices,
 *
 *   H = \kappa\sum_n \nabla^2 l_n,\quad T_1 = \sum_{i\in B} H_{ii},\quad T_2 = \sum_{i,j\in B} H_{ij}^2,\quad
 *   \partial_k T_1 = \kappa\sum_n\sum_{i\in B}\partial^3_{iik} l_n,\quad
 *   \partial_k T_2 = 2\sum_{i,j\in B} H_{ij}\,\kappa\sum_n \partial^3_{ijk} l_n,
 *
 * and the bounds and their gradients through the engine's own outer layer (quantities.ts), as
 * in the two-layer leg (symbolicNetwork.ts).
 *
 * Symbols (no underscores: nerdamer splits `V_1_1`): layer l's weights `W{l}q{i}q{j}` and biases
 * `b{l}q{i}` (all 1-based), in numeric's deep theta order (deep/model.ts: vec_row [W_l | b_l],
 * layer after layer); data `X{j}`.
 *
 * Cost: P(P+1)(P+2)/6 third derivatives of texts that double with every width-2 layer; nerdamer's
 * grows steeply with nested exponentials (measured, with the limits drawn from it, in crosscheck's
 * layeredSymbolicLimits.ts: tanh 1-1-1-2 to third order 8.6 s in nerdamer, 0.7 s in mathjs).
 */
import { ACTIVATIONS, flattenLayered, isActivation, type Dataset, type LayeredModel, type Reduction } from '@hsr/numeric';
import { compileMathjsArray, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer, nerdamerActivationText, type MathNode, type NerdamerExpression } from './engines.ts';
import { CROSS_ENTROPY_SPEC, EULER_SYMBOL, applyActivation, lossOnLogits, lossWithLabelSymbols, opaqueExp, reductionFactor, type LossSpec } from './networkExpressions.ts';
import { mathjsOuterLayer, nerdamerOuterLayer, type OuterLayer, type SymbolicBoundKind, type SymbolicQuantities } from './quantities.ts';
import { MATHJS_GELU_SKIP_REASON, type DerivationOrder } from './symbolicNetwork.ts';

/** The shape of a tiny layered network: widths d, n_1, ..., n_{L-1}, c; one activation (name or formula in u) per hidden layer; biases in every layer or none. */
export interface LayeredShape {
  readonly widths: readonly number[];
  readonly activations: readonly string[];
  readonly bias: boolean;
}

/** The shape of a layered model. */
export function layeredShapeOf(model: LayeredModel): LayeredShape {
  return { widths: [model.layers[0]!.inputs, ...model.layers.map((layer) => layer.outputs)], activations: [...model.activations], bias: model.layers[0]!.b !== null };
}

/** Parameters of layer l (0-based) of a shape. */
function layerSize(shape: LayeredShape, l: number): number {
  return shape.widths[l + 1]! * (shape.widths[l]! + (shape.bias ? 1 : 0));
}

/** Parameter symbols in numeric's deep theta order: per layer l (1-based), row i: W{l}q{i}q1..q{n}, then b{l}q{i}. */
export function layeredParameterSymbols(shape: LayeredShape): string[] {
  const out: string[] = [];
  for (let l = 1; l < shape.widths.length; l++)
    for (let i = 1; i <= shape.widths[l]!; i++) {
      for (let j = 1; j <= shape.widths[l - 1]!; j++) out.push(`W${l}q${i}q${j}`);
      if (shape.bias) out.push(`b${l}q${i}`);
    }
  return out;
}

/** Theta indices of a set of layers (0-based), in theta order. */
export function layeredBlockIndices(shape: LayeredShape, layers: readonly number[]): number[] {
  const out: number[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < shape.widths.length; l++) {
    const size = layerSize(shape, l);
    if (layers.includes(l)) for (let k = 0; k < size; k++) out.push(offset + k);
    offset += size;
  }
  return out;
}

/** The logits of one sample as text: layer by layer, each hidden unit the activation (formula in u) of its layer's affine map of the previous one. */
export function layeredLogitExpressions(shape: LayeredShape, formulas: readonly string[], x: readonly string[]): string[] {
  let a: readonly string[] = x;
  const L = shape.widths.length - 1;
  for (let l = 1; l <= L; l++) {
    const u = Array.from({ length: shape.widths[l]! }, (_, i) => {
      const terms = a.map((aj, j) => `W${l}q${i + 1}q${j + 1}*${aj}`);
      if (shape.bias) terms.push(`b${l}q${i + 1}`);
      return `(${terms.join('+')})`;
    });
    a = l < L ? u.map((ui) => applyActivation(formulas[l - 1]!, ui)) : u;
  }
  return [...a];
}

/** Sorted-triple key of (i, j, k). */
function tripleKey(i: number, j: number, k: number): string {
  return [i, j, k].sort((p, q) => p - q).join(',');
}

/** Compiled derivatives of one sample's loss: of the values (theta, x, then the engine's extra slots). */
interface Compiled {
  loss: (values: ArrayLike<number>) => number;
  gradient: ((values: ArrayLike<number>) => number)[];
  /** Upper triangle by `pair`. */
  hessian: Map<string, (values: ArrayLike<number>) => number>;
  third: Map<string, (values: ArrayLike<number>) => number>;
}

/** A derived layered network: evaluate it at any layered model and data of its shape. */
export interface SymbolicLayeredNetwork {
  readonly engine: 'nerdamer' | 'mathjs';
  readonly shape: LayeredShape;
  readonly order: DerivationOrder;
  readonly parameters: number;
  /** Milliseconds spent deriving and compiling. */
  readonly deriveMilliseconds: number;
  /**
   * Every quantity at the model and data; the traces, bounds and their gradients are those of
   * the block of `layers` (0-based; default all), the loss, gradient and `hessian` (P x P) those
   * of the whole network. Order 2 leaves the trace and bound gradients at zero.
   */
  evaluate(model: LayeredModel, data: Dataset, reduction: Reduction, layers?: readonly number[]): SymbolicQuantities;
}

function upperPairs(P: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < P; i++) for (let j = i; j < P; j++) out.push([i, j]);
  return out;
}

function deriveAll<E>(root: E, theta: readonly string[], order: DerivationOrder, diff: (e: E, t: string) => E, compile: (e: E) => (values: ArrayLike<number>) => number): Compiled {
  const P = theta.length;
  const grad = theta.map((t) => diff(root, t));
  const hessian = new Map<string, (values: ArrayLike<number>) => number>();
  const third = new Map<string, (values: ArrayLike<number>) => number>();
  if (order >= 2)
    for (const [i, j] of upperPairs(P)) {
      const h = diff(grad[i]!, theta[j]!);
      hessian.set(`${i},${j}`, compile(h));
      if (order >= 3) for (let k = j; k < P; k++) third.set(tripleKey(i, j, k), compile(diff(h, theta[k]!)));
    }
  return { loss: compile(root), gradient: grad.map(compile), hessian, third };
}

/**
 * Derive the per-sample loss (`loss`, default cross-entropy) of `shape` to `order` with `engine`
 * (see the module comment). Throws for GELU with mathjs (MATHJS_GELU_SKIP_REASON).
 */
export function deriveLayeredNetwork(engine: 'nerdamer' | 'mathjs', shape: LayeredShape, order: DerivationOrder = 3, loss: LossSpec = CROSS_ENTROPY_SPEC): SymbolicLayeredNetwork {
  const started = performance.now();
  const L = shape.widths.length - 1;
  if (L < 2 || shape.activations.length !== L - 1) throw new RangeError(`a layered shape needs L >= 2 layers and L - 1 activations, got widths ${shape.widths.join('-')} and ${shape.activations.length} activations`);
  const formulas = shape.activations.map((a) => (isActivation(a) ? ACTIVATIONS[a].formula : a));
  const theta = layeredParameterSymbols(shape);
  const d = shape.widths[0]!;
  const c = shape.widths[L]!;
  const x = Array.from({ length: d }, (_, j) => `X${j + 1}`);
  const P = theta.length;
  /** Per label (nerdamer) or one for all labels (mathjs, label symbols). */
  let perLabel: Compiled[];
  /** The values of the extra slots after theta and x, for label y. */
  let extra: (y: number) => number[];
  let outer: OuterLayer;
  if (engine === 'nerdamer') {
    const constants = new Map<string, number>();
    // Roots of non-constants as exponentials (activation.ts: nerdamer's fractional-power defect), as the other nerdamer legs.
    const opaque = formulas.map((f) => {
      const o = nerdamerActivationText(f);
      for (const [k, v] of o.constants) constants.set(k, v);
      return o.text;
    });
    const args = [...theta, ...x, EULER_SYMBOL, ...constants.keys()];
    const values = [Math.E, ...constants.values()];
    const logits = layeredLogitExpressions(shape, opaque, x);
    const compile = (e: NerdamerExpression) => {
      const f = compileNerdamer(e, args);
      return (v: ArrayLike<number>) => f(...Array.from(v));
    };
    perLabel = Array.from({ length: c }, (_, y) => {
      const root = nerdamer(opaqueExp(lossOnLogits(loss, logits, y)));
      const compiled = deriveAll(root, theta, order, (e, t) => nerdamer.diff(e, t), compile);
      flushNerdamer();
      return compiled;
    });
    extra = () => values;
    outer = nerdamerOuterLayer();
  } else {
    if (formulas.some((f) => /\berf\s*\(/.test(f))) throw new Error(MATHJS_GELU_SKIP_REASON);
    const labels = Array.from({ length: c }, (_, k) => `Y${k + 1}`);
    const args = [...theta, ...x, ...labels];
    const root = math.parse(lossWithLabelSymbols(loss, layeredLogitExpressions(shape, formulas, x), labels));
    const compiled = deriveAll<MathNode>(root, theta, order, mathjsDerivative, (e) => compileMathjsArray(e, args));
    perLabel = Array.from({ length: c }, () => compiled);
    extra = (y) => Array.from({ length: c }, (_, k) => (k === y ? 1 : 0));
    outer = mathjsOuterLayer();
  }
  const deriveMilliseconds = performance.now() - started;
  return {
    engine,
    shape,
    order,
    parameters: P,
    deriveMilliseconds,
    evaluate(model, data, reduction, layers) {
      const own = layeredShapeOf(model);
      if (own.widths.join('-') !== shape.widths.join('-') || own.bias !== shape.bias || own.activations.join(',') !== shape.activations.join(','))
        throw new RangeError(
          `model ${own.widths.join('-')} (${own.activations.join(',')}, ${own.bias ? 'bias' : 'no bias'}) does not have the derived shape ${shape.widths.join('-')} (${shape.activations.join(',')}, ${shape.bias ? 'bias' : 'no bias'})`,
        );
      if (data.features !== d) throw new RangeError(`data have ${data.features} features, the derived network ${d}`);
      const block = layeredBlockIndices(shape, layers ?? Array.from({ length: L }, (_, l) => l));
      const kappa = reductionFactor(reduction, data.samples);
      const values = new Float64Array(P + d + extra(0).length);
      values.set(flattenLayered(model), 0);
      let lossValue = 0;
      const gradient = new Float64Array(P);
      const hessian = new Float64Array(P * P);
      const third = new Map<string, number>();
      for (let n = 0; n < data.samples; n++) {
        const y = data.y[n]!;
        const f = perLabel[y];
        if (!f) throw new RangeError(`label ${y} is outside 0..${c - 1}`);
        values.set(data.X.subarray(n * d, (n + 1) * d), P);
        values.set(extra(y), P + d);
        lossValue += kappa * f.loss(values);
        f.gradient.forEach((g, i) => {
          gradient[i]! += kappa * g(values);
        });
        for (const [key, h] of f.hessian) {
          const [i, j] = key.split(',').map(Number) as [number, number];
          const v = kappa * h(values);
          hessian[i * P + j]! += v;
          if (i !== j) hessian[j * P + i]! += v;
        }
        for (const [key, t] of f.third) third.set(key, (third.get(key) ?? 0) + kappa * t(values));
      }
      let traceH = 0;
      let traceH2 = 0;
      for (const i of block) {
        traceH += hessian[i * P + i]!;
        for (const j of block) traceH2 += hessian[i * P + j]! ** 2;
      }
      const gradTraceH = new Float64Array(P);
      const gradTraceH2 = new Float64Array(P);
      if (order >= 3)
        for (let k = 0; k < P; k++) {
          let t1 = 0;
          let t2 = 0;
          for (const i of block) {
            t1 += third.get(tripleKey(i, i, k))!;
            for (const j of block) t2 += 2 * hessian[i * P + j]! * third.get(tripleKey(i, j, k))!;
          }
          gradTraceH[k] = t1;
          gradTraceH2[k] = t2;
        }
      const Pb = block.length;
      const boundGradient = (of: SymbolicBoundKind): Float64Array => {
        const g = new Float64Array(P);
        if (order < 3) return g;
        const { alpha, beta } = outer.outer(traceH, traceH2, Pb, of);
        for (let k = 0; k < P; k++) g[k] = alpha * gradTraceH[k]! + beta * gradTraceH2[k]!;
        return g;
      };
      return {
        parameters: P,
        loss: lossValue,
        gradient,
        hessian,
        traceH,
        traceH2,
        gradTraceH,
        gradTraceH2,
        bounds: outer.bounds(traceH, traceH2, Pb),
        upperBoundGradient: boundGradient('upper'),
        lowerBoundGradient: boundGradient('lower'),
        rangeBoundGradient: boundGradient('range'),
      };
    },
  };
}
