/**
 * Symbolic Gauss–Newton matrix G = \kappa\sum_n J_n^\top S_n J_n (docs/mathematics.md §3, eq:gauss-newton)
 * by either engine, without any formula from @hsr/numeric:
 *   J_n = \partial v(\theta; x_n)/\partial\theta   (c x P): the engine differentiates the logit text once,
 *   S_n = \nabla^2_v \ell(v)                           (c x c): for cross-entropy and label smoothing mathjs
 *                                                       differentiates the log-sum-exp of logit symbols
 *                                                       twice; nerdamer differentiates the softmax
 *                                                       p_k = 1/(1 + \sum_{l\ne k} e^{v_l - v_k}) once (its
 *                                                       second derivative of the log-sum-exp is wrong);
 *                                                       for mse and BCE both engines differentiate g(v)
 *                                                       (v_k, 1/(1 + e^{-v_k})) once; all at v(\theta; x_n).
 * Then T1 = tr G_b, T2 = ||G_b||_F^2 of the block's sub-matrix and the WS bounds through the
 * engine's own outer layer. Only first derivatives of the network are needed, so this runs at
 * far larger P than the Hessian derivation (c P first derivatives, not c P^3 third ones); the
 * gradients of the Gauss–Newton traces are not derived (they would need d J and d S).
 *
 * nerdamer: exp is kept opaque (opaqueExp) and integer square roots too (opaqueSqrtConstants),
 * as for the Hessian; both engines evaluate the log-sum-exp as written, which is finite for
 * |v| < ~700 (the small networks this is for).
 */
import { flattenParameters, type Block, type Dataset, type Model, type Reduction } from '@hsr/numeric';
import { compileMathjs, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer, nerdamerActivationText } from './engines.ts';
import { CROSS_ENTROPY_SPEC, EULER_SYMBOL, curvatureGenerators, opaqueExp, parameterSymbols, reductionFactor, sampleDataSymbols, sampleLogitExpressions, type LossSpec, type NetworkShape } from './networkExpressions.ts';
import { mathjsOuterLayer, nerdamerOuterLayer, type OuterLayer, type SymbolicBounds } from './quantities.ts';
import { activationFormula, blockSpan, checkShape } from './symbolicNetwork.ts';

export interface SymbolicGaussNewton {
  readonly engine: 'nerdamer' | 'mathjs';
  /** The block's Gauss–Newton matrix (P_b x P_b, row-major), T1, T2 and the five bounds. */
  evaluate(model: Model, data: Dataset, reduction: Reduction, block?: Block): { size: number; matrix: Float64Array; traceH: number; traceH2: number; bounds: SymbolicBounds };
}

type Compiled = (...values: number[]) => number;

