/**
 * `hsr estimate` end to end on the bundled case at small budgets: every listed estimator
 * reports exact and estimated values, the truth is the closed form `hsr bound` prints, the
 * Gaussian Hutchinson variance at m = 100 lies in its 99% interval, --out writes the page and
 * the same JSON, and a bad flag through the real command line is one `hsr:` line, exit 2, and
 * no output files (every flag, in process: packages/cli/test/commands/estimate.test.ts).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { RTOL_VS_DENSE } from '@hsr/testkit';
import type { EstimateReport } from '../../packages/cli/src/commands/estimate.ts';
import { runHsr } from './run.ts';

const ESTIMATORS = ['hutchinson-rademacher', 'hutchinson-gaussian', 'hutch++', 'xtrace', 'frobenius-rademacher', 'frobenius-gaussian', 'power-iteration', 'lanczos'];
const ARGS = ['estimate', '--matvecs', '1,10,100', '--repeats', '20', '--seed', '3'];

let dir: string;
let report: EstimateReport;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hsr-estimate-'));
  const r = runHsr([...ARGS, '--json', '--out', join(dir, 'page')]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  report = JSON.parse(r.stdout);
});

describe('hsr estimate --json', () => {
  test('reports exact and estimated values for every listed estimator at every budget', () => {
    expect(report.schema).toBe('hsr-estimate/1');
    expect(report.settings).toMatchObject({ budgets: [1, 10, 100], repeats: 20, seed: 3 });
    expect(report.results.estimators.map((e) => e.id)).toEqual(ESTIMATORS);
    for (const e of report.results.estimators) {
      expect(Number.isFinite(e.exact), e.id).toBe(true);
      // XTrace cannot run with one product; everything else has all three budgets.
      const budgets = [...e.points.map((p) => p.budget), ...e.skipped.map((s) => s.budget)].sort((a, b) => a - b);
      expect(budgets, e.id).toEqual([1, 10, 100]);
      for (const p of e.points) {
        expect(p.estimates.length, `${e.id} at ${p.budget}`).toBe(Math.min(p.replicates, 200));
        expect(p.estimates.every(Number.isFinite)).toBe(true);
        expect(p.relativeError.median).toBeGreaterThanOrEqual(0);
      }
    }
    expect(report.results.estimators.find((e) => e.id === 'xtrace')!.skipped).toEqual([{ budget: 1, reason: expect.stringMatching(/at least 2/) }]);
    expect(report.results.adaptive.map((a) => a.id)).toEqual(['pyhessian-trace', 'pyhessian-eigenvalue']);
    for (const a of report.results.adaptive) {
      expect(a.runs).toBeGreaterThan(0);
      expect(a.products.max).toBeLessThanOrEqual(100);
    }
  });

  test('the truth is the closed form and the dense spectrum hsr bound --exact prints', () => {
    const bound = JSON.parse(runHsr(['bound', '--exact', '--json']).stdout);
    expect(report.truth.traceH).toBe(bound.traceH);
    expect(report.truth.traceH2).toBe(bound.traceH2);
    expect(report.truth.bounds).toEqual(bound.bounds);
    expect(report.truth.lambdaMax).toBe(bound.exact.lambdaMax);
    expect(report.truth.spectrumSource).toBe('dense');
    // The closed-form diagonal against the dense Hessian's (P = 67: formed for the truth).
    expect(report.truth.diagonalSquareSum).toBeAllClose(report.truth.dense!.diagonalSquareSum, { rtol: RTOL_VS_DENSE });
  });

  test('replicates: floor(R max(m) / m) blocks for the pooled estimators, R runs for the others', () => {
    const byId = new Map(report.results.estimators.map((e) => [e.id, e]));
    expect(byId.get('hutchinson-gaussian')!.points.map((p) => p.replicates)).toEqual([2000, 200, 20]);
    expect(byId.get('hutch++')!.points.map((p) => p.replicates)).toEqual([20, 20, 20]);
  });

  test('the measured variance of Gaussian Hutchinson at m = 100 lies within the 99% interval of 2 ||H||_F^2 / m', () => {
    const check = report.results.varianceChecks.find((c) => c.estimator === 'hutchinson-gaussian' && c.budget === 100)!;
    expect(check.theory).toBe((2 * report.truth.traceH2) / 100);
    expect(check.interval.confidence).toBe(0.99);
    expect(check.measured).toBeGreaterThanOrEqual(check.interval.lower);
    expect(check.measured).toBeLessThanOrEqual(check.interval.upper);
    expect(check.inside).toBe(true);
  });

  test('--out writes index.html and a results.json equal to the --json output', () => {
    const page = readFileSync(join(dir, 'page', 'index.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    // Offline by construction: no scripts, and every link or source is local or inline.
    expect(page).not.toMatch(/<script/);
    const refs = [...page.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.filter((u) => u !== 'results.json' && !u.startsWith('data:') && !u.startsWith('#'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'page', 'results.json'), 'utf8'))).toEqual(report);
  });

  test('the text report names the network and every estimator', () => {
    const r = runHsr(['estimate', '--matvecs', '1,10', '--repeats', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/bundled Iris 4-8-3 tanh network/);
    for (const label of ['Hutchinson (Rademacher)', 'Hutchinson (Gaussian)', 'Hutch++', 'XTrace', 'Frobenius', 'power iteration', 'Lanczos', 'PyHessian trace()', 'PyHessian eigenvalues()'])
      expect(r.stdout).toContain(label);
  });
});

describe('a bad flag through the real command line', () => {
  test('is one hsr: line, exit 2, and no output directory', () => {
    const out = join(dir, 'bad-spawned');
    const r = runHsr(['estimate', '--matvecs', '0', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('hsr: --matvecs: must be >= 1, got 0\n');
    expect(existsSync(out)).toBe(false);
  });
});
