/**
 * A definition written out for a computer-algebra engine, so the engine can differentiate it:
 * the seeds and explicit partials of the bound's gradient (definitions/gradient.ts) claim to be
 * partial derivatives of T1 and T2 in chosen variables, and the sweep checks that claim by
 * letting nerdamer and mathjs differentiate T itself, written in those variables.
 *
 * T = c \sum_n \sum_m B(n, m) (or c \sum_n B(n)) is written as its summand B for two symbolic
 * samples a and b (the "pair form"): the variables of sample n become symbols of slot a, those of
 * m of slot b, and everything that does not depend on a variable (K^x_{nm}, the selectors,
 * kappa) a constant symbol bound per pair. One derivation then serves every pair, and its size
 * does not grow with N: \partial T/\partial X_n = c\sum_m [\partial B/\partial X_a (n, m) + \partial B/\partial X_b (m, n)].
 *
 * Every definition on the way from T to a variable is inlined (its body written with its
 * indices substituted), sums over classes and hidden units are expanded for the concrete shape,
 * the indicator and the augmentation are resolved, and each application of the activation or one
 * of its derivatives is written as the engine's own derivative of the activation's formula. Numbers
 * that are not integers are symbols too (nerdamer turns decimals into approximate fractions).
 * `forms` replaces definitions by equivalent ones the engine differentiates correctly (the loss
 * table's `nerdamerForms`).
 */
import { compileMathjsArray, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer, nerdamerActivationText, type NerdamerExpression } from '../engines.ts';
import { applyActivation, EULER_SYMBOL, opaqueExp } from '../networkExpressions.ts';
import type { Engine } from '../entrywise.ts';
import type { Evaluator } from './evaluate.ts';
import { referencedTensors, type Definition, type Expr, type Index, type TensorSymbol } from './expression.ts';

/** A sample slot of the pair form (a for n, b for m). */
type Slot = { readonly slot: 0 | 1 };
type IndexValue = number | Slot;
const isSlot = (v: IndexValue): v is Slot => typeof v !== 'number';

/** One symbol of the written-out summand: which tensor entry it stands for. */
interface SymbolEntry {
  readonly name: string;
  /** The tensor, or null for a number written as a symbol (its value is at[0]). */
  readonly tensor: TensorSymbol | null;
  readonly at: readonly IndexValue[];
  /** A variable (differentiated in) or a constant (bound per pair). */
  readonly variable: boolean;
}

export interface PairForm {
  readonly engine: Engine;
  /** 1: T = c sum_n B(n); 2: T = c sum_{n,m} B(n, m). */
  readonly samples: 1 | 2;
  /** The constant factor c in front of the sum. */
  readonly outer: number;
  readonly text: string;
  readonly symbols: readonly SymbolEntry[];
  /** Engine constants (e, integer square roots) appended to every evaluation. */
  readonly constants: readonly { name: string; value: number }[];
}

/** The activation and its derivatives as engine text in u (the engine's own derivatives of `formula`). */
function activationTexts(engine: Engine, formula: string): { texts: readonly string[]; constants: { name: string; value: number }[] } {
  if (engine === 'mathjs') {
    const out: string[] = [];
    let node = math.parse(formula);
    for (let k = 0; k <= 3; k++) {
      out.push(node.toString());
      if (k < 3) node = mathjsDerivative(node, 'u');
    }
    return { texts: out, constants: [] };
  }
  const opaque = nerdamerActivationText(formula);
  const out: string[] = [];
  let e: NerdamerExpression = nerdamer(opaqueExp(opaque.text));
  for (let k = 0; k <= 3; k++) {
    out.push(e.toString());
    if (k < 3) e = nerdamer.diff(e, 'u');
  }
  flushNerdamer();
  return { texts: out, constants: [{ name: EULER_SYMBOL, value: Math.E }, ...[...opaque.constants].map(([name, value]) => ({ name, value }))] };
}

const PHI_ORDER = { phi: 0, phi1: 1, phi2: 2, phi3: 3 } as const;

/**
 * Write T's summand in the pair form with `variables` (tensor names) as the symbols to
 * differentiate in. `T` must be c * sum_n [sum_m] B with c free of sample indices.
 */
