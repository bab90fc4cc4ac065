/**
 * The loss of a small network written out as scalar expressions in named symbols (eq:loss),
 * for both engines:
 *
 *   u_{ni} = \sum_j W_{ij} x_{nj} + b_i,\quad z_{ni} = \varphi(u_{ni}),\quad
 *   v_{nk} = \sum_i V_{ki} z_{ni} + a_k,\quad
 *   \ell_n = \log\Big(1 + \sum_{k \ne y_n} e^{v_{nk} - v_{n y_n}}\Big)\ \text{(cross-entropy; the other losses below)}.
 *
 * The other losses (lossOnLogits), each from its definition: label smoothing as the
 * cross-entropy plus (\epsilon/c)\sum_k (v_y - v_k) (the same function as -\sum_k t_k\log p_k,
 * with \epsilon written as an exact fraction: nerdamer turns decimals into approximate ones),
 * mse as \tfrac12\sum_k (v_k - [k = y])^2, binary cross-entropy as
 * \sum_{k \ne y}\log(1 + e^{v_k}) + \log(1 + e^{-v_y}) (a log of 1 plus one exponential, which
 * nerdamer differentiates correctly).
 *
 * The log-sum-exp is shifted by the label logit (docs/mathematics.md §7): nerdamer turns
 * `log(exp(a)+exp(b))` into 1, while `log(1 + exp(b - a))` is handled correctly. The same
 * shifted form is given to mathjs so the two legs differentiate one expression.
 *
 * Symbols follow the flattening contract of `@hsr/numeric` parameters.ts, theta =
 * (vec_row [W|b], vec_row [V|a]): `W{i}q{j}`, `b{i}`, `V{k}q{i}`, `a{k}` (1-based), data
 * `X{j}` for one sample or `X{n}q{j}` for sample n. No underscores: nerdamer splits
 * `V_1_1` into `V_1*_1`.
 */

import type { Loss } from '@hsr/numeric';

/** The loss of a symbolic network and label smoothing's epsilon (ignored by the others). */
export interface LossSpec {
  readonly name: Loss;
  readonly labelSmoothing: number;
}

export const CROSS_ENTROPY_SPEC: LossSpec = { name: 'cross-entropy', labelSmoothing: 0.1 };

/**
 * x as an exact fraction p/q of integers (the double x itself: continued fractions until
 * p/q rounds to x), for expressions nerdamer must not approximate. 0.1 gives 1/10.
 */
export function rationalText(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  let [h0, h1, k0, k1] = [0n, 1n, 1n, 0n];
  let r = Math.abs(x);
  for (let i = 0; i < 64; i++) {
    const a = BigInt(Math.floor(r));
    [h0, h1] = [h1, a * h1 + h0];
    [k0, k1] = [k1, a * k1 + k0];
    if (Number(h1) / Number(k1) === Math.abs(x)) break;
    const f = r - Math.floor(r);
    if (f === 0) break;
    r = 1 / f;
  }
  return `(${x < 0 ? '-' : ''}${h1}/${k1})`;
}

/** The per-sample loss of `logits` (texts) for label `label` (0-based), from the loss's definition (see the module comment). */
export function lossOnLogits(loss: LossSpec, logits: readonly string[], label: number): string {
  const c = logits.length;
  const vy = logits[label]!;
  const crossEntropy = () => `log(1+${logits.flatMap((vk, k) => (k === label ? [] : [`exp(${vk}-${vy})`])).join('+')})`;
  switch (loss.name) {
    case 'cross-entropy':
      return crossEntropy();
    case 'label-smoothing':
      return `${crossEntropy()}+${rationalText(loss.labelSmoothing)}/${c}*(${logits.map((vk) => `(${vy}-${vk})`).join('+')})`;
    case 'mse':
      return `(1/2)*(${logits.map((vk, k) => (k === label ? `(${vk}-1)^2` : `(${vk})^2`)).join('+')})`;
    case 'binary-cross-entropy':
      return logits.map((vk, k) => (k === label ? `log(1+exp(-(${vk})))` : `log(1+exp(${vk}))`)).join('+');
  }
}

