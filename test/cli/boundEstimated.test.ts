/**
 * `hsr bound --hvp-budget K`: the bounds from estimated traces are labelled as estimates in
 * the text and the JSON (no top-level traceH, traceH2 or bounds to mistake for the exact
 * contract), agree with the closed form within their standard errors, and bad flags are one
 * `hsr:` line with exit 2.
 */
import { describe, expect, test } from 'vitest';
import { normalQuantile } from '@hsr/numeric';
import { STATISTICAL_CHECK_ALPHA } from '@hsr/testkit';
import { registerBound } from '../../packages/cli/src/commands/bound.ts';
import { runInProcess } from '../../packages/cli/test/runInProcess.ts';
import { runHsr } from './run.ts';

/** A correct estimate lies outside z(1 - ALPHA/2) of its standard errors with probability ~ALPHA. */
const ALPHA = STATISTICAL_CHECK_ALPHA;

describe('hsr bound --hvp-budget', () => {
  test('JSON: an `estimated` object, within its standard errors of the closed form', () => {
    const exact = JSON.parse(runHsr(['bound', '--json']).stdout);
    const r = runHsr(['bound', '--hvp-budget', '4000', '--seed', '5', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['estimated', 'parameters', 'samples']);
    expect(out.estimated).toMatchObject({ hvpBudget: 4000, seed: 5, note: expect.stringMatching(/^ESTIMATED/) });
    const z = normalQuantile(1 - ALPHA / 2);
    expect(Math.abs(out.estimated.traceH - exact.traceH)).toBeLessThanOrEqual(z * out.estimated.traceHStandardError);
    expect(Math.abs(out.estimated.traceH2 - exact.traceH2)).toBeLessThanOrEqual(z * out.estimated.traceH2StandardError);
    expect(Object.keys(out.estimated.bounds).sort()).toEqual(Object.keys(exact.bounds).sort());
  });

  test('text: every number is under an ESTIMATED header, with the note', () => {
    const r = runHsr(['bound', '--hvp-budget', '50']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/estimated with 50 Hessian-vector products/);
    expect(r.stdout).toMatch(/quantity\s+ESTIMATED\s+standard error/);
    expect(r.stdout).toMatch(/note: ESTIMATED from random probes, not guaranteed bounds/);
  });

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
