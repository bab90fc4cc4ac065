/**
 * Stopping `hsr train` from outside, as a user or a supervisor does: SIGINT and SIGTERM end
 * the run with a complete output folder (model.json marked aborted, every metrics line whole)
 * and exit 130 / 143; SIGKILL, which no handler sees, leaves no --out folder at all, only a
 * hidden staging folder that the next run in that parent removes.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { outputFolderState, stagingFolders, startTrain, waitForStagedLines } from './processes.ts';
import { runHsr } from './run.ts';

const LONG_RUN = ['--data', 'iris', '--method', 'hsr-step', '--epochs', '100000', '--batch', '8', '--metrics-every', '1', '--seed', '3'];

describe('hsr train stopped by a signal', () => {
  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: exit %i, a complete folder with model.json marked aborted and whole metrics lines',
    async (signal, exitCode) => {
      const parent = mkdtempSync(join(tmpdir(), 'hsr-signal-'));
      const out = join(parent, 'run');
      const child = startTrain([...LONG_RUN, '--out', out]);
      await waitForStagedLines(parent, 'run', 4);
      expect(existsSync(out)).toBe(false);
      child.process.kill(signal);
      const code = await child.exit;
      expect(code, child.stderr()).toBe(exitCode);
      const state = outputFolderState(out);
      expect(state, child.stderr()).toMatchObject({ complete: true, status: 'aborted' });
      expect(state.metricsLines).toBeGreaterThanOrEqual(4);
      expect(readdirSync(parent)).toEqual(['run']);
      // The model written on a stop is a valid model file.
      const bound = runHsr(['bound', '--model', join(out, 'model.json'), '--data', 'packages/cli/assets/iris-default.data.json', '--json']);
      expect(bound.code, bound.stderr).toBe(0);
    },
    120_000,
  );

  test('SIGKILL while metrics are being written leaves no --out folder; the next run removes the stale staging folder', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'hsr-kill-'));
    const out = join(parent, 'run');
    const child = startTrain([...LONG_RUN, '--out', out]);
    await waitForStagedLines(parent, 'run', 4);
    child.process.kill('SIGKILL');
    await child.exit;
    expect(existsSync(out)).toBe(false);
    expect(stagingFolders(parent, 'run')).toHaveLength(1);
    const next = runHsr(['train', '--data', 'iris', '--epochs', '1', '--out', out]);
    expect(next.code, next.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['run']);
    expect(outputFolderState(out)).toMatchObject({ complete: true, status: 'completed' });
  }, 120_000);
});

/** A second signal quits at once, and still leaves nothing on disk. */
test('a second SIGINT during a long step exits 130 at once and removes the staging folder', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'hsr-twice-'));
  const out = join(parent, 'run');
  // Full-batch hsr-step on digits (N = 1437, P = 1810, so no dense spectrum in the metrics):
  // each step's pair sums take long enough (~1 s) for the second signal to arrive while the
  // first stop still waits for the step to end.
  const child = startTrain(['--data', 'digits', '--method', 'hsr-step', '--hidden', '24', '--batch', 'full', '--metrics-samples', 'all', '--epochs', '100000', '--metrics-every', '1', '--out', out]);
  await waitForStagedLines(parent, 'run', 1);
  child.process.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 50));
  child.process.kill('SIGINT');
  expect(await child.exit, child.stderr()).toBe(130);
  expect(readdirSync(parent)).toEqual([]);
}, 120_000);