/**
 * The per-sample loss of `logits` with label symbols `labels` (Y_k = [k = y]; one text for every
 * label), for mathjs, which differentiates the plain log-sum-exp correctly: lse(v) - y.v
 * (cross-entropy), lse(v) - t.v with t = (1 - eps) y + eps/c (label smoothing), half the squared
 * error (mse), sum_k log(1 + e^{v_k}) - y_k v_k (binary cross-entropy).
 */
export function lossWithLabelSymbols(loss: LossSpec, logits: readonly string[], labels: readonly string[]): string {
  const c = logits.length;
  const lse = `log(${logits.map((x) => `exp(${x})`).join('+')})`;
  switch (loss.name) {
    case 'cross-entropy':
      return `${lse}-(${logits.map((x, q) => `${labels[q]}*${x}`).join('+')})`;
    case 'label-smoothing': {
      const eps = rationalText(loss.labelSmoothing);
      return `${lse}-(${logits.map((x, q) => `((1-${eps})*${labels[q]}+${eps}/${c})*${x}`).join('+')})`;
    }
    case 'mse':
      return `(1/2)*(${logits.map((x, q) => `(${x}-${labels[q]})^2`).join('+')})`;
    case 'binary-cross-entropy':
      return logits.map((x, q) => `log(1+exp(${x}))-${labels[q]}*${x}`).join('+');
  }
}

/**
 * Texts f_k(v) in the logit symbols whose first derivatives are S = d^2 l/dv^2 (the label-free
 * part of g = dl/dv): the softmax p_k = 1/(1 + sum_{l != k} e^{v_l - v_k}) (cross-entropy and label
 * smoothing), v_k (mse), 1/(1 + e^{-v_k}) (binary cross-entropy). First derivatives only: nerdamer's
 * second derivative of a log-sum-exp is wrong (test/defects.test.ts).
 */
export function curvatureGenerators(loss: LossSpec, logitSymbols: readonly string[]): string[] {
  const softmax = (vk: string, k: number) => `1/(1+${logitSymbols.flatMap((vl, l) => (l === k ? [] : [`exp(${vl}-${vk})`])).join('+')})`;
  const generator: { readonly [L in Loss]: (vk: string, k: number) => string } = {
    'cross-entropy': softmax,
    'label-smoothing': softmax,
    mse: (vk) => vk,
    'binary-cross-entropy': (vk) => `1/(1+exp(-${vk}))`,
  };
  return logitSymbols.map(generator[loss.name]);
}

/** The shape of a symbolic network. */
export interface NetworkShape {
  readonly inputDim: number;
  readonly hiddenDim: number;
  readonly classes: number;
  readonly bias: boolean;
}

/** Parameter symbols in theta order (W row i then b_i, ..., V row k then a_k, ...). */
export function parameterSymbols(shape: NetworkShape): string[] {
  const out: string[] = [];
  for (let i = 1; i <= shape.hiddenDim; i++) {
    for (let j = 1; j <= shape.inputDim; j++) out.push(`W${i}q${j}`);
    if (shape.bias) out.push(`b${i}`);
  }
  for (let k = 1; k <= shape.classes; k++) {
    for (let i = 1; i <= shape.hiddenDim; i++) out.push(`V${k}q${i}`);
    if (shape.bias) out.push(`a${k}`);
  }
  return out;
}

/** Data symbols of one sample: X1..Xd. */
export function sampleDataSymbols(shape: NetworkShape): string[] {
  return Array.from({ length: shape.inputDim }, (_, j) => `X${j + 1}`);
}

/** Data symbols of sample n (0-based n, 1-based names): X{n+1}q1..X{n+1}qd. */
export function datasetDataSymbols(shape: NetworkShape, n: number): string[] {
  return Array.from({ length: shape.inputDim }, (_, j) => `X${n + 1}q${j + 1}`);
}

/**
 * Substitute an argument for the variable `u` of an activation formula (whole-word
 * replacement, so `u` inside a function name such as `sum` is untouched).
 */