export function pairForm(engine: Engine, T: Definition, variables: ReadonlySet<string>, evaluator: Evaluator, activationFormula: string, forms: readonly Definition[] = []): PairForm {
  const definitions = new Map<string, Definition>([...(evaluator.context.definitions ?? new Map<string, Definition>()), ...forms.map((f) => [f.name, f] as const)]);
  const resolve = (t: TensorSymbol): Definition | null => {
    const d = definitions.get(t.name);
    if (d) return d;
    return t.kind === 'definition' ? (t as Definition) : null;
  };
  const depends = new Map<string, boolean>();
  const dependsOnVariable = (t: TensorSymbol): boolean => {
    if (variables.has(t.name)) return true;
    const known = depends.get(t.name);
    if (known !== undefined) return known;
    const d = resolve(t);
    const out = d ? referencedTensors(d.body).some(dependsOnVariable) : false;
    depends.set(t.name, out);
    return out;
  };

  // Peel T = c * sum_n [sum_m] B.
  let body = T.body;
  const outerFactors: Expr[] = [];
  if (body.kind === 'mul') {
    const sums = body.factors.filter((f) => f.kind === 'sum');
    if (sums.length !== 1) throw new Error(`${T.name}: expected one sum over the samples`);
    outerFactors.push(...body.factors.filter((f) => f.kind !== 'sum'));
    body = sums[0]!;
  }
  if (body.kind !== 'sum' || body.index.extent !== 'N') throw new Error(`${T.name}: expected a sum over the samples`);
  const sampleIndices: Index[] = [body.index];
  body = body.body;
  if (body.kind === 'sum' && body.index.extent === 'N') {
    sampleIndices.push(body.index);
    body = body.body;
  }
  const outer = outerFactors.reduce((p, f) => p * evaluator.evaluate(f), 1);

  const act = activationTexts(engine, activationFormula);
  const symbols = new Map<string, SymbolEntry>();
  const tensorIds = new Map<string, number>();
  const symbolFor = (tensor: TensorSymbol, at: readonly IndexValue[], variable: boolean): string => {
    if (!tensorIds.has(tensor.name)) tensorIds.set(tensor.name, tensorIds.size);
    const name = `s${tensorIds.get(tensor.name)}${at.map((v) => `q${isSlot(v) ? (v.slot === 0 ? 'a' : 'b') : v}`).join('')}`;
    if (!symbols.has(name)) symbols.set(name, { name, tensor, at, variable });
    return name;
  };
  let constantCount = 0;
  const numberText = (v: number): string => {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 31) return v < 0 ? `(${v})` : String(v);
    if (engine === 'mathjs') return `(${v})`;
    const name = `k${constantCount++}`;
    symbols.set(name, { name, tensor: null, at: [v], variable: false });
    return name;
  };

  const sizes = evaluator.context.sizes;
  const emit = (e: Expr, bind: ReadonlyMap<string, IndexValue>): string => {
    const value = (ix: Index): IndexValue => {
      const v = bind.get(ix.name);
      if (v === undefined) throw new Error(`pair form: index ${ix.name} is not bound`);
      return v;
    };
    switch (e.kind) {
      case 'number':
        return numberText(e.value);
      case 'extent':
        return String(sizes[e.extent]);
      case 'ref': {
        const at = e.indices.map(value);
        if (variables.has(e.tensor.name)) return symbolFor(e.tensor, at, true);
        const d = resolve(e.tensor);
        if (d && dependsOnVariable(e.tensor)) {
          const inner = new Map<string, IndexValue>();
          d.indices.forEach((ix, k) => {
            inner.set(ix.name, at[k]!);
          });
          return `(${emit(d.body, inner)})`;
        }
        if (at.some(isSlot)) return symbolFor(e.tensor, at, false);
        // A constant entry: its value, as a number (or a constant symbol for nerdamer).
        const t = evaluator.value(e.tensor);
        let flat = 0;
        at.forEach((v, k) => {
          flat = flat * t.shape[k]! + (v as number);
        });
        return numberText(t.data[flat]!);
      }
      case 'add':
        return `(${e.terms.map((t) => emit(t, bind)).join('+')})`;
      case 'mul':
        return `(${e.factors.map((f) => emit(f, bind)).join('*')})`;
      case 'neg':
        return `(-${emit(e.arg, bind)})`;
      case 'div':
        return `(${emit(e.numerator, bind)})/(${emit(e.denominator, bind)})`;
      case 'pow':
        return `(${emit(e.base, bind)})^(${emit(e.exponent, bind)})`;
      case 'sum': {
        if (e.index.extent === 'N') throw new Error('pair form: a sum over the samples inside the summand');
        const n = sizes[e.index.extent];
        if (n === 0) return '0';
        const terms: string[] = [];
        for (let v = 0; v < n; v++) terms.push(emit(e.body, new Map([...bind, [e.index.name, v]])));
        return `(${terms.join('+')})`;
      }
      case 'apply': {
        const arg = emit(e.arg, bind);
        if (e.fn in PHI_ORDER) return `(${applyActivation(act.texts[PHI_ORDER[e.fn as keyof typeof PHI_ORDER]]!, arg)})`;
        if (e.fn === 'exp' || e.fn === 'log' || e.fn === 'sqrt' || e.fn === 'tanh' || e.fn === 'erf') return `${e.fn}(${arg})`;
        throw new Error(`pair form: function ${e.fn}`);
      }
      case 'max':
        throw new Error('pair form: max is not differentiable');
      case 'indicator': {
        const a = value(e.left);
        const b = value(e.right);
        if (isSlot(a) || isSlot(b)) {
          if (isSlot(a) && isSlot(b) && a.slot === b.slot) return '1';
          throw new Error('pair form: an indicator between two samples');
        }
        return a === b ? '1' : '0';
      }
      case 'augment': {
        const v = value(e.outer);
        if (isSlot(v)) throw new Error('pair form: augmentation over the samples');
        return v < sizes[e.inner.extent] ? emit(e.body, bind) : emit(e.fill, bind);
      }
    }
  };
  const start = new Map<string, IndexValue>(sampleIndices.map((ix, k) => [ix.name, { slot: k as 0 | 1 }]));
  let text = emit(body, start);
  if (engine === 'nerdamer') text = opaqueExp(text);
  return { engine, samples: sampleIndices.length as 1 | 2, outer, text, symbols: [...symbols.values()], constants: act.constants };
}

