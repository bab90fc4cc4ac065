/**
 * The engines' checks of the per-sample steps of the chain, each a derivative of a small
 * expression the engines write for themselves (never a formula of the definitions):
 *
 * - the loss in the logits, \ell(v; y) from the loss table's engine text: its first, second and
 *   third derivatives are g_n, S_n and \mathcal S_n (eq:softmax-covariance);
 * - the loss in the pre-activations, \ell_n(u, a) = \ell(V\varphi(u) + a; y) with V, a as symbols:
 *   \partial^2\ell_n/\partial u^2 = A_n (eq:a-n) and \partial^2\ell_n/\partial a\,\partial u = C_n (eq:c-n), since the bias a
 *   enters v additively (so \partial/\partial a = \partial/\partial v), with a = 0 when the network has none.
 *
 * Derivations are cached per engine, loss, shape and activation (they do not depend on the data).
 * nerdamer derives once per label with e and integer square roots opaque; mathjs once with label
 * symbols, and cannot differentiate erf (GELU), for which its leg reports why it did not run.
 */
import { compileMathjsArray, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer, nerdamerActivationText, type MathNode, type NerdamerExpression } from '../engines.ts';
import type { LossDefinitions } from '../definitions/losses.ts';
import { applyActivation, EULER_SYMBOL, opaqueExp } from '../networkExpressions.ts';
import type { Engine } from '../entrywise.ts';

type Compiled = (values: ArrayLike<number>) => number;

/** A derivation an engine could not do, with the reason (the leg reports it instead of a value). */
export class EngineSkip extends Error {}

function compile(engine: Engine, expr: MathNode | NerdamerExpression, args: readonly string[]): Compiled {
  if (engine === 'mathjs') return compileMathjsArray(expr as MathNode, args);
  const f = compileNerdamer(expr as NerdamerExpression, args);
  return (values) => f(...Array.from(values));
}

/** Derivatives of one scalar text in `symbols`: the value, the gradient, the Hessian and optionally all third derivatives (dense). */
interface DerivedScalar {
  readonly value: Compiled;
  readonly first: Compiled[];
  /** Row-major n x n. */
  readonly second: Compiled[];
  /** Row-major n x n x n, or empty. */
  readonly third: Compiled[];
}

