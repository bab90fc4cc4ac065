/**
 * Running the reproduction protocol: every (study, seed) unit of unit.ts, in process or spread
 * over worker threads, with one progress count over every phase, then the results assembled in
 * protocol order. A unit's numbers depend only on the protocol, its study and its seed, so the
 * results are bit-for-bit the same for any number of workers (timings aside).
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TrainingMethod } from '@hsr/numeric';
import { RESULTS_SCHEMA, type EscapeRun, type ReproductionResults, type RunResult, type StudyResult } from './results.ts';
import type { Hyperparameters, ReproductionProtocol } from './settings.ts';
import { loadEntry, runUnit, type StudyModel, unitNetwork, unitSteps, type UnitEvents, type UnitResult } from './unit.ts';
import type { FromWorker, ToWorker } from './worker.ts';

export { chooseCandidate, prepareUnit, stepsPerEpoch, trainingConfig } from './unit.ts';
export type { PreparedUnit } from './unit.ts';

export interface RunStart {
  study: string;
  method: TrainingMethod;
  seed: number;
  /** 1-based index of this evaluation run (in the order they start) and the number of evaluation runs. */
  index: number;
  total: number;
}

export interface ReproductionHooks {
  signal?: AbortSignal;
  onRunStart?(run: RunStart): void;
  /** Called as optimizer steps complete, with the steps done and planned over every phase (for a progress bar). */
  onProgress?(done: number, total: number): void;
  /** `model` is the run's final model (not part of results.json). */
  onRunEnd?(run: RunStart, result: RunResult, model: StudyModel): void;
  /** After one seed's sweep of every method, with the values chosen. */
  onSweepEnd?(study: string, seed: number, chosen: Readonly<Record<string, Hyperparameters>>): void;
  onEscapeEnd?(study: string, run: EscapeRun): void;
  onNotice?(message: string): void;
}

export interface ExecutionOptions {
  /** Worker threads; 1 runs every unit in this thread. Default: min(units, available cores). */
  workers?: number;
}

/** What a split of N samples leaves (trainTestSplit's rounding). */
function splitSizes(N: number, fraction: number): { kept: number; held: number } {
  const held = Math.min(N - 1, Math.max(1, Math.round(N * fraction)));
  return { kept: N - held, held };
}

/** The default worker count: one per available core, at most one per unit. */
export function defaultWorkers(units: number): number {
  return Math.max(1, Math.min(units, availableParallelism()));
}

/**
 * Run the protocol. Stops between steps when `signal` aborts and returns what finished, with
 * status 'aborted'. Cost: the sum of the units' (unit.ts), divided over the workers.
 */