/**
 * \partial T/\partial X for every variable tensor X, by the engine: it differentiates the pair
 * form once per variable symbol, and the results are summed over the pairs as in the module
 * comment. Returns dense tensors by variable name (the variable's own shape).
 */
export function differentiatePairForm(form: PairForm, evaluator: Evaluator, variables: readonly TensorSymbol[]): Map<string, Float64Array> {
  const names = [...form.symbols.map((s) => s.name), ...form.constants.map((c) => c.name)];
  const variableSymbols = form.symbols.filter((s) => s.variable);
  let derivatives: ((values: ArrayLike<number>) => number)[];
  if (form.engine === 'mathjs') {
    const root = math.parse(form.text);
    derivatives = variableSymbols.map((s) => compileMathjsArray(mathjsDerivative(root, s.name), names));
  } else {
    const root = nerdamer(form.text);
    derivatives = variableSymbols.map((s) => {
      const f = compileNerdamer(nerdamer.diff(root, s.name), names);
      return (values: ArrayLike<number>) => f(...Array.from(values));
    });
    flushNerdamer();
  }
  const N = evaluator.context.sizes.N;
  const out = new Map<string, Float64Array>();
  const shapes = new Map<string, readonly number[]>();
  for (const v of variables) {
    const t = evaluator.value(v);
    out.set(v.name, new Float64Array(t.data.length));
    shapes.set(v.name, t.shape);
  }
  const values = new Float64Array(names.length);
  const pairs: [number, number][] = [];
  for (let n = 0; n < N; n++) {
    if (form.samples === 1) pairs.push([n, n]);
    else for (let m = 0; m < N; m++) pairs.push([n, m]);
  }
  const flatIndex = (shape: readonly number[], at: readonly number[]) => at.reduce((f, v, k) => f * shape[k]! + v, 0);
  for (const [n, m] of pairs) {
    const concrete = (at: readonly IndexValue[]) => at.map((v) => (isSlot(v) ? (v.slot === 0 ? n : m) : v));
    form.symbols.forEach((s, q) => {
      if (s.tensor === null) values[q] = s.at[0] as number;
      else {
        const t = evaluator.value(s.tensor);
        values[q] = t.data[flatIndex(t.shape, concrete(s.at))]!;
      }
    });
    form.constants.forEach((c, q) => {
      values[form.symbols.length + q] = c.value;
    });
    variableSymbols.forEach((s, q) => {
      const name = s.tensor!.name;
      out.get(name)![flatIndex(shapes.get(name)!, concrete(s.at))]! += form.outer * derivatives[q]!(values);
    });
  }
  return out;
}
