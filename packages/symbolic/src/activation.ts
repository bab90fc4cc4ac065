/**
 * phi', phi'', phi''' of an activation given by formula in `u`, printed exactly as checked, so a
 * user can add an activation by formula (`hsr derive --activation "log(1+exp(u))"`).
 *
 * What is printed: mathjs differentiates the formula, simplifies each derivative, and the next
 * derivative is taken of that simplified text. Functions mathjs cannot differentiate (erf) are
 * handled by the chain rule around them (`derivativeWithErf`): erf(g) is a symbol E while mathjs
 * differentiates, and d erf(g)/du = 2/sqrt(pi) e^{-g^2} g' is added back. The printed text keeps
 * e as `exp` and constants as written: no rational stand-ins (nerdamer's 325368125/119696244 for
 * e never reaches the output).
 *
 * What is checked, on the printed text itself (parsed back and evaluated at
 * ACTIVATION_SAMPLE_POINTS): against nerdamer's independent derivation (e and integer square
 * roots opaque, so its nested-exponential and sqrt(2) defects cannot enter), and against a
 * five-point difference of the printed lower derivative. crosscheck's `activationAgreement`
 * judges both against named tolerances; a formula that fails either is reported, not hidden.
 *
 * Before any of that, `checkActivationFormula` refuses what is not a C^3 function of u on the
 * whole line: text mathjs cannot parse, symbols other than u, functions that are not smooth
 * (abs, sign, max, ...), and formulas whose value or derivatives are not finite somewhere on
 * [-30, 30] (log(u), sqrt(u), 1/u). Cost: three derivatives of a small expression (milliseconds
 * to about a second).
 */
import { ACTIVATION_NAMES } from '@hsr/numeric';
import { compileMathjsArray, compileNerdamer, flushNerdamer, math, mathjsDerivative, nerdamer, nerdamerActivationText, type MathNode } from './engines.ts';
import { EULER_SYMBOL, opaqueExp } from './networkExpressions.ts';

/** Points where the printed derivatives are compared: both signs, near and away from 0, not saturated. */
export const ACTIVATION_SAMPLE_POINTS: readonly number[] = [-2.1, -0.7, 0.05, 0.9, 2.6];

/** A formula that is not a C^3 function of u: the message names the reason in one line. */
export class ActivationFormulaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActivationFormulaError';
  }
}

/** Smooth functions a formula may use (each C-infinity where it is defined). */
const SMOOTH_FUNCTIONS = new Set(['exp', 'log', 'log1p', 'sqrt', 'tanh', 'sinh', 'cosh', 'sin', 'cos', 'atan', 'erf']);
/** Functions that are not three times differentiable everywhere. */
const NON_SMOOTH_FUNCTIONS = new Set(['abs', 'sign', 'max', 'min', 'floor', 'ceil', 'round', 'fix', 'mod', 'heaviside']);
const CONSTANT_SYMBOLS = new Set(['pi', 'e']);

/** Where finiteness of phi..phi''' is checked: a grid on [-30, 30] including 0 and the sample points. */
const DOMAIN_GRID: readonly number[] = [...Array.from({ length: 161 }, (_, q) => -30 + q * 0.375), ...ACTIVATION_SAMPLE_POINTS, 0, -1e-3, 1e-3];

/**
 * Parse and vet an activation formula; returns mathjs's tree. Throws ActivationFormulaError
 * for an empty or malformed formula, a symbol other than u, or a function that is not smooth.
 */
