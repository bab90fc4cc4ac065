/**
 * The list of every mutant Stryker makes (expected.ts) is in the records' form, so the score can
 * tell which of them no run tested; and `--mutators` takes only Stryker's mutator names.
 */
import { expect, test } from 'vitest';
import { mutantsOfText } from '../../tools/mutation/expected.ts';
import { STRYKER_MUTATORS } from '../../tools/mutation/results.ts';

// One line per mutator kind; the places below are counted by hand (1-based line and column).
const SOURCE = `export function f(a: number, b: number, o?: { p: number }): unknown {
  let x = -a + b;
  x += 1;
  for (let i = 0; i < 2; i++) x *= 2;
  return [a < b && true, 'k', /a+/.test('s'.trim()), o?.p, { x }, () => x];
}
`;

test('the instrumenter gives each mutant its 1-based place, the text it replaces and the replacement', async () => {
  const made = await mutantsOfText('fixture.ts', SOURCE);
  const want = [
    { line: 5, column: 11, mutator: 'EqualityOperator', original: 'a < b', replacement: 'a <= b' },
    { line: 5, column: 11, mutator: 'EqualityOperator', original: 'a < b', replacement: 'a >= b' },
    { line: 4, column: 26, mutator: 'UpdateOperator', original: 'i++', replacement: 'i--' },
    { line: 3, column: 3, mutator: 'AssignmentOperator', original: 'x += 1', replacement: 'x -= 1' },
    { line: 5, column: 54, mutator: 'OptionalChaining', original: 'o?.p', replacement: 'o.p' },
    // The function body: it starts on line 1 and ends on line 6, in no one-line range.
    { line: 1, column: 69, mutator: 'BlockStatement', original: SOURCE.slice(SOURCE.indexOf('{\n'), SOURCE.lastIndexOf('}') + 1), replacement: '{}' },
  ];
  for (const m of want) expect(made).toContainEqual(m);
});

test('STRYKER_MUTATORS names exactly the mutators the instrumenter uses', async () => {
  // The fixture has one construct for each of Stryker 9.3's sixteen mutators.
  const used = [...new Set((await mutantsOfText('fixture.ts', SOURCE)).map((m) => m.mutator))].sort();
  expect(used).toEqual([...STRYKER_MUTATORS].sort());
});
