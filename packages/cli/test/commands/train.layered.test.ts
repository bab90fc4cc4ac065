import { runInProcess } from '../runInProcess.ts';
/**
 * `hsr train --hidden 4,3` (a layered network): bad widths and bad blocks refused in one line
 * before any work, `--layers` on the three-layer network meaning its block, the layered
 * model.json read back by `hsr bound --model` and describing the last record, --resume bit for
 * bit, and the memory refusal naming --hidden.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { deepLoss, flattenLayered, type LayeredModel, layerWidths } from '@hsr/numeric';
import { readLayeredModel } from '@hsr/io';
import { registerBound } from '../../src/commands/bound.ts';
import { parseHidden, prepareData, registerTrain } from '../../src/commands/train.ts';
import { DEFAULT_DATA_PATH } from '../../src/defaults.ts';
import { runReproduction } from '../../src/report/experiment.ts';
import { type DatasetEntry, DEEPER_QUICK_MODEL, protocolFor, QUICK_DATASETS, studies } from '../../src/report/settings.ts';

const run = (args: string[]) => runInProcess([registerTrain, registerBound], args);
const tmp = () => mkdtempSync(join(tmpdir(), 'hsr-train-layered-'));
const read = (dir: string, file: string) => readFileSync(join(dir, file));

afterEach(() => {
  process.exitCode = 0;
});

/** Mini-batch hsr-step with momentum on Iris through a 4-4-3-3 network. */
const RUN = ['--data', 'iris', '--hidden', '4,3', '--method', 'hsr-step', '--rho', '0.02', '--optimizer', 'momentum', '--lr', '0.05', '--batch', '24', '--metrics-every', '2', '--seed', '2'];

