/**
 * `hsr bound --hvp-budget K` end to end: the bounds from estimated traces are labelled as
 * estimates in the text and the JSON (no top-level traceH, traceH2 or bounds to mistake for
 * the exact contract) and agree with the closed form within their standard errors. Seeds and
 * bad flags, in process: packages/cli/test/commands/boundEstimate.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { normalQuantile } from '@hsr/numeric';
import { STATISTICAL_CHECK_ALPHA } from '@hsr/testkit';
import { runHsr } from './run.ts';

/** A correct estimate lies outside z(1 - ALPHA/2) of its standard errors with probability ~ALPHA. */
const ALPHA = STATISTICAL_CHECK_ALPHA;

describe('hsr bound --hvp-budget', () => {
  test('JSON: an `estimated` object, within its standard errors of the closed form', () => {
    const exact = JSON.parse(runHsr(['bound', '--json']).stdout);
    const r = runHsr(['bound', '--hvp-budget', '4000', '--seed', '5', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['data', 'estimated', 'loss', 'model', 'parameters', 'samples', 'variant']);
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
});
