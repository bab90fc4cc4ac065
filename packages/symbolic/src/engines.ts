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
