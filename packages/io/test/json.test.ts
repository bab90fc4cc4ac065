/**
 * json.ts: a field named twice in one object is refused with its name and both positions
 * (JSON.parse would keep the last silently); nesting is bounded before either parser recurses.
 */
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonText } from '../src/index.ts';
import { inputError } from './support.ts';

describe('duplicate fields', () => {
  const cases: [string, string, string][] = [
    ['top level', '{"X": [[1]], "y": [0], "y": [1]}', 'f.json: line 1, column 24: field "y" appears twice in one object (first at line 1, column 14); each field may be given once'],
    ['nested, with the path', '{"about": {"a": 1,\n "a": 2}}', 'f.json: line 2, column 2: field "about.a" appears twice in one object (first at line 1, column 12); each field may be given once'],
    ['inside an array element', '{"X": [{"k": 1}, {"k": 1, "k": 2}]}', 'f.json: line 1, column 27: field "X[1].k" appears twice in one object (first at line 1, column 19); each field may be given once'],
    ['spelt with an escape', '{"a\\u0062": 1, "ab": 2}', 'f.json: line 1, column 16: field "ab" appears twice in one object (first at line 1, column 2); each field may be given once'],
  ];
  test.each(cases)('%s', (_, text, message) => {
    expect(inputError(() => parseJsonText(text, 'f.json')).message).toBe(message);
  });

  test('the same name in different objects, and strings that look like keys, are fine', () => {
    expect(parseJsonText('{"a": {"a": 1}, "b": ["a", "a"], "c": "x\\"a\\":"}', 'f.json')).toEqual({ a: { a: 1 }, b: ['a', 'a'], c: 'x"a":' });
  });
});

describe('nesting depth', () => {
  test(`${MAX_JSON_DEPTH} levels parse; one more is refused at its position, also in text only the strict parser reads`, () => {
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(() => parseJsonText(ok, 'f.json')).not.toThrow();
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(inputError(() => parseJsonText(deep, 'f.json')).message).toBe(`f.json: line 1, column ${MAX_JSON_DEPTH + 1}: nested more than ${MAX_JSON_DEPTH} levels deep (model and data files nest 3 levels)`);
    // NaN makes JSON.parse fail, so the recursive strict parser would be the one to read this.
    const strict = `{"a": ${'['.repeat(100_000)}NaN${']'.repeat(100_000)}}`;
    expect(inputError(() => parseJsonText(strict, 'f.json')).reason).toMatch(/^nested more than/);
  });

  propTest.prop([fc.integer({ min: 1, max: 5000 }), fc.constantFrom('[', '{"k":')], { numRuns: 50 })('any depth gives a value or one InputError, never a stack overflow', (depth, open) => {
    const close = open === '[' ? ']' : '}';
    const text = `${open.repeat(depth)}1${close.repeat(depth)}`;
    try {
      parseJsonText(text, 'f.json');
      expect(depth).toBeLessThanOrEqual(MAX_JSON_DEPTH);
    } catch (error) {
      expect((error as Error).name).toBe('InputError');
      expect(depth).toBeGreaterThan(MAX_JSON_DEPTH);
    }
  });
});