export function applyActivation(formula: string, argument: string): string {
  return formula.replace(/(?<![A-Za-z0-9_])u(?![A-Za-z0-9_])/g, `(${argument})`);
}

/**
 * The per-sample loss for label `label` (0-based) with data symbols `x`, as text both
 * engines parse: log(1 + sum_{k != y} exp(v_k - v_y)) for cross-entropy (lossOnLogits).
 */
export function sampleLossExpression(shape: NetworkShape, activation: string, label: number, x: readonly string[], loss: LossSpec = CROSS_ENTROPY_SPEC): string {
  if (label < 0 || label >= shape.classes) throw new RangeError(`label ${label} outside 0..${shape.classes - 1}`);
  return lossOnLogits(loss, sampleLogitExpressions(shape, activation, x), label);
}

/** The logits v_1..v_c of one sample, v_k = sum_i V_ki phi(W_i . x + b_i) + a_k, as text. */
export function sampleLogitExpressions(shape: NetworkShape, activation: string, x: readonly string[]): string[] {
  const z: string[] = [];
  for (let i = 1; i <= shape.hiddenDim; i++) {
    const terms = x.map((xj, j) => `W${i}q${j + 1}*${xj}`);
    if (shape.bias) terms.push(`b${i}`);
    z.push(applyActivation(activation, terms.join('+')));
  }
  return Array.from({ length: shape.classes }, (_, k) => {
    const terms = z.map((zi, i) => `V${k + 1}q${i + 1}*${zi}`);
    if (shape.bias) terms.push(`a${k + 1}`);
    return `(${terms.join('+')})`;
  });
}

/** kappa = 1/N (mean) or 1 (sum). */
export function reductionFactor(reduction: 'mean' | 'sum', samples: number): number {
  return reduction === 'mean' ? 1 / samples : 1;
}

/** The opaque stand-in for Euler's number in nerdamer expressions (see `opaqueExp`). */
export const EULER_SYMBOL = 'EUL';

/**
 * Rewrite every `exp(arg)` as `(EUL^(arg))` with EUL an opaque symbol, bound to e only when
 * the compiled function is called. Why: nerdamer replaces e by 325368125/119696244 inside
 * derivatives and, for an exponential nested in another exponent (sigmoid or softplus
 * inside the shifted log-sum-exp), differentiates the resulting rational powers with a
 * wrong sign (-(ln a + ln b) instead of ln a - ln b; pinned in test/defects.test.ts).
 * With an opaque base, d/dx EUL^f = EUL^f log(EUL) f' is exact and log(EUL) evaluates to 1.
 */
export function opaqueExp(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('exp(', i);
    if (at < 0 || (at > 0 && /[A-Za-z0-9_]/.test(text[at - 1]!))) {
      if (at < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, at + 4);
      i = at + 4;
      continue;
    }
    out += text.slice(i, at);
    let depth = 1;
    let j = at + 4;
    while (j < text.length && depth > 0) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')') depth--;
      j++;
    }
    if (depth !== 0) throw new Error(`unbalanced parentheses in "${text}"`);
    out += `(${EULER_SYMBOL}^(${opaqueExp(text.slice(at + 4, j - 1))}))`;
    i = j;
  }
  return out;
}

/**
 * Replace every `sqrt(k)` of an integer literal k by an opaque symbol `SQRTk`, returned with
 * its value. Why: nerdamer mangles sqrt(2) constants once they pass through `diff` (#358
 * in LaTeX, and in values: GELU's d^2/dW^2 with biases came out 0.837 instead of 0.514);
 * an opaque symbol is differentiated as the constant it is.
 */
export function opaqueSqrtConstants(text: string): { text: string; constants: Map<string, number> } {
  const constants = new Map<string, number>();
  const out = text.replace(/(?<![A-Za-z0-9_])sqrt\(\s*(\d+)\s*\)/g, (_, k: string) => {
    const name = `SQRT${k}`;
    constants.set(name, Math.sqrt(Number(k)));
    return name;
  });
  return { text: out, constants };
}
