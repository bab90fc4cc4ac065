/**
 * Jobs for threads.test.ts. They live in their own module because worker threads import the
 * module that defines a job (a test file would pull vitest into the worker).
 */
import { arenaView } from '../../src/parallel/arena.ts';
import { gemm } from '../../src/parallel/kernels.ts';
import { defineJob } from '../../src/parallel/threads.ts';

export interface BlockArgs {
  S: number;
  P: number;
  C: number;
  M: number;
  Nc: number;
  K: number;
  rows: number;
}

/** Item i: rows [i rows, (i + 1) rows) of C += S P. */
export const gemmRows = defineJob(import.meta.url, 'gemmRows', (a: BlockArgs, item: number) => {
  const r0 = item * a.rows;
  const r1 = Math.min(a.M, r0 + a.rows);
  gemm(arenaView(a.S, a.M * a.K), r0 * a.K, a.K, arenaView(a.P, a.K * a.Nc), 0, a.Nc, arenaView(a.C, a.M * a.Nc), r0 * a.Nc, a.Nc, r1 - r0, a.Nc, a.K);
});

/** Item i writes the thread that ran it after `spinMs` of busy work (so that every thread gets items); item `fail` throws. */
export const whoRan = defineJob(import.meta.url, 'whoRan', (a: { out: number; n: number; fail: number; spinMs: number }, item: number, ctx) => {
  if (item === a.fail) throw new Error(`item ${item} failed on purpose`);
  const until = performance.now() + a.spinMs;
  while (performance.now() < until);
  arenaView(a.out, a.n)[item] = ctx.thread;
});

/** Item i: out[j] = 2 x[j] for j in [i rows, (i + 1) rows + extra): with extra > 0 also the next item's first doubles. */
export const doubleRows = defineJob(import.meta.url, 'doubleRows', (a: { x: number; out: number; n: number; rows: number; extra: number }, item: number) => {
  const [x, out] = [arenaView(a.x, a.n), arenaView(a.out, a.n)];
  for (let j = item * a.rows; j < Math.min(a.n, (item + 1) * a.rows + a.extra); j++) out[j] = 2 * x[j]!;
});
