/**
 * The one renderer of the index notation: LaTeX for the docs, the report and `hsr derive
 * --latex` (KaTeX renders every string the registry produces, with throwOnError, in
 * test/notation/latex.test.ts), and plain text for a terminal (`hsr bound --help`, `hsr derive`).
 * A reference renders through its tensor's notation, so a formula downstream reads S_n, A_n,
 * K^x_{nm} exactly as the entry that defines them.
 */
import { EXTENT_NOTATION, type Definition, type ElementwiseFunction, type Expr, type Index, type TensorSymbol } from './expression.ts';

export type Style = 'latex' | 'text';

/** A formula of a registry entry, as the docs show it. */
export type Formula =
  /** name[indices] := body, shown as "name_{indices} = body". */
  | { readonly kind: 'definition'; readonly definition: Definition }
  /** lhs = rhs for every value of the free indices: an identity the sweep checks. */
  | { readonly kind: 'identity'; readonly lhs: Expr; readonly rhs: Expr }
  /** chain[0] <= chain[1] <= ...: a bound the sweep checks against the dense spectrum. */
  | { readonly kind: 'inequality'; readonly chain: readonly Expr[] };

/** Precedence of a rendered piece: an operand of a tighter operator is parenthesised. */
enum Prec {
  Add = 0,
  Mul = 1,
  Unary = 2,
  Atom = 3,
}

interface Piece {
  readonly s: string;
  readonly prec: Prec;
  /** Starts with a minus sign (so a sum writes " - x" instead of " + -x"). */
  readonly negative: boolean;
  /** A sum over an index: as a factor it extends to the end of the product, so it must come last or be parenthesised. */
  readonly sum: boolean;
}

const piece = (s: string, prec: Prec, negative = false, sum = false): Piece => ({ s, prec, negative, sum });

function rational(v: number): [number, number] | null {
  for (let q = 1; q <= 12; q++) {
    const p = Math.round(v * q);
    if (Math.abs(p - v * q) < 1e-12 && p !== 0) return [p, q];
  }
  return null;
}

function renderNumber(v: number, style: Style): Piece {
  if (v === Math.PI) return piece(style === 'latex' ? '\\pi' : 'pi', Prec.Atom);
  const negative = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  let s: string;
  if (Number.isInteger(a)) s = String(a);
  else {
    const r = rational(a);
    s = r ? (style === 'latex' ? `\\tfrac{${r[0]}}{${r[1]}}` : `${r[0]}/${r[1]}`) : String(a);
  }
  return negative ? piece(`-${s}`, Prec.Unary, true) : piece(s, r0(s, style));
}

const r0 = (s: string, style: Style): Prec => (style === 'text' && s.includes('/') ? Prec.Mul : Prec.Atom);

/** How a reference to `tensor` with these index names renders. */
export function renderReference(tensor: TensorSymbol, names: readonly string[], style: Style): string {
  const n = tensor.notation;
  const base = style === 'latex' ? n.latex : n.text;
  if (typeof base === 'function') return base(names);
  if (names.length === 0) return base;
  // The sample index is set off by a comma only before two or more further indices: x_{nj}, S_{n,kk'}.
  const groups = n.groups ?? (tensor.extents[0] === 'N' && names.length > 2 ? [1, names.length - 1] : [names.length]);
  const parts: string[] = [];
  let at = 0;
  for (const g of groups) {
    parts.push(names.slice(at, at + g).join(style === 'latex' ? '' : ','));
    at += g;
  }
  return style === 'latex' ? `${base}_{${parts.join(',')}}` : `${base}[${parts.join(',')}]`;
}

const FUNCTION_TEXT: { readonly [F in ElementwiseFunction]: string } = {
  exp: 'exp',
  log: 'log',
  sqrt: 'sqrt',
  erf: 'erf',
  tanh: 'tanh',
  phi: 'phi',
  phi1: "phi'",
  phi2: "phi''",
  phi3: "phi'''",
};

const FUNCTION_LATEX: { readonly [F in ElementwiseFunction]: string } = {
  exp: '',
  log: '\\log',
  sqrt: '',
  erf: '\\operatorname{erf}',
  tanh: '\\tanh',
  phi: '\\varphi',
  phi1: "\\varphi'",
  phi2: "\\varphi''",
  phi3: "\\varphi'''",
};

