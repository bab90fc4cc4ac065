/**
 * `hsr train --data mnist`: a short run on a small seeded sample produces finite metrics on a
 * 784-h-10 network, and bad --samples values are rejected before anything is loaded or written.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { readModelFile } from '@hsr/io';
import { planTraining, registerTrain } from '../../src/commands/train.ts';
import { runInProcess } from '../runInProcess.ts';

const run = (args: string[]) => runInProcess([registerTrain], args);
const tmp = () => mkdtempSync(join(tmpdir(), 'hsr-train-mnist-'));

afterEach(() => {
  process.exitCode = 0;
});

/** Every flag planTraining reads, at the CLI's defaults, without --hidden and --samples. */
const FLAGS = {
  activation: 'tanh',
  method: 'plain',
  optimizer: 'sgd',
  lr: '0.1',
  momentum: '0.9',
  rho: '0.05',
  lambda: '0.01',
  batch: 'full',
  weightDecay: '0',
  testFraction: '0.2',
  metricsEvery: '10',
  epochs: '1',
  seed: '0',
  out: 'unused',
  reduction: 'mean',
  block: 'all',
  curvature: 'hessian',
};

describe('hsr train --data mnist', () => {
  it('trains 784-16-10 for two epochs on 200 seeded digits: finite losses, the right shapes', async () => {
    const out = join(tmp(), 'run');
    const t0 = performance.now();
    const r = await run(['train', '--data', 'mnist', '--samples', '200', '--hidden', '16', '--epochs', '2', '--metrics-every', '1', '--seed', '3', '--out', out, '--json']);
    console.log(`[hsr train, mnist 200 x 784-16-10, 2 epochs: ${(performance.now() - t0).toFixed(0)} ms]`);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.status).toBe('completed');
    expect(summary.epochsCompleted).toBe(2);
    const P = 16 * (784 + 1) + 10 * (16 + 1);
    for (const record of [summary.initial, summary.final]) {
      for (const x of [record.trainLoss, record.testLoss, record.traceH, record.traceH2, record.bounds.lambdaMaxUpper]) expect(Number.isFinite(x)).toBe(true);
      expect(record.parameters).toBe(P);
      // P = 12,730 is above the exact-spectrum limit: bounds only.
      expect(record.exactAvailable).toBe(false);
    }
    // Two full-batch steps from a random init must lower the training loss.
    expect(summary.final.trainLoss).toBeLessThan(summary.initial.trainLoss);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([0, 1, 2]);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    // Pixels stay in [0, 1] unless --standardize is given (train.ts says why).
    expect(config.data).toMatchObject({ name: 'mnist', features: 784, classes: 10, trainSamples: 160, testSamples: 40, standardize: false });
    expect(config.model.parameters).toBe(P);
    const model = readModelFile(join(out, 'model.json'));
    expect([model.inputDim, model.hiddenDim, model.classes, model.W.length, model.V.length]).toEqual([784, 16, 10, 16 * 784, 10 * 16]);
  });

  it('--standardize turns z-scoring back on for mnist; iris keeps it by default', async () => {
    const mnistOut = join(tmp(), 'std-mnist');
    expect((await run(['train', '--data', 'mnist', '--samples', '50', '--hidden', '4', '--epochs', '1', '--standardize', '--out', mnistOut, '--json'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(mnistOut, 'config.json'), 'utf8')).data.standardize).toBe(true);
    const irisOut = join(tmp(), 'std-iris');
    expect((await run(['train', '--data', 'iris', '--epochs', '1', '--out', irisOut, '--json'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(irisOut, 'config.json'), 'utf8')).data.standardize).toBe(true);
  });

  it.each([['5'], ['abc'], ['1.5'], ['8631'], ['-10']])('rejects --samples %s with exit 2 before creating the output directory', async (value) => {
    const out = join(tmp(), 'run');
    const r = await run(['train', '--data', 'mnist', '--samples', value, '--epochs', '1', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hsr: --samples: /);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects --samples with a data set other than mnist', async () => {
    const out = join(tmp(), 'run');
    const r = await run(['train', '--data', 'iris', '--samples', '100', '--epochs', '1', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hsr: --samples: applies to --data mnist only/);
    expect(existsSync(out)).toBe(false);
  });

  it('defaults to 1000 digits and 128 hidden units (784-128-10) for mnist, 8 hidden units otherwise', () => {
    const mnist = planTraining({ ...FLAGS, data: 'mnist' });
    expect([mnist.samples, mnist.hidden]).toEqual([1000, 128]);
    const iris = planTraining({ ...FLAGS, data: 'iris' });
    expect([iris.samples, iris.hidden]).toEqual([null, 8]);
    expect(planTraining({ ...FLAGS, data: 'mnist', hidden: '32', samples: '500' })).toMatchObject({ samples: 500, hidden: 32 });
  });

  it('lists mnist among the data sets in --help and in the misspelt-name error', async () => {
    const program = new Command();
    registerTrain(program);
    let help = '';
    const train = program.commands.find((c) => c.name() === 'train')!;
    train.configureOutput({ writeOut: (text) => (help += text) });
    train.outputHelp();
    expect(help).toMatch(/--data <name\|file>\s+a built-in data set \(.*\bmnist\b/);
    expect(help).toMatch(/--data mnist: 784 pixel inputs in \[0, 1\], 10 classes, --samples digits \(default\s+1000\)/);
    const r = await run(['train', '--data', 'mnst', '--epochs', '1', '--out', join(tmp(), 'run')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a built-in data set \(.*\bmnist\b.*\)/);
  });
});
