/**
 * Resuming (train.ts, hooks.resume): a run stopped after any step and continued from its
 * checkpoint ends with the parameters and records of one uninterrupted run, bit for bit, for
 * every optimizer; a bad checkpoint is refused by name. And the metrics subset is one fixed,
 * seeded subset, the one `metricsSubsetIndices` names.
 */
import { seededCase } from '@hsr/crosscheck/cases';
import { describe, expect, it } from 'vitest';
import { hessianTraces } from '../../src/hessianTrace.ts';
import { subsetDataset } from '../../src/model.ts';
import { flattenParameters } from '../../src/parameters.ts';
import { DEFAULT_TRAINING_CONFIG, HyperparameterError, metricsSubsetIndices, train, type TrainingCheckpoint, type TrainingConfig } from '../../src/training/train.ts';
import type { MetricsRecord } from '../../src/training/metrics.ts';

const { model: MODEL, data: DATA } = seededCase(
  { activation: 'tanh', bias: true, inputDim: 3, hiddenDim: 5, classes: 3, samples: 30, seed: 21 },
  { weights: { kind: 'glorot', scale: 1, biasScale: 0.1 }, everyClass: true },
);

const base = (over: Partial<TrainingConfig>): TrainingConfig => ({
  ...DEFAULT_TRAINING_CONFIG,
  method: 'hsr-step',
  learningRate: 0.05,
  rho: 0.01,
  batchSize: 7,
  epochs: 4,
  metricsEvery: 1,
  metricsSamples: 12,
  seed: 5,
  ...over,
});

/** Stop after `stopAt` steps (through the abort signal, as SIGINT does) and return the checkpoint and records. */
function stopped(config: TrainingConfig, stopAt: number): { checkpoint: TrainingCheckpoint; records: MetricsRecord[] } {
  const controller = new AbortController();
  const r = train(MODEL, DATA, null, config, {
    signal: controller.signal,
    onStep: (s) => {
      if (s.step === stopAt) controller.abort();
    },
  });
  expect(r.status).toBe('aborted');
  expect(r.steps).toBe(stopAt);
  return { checkpoint: r.checkpoint, records: r.records };
}

const bits = (x: Float64Array) => Array.from(new Uint32Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength)));

describe('resume', () => {
  // 30 samples in batches of 7: 5 steps an epoch. Stops mid-epoch (7), at an epoch's last step
  // (10, before its metrics) and after the first step (1).
  it.each([
    ['sgd', 7],
    ['momentum', 10],
    ['adam', 1],
    ['adam', 13],
  ] as const)('%s stopped after step %i continues bit for bit', (optimizer, stopAt) => {
    const config = base({ optimizer, momentum: 0.9 });
    const whole = train(MODEL, DATA, null, config);
    expect(whole.status).toBe('completed');
    const { checkpoint, records } = stopped(config, stopAt);
    // The JSON round trip a run folder makes.
    const revived = JSON.parse(
      JSON.stringify({
        ...checkpoint,
        theta: Array.from(checkpoint.theta),
        optimizer: { ...checkpoint.optimizer, m: checkpoint.optimizer.m && Array.from(checkpoint.optimizer.m), v: checkpoint.optimizer.v && Array.from(checkpoint.optimizer.v) },
      }),
    );
    const resume: TrainingCheckpoint = {
      ...revived,
      theta: Float64Array.from(revived.theta),
      optimizer: { ...revived.optimizer, m: revived.optimizer.m && Float64Array.from(revived.optimizer.m), v: revived.optimizer.v && Float64Array.from(revived.optimizer.v) },
    };
    const rest = train(MODEL, DATA, null, config, { resume });
    expect(rest.status).toBe('completed');
    expect(rest.steps).toBe(whole.steps);
    expect(bits(flattenParameters(rest.model))).toEqual(bits(flattenParameters(whole.model)));
    // The records of the completed epochs, then the resumed run's, are the uninterrupted run's.
    const kept = records.filter((r) => r.epoch <= checkpoint.epochsCompleted);
    expect([...kept, ...rest.records]).toEqual(whole.records);
    expect(rest.checkpoint.optimizer).toEqual(whole.checkpoint.optimizer);
  });

  it('differs from a fresh start (the checkpoint is used)', () => {
    const config = base({ optimizer: 'adam' });
    const whole = train(MODEL, DATA, null, config);
    const { checkpoint } = stopped(config, 7);
    const wrongState = train(MODEL, DATA, null, config, { resume: { ...checkpoint, optimizer: { name: 'adam', t: 0, m: new Float64Array(checkpoint.theta.length), v: new Float64Array(checkpoint.theta.length) } } });
    expect(bits(flattenParameters(wrongState.model))).not.toEqual(bits(flattenParameters(whole.model)));
  });

  it('refuses a checkpoint of another size, optimizer or step count', () => {
    const config = base({ optimizer: 'momentum' });
    const { checkpoint } = stopped(config, 3);
    const refuse = (resume: TrainingCheckpoint, pattern: RegExp) => {
      const attempt = () => train(MODEL, DATA, null, config, { resume });
      expect(attempt).toThrow(HyperparameterError);
      expect(attempt).toThrow(pattern);
    };
    refuse({ ...checkpoint, theta: checkpoint.theta.subarray(1) }, /resume: the checkpoint has \d+ parameters/);
    refuse({ ...checkpoint, optimizer: { name: 'sgd', t: 3 } }, /optimizer state is for sgd, not momentum/);
    refuse({ ...checkpoint, steps: 40 }, /40 steps do not fit 0 completed epochs of 5 steps/);
  });
});

describe('metrics subset', () => {
  it('is M distinct training samples, ascending, fixed by the seed; absent when M >= N', () => {
    const a = metricsSubsetIndices(30, 12, 5)!;
    expect(a).toHaveLength(12);
    expect(new Set(a).size).toBe(12);
    expect(Array.from(a)).toEqual(Array.from(a).sort((x, y) => x - y));
    expect(Array.from(metricsSubsetIndices(30, 12, 5)!)).toEqual(Array.from(a));
    expect(Array.from(metricsSubsetIndices(30, 12, 6)!)).not.toEqual(Array.from(a));
    expect(metricsSubsetIndices(30, 30, 5)).toBeNull();
    expect(metricsSubsetIndices(30, null, 5)).toBeNull();
  });

  it('is where the records take T1 and T2, the same subset at every epoch', () => {
    const config = base({ method: 'plain', epochs: 2 });
    const r = train(MODEL, DATA, null, config);
    const sub = subsetDataset(DATA, metricsSubsetIndices(30, 12, 5)!);
    expect(r.records[0]!.curvatureSamples).toBe(12);
    const t0 = hessianTraces(MODEL, sub, config.variant);
    expect(r.records[0]!.traceH).toBe(t0.traceH);
    expect(r.records[0]!.traceH2).toBe(t0.traceH2);
    expect(hessianTraces(r.model, sub, config.variant).traceH).toBe(r.records.at(-1)!.traceH);
  });
});
