/**
 * Give numeric's worker threads (packages/numeric/src/parallel/threads.ts) the Stryker mutant
 * the test's thread runs; workerMutantSetup.ts calls this before each test of a mutation run.
 *
 * Stryker switches a mutant on through `globalThis.__stryker__.activeMutant` of the test's
 * thread (set by @stryker-mutator/vitest-runner's stryker-setup.js in a beforeAll, or at load
 * for static mutants). A worker thread has its own globals, so its copy of the instrumented
 * module saw no active mutant and ran the original code: a test comparing one thread with two
 * then "killed" any mutant of the threaded job functions that changed a bit. The instrumented
 * preamble (stryNS_9fa48) falls back to `process.env.__STRYKER_ACTIVE_MUTANT__` when the global
 * is unset, once, when the module loads, and a new Worker starts with a copy of its creator's
 * process.env. So the active mutant is copied into this thread's process.env, and when it
 * changed the pool is stopped: the next parallel job starts fresh workers, which load the
 * instrumented modules with that mutant on (and with none in the dry run, where Stryker
 * clears it).
 */
import { stopPool } from '../../packages/numeric/src/parallel/threads.ts';

export const ACTIVE_MUTANT_ENV = '__STRYKER_ACTIVE_MUTANT__';

/** The mutant Stryker has switched on in this thread (`globalThis[namespace].activeMutant`), if any. */
export function activeMutant(namespace = '__stryker__'): string | undefined {
  return (globalThis as Record<string, { activeMutant?: string } | undefined>)[namespace]?.activeMutant;
}

/** Copy the active mutant of `globalThis[namespace]` into process.env; true (and the pool stopped) when it changed. */
export function shareActiveMutant(namespace = '__stryker__'): boolean {
  const active = activeMutant(namespace);
  if (active === process.env[ACTIVE_MUTANT_ENV]) return false;
  if (active === undefined) delete process.env[ACTIVE_MUTANT_ENV];
  else process.env[ACTIVE_MUTANT_ENV] = active;
  stopPool();
  return true;
}
