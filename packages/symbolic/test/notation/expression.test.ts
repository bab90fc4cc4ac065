/** The index notation's builders refuse ill-formed formulas when the registry is built. */
import { describe, expect, it } from 'vitest';
import { add, augment, define, dependencyOrder, freeIndices, index, input, mul, ref, sum } from '../../src/notation/expression.ts';

const n = index('n', 'N');
const k = index('k', 'c');
const i = index('i', 'h');
const l = index('l', 'ht');
const X = input('X', ['N', 'c'], { latex: 'X', text: 'X' }, '');
const Z = input('Z', ['N', 'ht'], { latex: 'Z', text: 'Z' }, '');

describe('index notation', () => {
  it('refuses an index over the wrong range, and the wrong number of indices', () => {
    expect(() => ref(X, n, i)).toThrow(/index i ranges over h, slot 1 over c/);
    expect(() => ref(X, n)).toThrow(/2 indices expected, got 1/);
  });

  it('lets an index over h address an h~ slot (the augmented range), not the reverse', () => {
    expect(() => ref(Z, n, i)).not.toThrow();
    const H = input('H', ['N', 'h'], { latex: 'H', text: 'H' }, '');
    expect(() => ref(H, n, l)).toThrow(/ranges over ht/);
  });

  it('refuses a definition whose body uses an index it does not bind', () => {
    expect(() => define('bad', [n], { latex: 'b', text: 'b' }, '', ref(X, n, k))).toThrow(/index k is used but not bound/);
    expect(() => define('ok', [n], { latex: 'o', text: 'o' }, '', sum(k, ref(X, n, k)))).not.toThrow();
    expect(() => define('twice', [n, n], { latex: 't', text: 't' }, '', ref(X, n, k))).toThrow(/twice/);
  });

  it('reports the free indices of an expression (sums and augmentations bind theirs)', () => {
    expect(freeIndices(add(ref(X, n, k), sum(k, ref(X, n, k)))).map((x) => x.name)).toEqual(['n', 'k']);
    const lh = index('l', 'h');
    expect(
      freeIndices(augment(l, lh, ref(Z, n, lh)))
        .map((x) => x.name)
        .sort(),
    ).toEqual(['l', 'n']);
    expect(() => augment(l, i, ref(Z, n, i))).toThrow(/does not augment/);
  });

  it('orders definitions after what they use', () => {
    const a = define('a', [n], { latex: 'a', text: 'a' }, '', sum(k, ref(X, n, k)));
    const b = define('b', [], { latex: 'b', text: 'b' }, '', sum(n, mul(ref(a, n), ref(a, n))));
    expect(dependencyOrder([b]).map((d) => d.name)).toEqual(['a', 'b']);
  });
});
