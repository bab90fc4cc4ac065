/**
 * The practitioner's MNIST run, end to end (slow project: about a minute of one core):
 * `hsr train --data mnist --samples 1000 --method hsr-step --epochs 1 --out D` at the default
 * 784-128-10 (P = 101,770) trains in mini-batches and records finite lambda_max and lambda_min
 * from Lanczos, each with a residual bound at the metrics' tolerance, the SLQ negative mass
 * with its standard error, and writes index.html.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { METRICS_LANCZOS_TOL, type MetricsRecord } from '@hsr/numeric';
import { runHsr } from './run.ts';

test('hsr train --data mnist --samples 1000 --method hsr-step --epochs 1: finite Lanczos extremes at P = 101,770', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'hsr-mnist-')), 'D');
  const r = runHsr(['train', '--data', 'mnist', '--samples', '1000', '--method', 'hsr-step', '--epochs', '1', '--out', out], { timeout: 600_000 });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/P = 101770, batch 128/);
  expect(r.stdout).toMatch(/step-time ratio hsr-step \/ plain \d+\.\d\d/);
  const records = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as MetricsRecord);
  expect(records.map((x) => x.epoch)).toEqual([0, 1]);
  for (const rec of records) {
    expect(rec.parameters).toBe(101770);
    expect(rec.spectrumMethod).toBe('lanczos');
    expect(Number.isFinite(rec.lambdaMax) && Number.isFinite(rec.lambdaMin)).toBe(true);
    expect(rec.lambdaMax!).toBeGreaterThan(0);
    expect(rec.lambdaMin!).toBeLessThan(0);
    // Weyl: an eigenvalue within each residual; the run stops at tol * max |lambda|.
    const scale = Math.max(Math.abs(rec.lambdaMax!), Math.abs(rec.lambdaMin!));
    expect(rec.lambdaMaxResidual!).toBeLessThanOrEqual(METRICS_LANCZOS_TOL * scale);
    expect(rec.lambdaMinResidual!).toBeLessThanOrEqual(METRICS_LANCZOS_TOL * scale);
    // The bounds enclose the Lanczos extremes.
    expect(rec.lambdaMax!).toBeLessThanOrEqual(rec.bounds.lambdaMaxUpper);
    expect(rec.lambdaMin!).toBeGreaterThanOrEqual(rec.bounds.lambdaMinLower);
    expect(rec.negativeMass!).toBeGreaterThan(0);
    expect(rec.negativeMassError!).toBeGreaterThan(0);
    expect(rec.negativeMassError!).toBeLessThan(rec.negativeMass!);
  }
  expect(existsSync(join(out, 'index.html'))).toBe(true);
}, 600_000);
