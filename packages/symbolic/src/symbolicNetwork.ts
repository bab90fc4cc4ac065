/**
 * Symbolic derivation of every quantity (loss to bound gradients) for a small network, by two independent
 * engines, compiled and evaluated at a given model and data set:
 *   loss (eq:loss), gradient, Hessian entries (eq:hessian-blocks), T1 = tr H (eq:trace-h),
 *   T2 = sum_ij H_ij^2 (eq:trace-h2), the WS bounds (eq:ws-bounds) and the gradient of the
 *   upper bound (eq:bound-gradient) with dT1, dT2 obtained by differentiating the traces.
 *
 * nerdamer leg (`deriveNerdamerNetwork`): the per-sample loss l(theta; x, y) is written
 * with data symbols X1..Xd, once per label y (so N costs nothing symbolically). nerdamer
 * differentiates it to first, second and third order (upper-triangular index sets, by
 * symmetry of mixed partials); each derivative is compiled with `buildFunction`. Then,
 * exactly by linearity and the product rule,
 *   H = \kappa\sum_n \nabla^2 l_n,\quad \partial_k T_1 = \kappa\sum_n\sum_i \partial^3_{iik} l_n,\quad
 *   \partial_k T_2 = 2\sum_{ij} H_{ij}\,\kappa\sum_n \partial^3_{ijk} l_n .
 * Differentiating the expanded T2 string itself costs minutes even for P = 6 in nerdamer
 * (measured 140 s for d = h = 1, c = 2, biases on); the slow suite does that once to show
 * the two routes agree.
 *
 * mathjs leg (`deriveMathjsNetwork`): the whole-data-set loss is one expression with data
 * symbols X{n}q{j}; mathjs differentiates it twice, the traces are built as expressions
 * T1 = sum_i H_ii, T2 = sum_ij H_ij^2 and differentiated directly. mathjs cannot
 * differentiate `erf`, so GELU has no mathjs leg (`MATHJS_GELU_SKIP_REASON`).
 *
 * Both legs share nothing but the loss text of networkExpressions.ts (itself checked
 * against `@hsr/numeric` loss) and feed the Wolkowicz–Styan outer layer of quantities.ts.
 * Cost: nerdamer O(c P^3) derivations; mathjs O(P^2) expression trees of size growing
 * with N P. Keep d, h, c, N <= 3 (tests: d = h <= 2, c = 2, N <= 2 by default).
 */
import { ACTIVATIONS, flattenParameters, isActivation, type Block, type Dataset, type Model, type Reduction } from '@hsr/numeric';
import { compileMathjs, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer, nerdamerActivationText, type MathNode, type NerdamerExpression } from './engines.ts';
import { CROSS_ENTROPY_SPEC, EULER_SYMBOL, datasetDataSymbols, opaqueExp, parameterSymbols, reductionFactor, sampleDataSymbols, sampleLossExpression, type LossSpec, type NetworkShape } from './networkExpressions.ts';
import { mathjsOuterLayer, nerdamerOuterLayer, type OuterLayer, type SymbolicBoundKind, type SymbolicQuantities } from './quantities.ts';

/** How far to differentiate: 1 = gradient, 2 = Hessian and traces, 3 = trace and bound gradients. */
export type DerivationOrder = 1 | 2 | 3;

export const MATHJS_GELU_SKIP_REASON = 'mathjs 15.2.0 derivative cannot differentiate erf ("Cannot process function erf in derivative"), so GELU has no mathjs leg; nerdamer and @hsr/numeric still cover it';

/** The activation's defining formula in `u`: a registered name or a formula as given. */
export function activationFormula(nameOrFormula: string): string {
  return isActivation(nameOrFormula) ? ACTIVATIONS[nameOrFormula].formula : nameOrFormula;
}

/** Index of (i, j), i <= j, in a packed upper triangle of size P. */
function pair(P: number, i: number, j: number): number {
  const [a, b] = i <= j ? [i, j] : [j, i];
  return a * P - (a * (a - 1)) / 2 + (b - a);
}

