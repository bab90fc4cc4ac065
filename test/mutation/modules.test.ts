/**
 * Which tests `pnpm mutation -- --mutate GLOB` runs (tools/mutation/modules.ts): the entry for
 * exactly the glob's file wins over a glob entry that also matches it, a line range selects by
 * its file part, a selection that matches nothing runs every test, and every listed test
 * exists (a misspelt path would silently run fewer tests, and the score would undercount).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { MUTATION_MODULES, modulesFor, testsFor } from '../../tools/mutation/modules.ts';
import { ROOT, splitRange } from '../../tools/mutation/results.ts';

test('jet.ts has its own entry: autodiff tests only, not numeric deep tests', () => {
  expect(modulesFor('packages/autodiff/src/jet.ts:1-120').map((m) => m.file)).toEqual(['packages/autodiff/src/jet.ts']);
  expect(testsFor(['packages/autodiff/src/jet.ts'])).toEqual(['packages/autodiff/test/*.test.ts']);
});

test('another autodiff file is chosen by the autodiff glob, with the deep tests', () => {
  expect(modulesFor('packages/autodiff/src/elementary.ts').map((m) => m.file)).toEqual(['packages/autodiff/src/**/*.ts']);
  expect(testsFor(['packages/autodiff/src/elementary.ts:72-72'])).toContain('packages/numeric/test/deep/hessian.test.ts');
});

test('a line range selects by its file; several globs take the union once', () => {
  const te = MUTATION_MODULES.find((m) => m.file === 'packages/numeric/src/traceEngine.ts')!;
  expect(testsFor(['packages/numeric/src/traceEngine.ts:627-709'])).toEqual([...te.tests]);
  const both = testsFor(['packages/numeric/src/traceEngine.ts:1-2', 'packages/numeric/src/wolkowiczStyan.ts']);
  expect(both).toEqual([...new Set([...te.tests, 'packages/numeric/test/wolkowiczStyan.test.ts'])]);
});

test('a range with columns keeps its whole file part', () => {
  expect(splitRange('packages/autodiff/src/jet.ts:168:1-168:20')).toEqual({ file: 'packages/autodiff/src/jet.ts', range: '168:1-168:20' });
  expect(splitRange('packages/autodiff/src/jet.ts:140-140')).toEqual({ file: 'packages/autodiff/src/jet.ts', range: '140-140' });
  expect(splitRange('packages/autodiff/src/jet.ts')).toEqual({ file: 'packages/autodiff/src/jet.ts', range: undefined });
  expect(testsFor(['packages/autodiff/src/jet.ts:168:1-168:20'])).toEqual(['packages/autodiff/test/*.test.ts']);
});

test('a selection that matches no entry runs every entry’s tests', () => {
  expect(testsFor(['packages/io/src/nothing.ts'])).toEqual([...new Set(MUTATION_MODULES.flatMap((m) => m.tests))]);
});

/** The repository's files under packages/ and test/ (relative, with forward slashes). */
const files = ['packages', 'test'].flatMap((top) =>
  readdirSync(path.join(ROOT, top), { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.split(path.sep).includes('node_modules'))
    .map((f) => `${top}/${f.split(path.sep).join('/')}`),
);
const matches = (glob: string) => files.filter((f) => f === glob || path.matchesGlob(f, glob));

test('every listed source and test file exists', () => {
  expect(matches('packages/autodiff/test/*.test.ts')).toContain('packages/autodiff/test/jet.test.ts');
  expect(matches('packages/numeric/test/no-such.test.ts')).toEqual([]);
  for (const m of MUTATION_MODULES) {
    expect(matches(m.file).length, m.file).toBeGreaterThan(0);
    for (const t of m.tests) expect(matches(t).length, `${m.file}: ${t}`).toBeGreaterThan(0);
  }
});
