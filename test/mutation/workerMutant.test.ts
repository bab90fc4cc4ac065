/**
 * tools/mutation/workerMutant.ts (run before each test of a mutation run) gives numeric's worker
 * threads the mutant the test's thread runs. Here the test plays Stryker's part, setting the
 * active mutant in `globalThis.__stryker__`, and workerProbe.ts asks a worker thread what it
 * sees in its environment, which is where the instrumented preamble of a module loaded in that
 * worker reads it from. (The worker loads no instrumented module here, so its own namespace
 * stays empty: `ns=none`.)
 */
import { afterAll, expect, test } from 'vitest';
import { stopPool } from '../../packages/numeric/src/parallel/threads.ts';
import { ACTIVE_MUTANT_ENV, shareActiveMutant } from '../../tools/mutation/workerMutant.ts';
import { probeWorkerMutant } from '../../tools/mutation/workerProbe.ts';

const NS = '__hsr_test_stryker__';
const g = globalThis as Record<string, { activeMutant?: string } | undefined>;
const savedEnv = process.env[ACTIVE_MUTANT_ENV];
afterAll(() => {
  stopPool();
  delete g[NS];
  if (savedEnv === undefined) delete process.env[ACTIVE_MUTANT_ENV];
  else process.env[ACTIVE_MUTANT_ENV] = savedEnv;
});

test('workers see the active mutant, are replaced when it changes, and see none in the dry run', () => {
  delete process.env[ACTIVE_MUTANT_ENV];
  g[NS] = { activeMutant: undefined };
  expect(shareActiveMutant(NS)).toBe(false);
  // A pool started before any mutant is active (the dry run's).
  expect(probeWorkerMutant()).toBe('ns=none env=none');

  g[NS] = { activeMutant: '7' };
  expect(shareActiveMutant(NS)).toBe(true);
  expect(process.env[ACTIVE_MUTANT_ENV]).toBe('7');
  // The old pool was stopped: the worker answering now started with mutant 7 in its environment.
  expect(probeWorkerMutant()).toBe('ns=none env=7');

  // The same mutant on the next test: the pool (and its workers' mutant) is kept.
  expect(shareActiveMutant(NS)).toBe(false);
  expect(probeWorkerMutant()).toBe('ns=none env=7');

  g[NS] = { activeMutant: '12' };
  expect(shareActiveMutant(NS)).toBe(true);
  expect(probeWorkerMutant()).toBe('ns=none env=12');

  // Back to the dry run (Stryker clears the mutant): workers run the original code again.
  g[NS] = { activeMutant: undefined };
  expect(shareActiveMutant(NS)).toBe(true);
  expect(process.env[ACTIVE_MUTANT_ENV]).toBeUndefined();
  expect(probeWorkerMutant()).toBe('ns=none env=none');
});
