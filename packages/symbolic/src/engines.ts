/**
 * The two computer-algebra engines, behind one narrow surface so the rest of the package
 * never touches their quirks directly.
 *
 * nerdamer 1.1.13 (mandated) is the primary engine; mathjs 15.2.0 `derivative` is the
 * independent second one. Known nerdamer defects handled here (each pinned by
 * test/defects.test.ts so a library upgrade that changes them is noticed):
 * - identifiers with digits after an underscore are split (`V_1_1` parses as `V_1*_1`), so
 *   symbols are spelled `V1q1` (see networkExpressions.ts);
 * - the compiled `erf` inside `buildFunction` is a 1e-7-accurate Numerical Recipes
 *   approximation: `compileNerdamer` swaps it for `@hsr/numeric`'s float64 `erf`;
 * - `e` is replaced by the rational 325368125/119696244 after differentiation (accurate to
 *   round-off, so only checked, not worked around);
 * - the global expression store grows until `nerdamer.flush()`: every derivation calls
 *   `flushNerdamer()` when it is done.
 */
import nerdamerModule from 'nerdamer';
import 'nerdamer/Calculus.js';
import * as mathjs from 'mathjs';
import { erf } from '@hsr/numeric';
import { opaqueSqrtConstants } from './networkExpressions.ts';

export const nerdamer = nerdamerModule;
export const math = mathjs;
export type NerdamerExpression = nerdamerModule.Expression;
export type MathNode = mathjs.MathNode;

/** Empty nerdamer's global expression store (it otherwise grows with every parse). */
export function flushNerdamer(): void {
  nerdamer.flush();
}

const FUNCTION_SOURCE = /^function anonymous\(([^)]*)\)\s*\{([\s\S]*)\}$/;
const NERDAMER_ERF_HELPER = /var erf = function \(x\) \{[\s\S]*?return x >= 0 \? result : -result;\s*\};/;

/**
 * Compile a nerdamer expression with `buildFunction(args)`, then replace the low-accuracy
 * `erf` helper nerdamer inlines (|error| ~1e-7) by the float64 `erf` of `@hsr/numeric`.
 * Throws if nerdamer's generated source no longer has the expected shape, so an upgrade
 * cannot silently bring the approximation back.
 */
export function compileNerdamer(expression: NerdamerExpression, args: readonly string[]): (...values: number[]) => number {
  const built = expression.buildFunction([...args]);
  const source = built.toString();
  if (!source.includes('erf')) return built;
  const match = FUNCTION_SOURCE.exec(source.trim());
  if (!match) throw new Error('nerdamer buildFunction source has an unexpected shape; cannot replace its erf');
  let body = match[2]!;
  if (NERDAMER_ERF_HELPER.test(body)) body = body.replace(NERDAMER_ERF_HELPER, '');
  else if (/var erf\b/.test(body)) throw new Error('nerdamer buildFunction defines erf in an unexpected way');
  const factory = new Function('erf', `return function (${args.join(', ')}) {${body}};`) as (e: (x: number) => number) => (...values: number[]) => number;
  return factory(erf);
}

/** Compile a mathjs node into a positional function of `args`. */
export function compileMathjs(node: MathNode, args: readonly string[]): (...values: number[]) => number {
  const code = node.compile();
  return (...values: number[]) => {
    const scope: Record<string, number> = {};
    args.forEach((name, i) => {
      scope[name] = values[i]!;
    });
    const out = code.evaluate(scope) as unknown;
    if (typeof out !== 'number') throw new Error(`mathjs evaluated to a non-number (${typeof out})`);
    return out;
  };
}

/** mathjs derivative without its (slow, weak) simplification; the engines are compared numerically. */
export function mathjsDerivative(node: MathNode, variable: string): MathNode {
  return math.derivative(node, variable, { simplify: false });
}

/** mathjs functions the fast compiler writes as JavaScript (anything else falls back to mathjs's own compile). */
const MATHJS_FUNCTIONS: Readonly<Record<string, string>> = {
  exp: 'Math.exp',
  log: 'Math.log',
  sqrt: 'Math.sqrt',
  tanh: 'Math.tanh',
  sinh: 'Math.sinh',
  cosh: 'Math.cosh',
  sin: 'Math.sin',
  cos: 'Math.cos',
  tan: 'Math.tan',
  atan: 'Math.atan',
  abs: 'Math.abs',
  sech: '__sech',
  erf: '__erf',
};

class Unsupported extends Error {}

