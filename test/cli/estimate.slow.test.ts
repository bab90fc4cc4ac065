/**
 * The acceptance commands, as a user runs them: `hsr estimate --json` on the bundled
 * case and `hsr estimate --data mnist --samples 128 --json`, both at the default budgets and
 * repeats. Every listed estimator reports exact and estimated values (or, at MNIST size, says
 * why a budget was skipped); the measured variance of Gaussian Hutchinson at m = 100 lies in the
 * 99% interval of 2 ||H||_F^2 / m. Run times are printed, not asserted (pnpm bench measures speed).
 */
import { describe, expect, test } from 'vitest';
import type { EstimateReport } from '../../packages/cli/src/commands/estimate.ts';
import { runHsr } from './run.ts';

const ESTIMATORS = ['hutchinson-rademacher', 'hutchinson-gaussian', 'hutch++', 'xtrace', 'frobenius-rademacher', 'frobenius-gaussian', 'power-iteration', 'lanczos'];
const DEFAULT_BUDGETS = [1, 3, 10, 30, 100, 300, 1000];

function check(args: string[], expectations: (report: EstimateReport) => void): void {
  const t0 = performance.now();
  const r = runHsr(args, { timeout: 600_000 });
  console.info(`${args.join(' ')}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report: EstimateReport = JSON.parse(r.stdout);
  expect(report.settings.budgets).toEqual(DEFAULT_BUDGETS);
  expect(report.results.estimators.map((e) => e.id)).toEqual(ESTIMATORS);
  for (const e of report.results.estimators) {
    expect(Number.isFinite(e.exact)).toBe(true);
    const covered = [...e.points.map((p) => p.budget), ...e.skipped.map((s) => s.budget)].sort((a, b) => a - b);
    expect(covered, e.id).toEqual(DEFAULT_BUDGETS);
    for (const p of e.points) expect(p.estimates.every(Number.isFinite), `${e.id} at ${p.budget}`).toBe(true);
  }
  for (const a of report.results.adaptive) expect(a.runs).toBeGreaterThan(0);
  const gaussian100 = report.results.varianceChecks.find((c) => c.estimator === 'hutchinson-gaussian' && c.budget === 100)!;
  expect(gaussian100.theory).toBe((2 * report.truth.traceH2) / 100);
  expect(gaussian100.measured).toBeGreaterThanOrEqual(gaussian100.interval.lower);
  expect(gaussian100.measured).toBeLessThanOrEqual(gaussian100.interval.upper);
  expectations(report);
}

describe('hsr estimate acceptance runs', () => {
  test('pnpm hsr estimate --json (bundled Iris, default repeats)', () => {
    check(['estimate', '--json'], (report) => {
      expect(report.settings.repeats).toBe(100);
      expect(report.truth.spectrumSource).toBe('dense');
      // P = 67: nothing exceeds the sketch memory, only XTrace's m = 1 is skipped.
      expect(report.results.estimators.flatMap((e) => e.skipped.map((s) => `${e.id}@${s.budget}`))).toEqual(['xtrace@1']);
    });
  });

  test('pnpm hsr estimate --data mnist --samples 128 --json (fresh 784-128-10, P = 101,770)', () => {
    check(['estimate', '--data', 'mnist', '--samples', '128', '--json'], (report) => {
      expect(report.case.parameters).toBe(101_770);
      expect(report.case.network).toMatch(/freshly initialised tanh 784-128-10/);
      expect(report.settings.repeats).toBe(1);
      expect(report.truth.spectrumSource).toBe('lanczos');
      expect(report.truth.lanczosConverged).toBe(true);
      // The sketches at m = 1000 exceed the default memory and say so.
      for (const id of ['hutch++', 'xtrace']) expect(report.results.estimators.find((e) => e.id === id)!.skipped.map((s) => s.budget)).toContain(1000);
    });
  });
});
