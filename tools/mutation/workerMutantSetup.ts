/**
 * Setup file of tools/mutation/vitest.config.ts, run after Stryker's own (which the vitest
 * runner puts first): before each test, the worker threads get the active mutant
 * (workerMutant.ts).
 *
 * `HSR_MUTATION_PROBE_LOG=file pnpm mutation ...` also runs a probe job on a worker after each
 * change and appends `test-thread-mutant ns=M env=M` to the file (workerProbe.ts): the check
 * that workers see what the test sees.
 */
import { appendFileSync } from 'node:fs';
import { beforeEach, inject } from 'vitest';
import { activeMutant, shareActiveMutant } from './workerMutant.ts';

const namespace = (inject as (key: string) => unknown)('globalNamespace');
const NS = typeof namespace === 'string' ? namespace : '__stryker__';
const probeLog = process.env.HSR_MUTATION_PROBE_LOG;
const probe = probeLog ? (await import('./workerProbe.ts')).probeWorkerMutant : null;

beforeEach(() => {
  if (!shareActiveMutant(NS) || probe === null || !probeLog) return;
  appendFileSync(probeLog, `${activeMutant(NS) ?? 'none'} ${probe()}\n`);
});
