/**
 * `hsr bound --hvp-budget K` in process: the same seed gives the same estimate and another
 * seed another one, and every bad flag is one `hsr:` line with exit 2.
 */
import { describe, expect, test } from 'vitest';
import { registerBound } from '../../src/commands/bound.ts';
import { runInProcess } from '../runInProcess.ts';

describe('hsr bound --hvp-budget', () => {
  test('the same seed gives the same estimate; another seed another one', async () => {
    const run = async (seed: string) => JSON.parse((await runInProcess([registerBound], ['bound', '--hvp-budget', '10', '--seed', seed, '--json'])).stdout);
    const a = await run('1');
    expect(await run('1')).toEqual(a);
    expect((await run('2')).estimated.traceH).not.toBe(a.estimated.traceH);
  });

  test.each([
    [['--hvp-budget', '0'], /--hvp-budget: must be >= 1/],
    [['--hvp-budget', 'many'], /--hvp-budget: expected a number/],
    [['--hvp-budget', '10', '--exact'], /--hvp-budget: cannot be combined with --exact/],
    [['--hvp-budget', '10', '--seed', '1.5'], /--seed: expected an integer/],
  ])('bad flags %j (in process)', async (flags, message) => {
    const r = await runInProcess([registerBound], ['bound', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