export function parseActivationFormula(formula: string): MathNode {
  const text = formula.trim();
  if (text === '') throw new ActivationFormulaError('empty formula; give a function of u such as "log(1+exp(u))"');
  let node: MathNode;
  try {
    node = math.parse(text);
  } catch (err) {
    throw new ActivationFormulaError(`"${formula}" is not a formula (${(err as Error).message})`);
  }
  const symbols = new Set<string>();
  let bad: string | null = null;
  node.traverse((n, path, parent) => {
    const x = n as MathNode & { type: string; name?: string; fn?: { name?: string } | string };
    if (x.type === 'FunctionNode') {
      const name = typeof x.fn === 'string' ? x.fn : (x.fn?.name ?? '');
      if (NON_SMOOTH_FUNCTIONS.has(name)) bad ??= `${name}(...) is not three times differentiable everywhere (the bound needs phi''' on the whole line)`;
      else if (!SMOOTH_FUNCTIONS.has(name)) bad ??= `unknown function ${name}(...); allowed: ${[...SMOOTH_FUNCTIONS].join(', ')}`;
    } else if (x.type === 'SymbolNode' && !(parent && (parent as { type: string }).type === 'FunctionNode' && path === 'fn')) symbols.add(x.name!);
    else if (!['ConstantNode', 'OperatorNode', 'ParenthesisNode', 'SymbolNode'].includes(x.type)) bad ??= `"${formula}": ${x.type.replace('Node', '').toLowerCase()} is not allowed in a formula`;
    else if (x.type === 'OperatorNode' && !['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus'].includes(String((x as unknown as { fn: string }).fn)))
      bad ??= `operator ${(x as unknown as { op: string }).op} is not allowed in a formula`;
  });
  if (bad) throw new ActivationFormulaError(bad);
  const others = [...symbols].filter((s) => s !== 'u' && !CONSTANT_SYMBOLS.has(s));
  if (others.length) {
    const single = others.length === 1 && text === others[0];
    throw new ActivationFormulaError(single ? `"${text}" is neither a named activation (${ACTIVATION_NAMES.join(', ')}) nor a formula in u` : `"${formula}" uses ${others.join(', ')}; a formula has one variable, u`);
  }
  if (!symbols.has('u')) throw new ActivationFormulaError(`"${formula}" does not depend on u`);
  return node;
}

/**
 * d/du by mathjs, with erf handled by the chain rule around it: each erf(g) is replaced by a
 * symbol E_k that mathjs treats as a constant, and sum_k dF/dE_k * 2/sqrt(pi) e^{-g_k^2} g_k' is
 * added. Simplified by mathjs.
 */
export function derivativeWithErf(node: MathNode): MathNode {
  const erfs: MathNode[] = [];
  const replaced = node.transform((n) => {
    const x = n as MathNode & { type: string; fn?: { name?: string }; args?: MathNode[] };
    if (x.type === 'FunctionNode' && x.fn?.name === 'erf') {
      erfs.push(x.args![0]!);
      return new math.SymbolNode(`ERFARG${erfs.length - 1}`);
    }
    return n;
  });
  const restore = (n: MathNode) =>
    n.transform((m) => {
      const x = m as MathNode & { type: string; name?: string };
      const k = x.type === 'SymbolNode' && /^ERFARG\d+$/.test(x.name!) ? Number(x.name!.slice(6)) : -1;
      return k >= 0 ? new math.FunctionNode('erf', [erfs[k]!]) : m;
    });
  let out: MathNode = mathjsDerivative(replaced, 'u');
  erfs.forEach((g, k) => {
    const outer = mathjsDerivative(replaced, `ERFARG${k}`);
    const inner = math.parse(`2/sqrt(pi)*exp(-(${g.toString()})^2)*(${mathjsDerivative(g, 'u').toString()})`);
    out = new math.OperatorNode('+', 'add', [out, new math.OperatorNode('*', 'multiply', [outer, inner])]);
  });
  return simplifyKeepingRoots(restore(out));
}

/**
 * mathjs's simplify with square roots of integers kept as written: simplify folds sqrt(2) into
 * 1.4142135623730951 (and 1/sqrt(2)^2 into 0.49999999999999994); as opaque symbols they stay exact.
 */
function simplifyKeepingRoots(node: MathNode): MathNode {
  const opaque = node.transform((n) => {
    const x = n as MathNode & { type: string; fn?: { name?: string }; args?: MathNode[] };
    const arg = x.type === 'FunctionNode' && x.fn?.name === 'sqrt' ? (x.args![0] as MathNode & { type: string; value?: unknown }) : null;
    return arg && arg.type === 'ConstantNode' && Number.isInteger(arg.value) ? new math.SymbolNode(`SQRTOF${arg.value}`) : n;
  });
  return math.simplify(opaque).transform((n) => {
    const x = n as MathNode & { type: string; name?: string };
    return x.type === 'SymbolNode' && /^SQRTOF\d+$/.test(x.name!) ? new math.FunctionNode('sqrt', [new math.ConstantNode(Number(x.name!.slice(6)))]) : n;
  });
}

