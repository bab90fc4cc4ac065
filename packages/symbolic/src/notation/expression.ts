/**
 * The executable index notation in which every verified formula of the registry is written:
 * typed tensors with named indices over the network's ranges (N, d, d~, h, h~, c, and the
 * parameter vector), sums over an index range, sums and products, quotients and integer
 * powers, elementwise functions with their derivative table, the indicator 1[i = j] (the
 * Kronecker delta), the augmentation [x; 1] of a vector by a trailing one, and named
 * definitions that later formulas refer to by their notation (g_n, S_n, A_n, ...).
 *
 * One definition has three readers, so that what a reader of docs/formulas.md sees is what was
 * checked: `latex.ts` renders it (KaTeX in the docs and the report, plain text in `--help`),
 * `evaluate.ts` evaluates it on concrete shapes (the sweep compares that value with the
 * computer-algebra engines and with @hsr/numeric), and `engineText.ts` writes it out for a
 * concrete shape as text nerdamer and mathjs differentiate (the explicit partials of the bound's
 * gradient are checked that way).
 *
 * Why a language of our own rather than mathjs expression trees with custom `toTex` handlers:
 * - the formulas are about tensors with index ranges that are only known per shape (sum over
 *   n = 1..N, k = 1..c); mathjs trees are scalar expressions, so a sum over an index would be a
 *   custom node that mathjs can neither evaluate nor differentiate, and every formula would be
 *   re-expanded per shape before mathjs could do anything with it;
 * - a mathjs tree used as the definition would make mathjs both the author of a formula and
 *   one of the two engines that check it; here both engines only ever see the expanded text
 *   of a definition, as outside readers;
 * - rendering must follow the papers' notation (S_{n,kk'}, K^x_{nm}, \langle A_n, A_m\rangle,
 *   tr A_n), which is a property of a named quantity, not of an expression tree; a definition
 *   carries its notation and every reference renders through it;
 * - the language is small (about ten node kinds), total (every node has a rendering, a value
 *   and an engine text) and typed: an index used over the wrong range is an error when the
 *   registry is built, not a wrong number in a test.
 * The cost is that differentiation is not part of the language: every derivative in the chain
 * is a separate definition, and the claim that it is the derivative of its parent is what the
 * engines check.
 */

/**
 * Index ranges: samples, input features (augmented d~ = d + 1 with biases), hidden units (h~),
 * classes, parameters; and the stochastic estimators' counts: probes (m), the directions of a
 * sketch's basis (r), Hutch++'s complement probes (m - 2k) and XTrace's probes (k).
 */
export type Extent = 'N' | 'd' | 'dt' | 'h' | 'ht' | 'c' | 'theta' | 'probes' | 'sketch' | 'complement' | 'loo' | DeepExtent;

/**
 * The ranges of a layer of a network of any depth (definitions/deep.ts), bound per layer (or per
 * pair of layers l > l') when the sweep evaluates one step of the recursion: n_l inputs of layer l
 * (augmented \tilde n_l), its m_l outputs (augmented \tilde m_l, the next layer's input), the
 * m_{l+1} outputs of the layer above, the m_{l'} outputs of a lower layer l' and its augmented
 * inputs \tilde n_{l'}, and the L layers themselves.
 */
export type DeepExtent = 'nl' | 'nlt' | 'ml' | 'mlt' | 'mu' | 'mq' | 'nq' | 'nqt' | 'layer';

/** The narrower range an augmented range extends by one trailing entry (d~ = d + 1, h~ = h + 1 with biases). */
export const AUGMENTED_FROM: Partial<Record<Extent, Extent>> = { dt: 'd', ht: 'h', nlt: 'nl', mlt: 'ml', nqt: 'nq' };

