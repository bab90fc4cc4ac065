/**
 * Entry-wise derivatives of the per-sample loss \ell(\theta; x, y) of a small network, by either
 * engine, for the sweep: the gradient, every Hessian entry and (for small P) every third
 * derivative, compiled and evaluated sample by sample, so that per-sample Hessians (the pair
 * terms of T2) and block restrictions are available, not only the sums.
 *
 * - mathjs differentiates the loss with label symbols Y1..Yc (cross-entropy:
 *   \log\sum_k e^{v_k} - \sum_k Y_k v_k; any loss of the table, lossWithLabelSymbols), once for every label; its trees are compiled to plain
 *   JavaScript (engines.ts compileMathjsArray). It carries the large shapes (P up to ~50 at
 *   second order, ~20 at third).
 * - nerdamer differentiates the loss shifted by the label logit, once per label, with e and
 *   integer square roots opaque (networkExpressions.ts: its log-sum-exp, nested-exponential and
 *   sqrt(2) defects), compiled by buildFunction. Its cost grows fast: P up to ~10 at second order.
 *
 * Both take the loss text from networkExpressions.ts and nothing from @hsr/numeric or the
 * definitions. Cost: P(P+1)/2 second and P(P+1)(P+2)/6 third derivatives per label set.
 */
import { compileMathjsArray, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer, nerdamerActivationText, type MathNode, type NerdamerExpression } from './engines.ts';
import {
  CROSS_ENTROPY_SPEC,
  EULER_SYMBOL,
  lossWithLabelSymbols,
  opaqueExp,
  parameterSymbols,
  sampleDataSymbols,
  sampleLogitExpressions,
  sampleLossExpression,
  type LossSpec,
  type NetworkShape,
} from './networkExpressions.ts';

export type Engine = 'nerdamer' | 'mathjs';

/** One sample's loss and its derivatives in theta order (row-major P x P and P x P x P). */
export interface SampleDerivatives {
  readonly loss: number;
  readonly gradient: Float64Array;
  readonly hessian: Float64Array;
  readonly third: Float64Array | null;
}

export interface EntrywiseNetwork {
  readonly engine: Engine;
  readonly shape: NetworkShape;
  readonly order: 2 | 3;
  readonly parameters: number;
  readonly deriveMilliseconds: number;
  /** The derivatives at parameters theta (numeric's flattening order), inputs x, label y (0-based). */
  sample(theta: ArrayLike<number>, x: ArrayLike<number>, label: number): SampleDerivatives;
}

type Compiled = (values: ArrayLike<number>) => number;

interface Compiled3 {
  loss: Compiled;
  gradient: Compiled[];
  /** Upper triangle, row by row. */
  hessian: Compiled[];
  /** Sorted triples i <= j <= k, lexicographic. */
  third: Compiled[];
}

function upper(P: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < P; i++) for (let j = i; j < P; j++) out.push([i, j]);
  return out;
}

function triples(P: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < P; i++) for (let j = i; j < P; j++) for (let k = j; k < P; k++) out.push([i, j, k]);
  return out;
}

function unpack(P: number, c: Compiled3, values: ArrayLike<number>, order: 2 | 3): SampleDerivatives {
  const gradient = Float64Array.from(c.gradient, (f) => f(values));
  const hessian = new Float64Array(P * P);
  upper(P).forEach(([i, j], q) => {
    const v = c.hessian[q]!(values);
    hessian[i * P + j] = v;
    hessian[j * P + i] = v;
  });
  let third: Float64Array | null = null;
  if (order === 3) {
    third = new Float64Array(P * P * P);
    triples(P).forEach(([i, j, k], q) => {
      const v = c.third[q]!(values);
      for (const [a, b, d] of [
        [i, j, k],
        [i, k, j],
        [j, i, k],
        [j, k, i],
        [k, i, j],
        [k, j, i],
      ] as const)
        third![(a * P + b) * P + d] = v;
    });
  }
  return { loss: c.loss(values), gradient, hessian, third };
}

