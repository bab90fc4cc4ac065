/**
 * The bit-for-bit comparison the equivalence checkers share: a mutated copy of a module is run
 * on the same inputs as the original, and `same(where, original, mutant)` compares the two
 * outputs with Object.is on every leaf (so 0 and -0 differ, and NaN equals NaN). Typed arrays
 * and arrays are compared element by element (and must be of one type and length), objects key
 * by key in the original's order (functions are skipped). The first difference is printed as
 * `where: original (original) against mutant (mutant)` and ends the process with exit 1;
 * `compared` counts the leaves compared so far, for the checker's closing line.
 */
export interface Comparison {
  /** Object.is on every leaf of a (original) and b (mutant); the first difference exits 1. */
  same(where: string, a: unknown, b: unknown): void;
  /** The leaves compared so far. */
  readonly compared: number;
}

/** A comparison; beforeExit runs before the exit on a difference (a checker's worker pool). */
export function comparison(beforeExit: () => void = () => {}): Comparison {
  let compared = 0;
  const differ = (where: string, a: unknown, b: unknown): never => {
    process.stdout.write(`${where}: ${String(a)} (original) against ${String(b)} (mutant)\n`);
    beforeExit();
    process.exit(1);
  };
  const same = (where: string, a: unknown, b: unknown): void => {
    if (typeof a === 'function' && typeof b === 'function') return;
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
      compared++;
      if (!Object.is(a, b)) differ(where, a, b);
      return;
    }
    if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b) || Array.isArray(a) || Array.isArray(b)) {
      const x = a as ArrayLike<unknown>;
      const y = b as ArrayLike<unknown>;
      if (a.constructor !== b.constructor) differ(`${where} (type)`, a.constructor.name, b.constructor.name);
      if (x.length !== y.length) differ(`${where}.length`, x.length, y.length);
      if (ArrayBuffer.isView(a)) {
        for (let i = 0; i < x.length; i++) {
          compared++;
          if (!Object.is(x[i], y[i])) differ(`${where}[${i}]`, x[i], y[i]);
        }
      } else for (let i = 0; i < x.length; i++) same(`${where}[${i}]`, x[i], y[i]);
      return;
    }
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if ([...ka].sort().join() !== [...kb].sort().join()) differ(`${where} (keys)`, ka.join(' '), kb.join(' '));
    for (const k of ka) same(`${where}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
  };
  return {
    same,
    get compared() {
      return compared;
    },
  };
}
