/**
 * A job that reports which Stryker mutant a worker thread of threads.ts has switched on (used
 * by workerMutantSetup.ts when HSR_MUTATION_PROBE_LOG is set, and by
 * test/mutation/workerMutant.test.ts). It imports only threads.ts and workerMutant.ts (which
 * imports only threads.ts), because every worker imports each module that defines a job.
 */
import { defineJob, runJob } from '../../packages/numeric/src/parallel/threads.ts';
import { ACTIVE_MUTANT_ENV, activeMutant } from './workerMutant.ts';

interface ProbeArgs {
  /** [0]: 1 once a worker has answered; [1]: its active mutant (-1: none); [2]: its environment's (-1: none). */
  readonly seen: Int32Array;
}

const probeJob = defineJob(import.meta.url, 'probe', (a: ProbeArgs, _item: number, ctx: { thread: number }) => {
  if (ctx.thread === 0) {
    // Hold the calling thread on its item so that a worker takes the other one.
    Atomics.wait(a.seen, 0, 0, 10_000);
    return;
  }
  // The namespace the instrumented modules this worker imported set up (Stryker's default
  // name), and the environment variable an instrumented module loaded later would read.
  const active = activeMutant();
  const env = process.env[ACTIVE_MUTANT_ENV];
  a.seen[1] = active === undefined ? -1 : Number(active);
  a.seen[2] = env === undefined ? -1 : Number(env);
  Atomics.store(a.seen, 0, 1);
  Atomics.notify(a.seen, 0);
});

/** `ns=M env=M` as a worker sees them (M: a mutant id or none), or 'no-worker' when none answered. */
export function probeWorkerMutant(): string {
  const seen = new Int32Array(new SharedArrayBuffer(12));
  runJob(probeJob, { seen }, 2, 2);
  if (Atomics.load(seen, 0) !== 1) return 'no-worker';
  const show = (m: number) => (m === -1 ? 'none' : String(m));
  return `ns=${show(seen[1]!)} env=${show(seen[2]!)}`;
}
