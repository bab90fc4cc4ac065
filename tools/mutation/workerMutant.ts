/**
 * Setup file of tools/mutation/vitest.config.ts (it runs after Stryker's own, which the vitest
 * runner puts first): give numeric's worker threads (packages/numeric/src/parallel/threads.ts)
 * the mutant the test's thread runs.
 *
 * Stryker switches a mutant on through `globalThis.__stryker__.activeMutant` of the test's
 * thread (set by @stryker-mutator/vitest-runner's stryker-setup.js in a beforeAll, or at load
 * for static mutants). A worker thread has its own globals, so its copy of the instrumented
 * module saw no active mutant and ran the original code: a test comparing one thread with two
 * then "killed" any mutant of the threaded job functions that changed a bit. The instrumented
 * preamble (stryNS_9fa48) falls back to `process.env.__STRYKER_ACTIVE_MUTANT__` when the global
 * is unset, once, when the module loads, and a new Worker starts with a copy of its creator's
 * process.env. So before each test the active mutant is copied into this thread's
 * process.env, and when it changed the pool is stopped: the next parallel job starts fresh
 * workers, which load the instrumented modules with that mutant on (and with none in the dry
 * run, where Stryker clears it).
 *
 * `HSR_MUTATION_PROBE_LOG=file pnpm mutation ...` also runs a probe job on a worker after
 * each change and appends `test-thread-mutant worker-mutant` to the file (workerProbe.ts), the
 * check that workers see what the test sees.
 */
import { appendFileSync } from 'node:fs';
import { beforeEach, inject } from 'vitest';
import { stopPool } from '../../packages/numeric/src/parallel/threads.ts';

const ENV = '__STRYKER_ACTIVE_MUTANT__';
const namespace = (inject as (key: string) => unknown)('globalNamespace');
const NS = typeof namespace === 'string' ? namespace : '__stryker__';
const probeLog = process.env.HSR_MUTATION_PROBE_LOG;
const probe = probeLog ? (await import('./workerProbe.ts')).probeWorkerMutant : null;

beforeEach(() => {
  const ns = (globalThis as Record<string, { activeMutant?: string } | undefined>)[NS];
  const active = ns?.activeMutant;
  if (active === process.env[ENV]) return;
  if (active === undefined) delete process.env[ENV];
  else process.env[ENV] = active;
  stopPool();
  if (probe !== null && probeLog) appendFileSync(probeLog, `${active ?? 'none'} ${probe()}\n`);
});