/** Derive with mathjs (label symbols; one derivation for every label). */
function deriveMathjs(shape: NetworkShape, formula: string, order: 2 | 3, lossSpec: LossSpec): EntrywiseNetwork {
  const started = performance.now();
  if (/\berf\s*\(/.test(formula)) throw new Error('mathjs 15.2.0 cannot differentiate erf');
  const theta = parameterSymbols(shape);
  const x = sampleDataSymbols(shape);
  const labels = Array.from({ length: shape.classes }, (_, k) => `Y${k + 1}`);
  const logits = sampleLogitExpressions(shape, formula, x);
  const text = lossWithLabelSymbols(lossSpec, logits, labels);
  const args = [...theta, ...x, ...labels];
  const P = theta.length;
  const root = math.parse(text);
  const grad = theta.map((t) => mathjsDerivative(root, t));
  const hess: MathNode[][] = theta.map(() => []);
  for (const [i, j] of upper(P)) hess[i]![j] = mathjsDerivative(grad[i]!, theta[j]!);
  const compiled: Compiled3 = {
    loss: compileMathjsArray(root, args),
    gradient: grad.map((g) => compileMathjsArray(g, args)),
    hessian: upper(P).map(([i, j]) => compileMathjsArray(hess[i]![j]!, args)),
    third: order === 3 ? triples(P).map(([i, j, k]) => compileMathjsArray(mathjsDerivative(hess[i]![j]!, theta[k]!), args)) : [],
  };
  const deriveMilliseconds = performance.now() - started;
  const c = shape.classes;
  return {
    engine: 'mathjs',
    shape,
    order,
    parameters: P,
    deriveMilliseconds,
    sample(th, xs, label) {
      const values = new Float64Array(args.length);
      values.set(th as ArrayLike<number>, 0);
      values.set(xs as ArrayLike<number>, P);
      for (let k = 0; k < c; k++) values[P + shape.inputDim + k] = k === label ? 1 : 0;
      return unpack(P, compiled, values, order);
    },
  };
}

/** Derive with nerdamer (one derivation per label; e and integer square roots opaque). */
function deriveNerdamer(shape: NetworkShape, formula: string, order: 2 | 3, lossSpec: LossSpec): EntrywiseNetwork {
  const started = performance.now();
  const theta = parameterSymbols(shape);
  const x = sampleDataSymbols(shape);
  const opaque = nerdamerActivationText(formula);
  const constantNames = [EULER_SYMBOL, ...opaque.constants.keys()];
  const constantValues = [Math.E, ...opaque.constants.values()];
  const args = [...theta, ...x, ...constantNames];
  const P = theta.length;
  const perLabel: Compiled3[] = [];
  for (let y = 0; y < shape.classes; y++) {
    const loss = nerdamer(opaqueExp(sampleLossExpression(shape, opaque.text, y, x, lossSpec)));
    const grad: NerdamerExpression[] = theta.map((t) => nerdamer.diff(loss, t));
    const hess = new Map<string, NerdamerExpression>();
    for (const [i, j] of upper(P)) hess.set(`${i},${j}`, nerdamer.diff(grad[i]!, theta[j]!));
    const wrap = (e: NerdamerExpression): Compiled => {
      const f = compileNerdamer(e, args);
      return (values) => f(...Array.from(values));
    };
    perLabel.push({
      loss: wrap(loss),
      gradient: grad.map(wrap),
      hessian: upper(P).map(([i, j]) => wrap(hess.get(`${i},${j}`)!)),
      third: order === 3 ? triples(P).map(([i, j, k]) => wrap(nerdamer.diff(hess.get(`${i},${j}`)!, theta[k]!))) : [],
    });
    flushNerdamer();
  }
  const deriveMilliseconds = performance.now() - started;
  return {
    engine: 'nerdamer',
    shape,
    order,
    parameters: P,
    deriveMilliseconds,
    sample(th, xs, label) {
      const values = new Float64Array(args.length);
      values.set(th as ArrayLike<number>, 0);
      values.set(xs as ArrayLike<number>, P);
      values.set(constantValues, P + shape.inputDim);
      return unpack(P, perLabel[label]!, values, order);
    },
  };
}

/** Derive the per-sample loss (`loss`, default cross-entropy) of `shape` with activation `formula` (in u) to `order` with `engine`. */
export function deriveEntrywise(engine: Engine, shape: NetworkShape, formula: string, order: 2 | 3, loss: LossSpec = CROSS_ENTROPY_SPEC): EntrywiseNetwork {
  return engine === 'mathjs' ? deriveMathjs(shape, formula, order, loss) : deriveNerdamer(shape, formula, order, loss);
}
