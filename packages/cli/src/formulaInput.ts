/**
 * `hsr derive --activation`: the value checked before any computer algebra sees it. nerdamer
 * and mathjs throw engine errors (or stack traces) for malformed text, treat unknown words as
 * symbols, look names like `constructor` up on prototypes, and go complex for `log(u)` at
 * u < 0; so the formula is parsed here by a small grammar of its own, its names checked
 * against the functions both engines differentiate, and evaluated at the points the engines
 * will be compared at. Anything wrong is one UsageError naming --activation.
 */
import { ACTIVATION_NAMES, erf, isActivation } from '@hsr/numeric';
import { UsageError } from './errors.ts';

/** Longest formula accepted: the engines' third derivative of anything longer takes minutes. */
export const MAX_FORMULA_LENGTH = 200;

/** Functions both engines know and differentiate, with their float64 value for the real-line check. */
const FUNCTIONS: Readonly<Record<string, (x: number) => number>> = {
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sinh: Math.sinh,
  cosh: Math.cosh,
  sin: Math.sin,
  cos: Math.cos,
  atan: Math.atan,
  erf,
};
const CONSTANTS: Readonly<Record<string, number>> = { e: Math.E, pi: Math.PI };

/** Names users reach for that have no third derivative everywhere: refused with that reason. */
const NOT_C3 = new Set(['abs', 'max', 'min', 'relu', 'sign', 'floor', 'ceil', 'round', 'heaviside', 'step']);

type Token = { kind: 'number'; value: number; at: number } | { kind: 'name'; name: string; at: number } | { kind: 'op'; op: string; at: number };

function tokenize(text: string, fail: (why: string) => never): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/^(),]))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) fail(`unexpected ${JSON.stringify(text.slice(i).trim()[0])} at position ${i + 1 + (text.slice(i).length - text.slice(i).trimStart().length)}`);
    const at = m.index + m[0].length - (m[1] ?? m[2] ?? m[3])!.length + 1;
    if (m[1] !== undefined) tokens.push({ kind: 'number', value: Number(m[1]), at });
    else if (m[2] !== undefined) tokens.push({ kind: 'name', name: m[2], at });
    else tokens.push({ kind: 'op', op: m[3]!, at });
    i = re.lastIndex;
  }
  return tokens;
}

type Node = (u: number) => number;

/** Recursive descent over + - * / ^, unary signs, calls and parentheses; returns an evaluator. */
function parse(tokens: Token[], fail: (why: string) => never): Node {
  let k = 0;
  const peek = (): Token | undefined => tokens[k];
  const isOp = (op: string) => {
    const t = peek();
    return t !== undefined && t.kind === 'op' && t.op === op;
  };
  const where = () => {
    const t = peek();
    return t === undefined ? 'at the end' : `at position ${t.at}`;
  };
  const expect = (op: string) => {
    if (!isOp(op)) fail(`expected "${op}" ${where()}`);
    k++;
  };
  const expression = (): Node => {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[k++] as { op: string }).op;
      const a = left;
      const b = term();
      left = op === '+' ? (u) => a(u) + b(u) : (u) => a(u) - b(u);
    }
    return left;
  };
  const term = (): Node => {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = (tokens[k++] as { op: string }).op;
      const a = left;
      const b = unary();
      left = op === '*' ? (u) => a(u) * b(u) : (u) => a(u) / b(u);
    }
    return left;
  };
  const unary = (): Node => {
    if (isOp('-')) {
      k++;
      const a = unary();
      return (u) => -a(u);
    }
    if (isOp('+')) {
      k++;
      return unary();
    }
    return power();
  };
  const power = (): Node => {
    const base = primary();
    if (!isOp('^')) return base;
    k++;
    const exponent = unary();
    return (u) => base(u) ** exponent(u);
  };
  const primary = (): Node => {
    const t = peek();
    if (t === undefined) return fail('ends where a value was expected');
    k++;
    if (t.kind === 'number') return () => t.value;
    if (t.kind === 'op') {
      if (t.op !== '(') return fail(`unexpected "${t.op}" at position ${t.at}`);
      const inner = expression();
      expect(')');
      return inner;
    }
    if (t.name === 'u') return (u) => u;
    if (Object.hasOwn(CONSTANTS, t.name)) {
      const value = CONSTANTS[t.name]!;
      return () => value;
    }
    if (NOT_C3.has(t.name)) {
      return fail(`${t.name} at position ${t.at} is not three times differentiable everywhere (the bound needs phi', phi'', phi'''); use a smooth form such as softplus or sqrt(u^2 + 0.01)`);
    }
    if (!Object.hasOwn(FUNCTIONS, t.name)) {
      return fail(`unknown name "${t.name}" at position ${t.at} (the variable is u; functions: ${Object.keys(FUNCTIONS).join(', ')}; constants: e, pi)`);
    }
    const f = FUNCTIONS[t.name]!;
    if (!isOp('(')) fail(`the function ${t.name} needs an argument in parentheses, ${where()}`);
    k++;
    const arg = expression();
    expect(')');
    return (u) => f(arg(u));
  };
  if (tokens.length === 0) fail('is empty');
  const node = expression();
  if (k < tokens.length) fail(`unexpected ${tokens[k]!.kind === 'op' ? `"${(tokens[k] as { op: string }).op}"` : 'text'} at position ${tokens[k]!.at}`);
  return node;
}

/**
 * Check `--activation`: a built-in name, or a formula in u that parses, names only known
 * functions and constants, uses u, and is a finite real number at every point in `points`.
 * Throws UsageError naming the flag; returns the value unchanged.
 */
export function checkActivationInput(value: string, points: readonly number[]): string {
  if (isActivation(value)) return value;
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  const fail = (why: string): never => {
    throw new UsageError(`--activation: ${shown} ${why}`);
  };
  if (value.trim() === '') throw new UsageError(`--activation: expected a name (${ACTIVATION_NAMES.join(', ')}) or a formula in u such as "log(1+exp(u))", got ""`);
  if (value.length > MAX_FORMULA_LENGTH) fail(`is longer than ${MAX_FORMULA_LENGTH} characters`);
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value.trim()) && value.trim() !== 'u') {
    fail(`is not a built-in activation (${ACTIVATION_NAMES.join(', ')}) nor a formula in u such as "log(1+exp(u))"`);
  }
  const tokens = tokenize(value, (why) => fail(`cannot be parsed: ${why}`));
  const node = parse(tokens, (why) => fail(`cannot be parsed: ${why}`));
  if (!tokens.some((t) => t.kind === 'name' && t.name === 'u')) fail('does not use the variable u');
  for (const u of points) {
    const y = node(u);
    if (!Number.isFinite(y)) fail(`is not a finite real number at u = ${u} (an activation must be defined on the whole real line)`);
  }
  return value;
}