/** Index of the sorted triple (i <= j <= k) in the packed list built by `triples`. */
function tripleKey(i: number, j: number, k: number): string {
  const s = [i, j, k].sort((x, y) => x - y);
  return s.join(',');
}

type Compiled = (...values: number[]) => number;

interface SampleDerivatives {
  loss: Compiled;
  gradient: Compiled[];
  /** Packed upper triangle. */
  hessian: Compiled[];
  /** Keyed by sorted triple. */
  third: Map<string, Compiled>;
}

/** A derived network: evaluate it at any model/data of its shape. */
export interface SymbolicNetwork {
  readonly engine: 'nerdamer' | 'mathjs';
  readonly shape: NetworkShape;
  readonly activation: string;
  readonly order: DerivationOrder;
  /** Milliseconds spent deriving and compiling. */
  readonly deriveMilliseconds: number;
  /**
   * `block` (default all) restricts the traces, bounds and their gradients to that block's
   * sub-matrix of the Hessian (P_b rows and columns, bounds with P_b); the loss, gradient and
   * `hessian` stay those of the whole network. A mathjs network evaluates only the block it
   * was derived for.
   */
  evaluate(model: Model, data: Dataset, reduction: Reduction, block?: Block): SymbolicQuantities;
  /** The per-sample (nerdamer) or whole-data (mathjs) loss and its derivatives as engine text, for `hsr derive`. */
  text(quantity: 'loss' | 'grad' | 'hessian' | 'trace' | 'trace2'): { text: string[]; latex: string[] };
}

/** Throws unless the model and data have the derived shape. */
export function checkShape(shape: NetworkShape, model: Model, data: Dataset): void {
  if (model.inputDim !== shape.inputDim || model.hiddenDim !== shape.hiddenDim || model.classes !== shape.classes || (model.b !== null) !== shape.bias)
    throw new RangeError('model does not have the derived network shape');
  if (data.features !== shape.inputDim) throw new RangeError('data does not have the derived network input dimension');
}

/** [start, end) of a block in theta order, for a network shape (first layer then second). */
export function blockSpan(shape: NetworkShape, block: Block): { start: number; end: number } {
  const first = shape.hiddenDim * (shape.inputDim + (shape.bias ? 1 : 0));
  const total = first + shape.classes * (shape.hiddenDim + (shape.bias ? 1 : 0));
  return block === 'all' ? { start: 0, end: total } : block === 'first' ? { start: 0, end: first } : { start: first, end: total };
}

/** Assemble Hessian, traces, their gradients, bounds and the bound gradients from per-sample pieces. */
function assemble(
  span: { start: number; end: number },
  P: number,
  loss: number,
  gradient: Float64Array,
  hessian: Float64Array,
  gradTraceH: Float64Array,
  gradTraceH2: Float64Array | null,
  traceH2Override: number | null,
  traceHOverride: number | null,
  outer: OuterLayer,
): SymbolicQuantities {
  let traceH = 0;
  let traceH2 = 0;
  for (let i = span.start; i < span.end; i++) {
    traceH += hessian[i * P + i]!;
    for (let j = span.start; j < span.end; j++) traceH2 += hessian[i * P + j]! ** 2;
  }
  if (traceHOverride !== null) traceH = traceHOverride;
  if (traceH2Override !== null) traceH2 = traceH2Override;
  const Pb = span.end - span.start;
  const bounds = outer.bounds(traceH, traceH2, Pb);
  const boundGradient = (of: SymbolicBoundKind): Float64Array => {
    const g = new Float64Array(P);
    if (gradTraceH2) {
      const { alpha, beta } = outer.outer(traceH, traceH2, Pb, of);
      for (let k = 0; k < P; k++) g[k] = alpha * gradTraceH[k]! + beta * gradTraceH2[k]!;
    }
    return g;
  };
  return {
    parameters: P,
    loss,
    gradient,
    hessian,
    traceH,
    traceH2,
    gradTraceH,
    gradTraceH2: gradTraceH2 ?? new Float64Array(P),
    bounds,
    upperBoundGradient: boundGradient('upper'),
    lowerBoundGradient: boundGradient('lower'),
    rangeBoundGradient: boundGradient('range'),
  };
}