/** Parentheses; in LaTeX sized to their content when it holds a sum, a fraction or a root. */
function paren(p: Piece, style: Style): string {
  if (style === 'text') return `(${p.s})`;
  return /\\(sum|frac|sqrt|begin)/.test(p.s) ? `\\left(${p.s}\\right)` : `(${p.s})`;
}

/** Render an expression. `compact` drops the spaces around + and - (text inside function arguments). */
function render(e: Expr, style: Style, compact: boolean): Piece {
  const latex = style === 'latex';
  switch (e.kind) {
    case 'number':
      return renderNumber(e.value, style);
    case 'extent':
      return piece(latex ? EXTENT_NOTATION[e.extent].latex : EXTENT_NOTATION[e.extent].text, Prec.Atom);
    case 'ref':
      return piece(
        renderReference(
          e.tensor,
          e.indices.map((i) => i.name),
          style,
        ),
        Prec.Atom,
      );
    case 'indicator':
      return piece(latex ? `\\mathbb 1[${e.left.name} = ${e.right.name}]` : `1[${e.left.name}=${e.right.name}]`, Prec.Atom);
    case 'add': {
      const plus = compact ? '+' : ' + ';
      const minus = compact ? '-' : ' - ';
      let s = '';
      e.terms.forEach((t, k) => {
        const p = render(t, style, compact);
        const body = p.prec === Prec.Add ? paren(p, style) : p.s;
        if (k === 0) s = body;
        else if (p.negative && p.prec !== Prec.Add) s += minus + body.slice(1);
        else s += plus + body;
      });
      return piece(s, Prec.Add, render(e.terms[0]!, style, compact).negative);
    }
    case 'mul': {
      const parts: string[] = [];
      let negative = false;
      let previousDigit = false;
      e.factors.forEach((f, k) => {
        if (k === 0 && f.kind === 'number' && f.value === -1 && e.factors.length > 1) {
          negative = true;
          parts.push('-');
          return;
        }
        const p = render(f, style, compact);
        if (k === 0 && p.negative) negative = true;
        const last = k === e.factors.length - 1;
        let s = p.prec < Prec.Mul || (p.prec === Prec.Mul && !latex && f.kind === 'div' && k > 0) ? paren(p, style) : p.s;
        if (p.sum && !last) s = paren(p, style);
        if (k > 0 && p.negative && s === p.s) s = paren(p, style);
        const digit = /^[0-9]/.test(s);
        const gap = parts.length === 0 || parts[parts.length - 1] === '-' ? '' : latex ? (digit && previousDigit ? ' \\cdot ' : ' ') : previousDigit && !digit && /^[A-Za-z]/.test(s) && f.kind !== 'apply' ? '' : ' ';
        parts.push(gap + s);
        previousDigit = /[0-9]$/.test(s) && /^[0-9]+$/.test(p.s);
      });
      const lastFactor = e.factors[e.factors.length - 1]!;
      return piece(parts.join(''), Prec.Mul, negative, render(lastFactor, style, compact).sum);
    }
    case 'neg': {
      const p = render(e.arg, style, compact);
      return piece(`-${p.prec <= Prec.Unary && p.prec !== Prec.Atom && !(p.prec === Prec.Mul && !p.negative) ? paren(p, style) : p.s}`, Prec.Unary, true, p.sum);
    }
    case 'div': {
      const a = render(e.numerator, style, compact);
      const b = render(e.denominator, style, compact);
      if (latex) return piece(`\\frac{${a.s}}{${b.s}}`, Prec.Atom);
      const top = a.prec < Prec.Mul ? paren(a, style) : a.s;
      const bottom = b.prec < Prec.Atom ? paren(b, style) : b.s;
      return piece(`${top}/${bottom}`, Prec.Mul);
    }
    case 'pow': {
      const b = render(e.base, style, compact);
      // A base that carries its own superscript or prime (K^x, \\varphi') is parenthesised, and in text any indexed one.
      const decorated = e.base.kind === 'ref' && (e.base.tensor.notation.decorated === true || /[\^']/.test(b.s) || (!latex && b.s.includes('[')));
      const base = b.prec < Prec.Atom || decorated || (e.base.kind === 'apply' && e.base.fn !== 'sqrt') ? paren(b, style) : b.s;
      const x = render(e.exponent, style, true);
      const simple = e.exponent.kind === 'number' ? e.exponent.value >= 0 : x.prec === Prec.Atom;
      return piece(latex ? `${base}^{${x.s}}` : `${base}^${simple ? x.s : `(${x.s})`}`, Prec.Atom);
    }
    case 'sum': {
      // Merge directly nested sums: \sum_{k,k'=1}^{c} when the ranges agree.
      const chain: Index[] = [];
      let body: Expr = e;
      while (body.kind === 'sum') {
        chain.push(body.index);
        body = body.body;
      }
      const heads: string[] = [];
      let at = 0;
      while (at < chain.length) {
        let to = at + 1;
        while (to < chain.length && chain[to]!.extent === chain[at]!.extent) to++;
        const names = chain.slice(at, to).map((i) => i.name);
        const range = EXTENT_NOTATION[chain[at]!.extent];
        heads.push(latex ? `\\sum_{${names.join(',')}=1}^{${range.latex}}` : `sum_{${names.join(',')}=1..${range.text}}`);
        at = to;
      }
      const p = render(body, style, compact);
      const inner = p.prec === Prec.Add ? paren(p, style) : p.s;
      return piece(`${heads.join(latex ? '' : ' ')} ${inner}`, Prec.Mul, false, true);
    }
    case 'apply': {
      const arg = render(e.arg, style, !latex);
      if (latex) {
        if (e.fn === 'exp') return piece(`e^{${arg.s}}`, Prec.Atom);
        if (e.fn === 'sqrt') return piece(`\\sqrt{${arg.s}}`, Prec.Atom);
        if (e.fn === 'log' && arg.sum) return piece(`${FUNCTION_LATEX.log}${arg.s}`, Prec.Mul, false, true);
        return piece(`${FUNCTION_LATEX[e.fn]}${paren(arg, style)}`, Prec.Atom);
      }
      return piece(`${FUNCTION_TEXT[e.fn]}(${arg.s})`, Prec.Atom);
    }
    case 'max': {
      const [a, b] = e.args.map((x) => render(x, style, compact));
      return piece(latex ? `\\max\\big(${a!.s},\\ ${b!.s}\\big)` : `max(${a!.s}, ${b!.s})`, Prec.Atom);
    }
    case 'augment': {
      const b = render(e.body, style, compact);
      const f = render(e.fill, style, compact);
      const i = e.outer.name;
      const narrow = EXTENT_NOTATION[e.inner.extent];
      if (latex) return piece(`\\begin{cases} ${b.s} & ${i} \\le ${narrow.latex} \\\\ ${f.s} & ${i} = ${narrow.latex} + 1 \\end{cases}`, Prec.Atom);
      return piece(`(${b.s} if ${i} <= ${narrow.text}; ${f.s} if ${i} = ${narrow.text}+1)`, Prec.Atom);
    }
  }
}

/** Render an expression alone. */
export function renderExpression(e: Expr, style: Style): string {
  return render(e, style, false).s;
}

/** The left-hand side of a definition: its reference with its own indices. */
export function renderDefinitionName(d: Definition, style: Style): string {
  return renderReference(
    d,
    d.indices.map((i) => i.name),
    style,
  );
}

/** One formula as a display line (LaTeX) or a terminal line (text). */
export function renderFormula(f: Formula, style: Style): string {
  const le = style === 'latex' ? ' \\le ' : ' <= ';
  switch (f.kind) {
    case 'definition':
      return `${renderDefinitionName(f.definition, style)} = ${renderExpression(f.definition.body, style)}`;
    case 'identity':
      return `${renderExpression(f.lhs, style)} = ${renderExpression(f.rhs, style)}`;
    case 'inequality':
      return f.chain.map((x) => renderExpression(x, style)).join(le);
  }
}

/** Several formulas on one display line, as the docs show them. */
export function renderDisplay(formulas: readonly Formula[], style: Style): string {
  return formulas.map((f) => renderFormula(f, style)).join(style === 'latex' ? ',\\qquad ' : ' and ');
}