/** Derive J's entries and S's entries with `engine`; see the module comment. Cost: c P + c^2 derivatives. */
export function deriveGaussNewton(shape: NetworkShape, activation: string, engine: 'nerdamer' | 'mathjs', loss: LossSpec = CROSS_ENTROPY_SPEC): SymbolicGaussNewton {
  const theta = parameterSymbols(shape);
  const x = sampleDataSymbols(shape);
  const P = theta.length;
  const c = shape.classes;
  const logitSymbols = Array.from({ length: c }, (_, k) => `LG${k + 1}`);
  let logits: Compiled[];
  let jacobian: Compiled[]; // c x P, row-major
  let covariance: Compiled[]; // c x c, row-major (symmetric, both halves compiled)
  let constantValues: number[];
  let outer: OuterLayer;
  const formula = activationFormula(activation);
  if (engine === 'nerdamer') {
    const opaque = nerdamerActivationText(formula);
    const args = [...theta, ...x, EULER_SYMBOL, ...opaque.constants.keys()];
    constantValues = [Math.E, ...opaque.constants.values()];
    const texts = sampleLogitExpressions(shape, opaque.text, x).map(opaqueExp);
    const exprs = texts.map((t) => nerdamer(t));
    logits = exprs.map((e) => compileNerdamer(e, args));
    jacobian = exprs.flatMap((e) => theta.map((t) => compileNerdamer(nerdamer.diff(e, t), args)));
    // S = d f / d v with f the loss's curvature generators (for the softmax losses
    // p_k = 1 / (1 + sum_{l != k} e^{v_l - v_k})): nerdamer's second derivative of log(sum e^v)
    // itself is wrong (it merges (sum e^v)^(-1) e^{v_1} into (sum e^v)^(v_1 - 1); pinned in
    // test/defects.test.ts), its first derivative of this softmax form is not.
    const softmaxArgs = [...logitSymbols, EULER_SYMBOL];
    const second = curvatureGenerators(loss, logitSymbols).flatMap((text) => {
      const pk = nerdamer(opaqueExp(text));
      return logitSymbols.map((vl) => compileNerdamer(nerdamer.diff(pk, vl), softmaxArgs));
    });
    covariance = second.map(
      (f) =>
        (...v: number[]) =>
          f(...v, Math.E),
    );
    outer = nerdamerOuterLayer();
    flushNerdamer();
  } else {
    if (/\berf\s*\(/.test(formula)) throw new Error('mathjs cannot differentiate erf, so GELU has no mathjs Gauss–Newton leg');
    const args = [...theta, ...x];
    constantValues = [];
    const nodes = sampleLogitExpressions(shape, formula, x).map((t) => math.parse(t));
    logits = nodes.map((n) => compileMathjs(n, args));
    jacobian = nodes.flatMap((n) => theta.map((t) => compileMathjs(mathjsDerivative(n, t), args)));
    if (loss.name === 'cross-entropy' || loss.name === 'label-smoothing') {
      // mathjs differentiates the log-sum-exp twice correctly: S from the definition itself.
      const lseNode = math.parse(`log(${logitSymbols.map((v) => `exp(${v})`).join('+')})`);
      covariance = logitSymbols.flatMap((a) => logitSymbols.map((b) => compileMathjs(mathjsDerivative(mathjsDerivative(lseNode, a), b), logitSymbols)));
    } else {
      const generators = curvatureGenerators(loss, logitSymbols).map((t) => math.parse(t));
      covariance = generators.flatMap((f) => logitSymbols.map((b) => compileMathjs(mathjsDerivative(f, b), logitSymbols)));
    }
    outer = mathjsOuterLayer();
  }
  return {
    engine,
    evaluate(model, data, reduction, block = 'all') {
      checkShape(shape, model, data);
      const { start, end } = blockSpan(shape, block);
      const size = end - start;
      const kappa = reductionFactor(reduction, data.samples);
      // theta in parameterSymbols order, which is numeric's flattening contract (parameters.ts).
      const theta0 = Array.from(flattenParameters(model));
      const G = new Float64Array(size * size);
      const J = new Float64Array(c * size); // the block's columns of J_n
      const SJ = new Float64Array(c * size);
      for (let n = 0; n < data.samples; n++) {
        const values = [...theta0, ...data.X.subarray(n * shape.inputDim, (n + 1) * shape.inputDim), ...constantValues];
        const v = logits.map((f) => f(...values));
        for (let k = 0; k < c; k++) for (let a = 0; a < size; a++) J[k * size + a] = jacobian[k * P + start + a]!(...values);
        const S = covariance.map((f) => f(...v));
        // G += kappa J^T (S J)
        SJ.fill(0);
        for (let k = 0; k < c; k++) for (let l = 0; l < c; l++) for (let a = 0; a < size; a++) SJ[k * size + a]! += S[k * c + l]! * J[l * size + a]!;
        for (let k = 0; k < c; k++) for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) G[a * size + b]! += kappa * J[k * size + a]! * SJ[k * size + b]!;
      }
      let traceH = 0;
      let traceH2 = 0;
      for (let a = 0; a < size; a++) {
        traceH += G[a * size + a]!;
        for (let b = 0; b < size; b++) traceH2 += G[a * size + b]! ** 2;
      }
      return { size, matrix: G, traceH, traceH2, bounds: outer.bounds(traceH, traceH2, size) };
    },
  };
}
