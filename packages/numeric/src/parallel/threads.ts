/**
 * A fork-join pool of worker threads for the closed forms' big loops, with a synchronous API:
 * `runJob(job, args, items, threads)` runs `job.fn(args, item, ctx)` for every item in
 * [0, items) on up to `threads` threads (the calling thread included) and returns when all are
 * done. The items write disjoint parts of arena arrays (arena.ts: the process's shared
 * WebAssembly memory, which every worker instantiates its kernels on), so no data is copied
 * between threads; only the job's small argument object (array offsets and sizes) is posted.
 *
 * Why it lives in @hsr/numeric rather than the CLI: the work units are numeric's own tiles and
 * per-sample loops, which the workers must import and run, and library users (training loops,
 * @hsr/crosscheck's properties) get the same speed-up without the CLI. Only this module and
 * threadWorker.ts touch `node:worker_threads`; the rest of numeric sees `runJob`, and with
 * threads = 1 (the library default) no worker is ever started. The thread count is policy and
 * is set by the caller (`hsr --threads`, default the machine's cores).
 *
 * Determinism: items are handed out dynamically (an atomic counter), so which thread runs which
 * item varies, but every item's output is a function of its index alone and the kernels sum in
 * a fixed order (kernels.ts), so results are bit-identical for any thread count.
 *
 * Synchronisation is Atomics on a small shared control block: the caller bumps a generation
 * counter and waits (Atomics.wait, allowed on Node's main thread) for the done counter; workers
 * wait on the generation, fetch the job message with receiveMessageOnPort and take items until
 * none are left. A worker that throws reports the message and the caller rethrows it.
 */
import { createRequire } from 'node:module';
import { MAX_THREADS, arenaMemory, type WasmMemory } from './arena.ts';

export interface JobContext {
  /** 0 for the calling thread, 1.. for workers. */
  readonly thread: number;
  /** Threads taking part in this job. */
  readonly threads: number;
}

export type JobFunction<A> = (args: A, item: number, ctx: JobContext) => void;

export interface Job<A> {
  readonly key: string;
  readonly module: string;
  readonly fn: JobFunction<A>;
}

const registry = new Map<string, JobFunction<unknown>>();
const jobModules = new Set<string>();

/**
 * Register `fn` under `name` in the module at `moduleUrl` (pass `import.meta.url`). Workers import
 * that module, which registers the same function there. Call it at module top level.
 */
export function defineJob<A>(moduleUrl: string, name: string, fn: JobFunction<A>): Job<A> {
  const key = `${moduleUrl}#${name}`;
  registry.set(key, fn as JobFunction<unknown>);
  jobModules.add(moduleUrl);
  return { key, module: moduleUrl, fn };
}

/** The registered function for a key (workers look jobs up here). */
export function registeredJob(key: string): JobFunction<unknown> | undefined {
  return registry.get(key);
}

// Control block layout (Int32Array indices).
export const CTL = { GEN: 0, NEXT: 1, DONE: 2, TOTAL: 3, READY: 4, ERROR: 5, ACTIVE: 6, STOP: 7, EXITED: 8, FAILED: 9 } as const;
const CTL_LENGTH = 16;
/** A worker that has not started within this time is given up on (the job then runs on fewer threads). */
const START_TIMEOUT_MS = 60_000;