function deriveScalar(engine: Engine, text: string, symbols: readonly string[], wrt: readonly string[], order: 2 | 3): DerivedScalar {
  const n = wrt.length;
  if (engine === 'mathjs') {
    if (/\berf\s*\(/.test(text)) throw new EngineSkip('mathjs 15.2.0 cannot differentiate erf');
    const root = math.parse(text);
    const d1 = wrt.map((w) => mathjsDerivative(root, w));
    const d2: MathNode[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d2.push(j < i ? d2[j * n + i]! : mathjsDerivative(d1[i]!, wrt[j]!));
    const second = d2.map((e) => compileMathjsArray(e, symbols));
    const third: Compiled[] = [];
    if (order === 3) {
      const cache = new Map<string, Compiled>();
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          for (let k = 0; k < n; k++) {
            const key = [i, j, k].sort((a, b) => a - b).join(',');
            let f = cache.get(key);
            if (!f) {
              const [a, b, c] = key.split(',').map(Number) as [number, number, number];
              f = compileMathjsArray(mathjsDerivative(d2[a * n + b]!, wrt[c]!), symbols);
              cache.set(key, f);
            }
            third.push(f);
          }
    }
    return { value: compileMathjsArray(root, symbols), first: d1.map((e) => compileMathjsArray(e, symbols)), second, third };
  }
  const root = nerdamer(text);
  const d1 = wrt.map((w) => nerdamer.diff(root, w));
  const d2: NerdamerExpression[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d2.push(j < i ? d2[j * n + i]! : nerdamer.diff(d1[i]!, wrt[j]!));
  const third: Compiled[] = [];
  if (order === 3) {
    const cache = new Map<string, Compiled>();
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let k = 0; k < n; k++) {
          const key = [i, j, k].sort((a, b) => a - b).join(',');
          let f = cache.get(key);
          if (!f) {
            const [a, b, c] = key.split(',').map(Number) as [number, number, number];
            f = compile('nerdamer', nerdamer.diff(d2[a * n + b]!, wrt[c]!), symbols);
            cache.set(key, f);
          }
          third.push(f);
        }
  }
  const out = { value: compile('nerdamer', root, symbols), first: d1.map((e) => compile('nerdamer', e, symbols)), second: d2.map((e) => compile('nerdamer', e, symbols)), third };
  flushNerdamer();
  return out;
}

const cache = new Map<string, unknown>();
function cached<T>(key: string, make: () => T): T {
  if (!cache.has(key)) {
    try {
      cache.set(key, make());
    } catch (err) {
      cache.set(key, err);
    }
  }
  const v = cache.get(key);
  if (v instanceof Error) throw v;
  return v as T;
}

/** ell, g, S, S3 of one sample from the engine: logits v (length c), one-hot label. */
export interface LossLocal {
  readonly ell: number;
  readonly g: Float64Array;
  readonly S: Float64Array;
  readonly S3: Float64Array;
}

const logitSymbols = (c: number) => Array.from({ length: c }, (_, k) => `LG${k + 1}`);

/** The engine's derivatives of the loss in the logits, at one sample. */
export function lossLocal(engine: Engine, loss: LossDefinitions, v: ArrayLike<number>, label: number): LossLocal {
  const c = v.length;
  const lg = logitSymbols(c);
  if (engine === 'mathjs') {
    const labels = Array.from({ length: c }, (_, k) => `Y${k + 1}`);
    const d = cached(`loss:mathjs:${loss.name}:${c}`, () => deriveScalar('mathjs', loss.engineText.mathjs(c), [...lg, ...labels], lg, 3));
    const values = new Float64Array(2 * c);
    values.set(v as ArrayLike<number>, 0);
    values[c + label] = 1;
    return { ell: d.value(values), g: Float64Array.from(d.first, (f) => f(values)), S: Float64Array.from(d.second, (f) => f(values)), S3: Float64Array.from(d.third, (f) => f(values)) };
  }
  const d = cached(`loss:nerdamer:${loss.name}:${c}:${label}`, () => deriveScalar('nerdamer', opaqueExp(loss.engineText.nerdamer(c, label)), [...lg, EULER_SYMBOL], lg, 3));
  const values = [...Array.from(v), Math.E];
  return { ell: d.value(values), g: Float64Array.from(d.first, (f) => f(values)), S: Float64Array.from(d.second, (f) => f(values)), S3: Float64Array.from(d.third, (f) => f(values)) };
}

/** A_n (h x h) and C_n (c x h) of one sample from the engine's derivatives of ell_n(u, a). */
export interface CurvatureLocal {
  readonly A: Float64Array;
  readonly C: Float64Array;
}

/**
 * The engine's A_n and C_n at one sample: u (length h), V (c x h, row-major), a (length c; zeros
 * without biases), the label, the activation formula in u.
 */
export function curvatureLocal(engine: Engine, loss: LossDefinitions, formula: string, u: ArrayLike<number>, V: ArrayLike<number>, a: ArrayLike<number>, label: number): CurvatureLocal {
  const h = u.length;
  const c = a.length;
  const us = Array.from({ length: h }, (_, i) => `UU${i + 1}`);
  const as = Array.from({ length: c }, (_, k) => `AA${k + 1}`);
  const vs = Array.from({ length: c * h }, (_, r) => `VV${Math.floor(r / h) + 1}q${(r % h) + 1}`);
  const opaque = nerdamerActivationText(formula);
  const logits = (act: string) => Array.from({ length: c }, (_, k) => `(${us.map((ui, i) => `${vs[k * h + i]}*${applyActivation(act, ui)}`).join('+')}+${as[k]})`);
  // ell(v) with the logits substituted (whole-word LGk), in the engine's own form of the loss.
  const substitute = (text: string, lv: readonly string[]) => text.replace(/\bLG(\d+)\b/g, (_, q: string) => lv[Number(q) - 1]!);
  const wrt = [...us, ...as];
  let d: DerivedScalar;
  let values: number[];
  if (engine === 'mathjs') {
    const labels = Array.from({ length: c }, (_, k) => `Y${k + 1}`);
    d = cached(`curv:mathjs:${loss.name}:${formula}:${h}:${c}`, () => deriveScalar('mathjs', substitute(loss.engineText.mathjs(c), logits(formula)), [...us, ...as, ...vs, ...labels], wrt, 2));
    values = [...Array.from(u), ...Array.from(a), ...Array.from(V), ...Array.from({ length: c }, (_, k) => (k === label ? 1 : 0))];
  } else {
    const constants = [EULER_SYMBOL, ...opaque.constants.keys()];
    d = cached(`curv:nerdamer:${loss.name}:${formula}:${h}:${c}:${label}`, () =>
      deriveScalar('nerdamer', opaqueExp(substitute(loss.engineText.nerdamer(c, label), logits(opaque.text))), [...us, ...as, ...vs, ...constants], wrt, 2),
    );
    values = [...Array.from(u), ...Array.from(a), ...Array.from(V), Math.E, ...opaque.constants.values()];
  }
  const n = wrt.length;
  const A = new Float64Array(h * h);
  const C = new Float64Array(c * h);
  for (let i = 0; i < h; i++) for (let j = 0; j < h; j++) A[i * h + j] = d.second[i * n + j]!(values);
  for (let k = 0; k < c; k++) for (let i = 0; i < h; i++) C[k * h + i] = d.second[(h + k) * n + i]!(values);
  return { A, C };
}

/** delta^{l'}, Lambda^{l'} and the Jacobians F^{l,l'}, G^{l,l'} (l > l') of one sample of a deep network, from the engine. */
export interface DeepLocal {
  readonly delta: Float64Array;
  /** The Hessian of the loss in u^{l'} (only when asked for). */
  readonly lambda: Float64Array | null;
  /** F[l - l' - 1] = du^l/du^{l'} (m_l x m_{l'}), for l = l' + 1 .. L - 1 (the last is the logits'). */
  readonly F: readonly Float64Array[];
  /** G[l - l' - 1] = da^l/du^{l'} (n_l x m_{l'}). */
  readonly G: readonly Float64Array[];
}

/** The weights of a layered network, layer by layer, as the engines see them (W row-major, then b). */
interface LayeredWeights {
  readonly activations: readonly string[];
  readonly layers: readonly { readonly inputs: number; readonly outputs: number; readonly W: ArrayLike<number>; readonly b: ArrayLike<number> | null }[];
}

/**
 * The engine's derivatives of one sample's loss written out in u^{l'} (symbols UL1..), the
 * network above layer l' with its weights and biases as symbols: the gradient is delta^{l'}, the
 * Hessian Lambda^{l'}, and the first derivatives of the written-out u^l and a^l = phi_{l-1}(u^{l-1})
 * are F^{l,l'} and G^{l,l'}. `formulas` are the hidden layers' activation formulas in u.
 */
export function deepLocal(engine: Engine, loss: LossDefinitions, formulas: readonly string[], model: LayeredWeights, lower: number, u: ArrayLike<number>, label: number, hessian: boolean): DeepLocal {
  const L = model.layers.length;
  const mq = u.length;
  const c = model.layers[L - 1]!.outputs;
  const us = Array.from({ length: mq }, (_, i) => `UL${i + 1}`);
  const weightSymbols: string[] = [];
  const weightValues: number[] = [];
  const constants = new Map<string, number>();
  const activationText = (l: number) => {
    if (engine === 'mathjs') return formulas[l]!;
    const opaque = nerdamerActivationText(formulas[l]!);
    for (const [k, v] of opaque.constants) constants.set(k, v);
    return opaque.text;
  };
  let current = us;
  const uTexts: string[][] = [];
  const aTexts: string[][] = [];
  for (let l = lower + 1; l < L; l++) {
    const layer = model.layers[l]!;
    const act = activationText(l - 1);
    const a = current.map((x) => `(${applyActivation(act, x)})`);
    aTexts.push(a);
    const next: string[] = [];
    for (let i = 0; i < layer.outputs; i++) {
      const terms: string[] = [];
      for (let j = 0; j < layer.inputs; j++) {
        const w = `WLq${l}q${i + 1}q${j + 1}`;
        weightSymbols.push(w);
        weightValues.push(layer.W[i * layer.inputs + j]!);
        terms.push(`${w}*${a[j]}`);
      }
      if (layer.b) {
        const bs = `BLq${l}q${i + 1}`;
        weightSymbols.push(bs);
        weightValues.push(layer.b[i]!);
        terms.push(bs);
      }
      next.push(`(${terms.join('+')})`);
    }
    uTexts.push(next);
    current = next;
  }
  const substitute = (text: string, lv: readonly string[]) => text.replace(/\bLG(\d+)\b/g, (_, q: string) => lv[Number(q) - 1]!);
  const logits = current;
  const key = `deep:${engine}:${loss.name}:${formulas.join('|')}:${lower}:${model.layers.map((x) => `${x.inputs}x${x.outputs}${x.b ? 'b' : ''}`).join(',')}:${hessian}:${engine === 'nerdamer' ? label : ''}`;
  let lossText: string;
  let symbols: string[];
  let values: number[];
  if (engine === 'mathjs') {
    const labels = Array.from({ length: c }, (_, k) => `Y${k + 1}`);
    lossText = substitute(loss.engineText.mathjs(c), logits);
    symbols = [...us, ...weightSymbols, ...labels];
    values = [...Array.from(u), ...weightValues, ...Array.from({ length: c }, (_, k) => (k === label ? 1 : 0))];
  } else {
    lossText = opaqueExp(substitute(loss.engineText.nerdamer(c, label), logits));
    symbols = [...us, ...weightSymbols, EULER_SYMBOL, ...constants.keys()];
    values = [...Array.from(u), ...weightValues, Math.E, ...constants.values()];
  }
  const derived = cached(key, () => {
    const ell = deriveScalar(engine, lossText, symbols, us, 2);
    const first = (texts: readonly string[][]) =>
      texts.map((rows) =>
        rows.map((row) => {
          const text = engine === 'nerdamer' ? opaqueExp(row) : row;
          if (engine === 'mathjs') {
            if (/\berf\s*\(/.test(text)) throw new EngineSkip('mathjs 15.2.0 cannot differentiate erf');
            const root = math.parse(text);
            return us.map((w) => compileMathjsArray(mathjsDerivative(root, w), symbols));
          }
          const root = nerdamer(text);
          const out = us.map((w) => compile('nerdamer', nerdamer.diff(root, w), symbols));
          flushNerdamer();
          return out;
        }),
      );
    return { ell, F: first(uTexts), G: first(aTexts) };
  });
  const delta = Float64Array.from(derived.ell.first, (f) => f(values));
  const lambda = hessian ? Float64Array.from(derived.ell.second, (f) => f(values)) : null;
  const flat = (rows: readonly Compiled[][]) => Float64Array.from(rows.flatMap((row) => row.map((f) => f(values))));
  return { delta, lambda, F: derived.F.map(flat), G: derived.G.map(flat) };
}