describe('hsr train --hidden with a comma list', () => {
  it.each([
    ['64,', 'hsr: --hidden: width 2 of "64," is empty; expected hidden widths >= 1 separated by commas, e.g. 64,64\n'],
    ['0,3', 'hsr: --hidden: width 1 of "0,3" is 0; every hidden width must be an integer >= 1\n'],
    ['a', 'hsr: --hidden: expected a number, got "a"\n'],
    ['4,x', 'hsr: --hidden: width 2 of "4,x" is "x"; expected hidden widths >= 1 separated by commas, e.g. 64,64\n'],
  ])('refuses --hidden %s with exit 2, one line and no folder', async (hidden, message) => {
    const out = join(tmp(), 'run');
    const r = await run(['train', '--hidden', hidden, '--epochs', '1', '--out', out]);
    expect([r.code, r.stderr, r.stdout]).toEqual([2, message, '']);
    expect(existsSync(out)).toBe(false);
  });

  it('parses one number as the three-layer network and a list as hidden widths', () => {
    expect(parseHidden('8')).toBe(8);
    expect(parseHidden('64,32,16')).toEqual([64, 32, 16]);
  });

  it.each([
    [['--block', 'first'], 'hsr: --block first: means a layer of a two-layer model; this model has 3 layers: use --layers 1 (or any list, e.g. --layers 1,3)\n'],
    [['--layers', '4'], 'hsr: --layers: layer 4 does not exist (the model has layers 1..3)\n'],
    [['--layers', '1,x'], 'hsr: --layers: "x" is not a layer number (expected 1-based numbers like 1,3 for a model with layers 1..3)\n'],
  ])('refuses the block %j of a layered network as `hsr bound` does', async (flags, message) => {
    const out = join(tmp(), 'run');
    const r = await run(['train', '--hidden', '4,3', ...flags, '--epochs', '1', '--out', out]);
    expect([r.code, r.stderr]).toEqual([2, message]);
    expect(existsSync(out)).toBe(false);
  });

  it('--layers 1 on the three-layer network is --block first, bit for bit', async () => {
    const args = ['train', '--data', 'iris', '--method', 'hsr-penalty', '--lambda', '0.1', '--epochs', '2', '--metrics-every', '1'];
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    expect((await run([...args, '--layers', '1', '--out', a])).code).toBe(0);
    expect((await run([...args, '--block', 'first', '--out', b])).code).toBe(0);
    expect(read(a, 'metrics.jsonl').equals(read(b, 'metrics.jsonl'))).toBe(true);
    expect(JSON.parse(read(a, 'metrics.jsonl').toString().split('\n')[0]!).parameters).toBe(40);
  });

  it('writes a layered model.json that `hsr bound --model` reads and the last record describes', async () => {
    const out = join(tmp(), 'run');
    const r = await run(['train', ...RUN, '--layers', '1,3', '--epochs', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^hsr-step on iris: 120 train \/ 30 test samples, tanh 4-4-3-3, P = 47, batch 24$/m);
    expect(r.stdout).not.toContain('model.safetensors');
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    expect(read(out, 'index.html').toString()).toMatch(/^<!doctype html>[\s\S]*tanh 4-4-3-3, P = 47/);
    const records = read(out, 'metrics.jsonl')
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((x) => x.epoch)).toEqual([0, 2, 3]);
    // Layers 1 and 3: 4 x 5 + 3 x 4 parameters.
    expect(records.every((x) => x.parameters === 32 && x.spectrumMethod === 'dense' && x.layerNormsByLayer.length === 3)).toBe(true);
    const config = JSON.parse(read(out, 'config.json').toString());
    expect([config.model.hidden, config.training.layers, config.model.parameters]).toEqual([[4, 3], [0, 2], 47]);
    const model = readLayeredModel(join(out, 'model.json'));
    expect(layerWidths(model)).toEqual([4, 4, 3, 3]);
    // The plan config.json keeps (what --resume rebuilds the run from) gives the same split.
    const data = prepareData(config.plan, config.seeds);
    expect(deepLoss(model, data.train)).toBeAllClose(records.at(-1)!.trainLoss, { rtol: RTOL_SAME_FORMULA });
    const b = await run(['bound', '--model', join(out, 'model.json'), '--data', DEFAULT_DATA_PATH, '--layers', '1,3', '--json']);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout).parameters).toBe(32);
  }, 120_000);

  it('--resume continues a layered run to more epochs as one longer run, bit for bit', async () => {
    const parent = tmp();
    const short = join(parent, 'short');
    const long = join(parent, 'long');
    expect((await run(['train', ...RUN, '--epochs', '2', '--out', short])).code).toBe(0);
    expect((await run(['train', ...RUN, '--epochs', '4', '--out', long])).code).toBe(0);
    const more = await run(['train', '--resume', short, '--epochs', '4']);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toMatch(/^resumed after step 10 \(epoch 2 complete\)$/m);
    for (const file of ['metrics.jsonl', 'model.json', 'training-state.json']) expect(read(short, file).equals(read(long, file)), file).toBe(true);
  }, 120_000);

  it('a layered run too large for memory is refused naming --hidden, before any weight is drawn', async () => {
    const out = join(tmp(), 'run');
    const r = await run(['train', '--hidden', '100000,100000', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hsr: --hidden: hidden widths 100000,100000 \(P = 10000900003\) on 120 training samples needs about \d+\.\d GiB, above the limit of \d+\.\d GiB \(a quarter of this machine's memory\)\n$/);
    expect(existsSync(out)).toBe(false);
  });
});

/**
 * `hsr train --hidden 6,6` and the deeper configuration of `hsr reproduce` share one protocol:
 * the run a reproduction made of a deeper study (its default hyperparameters: no sweep) is the
 * `hsr train` run with the same seed and flags, bit for bit (same split, initial model, shuffles).
 */
describe('hsr train --hidden 6,6 is the reproduction deeper run', () => {
  it('final parameters and every metrics record are identical', async () => {
    const entry: DatasetEntry = { ...QUICK_DATASETS[0]!, dataset: 'moons', epochs: 3, metricsEvery: 1, batchSize: 32 };
    const quick = protocolFor('quick');
    const seed = 4;
    const method = 'hsr-penalty';
    const models: unknown[] = [];
    const results = await runReproduction(
      { ...quick, name: 'custom', studies: studies([entry], [DEEPER_QUICK_MODEL]), seeds: [seed], methods: [method], escape: null },
      { onRunEnd: (_run, _result, m) => void models.push(m) },
      { workers: 1 },
    );
    const reproduced = results.studies[0]!.runs[0]!;
    expect(results.studies[0]!.sweep).toEqual([]);
    const { learningRate, lambda } = reproduced.hyperparameters;
    const out = join(tmp(), 'run');
    const r = await run([
      'train',
      ...['--data', entry.dataset, '--method', method, '--seed', String(seed), '--hidden', '6,6', '--activation', DEEPER_QUICK_MODEL.activation],
      ...['--optimizer', quick.optimizer.name, '--lr', String(learningRate), '--momentum', String(quick.optimizer.momentum), '--lambda', String(lambda)],
      ...['--batch', String(entry.batchSize), '--test-fraction', String(entry.testFraction), '--epochs', '3', '--metrics-every', '1', '--out', out],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(flattenLayered(readLayeredModel(join(out, 'model.json')))).toEqual(flattenLayered(models[0] as LayeredModel));
    expect(read(out, 'metrics.jsonl').toString().trim().split('\n')).toEqual(reproduced.records.map((x) => JSON.stringify(x)));
  }, 120_000);
});
