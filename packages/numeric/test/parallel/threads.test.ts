/**
 * The worker pool: every item runs exactly once, on more than one thread when asked, with the
 * same bits as one thread (items write disjoint rows; the kernel's order is fixed), and an
 * error thrown in any thread reaches the caller.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '@hsr/numeric';
import { arenaAlloc, arenaMark, arenaRelease, arenaView } from '../../src/parallel/arena.ts';
import { runJob, setOneThreadWriteAudit, stopPool, threadsUnavailableReason } from '../../src/parallel/threads.ts';
import { doubleRows, gemmRows, whoRan } from './jobsForTest.ts';

afterAll(() => stopPool());

describe('runJob', () => {
  it('can start workers here (Node 20 has worker_threads and shared memory)', () => {
    expect(threadsUnavailableReason()).toBeNull();
  });

  it('runs every item once, on both threads, with the one-thread bits', () => {
    const mark = arenaMark();
    try {
      const [M, Nc, K] = [257, 130, 61];
      const rng = createRng(5);
      const S = arenaAlloc(M * K);
      const P = arenaAlloc(K * Nc);
      for (let i = 0; i < S.length; i++) S[i] = rng.normal();
      for (let i = 0; i < P.length; i++) P[i] = rng.normal();
      const one = arenaAlloc(M * Nc);
      const two = arenaAlloc(M * Nc);
      const args = (C: Float64Array) => ({ S: S.byteOffset, P: P.byteOffset, C: C.byteOffset, M, Nc, K, rows: 8 });
      runJob(gemmRows, args(one), Math.ceil(M / 8), 1);
      runJob(gemmRows, args(two), Math.ceil(M / 8), 2);
      expect(Array.from(two)).toEqual(Array.from(one));
      // Slow items, so that the worker takes some: both thread ids appear.
      const n = 64;
      const out = arenaAlloc(n).fill(-1);
      let seen = new Set<number>();
      for (let attempt = 0; attempt < 20 && seen.size < 2; attempt++) {
        out.fill(-1);
        runJob(whoRan, { out: out.byteOffset, n, fail: -1, spinMs: 0.5 }, n, 2);
        expect(Array.from(out).every((t) => t === 0 || t === 1)).toBe(true);
        seen = new Set(Array.from(out));
      }
      expect(seen.size).toBe(2);
    } finally {
      arenaRelease(mark);
    }
  });

  it('rethrows an error from whichever thread ran the failing item', () => {
    const mark = arenaMark();
    try {
      const out = arenaAlloc(40);
      for (let fail = 0; fail < 40; fail += 13) expect(() => runJob(whoRan, { out: out.byteOffset, n: 40, fail, spinMs: 0.2 }, 40, 2)).toThrow(`item ${fail} failed on purpose`);
      // The pool is still usable afterwards.
      runJob(whoRan, { out: out.byteOffset, n: 40, fail: -1, spinMs: 0 }, 40, 2);
      expect(Array.from(out).every((t) => t === 0 || t === 1)).toBe(true);
    } finally {
      arenaRelease(mark);
    }
  });

  it('the write audit names two items that write one double, even with the value the owner writes', () => {
    const mark = arenaMark();
    try {
      const n = 40;
      const x = arenaAlloc(n);
      for (let j = 0; j < n; j++) x[j] = j - 7.5;
      const out = arenaAlloc(n);
      const args = (extra: number) => ({ x: x.byteOffset, out: out.byteOffset, n, rows: 10, extra });
      setOneThreadWriteAudit((a) => ({ out: arenaView((a as { out: number }).out, n) }));
      // Each item its own ten: the audit passes and keeps the results.
      runJob(doubleRows, args(0), 4, 1);
      expect(Array.from(out)).toEqual(Array.from(x, (v) => 2 * v));
      // Item 0 also writes out[10], item 1's first double, with the very value item 1 writes:
      // both orders of one thread give these bits. out already holds every value the items
      // write, so no write changes a double; the audit's run from the moved state still sees
      // the two writers.
      expect(() => runJob(doubleRows, args(1), 4, 1)).toThrow(/items 0 and 1 both write out\[10\]$/);
    } finally {
      setOneThreadWriteAudit(null);
      arenaRelease(mark);
    }
  });
});