export interface ActivationComparison {
  /** What the printed derivatives were compared with. */
  readonly against: 'nerdamer' | 'five-point-difference' | 'numeric';
  /** Worst |printed - reference| / max(|reference|, 1) over the sample points and orders 1..3. */
  readonly worstRelativeError: number;
}

export interface ActivationDerivation {
  readonly formula: string;
  /** phi, phi', phi'', phi''' as printed (mathjs text and LaTeX), each the text that was checked. */
  readonly printed: { readonly text: readonly [string, string, string, string]; readonly latex: readonly [string, string, string, string] };
  /** The printed derivatives compiled, as the checks evaluated them. */
  readonly functions: readonly [(u: number) => number, (u: number) => number, (u: number) => number, (u: number) => number];
  readonly comparisons: readonly ActivationComparison[];
}

/**
 * Derive, print and check phi', phi'', phi''' of `formula` (see the module comment). Throws
 * ActivationFormulaError for a formula that is not C^3 on the whole line.
 */
export function deriveActivation(formula: string, reference?: (order: number, u: number) => number): ActivationDerivation {
  const root = parseActivationFormula(formula);
  const nodes: MathNode[] = [root];
  for (let k = 1; k <= 3; k++) nodes.push(derivativeWithErf(nodes[k - 1]!));
  const text = nodes.map((n) => n.toString()) as unknown as [string, string, string, string];
  const latex = nodes.map((n) => n.toTex()) as unknown as [string, string, string, string];
  // The checks evaluate the printed text, parsed again: what was printed is what was checked.
  const functions = text.map((t) => {
    const f = compileMathjsArray(math.parse(t), ['u']);
    return (u: number) => f([u]);
  }) as unknown as ActivationDerivation['functions'];
  for (const u of DOMAIN_GRID)
    for (let k = 0; k <= 3; k++)
      if (!Number.isFinite(functions[k]!(u))) throw new ActivationFormulaError(`"${formula}": ${['phi', "phi'", "phi''", "phi'''"][k]} is not finite at u = ${u} (an activation must be C^3 on the whole line)`);
  const worst = (ref: (k: number, u: number) => number, orders: readonly number[]) => {
    let w = 0;
    for (const u of ACTIVATION_SAMPLE_POINTS)
      for (const k of orders) {
        const a = functions[k]!(u);
        const b = ref(k, u);
        const e = Math.abs(a - b) / Math.max(Math.abs(b), 1);
        w = Math.max(w, Number.isNaN(e) ? Infinity : e);
      }
    return w;
  };
  const ner = compileActivation(formula);
  const step = 2 ** -10;
  const fivePoint = (k: number, u: number) => {
    const f = functions[k - 1]!;
    return (f(u - 2 * step) - 8 * f(u - step) + 8 * f(u + step) - f(u + 2 * step)) / (12 * step);
  };
  const comparisons: ActivationComparison[] = [
    { against: 'nerdamer', worstRelativeError: worst((k, u) => ner[k]!(u), [0, 1, 2, 3]) },
    { against: 'five-point-difference', worstRelativeError: worst(fivePoint, [1, 2, 3]) },
  ];
  if (reference) comparisons.push({ against: 'numeric', worstRelativeError: worst(reference, [0, 1, 2, 3]) });
  return { formula: text[0], printed: { text, latex }, functions, comparisons };
}

/** Compiled phi..phi''' from nerdamer (e, roots and integer square roots kept opaque), for evaluating a formula. */
export function compileActivation(formula: string): [(u: number) => number, (u: number) => number, (u: number) => number, (u: number) => number] {
  const opaque = nerdamerActivationText(formula);
  const names = ['u', EULER_SYMBOL, ...opaque.constants.keys()];
  const constants = [Math.E, ...opaque.constants.values()];
  const e0 = nerdamer(opaqueExp(opaque.text));
  const e1 = nerdamer.diff(e0, 'u');
  const e2 = nerdamer.diff(e1, 'u');
  const e3 = nerdamer.diff(e2, 'u');
  const fns = [e0, e1, e2, e3].map((e) => {
    const f = compileNerdamer(e, names);
    return (u: number) => f(u, ...constants);
  });
  flushNerdamer();
  return fns as [(u: number) => number, (u: number) => number, (u: number) => number, (u: number) => number];
}