interface WorkerLike {
  postMessage(message: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
}

interface Pool {
  readonly control: Int32Array;
  readonly workers: { worker: WorkerLike; jobs: { postMessage(m: unknown): void }; replies: object }[];
  generation: number;
}

let pool: Pool | null = null;
let poolFailure: string | null = null;
type WorkerThreads = typeof import('node:worker_threads');
let wt: WorkerThreads | null = null;

function workerThreads(): WorkerThreads | null {
  if (wt !== null) return wt;
  if (typeof process !== 'object' || typeof process.versions?.node !== 'string') return null;
  try {
    wt = createRequire(import.meta.url)('node:worker_threads') as WorkerThreads;
  } catch {
    return null;
  }
  return wt;
}

/** Why workers cannot be used (null when they can): no worker_threads, no shared memory, or a start failure. */
export function threadsUnavailableReason(): string | null {
  if (poolFailure !== null) return poolFailure;
  if (workerThreads() === null) return 'no node:worker_threads in this runtime';
  if (arenaMemory() === null) return 'no shared WebAssembly memory';
  return null;
}

/** Threads available to a job asking for `threads` (1 when workers are unavailable). */
export function availableThreads(threads: number): number {
  if (threads <= 1 || threadsUnavailableReason() !== null) return 1;
  return Math.min(threads, MAX_THREADS);
}

function startPool(size: number): Pool | null {
  const threads = workerThreads();
  const memory = arenaMemory();
  if (threads === null || memory === null) return null;
  const control = new Int32Array(new SharedArrayBuffer(CTL_LENGTH * 4));
  // From source (.ts) the worker needs tsx and the repository's `source` export condition; a
  // build runs its own .js loop directly.
  const fromSource = import.meta.url.endsWith('.ts');
  const boot = new URL(fromSource ? './workerBootstrap.mjs' : './threadWorker.js', import.meta.url);
  const workers: Pool['workers'] = [];
  for (let index = 1; index < size; index++) {
    const jobs = new threads.MessageChannel();
    const replies = new threads.MessageChannel();
    const worker = new threads.Worker(boot, {
      workerData: { index, control, memory: memory as WasmMemory, modules: [...jobModules], jobs: jobs.port2, replies: replies.port1 },
      transferList: [jobs.port2, replies.port1] as never,
      execArgv: fromSource ? ['--conditions=source'] : [],
      // Workers inherit stdout/stderr; nothing else is shared.
    }) as unknown as WorkerLike;
    worker.unref();
    (jobs.port1 as unknown as { unref(): void }).unref();
    (replies.port2 as unknown as { unref(): void }).unref();
    workers.push({ worker, jobs: jobs.port1, replies: replies.port2 });
  }
  // Wait (blocking) until every worker has loaded its modules or failed.
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Atomics.load(control, CTL.READY) < size - 1) {
    const seen = Atomics.load(control, CTL.READY);
    const left = deadline - Date.now();
    if (left <= 0) break;
    Atomics.wait(control, CTL.READY, seen, Math.min(left, 100));
  }
  const failed = Atomics.load(control, CTL.FAILED);
  if (Atomics.load(control, CTL.READY) < size - 1 || failed > 0) {
    const why = failed > 0 ? readReply(workers) : 'timed out';
    poolFailure = `worker threads failed to start (${why})`;
    for (const w of workers) void w.worker.terminate();
    return null;
  }
  return { control, workers, generation: 0 };
}

function readReply(workers: Pool['workers']): string {
  const receive = workerThreads()!.receiveMessageOnPort;
  for (const w of workers) {
    const r = receive(w.replies as never) as { message: { error?: string } } | undefined;
    if (r?.message?.error) return r.message.error;
  }
  return 'unknown error';
}

function ensurePool(size: number): Pool | null {
  if (poolFailure !== null) return null;
  if (pool !== null && pool.workers.length + 1 >= size) return pool;
  if (pool !== null) stopPool();
  pool = startPool(size);
  return pool;
}

/** Stop the workers (they are unref'd, so a process exits without this; tests call it to clean up). */
export function stopPool(): void {
  if (pool === null) return;
  Atomics.store(pool.control, CTL.STOP, 1);
  Atomics.add(pool.control, CTL.GEN, 1);
  Atomics.notify(pool.control, CTL.GEN);
  for (const w of pool.workers) void w.worker.terminate();
  pool = null;
}

let oneThreadOrder: 'forward' | 'reverse' = 'forward';

/**
 * The order in which a one-thread run takes its items (default 'forward'). On several threads an
 * item may run before or after its neighbours, and an item that writes one row past its own
 * (into the next item's first row) gives a wrong result only when the neighbour happens to run
 * first; forward order on one thread always hides it. Tests set 'reverse' to show, on one thread
 * and deterministically, that every job's items write only their own parts.
 */
export function setOneThreadItemOrder(order: 'forward' | 'reverse'): void {
  oneThreadOrder = order;
}

type Watched = (args: unknown) => Readonly<Record<string, Float64Array>>;
let writeAudit: Watched | null = null;

