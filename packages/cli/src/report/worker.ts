/**
 * A worker thread of `hsr reproduce` (experiment.ts): runs the units it is handed, one at a
 * time, and reports their events and results to the main thread. The protocol arrives once,
 * as workerData; every message is plain data (structured clone).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TrainingMethod } from '@hsr/numeric';
import type { EscapeRun, RunResult } from './results.ts';
import type { Hyperparameters, ReproductionProtocol } from './settings.ts';
import { runUnit, type StudyModel, type UnitResult } from './unit.ts';

export type ToWorker = { type: 'unit'; study: number; seed: number } | { type: 'abort' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'steps'; count: number }
  | { type: 'runStart'; method: TrainingMethod }
  | { type: 'runEnd'; run: RunResult; model: StudyModel }
  | { type: 'sweepEnd'; chosen: Readonly<Record<string, Hyperparameters>> }
  | { type: 'escapeEnd'; run: EscapeRun }
  | { type: 'notice'; message: string }
  | { type: 'done'; result: UnitResult }
  | { type: 'error'; message: string };

if (parentPort) {
  const port = parentPort;
  const protocol = (workerData as { protocol: ReproductionProtocol }).protocol;
  const controller = new AbortController();
  const post = (m: FromWorker) => port.postMessage(m);
  // Progress in batches: one message per step would cost more than a small network's step.
  let pending = 0;
  let lastFlush = performance.now();
  const flush = () => {
    if (pending > 0) post({ type: 'steps', count: pending });
    pending = 0;
    lastFlush = performance.now();
  };
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'abort') {
      controller.abort();
      return;
    }
    runUnit(
      protocol,
      protocol.studies[msg.study]!,
      protocol.seeds[msg.seed]!,
      {
        steps: (k) => {
          pending += k;
          if (performance.now() - lastFlush > 100) flush();
        },
        runStart: (method) => post({ type: 'runStart', method }),
        runEnd: (run, model) => post({ type: 'runEnd', run, model }),
        sweepEnd: (chosen) => post({ type: 'sweepEnd', chosen }),
        escapeEnd: (run) => post({ type: 'escapeEnd', run }),
        notice: (message) => post({ type: 'notice', message }),
      },
      controller.signal,
    ).then(
      (result: UnitResult) => {
        flush();
        post({ type: 'done', result });
      },
      (error: unknown) => post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  post({ type: 'ready' });
}
