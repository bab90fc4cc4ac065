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
import { rootsAsExponentials } from '../activation.ts';
import { compileMathjsArray, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer, type MathNode, type NerdamerExpression } from '../engines.ts';
import type { LossDefinitions } from '../definitions/losses.ts';
import { applyActivation, EULER_SYMBOL, opaqueExp, opaqueSqrtConstants } from '../networkExpressions.ts';
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
  const opaque = opaqueSqrtConstants(rootsAsExponentials(formula));
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