export async function runReproduction(protocol: ReproductionProtocol, hooks: ReproductionHooks = {}, options: ExecutionOptions = {}): Promise<ReproductionResults> {
  const started = performance.now();
  // Sizes for the progress total and the study headers, from one load per study.
  const shapes = protocol.studies.map((study) => {
    const named = loadEntry(study.data, 0);
    const N = named.data.samples;
    const { kept: trainSamples, held: testSamples } = splitSizes(N, study.data.testFraction);
    const { kept: fitSamples, held: validationSamples } = splitSizes(trainSamples, study.data.validationFraction);
    const features = study.data.pcaComponents ?? named.data.features;
    const parameters = unitNetwork(study.model, features, named.classes, { init: 0 }, protocol.variant).trainable.parameters;
    return { source: named.source, classes: named.classes, trainSamples, testSamples, fitSamples, validationSamples, features, parameters };
  });
  const units = protocol.studies.flatMap((_, i) => protocol.seeds.map((_, j) => ({ i, j })));
  const totalSteps = units.reduce((s, { i }) => s + unitSteps(protocol, protocol.studies[i]!, shapes[i]!.trainSamples, shapes[i]!.fitSamples), 0);
  const totalRuns = units.length * protocol.methods.length;
  let stepsDone = 0;
  let runIndex = 0;

  const eventsFor = (i: number, j: number): UnitEvents => {
    const study = protocol.studies[i]!;
    const seed = protocol.seeds[j]!;
    let current: RunStart | null = null;
    return {
      steps: (k) => {
        stepsDone += k;
        hooks.onProgress?.(stepsDone, totalSteps);
      },
      runStart: (method) => {
        current = { study: study.id, method, seed, index: ++runIndex, total: totalRuns };
        hooks.onRunStart?.(current);
      },
      runEnd: (run, model) => hooks.onRunEnd?.(current!, run, model),
      sweepEnd: (chosen) => hooks.onSweepEnd?.(study.id, seed, chosen),
      escapeEnd: (run) => hooks.onEscapeEnd?.(study.id, run),
      notice: (m) => hooks.onNotice?.(m),
    };
  };

  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkers(units.length), units.length));
  const done: (UnitResult | undefined)[] = new Array(units.length);
  if (workers === 1) {
    for (const [k, { i, j }] of units.entries()) {
      if (hooks.signal?.aborted) break;
      done[k] = await runUnit(protocol, protocol.studies[i]!, protocol.seeds[j]!, eventsFor(i, j), hooks.signal);
      if (done[k]!.aborted) break;
    }
  } else {
    await runOnWorkers(protocol, units, workers, eventsFor, done, hooks.signal);
  }

  const aborted = hooks.signal?.aborted === true || done.some((d) => d?.aborted);
  const studies: StudyResult[] = [];
  protocol.studies.forEach((study, i) => {
    const parts = units.map((u, k) => ({ u, r: done[k] })).filter(({ u, r }) => u.i === i && r !== undefined);
    const sweep = parts.flatMap(({ r }) => r!.sweep);
    const runs = parts.flatMap(({ r }) => r!.runs);
    const escapes = parts.flatMap(({ r }) => r!.escape);
    if (sweep.length === 0 && runs.length === 0) return;
    const sh = shapes[i]!;
    studies.push({
      study,
      name: study.id,
      source: sh.source,
      trainSamples: sh.trainSamples,
      testSamples: sh.testSamples,
      validationSamples: sh.validationSamples,
      features: sh.features,
      classes: sh.classes,
      parameters: sh.parameters,
      sweep,
      runs,
      escape: escapes,
    });
  });
  return {
    schema: RESULTS_SCHEMA,
    protocol: {
      name: protocol.name,
      seeds: protocol.seeds,
      methods: protocol.methods,
      variant: protocol.variant,
      optimizer: protocol.optimizer,
      sweep: protocol.sweep,
      defaults: protocol.defaults,
      escape: protocol.escape,
    },
    studies,
    status: aborted ? 'aborted' : 'completed',
    seconds: (performance.now() - started) / 1000,
    environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, loadAverage: loadavg().map((x) => Number(x.toFixed(2))) },
  };
}

/**
 * The worker entry: from source (this file is .ts) a bootstrap that registers tsx's loader and
 * imports worker.ts; from a build, the compiled worker next to this file.
 */
function workerUrl(): URL {
  return FROM_SOURCE ? new URL('./workerBootstrap.mjs', import.meta.url) : new URL('./worker.js', import.meta.url);
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * From source the worker must resolve the workspace packages to their `source` export too: a
 * worker does not inherit the `--conditions=source` of `pnpm hsr` (execArgv is reset), and
 * without it `@hsr/numeric` resolves to dist/, which a fresh clone does not have and a stale
 * build holds old code in.
 */
const WORKER_EXEC_ARGV = FROM_SOURCE ? ['--conditions=source'] : [];

/** Hand units to `count` worker threads, one at a time each, until all are done or the signal aborts. */
async function runOnWorkers(
  protocol: ReproductionProtocol,
  units: readonly { i: number; j: number }[],
  count: number,
  eventsFor: (i: number, j: number) => UnitEvents,
  done: (UnitResult | undefined)[],
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const pool = Array.from({ length: count }, () => new Worker(workerUrl(), { workerData: { protocol }, execArgv: WORKER_EXEC_ARGV }));
  const onAbort = () => {
    for (const w of pool) w.postMessage({ type: 'abort' } satisfies ToWorker);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let events: UnitEvents = {};
            let current = -1;
            const give = () => {
              if (signal?.aborted || next >= units.length || done.some((d) => d?.aborted)) {
                resolve();
                return;
              }
              current = next++;
              const { i, j } = units[current]!;
              events = eventsFor(i, j);
              worker.postMessage({ type: 'unit', study: i, seed: j } satisfies ToWorker);
            };
            worker.on('message', (msg: FromWorker) => {
              switch (msg.type) {
                case 'ready':
                  give();
                  break;
                case 'steps':
                  events.steps?.(msg.count);
                  break;
                case 'runStart':
                  events.runStart?.(msg.method);
                  break;
                case 'runEnd':
                  events.runEnd?.(msg.run, msg.model);
                  break;
                case 'sweepEnd':
                  events.sweepEnd?.(msg.chosen);
                  break;
                case 'escapeEnd':
                  events.escapeEnd?.(msg.run);
                  break;
                case 'notice':
                  events.notice?.(msg.message);
                  break;
                case 'done':
                  done[current] = msg.result;
                  give();
                  break;
                case 'error':
                  reject(new Error(msg.message));
                  break;
              }
            });
            worker.on('error', reject);
          }),
      ),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