/**
 * Derive with nerdamer (see the module comment). Cost grows like c P^3 third derivatives of
 * expressions of size O(d h c): P = 6 takes seconds, P = 12 minutes.
 */
export function deriveNerdamerNetwork(shape: NetworkShape, activation: string, order: DerivationOrder = 3, labels?: ArrayLike<number>, loss: LossSpec = CROSS_ENTROPY_SPEC): SymbolicNetwork {
  const started = performance.now();
  const formula = activationFormula(activation);
  const theta = parameterSymbols(shape);
  const x = sampleDataSymbols(shape);
  // Euler's number and integer square roots stay opaque symbols (see opaqueExp,
  // engines.ts nerdamerActivationText); they are the last arguments of every compiled function.
  const opaque = nerdamerActivationText(formula);
  const constantNames = [EULER_SYMBOL, ...opaque.constants.keys()];
  const constantValues = [Math.E, ...opaque.constants.values()];
  const args = [...theta, ...x, ...constantNames];
  const P = theta.length;
  // Only the labels the data will carry are derived (each label is a separate expression).
  const wanted = new Set(labels ? Array.from(labels) : Array.from({ length: shape.classes }, (_, y) => y));
  const perLabel: (SampleDerivatives | undefined)[] = [];
  const texts: { loss: string[]; grad: string[]; hess: string[]; lossTex: string[]; gradTex: string[]; hessTex: string[] }[] = [];
  for (let y = 0; y < shape.classes; y++) {
    if (!wanted.has(y)) {
      perLabel.push(undefined);
      continue;
    }
    const lossExpr = nerdamer(opaqueExp(sampleLossExpression(shape, opaque.text, y, x, loss)));
    const grad: NerdamerExpression[] = theta.map((t) => nerdamer.diff(lossExpr, t));
    const hess: NerdamerExpression[] = [];
    if (order >= 2) for (let i = 0; i < P; i++) for (let j = i; j < P; j++) hess.push(nerdamer.diff(grad[i]!, theta[j]!));
    const third = new Map<string, Compiled>();
    if (order >= 3) for (let i = 0; i < P; i++) for (let j = i; j < P; j++) for (let k = j; k < P; k++) third.set(tripleKey(i, j, k), compileNerdamer(nerdamer.diff(hess[pair(P, i, j)]!, theta[k]!), args));
    perLabel.push({
      loss: compileNerdamer(lossExpr, args),
      gradient: grad.map((g) => compileNerdamer(g, args)),
      hessian: hess.map((h) => compileNerdamer(h, args)),
      third,
    });
    if (texts.length === 0)
      texts.push({
        loss: [lossExpr.toString()],
        grad: grad.map((g) => g.toString()),
        hess: hess.map((h) => h.toString()),
        lossTex: [lossExpr.toTeX()],
        gradTex: grad.map((g) => g.toTeX()),
        hessTex: hess.map((h) => h.toTeX()),
      });
    flushNerdamer();
  }
  const outer = nerdamerOuterLayer();
  const deriveMilliseconds = performance.now() - started;
  return {
    engine: 'nerdamer',
    shape,
    activation: formula,
    order,
    deriveMilliseconds,
    evaluate(model, data, reduction, block = 'all') {
      checkShape(shape, model, data);
      const span = blockSpan(shape, block);
      const kappa = reductionFactor(reduction, data.samples);
      const values = new Float64Array(args.length);
      values.set(flattenParameters(model), 0);
      values.set(constantValues, P + shape.inputDim);
      let loss = 0;
      const gradient = new Float64Array(P);
      const packed = new Float64Array((P * (P + 1)) / 2);
      const thirdSum = new Map<string, number>();
      for (let n = 0; n < data.samples; n++) {
        for (let j = 0; j < shape.inputDim; j++) values[P + j] = data.X[n * shape.inputDim + j]!;
        const d = perLabel[data.y[n]!];
        if (!d) throw new RangeError(`label ${data.y[n]} was not derived`);
        const v = Array.from(values);
        loss += kappa * d.loss(...v);
        for (const [i, f] of d.gradient.entries()) gradient[i]! += kappa * f(...v);
        for (const [i, f] of d.hessian.entries()) packed[i]! += kappa * f(...v);
        for (const [key, f] of d.third) thirdSum.set(key, (thirdSum.get(key) ?? 0) + kappa * f(...v));
      }
      const hessian = new Float64Array(P * P);
      for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) hessian[i * P + j] = packed[pair(P, i, j)]!;
      const gradTraceH = new Float64Array(P);
      let gradTraceH2: Float64Array | null = null;
      if (order >= 3) {
        gradTraceH2 = new Float64Array(P);
        for (let k = 0; k < P; k++) {
          let t1 = 0;
          let t2 = 0;
          for (let i = span.start; i < span.end; i++) {
            t1 += thirdSum.get(tripleKey(i, i, k))!;
            for (let j = span.start; j < span.end; j++) t2 += 2 * hessian[i * P + j]! * thirdSum.get(tripleKey(i, j, k))!;
          }
          gradTraceH[k] = t1;
          gradTraceH2[k] = t2;
        }
      }
      return assemble(span, P, loss, gradient, hessian, gradTraceH, gradTraceH2, null, null, outer);
    },
    text(quantity) {
      const t = texts[0]!;
      if (quantity === 'loss') return { text: t.loss, latex: t.lossTex };
      if (quantity === 'grad') return { text: t.grad, latex: t.gradTex };
      if (quantity === 'hessian') return { text: t.hess, latex: t.hessTex };
      const diag = Array.from({ length: P }, (_, i) => t.hess[pair(P, i, i)]!);
      if (quantity === 'trace') return { text: [diag.map((h) => `(${h})`).join('+')], latex: [] };
      const squares: string[] = [];
      for (let i = 0; i < P; i++) for (let j = i; j < P; j++) squares.push(`${i === j ? 1 : 2}*(${t.hess[pair(P, i, j)]!})^2`);
      return { text: [squares.join('+')], latex: [] };
    },
  };
}