/** How each range renders (LaTeX, text). */
export const EXTENT_NOTATION: { readonly [E in Extent]: { readonly latex: string; readonly text: string } } = {
  N: { latex: 'N', text: 'N' },
  d: { latex: 'd', text: 'd' },
  dt: { latex: '\\tilde d', text: 'd~' },
  h: { latex: 'h', text: 'h' },
  ht: { latex: '\\tilde h', text: 'h~' },
  c: { latex: 'c', text: 'c' },
  theta: { latex: 'P', text: 'P' },
  probes: { latex: 'm', text: 'm' },
  sketch: { latex: 'r', text: 'r' },
  // Parenthesised in text, where it is a denominator (1/(m-2k)); KaTeX groups it by itself.
  complement: { latex: 'm-2k', text: '(m-2k)' },
  loo: { latex: 'k', text: 'k' },
  nl: { latex: 'n_l', text: 'n_l' },
  nlt: { latex: '\\tilde n_l', text: 'n~_l' },
  ml: { latex: 'm_l', text: 'm_l' },
  mlt: { latex: '\\tilde m_l', text: 'm~_l' },
  mu: { latex: 'm_{l+1}', text: 'm_(l+1)' },
  mq: { latex: "m_{l'}", text: "m_l'" },
  nq: { latex: "n_{l'}", text: "n_l'" },
  nqt: { latex: "\\tilde n_{l'}", text: "n~_l'" },
  layer: { latex: 'L', text: 'L' },
};

/** A named index over a range, e.g. n over N or k' over c. */
export interface Index {
  readonly name: string;
  readonly extent: Extent;
}

