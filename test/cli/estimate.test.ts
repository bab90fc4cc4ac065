/**
 * `hsr estimate` end to end on the bundled case at small budgets: every listed estimator
 * reports exact and estimated values, the truth is the closed form `hsr bound` prints, the
 * Gaussian Hutchinson variance at m = 100 lies in its 99% interval, --out writes the page and
 * the same JSON, and every bad flag is one `hsr:` line, exit 2, and no output files.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { RTOL_VS_DENSE } from '@hsr/testkit';
import { registerEstimate } from '../../packages/cli/src/commands/estimate.ts';
import { runInProcess } from '../../packages/cli/test/runInProcess.ts';
import { ROOT, runHsr } from './run.ts';

const ESTIMATORS = ['hutchinson-rademacher', 'hutchinson-gaussian', 'hutch++', 'xtrace', 'frobenius-rademacher', 'frobenius-gaussian', 'power-iteration', 'lanczos'];
const ARGS = ['estimate', '--matvecs', '1,10,100', '--repeats', '20', '--seed', '3'];

let dir: string;
let report: any;

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
    expect(report.results.estimators.map((e: any) => e.id)).toEqual(ESTIMATORS);
    for (const e of report.results.estimators) {
      expect(Number.isFinite(e.exact), e.id).toBe(true);
      // XTrace cannot run with one product; everything else has all three budgets.
      const budgets = [...e.points.map((p: any) => p.budget), ...e.skipped.map((s: any) => s.budget)].sort((a: number, b: number) => a - b);
      expect(budgets, e.id).toEqual([1, 10, 100]);
      for (const p of e.points) {
        expect(p.estimates.length, `${e.id} at ${p.budget}`).toBe(Math.min(p.replicates, 200));
        expect(p.estimates.every(Number.isFinite)).toBe(true);
        expect(p.relativeError.median).toBeGreaterThanOrEqual(0);
      }
    }
    expect(report.results.estimators.find((e: any) => e.id === 'xtrace').skipped).toEqual([{ budget: 1, reason: expect.stringMatching(/at least 2/) }]);
    expect(report.results.adaptive.map((a: any) => a.id)).toEqual(['pyhessian-trace', 'pyhessian-eigenvalue']);
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
    expect(report.truth.diagonalSquareSum).toBeAllClose(report.truth.dense.diagonalSquareSum, { rtol: RTOL_VS_DENSE });
  });

  test('replicates: floor(R max(m) / m) blocks for the pooled estimators, R runs for the others', () => {
    const byId = new Map(report.results.estimators.map((e: any) => [e.id, e]));
    expect((byId.get('hutchinson-gaussian') as any).points.map((p: any) => p.replicates)).toEqual([2000, 200, 20]);
    expect((byId.get('hutch++') as any).points.map((p: any) => p.replicates)).toEqual([20, 20, 20]);
  });

  test('the measured variance of Gaussian Hutchinson at m = 100 lies within the 99% interval of 2 ||H||_F^2 / m', () => {
    const check = report.results.varianceChecks.find((c: any) => c.estimator === 'hutchinson-gaussian' && c.budget === 100);
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

describe('bad flags: one hsr: line, exit 2, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['zero budget', ['--matvecs', '0,10'], /--matvecs: must be >= 1/],
    ['empty budget', ['--matvecs', '1,,10'], /--matvecs: expected comma-separated/],
    ['duplicate budget', ['--matvecs', '10,3,10'], /--matvecs: 10 is listed twice/],
    ['non-integer budget', ['--matvecs', '2.5'], /--matvecs: expected an integer/],
    ['zero repeats', ['--repeats', '0'], /--repeats: must be >= 1/],
    ['bad seed', ['--seed', 'x'], /--seed: expected a number/],
    ['samples without mnist', ['--samples', '50'], /--samples: applies to --data mnist only/],
    ['too many samples', ['--data', 'mnist', '--samples', '9000'], /--samples: must be <= 8630/],
    ['model without data', ['--model', 'm.json'], /--model needs --data/],
    ['data file without model', ['--data', 'd.json'], /--data FILE needs --model/],
    ['bad sketch memory', ['--sketch-memory', '-1'], /--sketch-memory: must be > 0/],
    ['bad block', ['--block', 'middle'], /--block.*middle/],
    ['missing model file', ['--model', 'nope.json', '--data', 'nope.csv'], /nope\.json/],
  ];
  // In process (the command's own action and error path), so the list costs milliseconds.
  test.each(cases)('%s', async (_name, flags, message) => {
    const out = join(dir, `bad-${_name.replace(/\W+/g, '-')}`);
    const r = await runInProcess([registerEstimate], ['estimate', ...flags, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^hsr: /);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  test('a block whose Hessian is exactly zero (saturated softmax) is refused, not reported as NaN', async () => {
    const bundled = JSON.parse(readFileSync(join(ROOT, 'packages/cli/assets/iris-default.model.json'), 'utf8'));
    const saturated = { ...bundled, V: bundled.V.map((row: number[]) => row.map((x) => x * 1e5)), a: bundled.a.map((x: number) => x * 1e5) };
    const model = join(dir, 'saturated.json');
    writeFileSync(model, JSON.stringify(saturated));
    const out = join(dir, 'bad-zero');
    const r = await runInProcess([registerEstimate], ['estimate', '--model', model, '--data', join(ROOT, 'packages/cli/assets/iris-default.data.json'), '--block', 'second', '--curvature', 'gauss-newton', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hsr: .*saturated\.json.*exactly zero \(T2 = \|\|H\|\|_F\^2 = 0/);
    expect(existsSync(out)).toBe(false);
  });

  test('the same, through the real command line', () => {
    const out = join(dir, 'bad-spawned');
    const r = runHsr(['estimate', '--matvecs', '0', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('hsr: --matvecs: must be >= 1, got 0\n');
    expect(existsSync(out)).toBe(false);
  });
});