function sumNodes(nodes: MathNode[]): MathNode {
  if (nodes.length === 0) return new math.ConstantNode(0);
  return nodes.reduce((acc, n) => new math.OperatorNode('+', 'add', [acc, n]));
}

/**
 * Derive with mathjs over the whole data set (labels are structural, so the derivation is
 * for these labels; `evaluate` checks that the data carry them). The traces are built as
 * expressions and differentiated directly. Throws for GELU (see MATHJS_GELU_SKIP_REASON).
 */
export function deriveMathjsNetwork(
  shape: NetworkShape,
  activation: string,
  labels: ArrayLike<number>,
  reduction: Reduction,
  order: DerivationOrder = 3,
  block: Block = 'all',
  loss: LossSpec = CROSS_ENTROPY_SPEC,
): SymbolicNetwork {
  const started = performance.now();
  const formula = activationFormula(activation);
  if (/\berf\s*\(/.test(formula)) throw new Error(MATHJS_GELU_SKIP_REASON);
  const theta = parameterSymbols(shape);
  const N = labels.length;
  const dataSymbols = Array.from({ length: N }, (_, n) => datasetDataSymbols(shape, n));
  const args = [...theta, ...dataSymbols.flat()];
  const P = theta.length;
  const kappa = reductionFactor(reduction, N);
  const lossText = `${kappa}*(${Array.from({ length: N }, (_, n) => sampleLossExpression(shape, formula, labels[n]!, dataSymbols[n]!, loss)).join('+')})`;
  const lossNode = math.parse(lossText);
  const grad = theta.map((t) => mathjsDerivative(lossNode, t));
  const hess: MathNode[] = [];
  if (order >= 2) for (let i = 0; i < P; i++) for (let j = i; j < P; j++) hess.push(mathjsDerivative(grad[i]!, theta[j]!));
  let traceHNode: MathNode | null = null;
  let traceH2Node: MathNode | null = null;
  let gradT1: MathNode[] = [];
  let gradT2: MathNode[] = [];
  const span = blockSpan(shape, block);
  if (order >= 2) {
    traceHNode = sumNodes(Array.from({ length: span.end - span.start }, (_, i) => hess[pair(P, span.start + i, span.start + i)]!));
    const squares: MathNode[] = [];
    for (let i = span.start; i < span.end; i++)
      for (let j = i; j < span.end; j++) {
        const sq = new math.OperatorNode('^', 'pow', [new math.ParenthesisNode(hess[pair(P, i, j)]!), new math.ConstantNode(2)]);
        squares.push(i === j ? sq : new math.OperatorNode('*', 'multiply', [new math.ConstantNode(2), sq]));
      }
    traceH2Node = sumNodes(squares);
  }
  if (order >= 3 && traceHNode && traceH2Node) {
    gradT1 = theta.map((t) => mathjsDerivative(traceHNode!, t));
    gradT2 = theta.map((t) => mathjsDerivative(traceH2Node!, t));
  }
  const lossF = compileMathjs(lossNode, args);
  const gradF = grad.map((g) => compileMathjs(g, args));
  const hessF = hess.map((h) => compileMathjs(h, args));
  const t1F = traceHNode ? compileMathjs(traceHNode, args) : null;
  const t2F = traceH2Node ? compileMathjs(traceH2Node, args) : null;
  const gT1F = gradT1.map((g) => compileMathjs(g, args));
  const gT2F = gradT2.map((g) => compileMathjs(g, args));
  const outer = mathjsOuterLayer();
  const labelList = Array.from(labels);
  const deriveMilliseconds = performance.now() - started;
  return {
    engine: 'mathjs',
    shape,
    activation: formula,
    order,
    deriveMilliseconds,
    evaluate(model, data, red, evaluatedBlock = 'all') {
      checkShape(shape, model, data);
      if (evaluatedBlock !== block) throw new RangeError(`mathjs network was derived for block ${block}, not ${evaluatedBlock}`);
      if (data.samples !== N || labelList.some((y, n) => data.y[n] !== y)) throw new RangeError('mathjs network was derived for other labels');
      if (red !== reduction) throw new RangeError(`mathjs network was derived for the ${reduction} reduction`);
      const v = [...flattenParameters(model), ...data.X];
      const hessian = new Float64Array(P * P);
      if (order >= 2) for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) hessian[i * P + j] = hessF[pair(P, i, j)]!(...v);
      const gradient = Float64Array.from(gradF.map((f) => f(...v)));
      const gradTraceH = order >= 3 ? Float64Array.from(gT1F.map((f) => f(...v))) : new Float64Array(P);
      const gradTraceH2 = order >= 3 ? Float64Array.from(gT2F.map((f) => f(...v))) : null;
      return assemble(span, P, lossF(...v), gradient, hessian, gradTraceH, gradTraceH2, t2F ? t2F(...v) : null, t1F ? t1F(...v) : null, outer);
    },
    text(quantity) {
      if (quantity === 'loss') return { text: [lossNode.toString()], latex: [lossNode.toTex()] };
      if (quantity === 'grad') return { text: grad.map((g) => g.toString()), latex: grad.map((g) => g.toTex()) };
      if (quantity === 'hessian') return { text: hess.map((h) => h.toString()), latex: hess.map((h) => h.toTex()) };
      const node = quantity === 'trace' ? traceHNode : traceH2Node;
      return { text: node ? [node.toString()] : [], latex: node ? [node.toTex()] : [] };
    },
  };
}
