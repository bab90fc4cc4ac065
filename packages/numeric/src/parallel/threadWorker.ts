/**
 * The loop a worker thread of threads.ts runs: adopt the caller's shared memory (so its kernels
 * run on the same arena), import every module that defines jobs, report ready, then wait for
 * jobs and take items until none are left. Started directly from a build, through
 * workerBootstrap.mjs from source.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { adoptArenaMemory, type WasmMemory } from './arena.ts';
import { CTL, registeredJob, type JobContext } from './threads.ts';

interface Data {
  index: number;
  control: Int32Array;
  memory: WasmMemory;
  modules: string[];
  jobs: MessagePort;
  replies: MessagePort;
}

interface JobMessage {
  generation: number;
  key: string;
  module: string;
  args: unknown;
}

const data = workerData as Data;
const ctl = data.control;
adoptArenaMemory(data.memory, data.index);

/**
 * Import every module that defines jobs. A failure is reported through the control block and
 * the reply port, not thrown: the caller is blocked in Atomics.wait and cannot take a worker's
 * 'error' event, and an unhandled one would end the whole process.
 */
async function loadJobModules(): Promise<boolean> {
  try {
    for (const m of data.modules) await import(m);
    return true;
  } catch (error) {
    data.replies.postMessage({ error: (error as Error)?.message ?? String(error) });
    Atomics.add(ctl, CTL.FAILED, 1);
    return false;
  }
}

const loaded = await loadJobModules();
Atomics.add(ctl, CTL.READY, 1);
Atomics.notify(ctl, CTL.READY);
if (loaded) await workLoop();

async function workLoop(): Promise<void> {
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, CTL.GEN, seen);
    const generation = Atomics.load(ctl, CTL.GEN);
    if (generation === seen) continue;
    seen = generation;
    if (Atomics.load(ctl, CTL.STOP) !== 0) break;
    if (data.index >= Atomics.load(ctl, CTL.ACTIVE)) continue;
    // The caller posts the message before bumping the generation; skip any left from earlier jobs.
    let message: JobMessage | null = null;
    while (message === null || message.generation < generation) {
      const received = receiveMessageOnPort(data.jobs);
      message = received ? (received.message as JobMessage) : message;
      if (!received && (message === null || message.generation < generation)) Atomics.wait(ctl, CTL.STOP, 0, 0.05);
    }
    let fn = registeredJob(message.key);
    try {
      if (fn === undefined) {
        await import(message.module);
        fn = registeredJob(message.key);
        if (fn === undefined) throw new Error(`job ${message.key} is not defined by ${message.module}`);
      }
      const ctx: JobContext = { thread: data.index, threads: Atomics.load(ctl, CTL.ACTIVE) };
      const total = Atomics.load(ctl, CTL.TOTAL);
      for (;;) {
        const i = Atomics.add(ctl, CTL.NEXT, 1);
        if (i >= total) break;
        try {
          fn(message.args, i, ctx);
        } catch (error) {
          if (Atomics.add(ctl, CTL.ERROR, 1) === 0) data.replies.postMessage({ error: (error as Error)?.stack ?? String(error) });
        }
        Atomics.add(ctl, CTL.DONE, 1);
      }
    } catch (error) {
      if (Atomics.add(ctl, CTL.ERROR, 1) === 0) data.replies.postMessage({ error: (error as Error)?.message ?? String(error) });
    }
    Atomics.add(ctl, CTL.EXITED, 1);
    Atomics.notify(ctl, CTL.EXITED);
  }
}