/**
 * A test hook: while set, a one-thread run checks that no two of a job's items write the same
 * double of the regions `watch(args)` names (the job's shared output; per-thread scratch is
 * every item's on one thread and must not be named). Threads take items in any order and at
 * once, so an item that also writes a double of another's (one row too far) races with it:
 * the value that lands depends on the schedule, even when both orders of one thread give the
 * same bits, because the stray value is computed from a row the other item is still writing.
 * Each item runs twice from the state before it, the second time with every watched double
 * moved (x to x + 1 + |x|), so a write that leaves its double's value unchanged still shows;
 * the first run's results are kept. The first double two items write throws, naming both.
 */
export function setOneThreadWriteAudit(watch: Watched | null): void {
  writeAudit = watch;
}

const moved = (x: number) => x + 1 + Math.abs(x);

function runAudited<A>(job: Job<A>, args: A, items: number, regions: Readonly<Record<string, Float64Array>>, onProgress?: (done: number) => void): void {
  const views = Object.entries(regions);
  const writer = views.map(([, v]) => new Int32Array(v.length).fill(-1));
  const ctx: JobContext = { thread: 0, threads: 1 };
  for (let i = 0; i < items; i++) {
    const before = views.map(([, v]) => v.slice());
    job.fn(args, i, ctx);
    const after = views.map(([, v]) => v.slice());
    const start = before.map((b) => b.map(moved));
    for (const [r, [, v]] of views.entries()) v.set(start[r]!);
    job.fn(args, i, ctx);
    views.forEach(([name, v], r) => {
      const [b, a, m, w] = [before[r]!, after[r]!, start[r]!, writer[r]!];
      for (let j = 0; j < v.length; j++) {
        if (Object.is(a[j], b[j]) && Object.is(v[j], m[j])) continue;
        if (w[j] !== -1 && w[j] !== i) throw new Error(`${job.key}: items ${w[j]} and ${i} both write ${name}[${j}]`);
        w[j] = i;
      }
      v.set(a);
    });
    onProgress?.(i + 1);
  }
}

/**
 * Run `job` over items [0, items) on min(threads, items) threads and return when every item is
 * done. threads <= 1 (or no workers available) runs everything here, in item order (or reversed: setOneThreadItemOrder).
 * `onProgress(done)` is called on this thread after each of its own items with the number of
 * items finished by all threads so far.
 */
export function runJob<A>(job: Job<A>, args: A, items: number, threads: number, onProgress?: (done: number) => void): void {
  const want = Math.min(availableThreads(threads), items);
  const p = want > 1 ? ensurePool(want) : null;
  if (p === null && writeAudit !== null) {
    runAudited(job, args, items, writeAudit(args), onProgress);
    return;
  }
  if (p === null) {
    const reverse = oneThreadOrder === 'reverse';
    for (let i = 0; i < items; i++) {
      job.fn(args, reverse ? items - 1 - i : i, { thread: 0, threads: 1 });
      onProgress?.(i + 1);
    }
    return;
  }
  const ctl = p.control;
  const helpers = want - 1;
  const generation = ++p.generation;
  for (let w = 0; w < helpers; w++) p.workers[w]!.jobs.postMessage({ generation, key: job.key, module: job.module, args });
  Atomics.store(ctl, CTL.NEXT, 0);
  Atomics.store(ctl, CTL.DONE, 0);
  Atomics.store(ctl, CTL.TOTAL, items);
  Atomics.store(ctl, CTL.ACTIVE, want);
  Atomics.store(ctl, CTL.ERROR, 0);
  Atomics.store(ctl, CTL.EXITED, 0);
  Atomics.store(ctl, CTL.GEN, generation);
  Atomics.notify(ctl, CTL.GEN);
  const ctx: JobContext = { thread: 0, threads: want };
  let failure: unknown = null;
  for (;;) {
    const i = Atomics.add(ctl, CTL.NEXT, 1);
    if (i >= items) break;
    try {
      job.fn(args, i, ctx);
    } catch (error) {
      failure ??= error;
    }
    const done = Atomics.add(ctl, CTL.DONE, 1) + 1;
    // Progress is reported from the calling thread, between its own items.
    onProgress?.(done);
  }
  // Wait until every helper has left the job, so none can take an item of the next one.
  for (;;) {
    const exited = Atomics.load(ctl, CTL.EXITED);
    if (exited >= helpers) break;
    Atomics.wait(ctl, CTL.EXITED, exited, 1000);
  }
  if (failure !== null) throw failure;
  if (Atomics.load(ctl, CTL.ERROR) !== 0) throw new Error(`worker thread: ${readReply(p.workers)}`);
}
