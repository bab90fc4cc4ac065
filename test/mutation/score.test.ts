/**
 * The mutation score the docs show is the score of the committed run records: the generated
 * section of docs/verification.md equals what `pnpm mutation:score --write-docs` makes of
 * tools/mutation/results/ and tools/mutation/equivalents/ now, and the scoring rules hold on
 * small made-up records.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { strykerMutants } from '../../tools/mutation/expected.ts';
import { mutatedFiles } from '../../tools/mutation/modules.ts';
import { CHECKS, NO_TEST_COMPLETED, ORIGINAL_CAP, ROOT, type RecordedMutant, type RunRecord, readEquivalents, readRecords, recordRun, sha256 } from '../../tools/mutation/results.ts';
import { BEGIN, END, scoreRecords } from '../../tools/mutation/scoring.ts';

const onDisk = (file: string) => sha256(readFileSync(path.join(ROOT, file), 'utf8'));

test('docs/verification.md shows the score of the committed records', async () => {
  const doc = readFileSync(path.join(ROOT, 'docs/verification.md'), 'utf8');
  const at = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  expect(at).toBeGreaterThan(0);
  expect(to).toBeGreaterThan(at);
  // On failure: `pnpm mutation:score --write-docs` (after a run, an equivalent entry, or an edit
  // of a mutated module, whose row then says "source changed since").
  const score = scoreRecords(readRecords(), readEquivalents(), onDisk, await strykerMutants(mutatedFiles()));
  expect(doc.slice(at, to + END.length)).toBe(score.section);
});

test('every equivalent entry matches a surviving mutant of its record and gives a reason', () => {
  const equivalents = readEquivalents();
  const { stale } = scoreRecords(readRecords(), equivalents, onDisk);
  expect(stale.map((e) => `${e.file}:${e.line} ${e.mutator}`)).toEqual([]);
  for (const e of equivalents) expect(e.reason.trim().length, `${e.file}:${e.line}`).toBeGreaterThan(20);
  // An entry that cites a checker names one of CHECKS, and that checker exists.
  for (const e of equivalents.filter((x) => x.checkedBy !== undefined)) {
    expect(Object.keys(CHECKS), `${e.file}:${e.line}`).toContain(e.checkedBy);
    expect(existsSync(path.join(ROOT, 'tools/mutation/checks', `${e.checkedBy}.ts`)), `${e.file}:${e.line}`).toBe(true);
  }
});

const mutant = (line: number, status: string, original = 'a < b', replacement = 'a <= b'): RecordedMutant => ({ line, column: 3, mutator: 'EqualityOperator', original, replacement, status });
const run = (finishedAt: string, sourceSha256: string, mutants: RecordedMutant[]): RunRecord => ({
  command: 'pnpm mutation',
  finishedAt,
  wallSeconds: 61,
  loadAverage: [1, 2],
  files: { 'm.ts': { sourceSha256, lines: 'all', mutants } },
});

test('the newest record of a mutant wins, and a record of another source drops the older ones', () => {
  const older = run('2026-01-01T00:00:00Z', 'x', [mutant(1, 'Survived'), mutant(2, 'Killed')]);
  const newer = run('2026-01-02T00:00:00Z', 'x', [mutant(1, 'Killed')]);
  const both = scoreRecords([older, newer], [], () => 'x').rows[0]!;
  expect([both.mutants, both.killed, both.survived, both.adjusted, both.changed]).toEqual([2, 2, 0, 100, false]);
  const edited = run('2026-01-03T00:00:00Z', 'y', [mutant(5, 'Survived')]);
  const after = scoreRecords([older, newer, edited], [], () => 'x').rows[0]!;
  expect([after.mutants, after.survived, after.raw, after.changed]).toEqual([1, 1, 0, true]);
});

test('a mutant Stryker makes that no record of the same source holds counts as undetected', () => {
  const { status: _s, ...made } = mutant(1, 'Killed');
  const block = { line: 1, column: 1, mutator: 'BlockStatement', original: '{ a < b }', replacement: '{}' };
  const expected = new Map([
    ['m.ts', { sourceSha256: 'x', mutants: [made, block] }],
    ['never.ts', { sourceSha256: 'z', mutants: [block] }],
    ['empty.ts', { sourceSha256: 'e', mutants: [] }],
  ]);
  const s = scoreRecords([run('2026-01-01T00:00:00Z', 'x', [mutant(1, 'Killed')])], [], () => 'x', expected);
  const m = s.rows.find((r) => r.file === 'm.ts')!;
  expect([m.mutants, m.killed, m.unrecorded, m.adjusted]).toEqual([2, 1, 1, 50]);
  // A listed file no run mutated is a row of untested mutants; one with no mutants is no row.
  const never = s.rows.find((r) => r.file === 'never.ts')!;
  expect([never.lines, never.mutants, never.unrecorded, never.adjusted]).toEqual(['none', 1, 1, 0]);
  expect(s.rows.map((r) => r.file)).toEqual(['m.ts', 'never.ts']);
  expect(s.unrecorded).toEqual(['m.ts:1:1 BlockStatement: { a < b } -> {}', 'never.ts:1:1 BlockStatement: { a < b } -> {}']);
  // Mutants of another version of the source say nothing about the recorded one.
  const edited = scoreRecords([run('2026-01-01T00:00:00Z', 'x', [mutant(1, 'Killed')])], [], () => 'y', new Map([['m.ts', { sourceSha256: 'y', mutants: [block] }]]));
  expect([edited.rows[0]!.unrecorded, edited.rows[0]!.changed]).toEqual([0, true]);
});

test('two mutants at one place with one mutator and replacement but different originals are both counted', () => {
  // Stryker makes `a || b -> false` and `a -> false` at the same column; one may die, one survive.
  const r = run('2026-01-01T00:00:00Z', 'x', [mutant(1, 'Killed', 'a || b', 'false'), mutant(1, 'Survived', 'a', 'false')]);
  const s = scoreRecords([r], [], () => 'x');
  expect([s.rows[0]!.mutants, s.rows[0]!.killed, s.rows[0]!.survived]).toEqual([2, 1, 1]);
});

test('an equivalent entry leaves the score only when it names the surviving mutant exactly', () => {
  const r = run('2026-01-01T00:00:00Z', 'x', [mutant(1, 'Survived'), mutant(2, 'Killed'), mutant(3, 'Timeout'), mutant(4, 'CompileError')]);
  const eq = { file: 'm.ts', mutator: 'EqualityOperator', line: 1, original: 'a  <\n b', replacement: 'a <= b', reason: 'both branches give the same value' };
  const s = scoreRecords([r], [eq], () => 'x');
  // detected 2 of 3 that ran; the compile error is not counted; the equivalent leaves 2 of 2.
  expect([s.rows[0]!.raw.toFixed(4), s.rows[0]!.adjusted, s.rows[0]!.errors, s.survivors, s.stale]).toEqual(['66.6667', 100, 1, [], []]);
  const wrongLine = scoreRecords([r], [{ ...eq, line: 2 }], () => 'x');
  expect([wrongLine.rows[0]!.equivalent, wrongLine.survivors.length, wrongLine.stale.length]).toEqual([0, 1, 1]);
});

test('a record keeps line ranges and cuts a long original with the hash of the whole', () => {
  const block = `{${'x'.repeat(400)}}`;
  const source = `a < b\n${block}\n`;
  const report = {
    files: {
      'm.ts': {
        source,
        mutants: [
          { mutatorName: 'EqualityOperator', replacement: 'a <= b', status: 'Survived', location: { start: { line: 1, column: 1 }, end: { line: 1, column: 6 } } },
          { mutatorName: 'BlockStatement', replacement: '{}', status: 'Killed', location: { start: { line: 2, column: 1 }, end: { line: 2, column: 403 } } },
          { mutatorName: 'EqualityOperator', replacement: 'a >= b', status: 'Survived', testsCompleted: 0, location: { start: { line: 1, column: 1 }, end: { line: 1, column: 6 } } },
          // A mutant of an excluded mutator (`--mutators`) was not tested: it is no result.
          { mutatorName: 'ConditionalExpression', replacement: 'true', status: 'Ignored', location: { start: { line: 1, column: 1 }, end: { line: 1, column: 6 } } },
        ],
      },
    },
  };
  const r = recordRun(report, ['m.ts:1-2'], undefined, { command: 'c', finishedAt: 't', wallSeconds: 1, loadAverage: [0, 0] });
  const f = r.files['m.ts']!;
  expect([f.lines, f.sourceSha256, f.mutants[0]!.original]).toEqual(['1-2', sha256(source), 'a < b']);
  expect(f.mutants[1]!.original).toBe(`${block.slice(0, ORIGINAL_CAP)}… (402 chars, sha256 ${sha256(block).slice(0, 12)})`);
  // A "survivor" no test completed on is recorded as untested: it counts against the score and
  // no equivalent entry excuses it.
  expect(f.mutants.map((m) => m.status)).toEqual(['Survived', 'Killed', NO_TEST_COMPLETED]);
  expect(recordRun(report, ['m.ts:1-2'], ['BlockStatement'], r).files['m.ts']!.lines).toBe('1-2 (BlockStatement only)');
  const eq = (replacement: string) => ({ file: 'm.ts', mutator: 'EqualityOperator', line: 1, original: 'a < b', replacement, reason: 'r' });
  const s = scoreRecords([r], [eq('a <= b'), eq('a >= b')], () => sha256(source));
  expect([s.rows[0]!.survived, s.rows[0]!.equivalent, s.rows[0]!.adjusted, s.survivors.length]).toEqual([2, 1, 50, 1]);
});