function javascriptOf(node: MathNode, slot: ReadonlyMap<string, number>): string {
  const n = node as MathNode & { type: string; value?: unknown; name?: string; fn?: unknown; op?: string; args?: MathNode[]; content?: MathNode };
  switch (n.type) {
    case 'ConstantNode':
      if (typeof n.value !== 'number') throw new Unsupported(`constant ${String(n.value)}`);
      return `(${n.value})`;
    case 'SymbolNode': {
      const at = slot.get(n.name!);
      if (at === undefined) {
        if (n.name === 'pi') return `(${Math.PI})`;
        if (n.name === 'e') return `(${Math.E})`;
        throw new Unsupported(`symbol ${n.name}`);
      }
      return `a[${at}]`;
    }
    case 'ParenthesisNode':
      return javascriptOf(n.content!, slot);
    case 'OperatorNode': {
      const args = n.args!.map((x) => javascriptOf(x, slot));
      switch (n.fn) {
        case 'add':
          return `(${args.join('+')})`;
        case 'subtract':
          return `(${args[0]}-${args[1]})`;
        case 'multiply':
          return `(${args.join('*')})`;
        case 'divide':
          return `(${args[0]}/${args[1]})`;
        case 'pow':
          return `(${args[0]}**${args[1]})`;
        case 'unaryMinus':
          return `(-${args[0]})`;
        case 'unaryPlus':
          return args[0]!;
        default:
          throw new Unsupported(`operator ${String(n.fn)}`);
      }
    }
    case 'FunctionNode': {
      const name = (n.fn as { name?: string }).name ?? '';
      const js = MATHJS_FUNCTIONS[name];
      if (!js) throw new Unsupported(`function ${name}`);
      return `${js}(${n.args!.map((x) => javascriptOf(x, slot)).join(',')})`;
    }
    default:
      throw new Unsupported(`node ${n.type}`);
  }
}

/**
 * Compile a mathjs tree to a plain JavaScript function of one array of values (the tree's
 * operators and elementary functions written out as JavaScript, erf from @hsr/numeric), two to
 * three orders faster than mathjs's own interpreter on the large derivative trees of the sweep.
 * The same tree, evaluated by a different evaluator: a tree the writer does not cover falls back
 * to `compileMathjs`, never to an approximation.
 */
export function compileMathjsArray(node: MathNode, args: readonly string[]): (values: ArrayLike<number>) => number {
  const slot = new Map(args.map((a, i) => [a, i]));
  try {
    const body = javascriptOf(node, slot);
    const sech = (x: number) => 1 / Math.cosh(x);
    return new Function('__sech', '__erf', `return function (a) { return ${body}; };`)(sech, erf) as (a: ArrayLike<number>) => number;
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
    const slow = compileMathjs(node, args);
    return (values) => slow(...Array.from(values));
  }
}

/**
 * The formula with every root of a non-constant and every non-integer constant power written as
 * exp(p log(x)). nerdamer 1.1.13 differentiates (u^2+1)^(-1/2) u into
 * -(1+u^2)^(-3/2) u^2 + sqrt((1+u^2)^(-1/2))^(-1), whose second term is (1+u^2)^(1/4) where
 * (1+u^2)^(-1/2) is meant, so sqrt(u^2+1)'' came out wrong and a correct printed derivative
 * failed against it. With exp kept opaque (opaqueExp) no fractional power is left for nerdamer to
 * fold. Integer square roots stay (opaqueSqrtConstants keeps them exact).
 */
function rootsAsExponentials(formula: string): string {
  const constantExponent = (n: MathNode): number | null => {
    if (n.filter((m) => (m as MathNode & { type: string }).type === 'SymbolNode').length > 0) return null;
    const v = n.evaluate() as unknown;
    return typeof v === 'number' ? v : null;
  };
  return math
    .parse(formula)
    .transform((n) => {
      const x = n as MathNode & { type: string; fn?: { name?: string }; op?: string; args?: MathNode[] };
      if (x.type === 'FunctionNode' && x.fn?.name === 'sqrt' && (x.args![0] as MathNode & { type: string }).type !== 'ConstantNode') return math.parse(`exp(log(${x.args![0]!.toString()}) / 2)`);
      if (x.type === 'OperatorNode' && x.op === '^') {
        const p = constantExponent(x.args![1]!);
        if (p !== null && !Number.isInteger(p)) return math.parse(`exp((${x.args![1]!.toString()}) * log(${x.args![0]!.toString()}))`);
      }
      return n;
    })
    .toString();
}

/**
 * An activation formula in u as nerdamer is given it, at every site that derives with it: roots
 * and fractional powers as exponentials (rootsAsExponentials), then integer square roots as
 * opaque constants (networkExpressions.ts opaqueSqrtConstants), returned with their values.
 * Exp itself is made opaque by the caller (opaqueExp) once the formula sits in its expression.
 */
export function nerdamerActivationText(formula: string): { text: string; constants: Map<string, number> } {
  return opaqueSqrtConstants(rootsAsExponentials(formula));
}
