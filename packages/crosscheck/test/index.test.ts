/**
 * Importing @hsr/crosscheck must not load the computer-algebra engines (nerdamer, mathjs and
 * KaTeX cost ~2 s): the index and its light subpaths never reach them through static imports,
 * and `@hsr/crosscheck/symbolic` does (which shows the walk follows the graph).
 * `checkAgainstOracles` imports the symbolic properties only for `symbolicRuns`.
 */
import { describe, expect, test } from 'vitest';
import { externalImports } from '@hsr/testkit/moduleGraph';

const ENGINES = ['nerdamer', 'mathjs', 'katex'];

describe('crosscheck entry points', () => {
  test.each(['@hsr/crosscheck', '@hsr/crosscheck/properties', '@hsr/crosscheck/cases', '@hsr/crosscheck/tolerances'])('%s loads no computer-algebra engine', (entry) => {
    const reached = externalImports(entry);
    expect(ENGINES.filter((e) => reached.has(e))).toEqual([]);
  });

  test('@hsr/crosscheck/symbolic loads them', () => {
    expect(ENGINES.filter((e) => externalImports('@hsr/crosscheck/symbolic').has(e))).toEqual(ENGINES);
  });

  test('fast-check is reached (a peer), and nothing from vitest', () => {
    const reached = externalImports('@hsr/crosscheck');
    expect(reached.has('fast-check')).toBe(true);
    expect(reached.has('vitest')).toBe(false);
  });
});