export function index(name: string, extent: Extent): Index {
  if (!/^[a-z][']*$/.test(name)) throw new Error(`index name "${name}": one lower-case letter, optionally primed`);
  return { name, extent };
}

/**
 * How a reference to a tensor renders: a base symbol with its indices as a subscript (the
 * sample index first, then a comma: S_{n,kk'}), or a template over the index names for
 * notations that are not subscripts (\langle A_n, A_m\rangle, \mathrm{tr}A_n).
 */
export interface Notation {
  readonly latex: string | ((indices: readonly string[]) => string);
  readonly text: string | ((indices: readonly string[]) => string);
  /** Sizes of the comma-separated index groups of the subscript; default: the sample index alone, then the rest. */
  readonly groups?: readonly number[];
  /** The symbol carries a superscript or prime of its own, so a power must parenthesise it. */
  readonly decorated?: boolean;
}

/** A tensor a formula can refer to: an input (data, parameters, a chosen variant) or a definition. */
export interface TensorSymbol {
  readonly kind: 'input' | 'slot' | 'definition';
  readonly name: string;
  readonly extents: readonly Extent[];
  readonly notation: Notation;
  /** One line for the docs' variables list (may contain inline `$...$`). */
  readonly meaning: string;
}

export interface Input extends TensorSymbol {
  readonly kind: 'input';
}

/**
 * A named building block whose definition is supplied by the loss (g_n = \partial\ell/\partial v_n,
 * S_n, the third derivative): formulas downstream refer to the slot, so a new loss only adds
 * definitions of the same names (see definitions/losses.ts).
 */
export interface Slot extends TensorSymbol {
  readonly kind: 'slot';
}

/**
 * name[indices] := body. The registry's executable formulas are definitions; the sweep
 * evaluates `body` at every index value and compares the tensor with the engines and numeric.
 */
export interface Definition extends TensorSymbol {
  readonly kind: 'definition';
  readonly indices: readonly Index[];
  readonly body: Expr;
}

/** The elementwise functions and their derivative table (null: not differentiated further). */
export type ElementwiseFunction = 'exp' | 'log' | 'sqrt' | 'erf' | 'tanh' | 'phi' | 'phi1' | 'phi2' | 'phi3';

/**
 * The derivative of each elementwise function, as a function of its argument: another entry
 * of the table (exp' = exp, phi^(k)' = phi^(k+1)) or a named closed form. The evaluator's
 * table is held to it by a five-point difference (test/notation/evaluate.test.ts), so the
 * activation's phi', phi'', phi''' the formulas use are the derivatives of its phi.
 */
export const DERIVATIVE_OF: { readonly [F in ElementwiseFunction]: ElementwiseFunction | 'reciprocal' | 'half-reciprocal-sqrt' | 'gaussian' | 'sech2' | null } = {
  exp: 'exp',
  log: 'reciprocal',
  sqrt: 'half-reciprocal-sqrt',
  erf: 'gaussian',
  tanh: 'sech2',
  phi: 'phi1',
  phi1: 'phi2',
  phi2: 'phi3',
  phi3: null,
};

export type Expr =
  | { readonly kind: 'number'; readonly value: number }
  /** The size of a range (h, \tilde d, ...), as a number in a formula. */
  | { readonly kind: 'extent'; readonly extent: Extent }
  | { readonly kind: 'ref'; readonly tensor: TensorSymbol; readonly indices: readonly Index[] }
  | { readonly kind: 'add'; readonly terms: readonly Expr[] }
  | { readonly kind: 'mul'; readonly factors: readonly Expr[] }
  | { readonly kind: 'neg'; readonly arg: Expr }
  | { readonly kind: 'div'; readonly numerator: Expr; readonly denominator: Expr }
  | { readonly kind: 'pow'; readonly base: Expr; readonly exponent: Expr }
  | { readonly kind: 'sum'; readonly index: Index; readonly body: Expr }
  | { readonly kind: 'apply'; readonly fn: ElementwiseFunction; readonly arg: Expr }
  | { readonly kind: 'max'; readonly args: readonly [Expr, Expr] }
  /** 1[left = right]: the Kronecker delta (the two may range over a range and its augmentation). */
  | { readonly kind: 'indicator'; readonly left: Index; readonly right: Index }
  /**
   * The augmentation [x; 1]: at `outer` (over d~ or h~) the value of `body` with `inner`
   * (over d or h, same name) bound to it, and `fill` at the trailing entry.
   */
  | { readonly kind: 'augment'; readonly outer: Index; readonly inner: Index; readonly body: Expr; readonly fill: Expr };

const fits = (index: Extent, slot: Extent) => index === slot || AUGMENTED_FROM[slot] === index;

/** A reference tensor[indices]; each index must range over the slot's range or the narrower one it augments. */
export function ref(tensor: TensorSymbol, ...indices: Index[]): Expr {
  if (indices.length !== tensor.extents.length) throw new Error(`${tensor.name}: ${tensor.extents.length} indices expected, got ${indices.length}`);
  indices.forEach((ix, k) => {
    if (!fits(ix.extent, tensor.extents[k]!)) throw new Error(`${tensor.name}: index ${ix.name} ranges over ${ix.extent}, slot ${k} over ${tensor.extents[k]}`);
  });
  return { kind: 'ref', tensor, indices };
}

export const num = (value: number): Expr => ({ kind: 'number', value });
export const extent = (e: Extent): Expr => ({ kind: 'extent', extent: e });

export function add(...terms: Expr[]): Expr {
  const flat = terms.flatMap((t) => (t.kind === 'add' ? t.terms : [t]));
  return flat.length === 1 ? flat[0]! : { kind: 'add', terms: flat };
}

export function mul(...factors: Expr[]): Expr {
  const flat = factors.flatMap((f) => (f.kind === 'mul' ? f.factors : [f]));
  return flat.length === 1 ? flat[0]! : { kind: 'mul', factors: flat };
}

export const neg = (arg: Expr): Expr => ({ kind: 'neg', arg });
export const sub = (a: Expr, b: Expr): Expr => add(a, neg(b));
export const div = (numerator: Expr, denominator: Expr): Expr => ({ kind: 'div', numerator, denominator });
export const pow = (base: Expr, exponent: number | Expr): Expr => ({ kind: 'pow', base, exponent: typeof exponent === 'number' ? num(exponent) : exponent });
export const apply = (fn: ElementwiseFunction, arg: Expr): Expr => ({ kind: 'apply', fn, arg });
export const exp = (arg: Expr): Expr => apply('exp', arg);
export const log = (arg: Expr): Expr => apply('log', arg);
export const sqrt = (arg: Expr): Expr => apply('sqrt', arg);
export const max = (a: Expr, b: Expr): Expr => ({ kind: 'max', args: [a, b] });
export const indicator = (left: Index, right: Index): Expr => ({ kind: 'indicator', left, right });

/** sum over each index in turn (outermost first). */
export function sum(indices: Index | readonly Index[], body: Expr): Expr {
  const list = Array.isArray(indices) ? (indices as readonly Index[]) : [indices as Index];
  return list.reduceRight<Expr>((acc, ix) => ({ kind: 'sum', index: ix, body: acc }), body);
}

/** [body; fill] over the augmented index `outer` (d~ or h~), body written in `inner` (d or h, same name). */
export function augment(outer: Index, inner: Index, body: Expr, fill: Expr = num(1)): Expr {
  if (AUGMENTED_FROM[outer.extent] !== inner.extent || outer.name !== inner.name) throw new Error(`augment: ${outer.name} over ${outer.extent} does not augment ${inner.name} over ${inner.extent}`);
  return { kind: 'augment', outer, inner, body, fill };
}

export function input(name: string, extents: readonly Extent[], notation: Notation, meaning: string): Input {
  return { kind: 'input', name, extents, notation, meaning };
}

export function slot(name: string, extents: readonly Extent[], notation: Notation, meaning: string): Slot {
  return { kind: 'slot', name, extents, notation, meaning };
}

/**
 * name[indices] := body. Throws if the body uses an index that is neither one of `indices`
 * nor bound by a sum inside it (a free index would make the value depend on evaluation order).
 */
export function define(name: string, indices: readonly Index[], notation: Notation, meaning: string, body: Expr): Definition {
  const names = new Set<string>();
  for (const ix of indices) {
    if (names.has(ix.name)) throw new Error(`${name}: index ${ix.name} twice on the left-hand side`);
    names.add(ix.name);
  }
  const unbound = freeIndices(body).filter((ix) => !indices.some((l) => l.name === ix.name));
  if (unbound.length) throw new Error(`${name}: index ${unbound.map((i) => i.name).join(', ')} is used but not bound`);
  return { kind: 'definition', name, extents: indices.map((i) => i.extent), indices, notation, meaning, body };
}

/** Indices used in `e` and not bound by a sum or augmentation inside it. */
export function freeIndices(e: Expr): Index[] {
  const out = new Map<string, Index>();
  const walk = (x: Expr, bound: ReadonlySet<string>): void => {
    switch (x.kind) {
      case 'number':
      case 'extent':
        return;
      case 'ref':
        for (const ix of x.indices) if (!bound.has(ix.name)) out.set(ix.name, ix);
        return;
      case 'indicator':
        for (const ix of [x.left, x.right]) if (!bound.has(ix.name)) out.set(ix.name, ix);
        return;
      case 'sum':
        walk(x.body, new Set([...bound, x.index.name]));
        return;
      case 'augment':
        if (!bound.has(x.outer.name)) out.set(x.outer.name, x.outer);
        walk(x.body, new Set([...bound, x.inner.name]));
        walk(x.fill, bound);
        return;
      default:
        for (const c of children(x)) walk(c, bound);
    }
  };
  walk(e, new Set());
  return [...out.values()];
}

/** The direct sub-expressions of a node. */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'add':
      return e.terms;
    case 'mul':
      return e.factors;
    case 'neg':
      return [e.arg];
    case 'div':
      return [e.numerator, e.denominator];
    case 'pow':
      return [e.base, e.exponent];
    case 'sum':
      return [e.body];
    case 'apply':
      return [e.arg];
    case 'max':
      return e.args;
    case 'augment':
      return [e.body, e.fill];
    default:
      return [];
  }
}

/** Every tensor `e` refers to directly. */
export function referencedTensors(e: Expr): TensorSymbol[] {
  const out = new Map<string, TensorSymbol>();
  const walk = (x: Expr): void => {
    if (x.kind === 'ref') out.set(x.tensor.name, x.tensor);
    for (const c of children(x)) walk(c);
  };
  walk(e);
  return [...out.values()];
}

/** Every definition `roots` depend on, transitively, in dependency order (each after what it uses). */
export function dependencyOrder(roots: readonly Definition[]): Definition[] {
  const seen = new Set<string>();
  const out: Definition[] = [];
  const visit = (d: Definition, path: readonly string[]): void => {
    if (seen.has(d.name)) return;
    if (path.includes(d.name)) throw new Error(`definitions form a cycle: ${[...path, d.name].join(' -> ')}`);
    for (const t of referencedTensors(d.body)) if (t.kind === 'definition') visit(t as Definition, [...path, d.name]);
    seen.add(d.name);
    out.push(d);
  };
  for (const r of roots) visit(r, []);
  return out;
}
