import { runInProcess } from '../runInProcess.ts';
/**
 * `hsr train`: flags rejected before any work, outputs that `hsr bound` reads, metrics files
 * identical across runs with the same seed, and a clean stop on abort.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { flattenParameters, loss, type Model } from '@hsr/numeric';
import { readModel, readModelFile } from '@hsr/io';
import { registerBound } from '../../src/commands/bound.ts';
import { AUTO_BATCH_SIZE, AUTO_FULL_BATCH_MAX, defaultBatchSize, duration, planTraining, prepareData, registerTrain, runTraining, timingText } from '../../src/commands/train.ts';
import { DEFAULT_DATA_PATH } from '../../src/defaults.ts';
import { runReproduction } from '../../src/report/experiment.ts';
import { type DatasetEntry, protocolFor, QUICK_DATASETS, REPRODUCE_METHODS, studies } from '../../src/report/settings.ts';

function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return runInProcess([registerTrain, registerBound], [...args]);
}

const tmp = () => mkdtempSync(join(tmpdir(), 'hsr-train-'));

afterEach(() => {
  process.exitCode = 0;
});

describe('hsr train', () => {
  const bad: string[][] = [
    ['--lr', '-0.1'],
    ['--lr', '0'],
    ['--batch', '0'],
    ['--batch', '-3'],
    ['--method', 'adamw'],
    ['--optimizer', 'rmsprop'],
    ['--epochs', '0'],
    ['--rho', '-1'],
    ['--lambda', '-1'],
    ['--weight-decay', '-0.01'],
    ['--momentum', '1'],
    ['--test-fraction', '1'],
    ['--metrics-every', '0'],
    ['--metrics-samples', '0'],
    ['--metrics-samples', 'some'],
    ['--batch', 'automatic'],
    ['--activation', 'relu'],
    ['--block', 'third'],
  ];
  it.each(bad)('rejects %s %s with exit 2 before creating the output directory', async (flag, value) => {
    const out = join(tmp(), 'run');
    const r = await run(['train', flag!, value!, '--epochs', flag === '--epochs' ? value! : '1', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^hsr: ${flag}: `));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['--seed', '4294967296', 'must be <= 4294967295, got 4294967296'],
    ['--seed', '-1', 'must be >= 0, got -1'],
    ['--epochs', '1e12', 'expected an integer (digits only), got "1e12"'],
    ['--epochs', '1000001', 'must be <= 1000000, got 1000001'],
    ['--lr', '0x10', 'expected a number, got "0x10"'],
  ])('refuses %s %s exactly (no wrapping, no hex, no exponent counts)', async (flag, value, reason) => {
    const out = join(tmp(), 'run');
    const r = await run(['train', flag, value, '--out', out]);
    expect([r.code, r.stderr, r.stdout]).toEqual([2, `hsr: ${flag}: ${reason}\n`, '']);
    expect(existsSync(out)).toBe(false);
  });

  it('a run that fails on its data leaves no folder, not even the parents it would have created', async () => {
    const parent = tmp();
    const data = join(parent, 'bad.csv');
    writeFileSync(data, 'a,label\n1,0\n2,x\n');
    const r = await run(['train', '--data', data, '--epochs', '1', '--out', join(parent, 'new', 'run')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`hsr: ${data}: row 3, column "label": not an integer class index: "x"\n`);
    expect(readdirSync(parent)).toEqual(['bad.csv']);
  });

  it('a non-empty --out is refused; --force replaces it with only the new run', async () => {
    const out = join(tmp(), 'run');
    expect((await run(['train', '--epochs', '2', '--metrics-every', '1', '--out', out])).code).toBe(0);
    const refused = await run(['train', '--epochs', '1', '--out', out]);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      `hsr: --out ${out}: the output folder is not empty (config.json, index.html, metrics.jsonl, model.json, ...); choose a new folder, or pass --force to replace it\n`,
    ]);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect((await run(['train', '--epochs', '1', '--metrics-every', '1', '--force', '--out', out])).code).toBe(0);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readdirSync(join(out, '..'))).toEqual(['run']);
  });

  it('a data set of one sample needs --test-fraction 0, and trains with it', async () => {
    const parent = tmp();
    const data = join(parent, 'one.csv');
    writeFileSync(data, 'a,b,label\n1,2,0\n');
    const r = await run(['train', '--data', data, '--epochs', '1', '--out', join(parent, 'run')]);
    expect([r.code, r.stderr]).toEqual([2, `hsr: --test-fraction: ${data} has 1 sample, which cannot be split into a training and a test part; use --test-fraction 0\n`]);
    expect((await run(['train', '--data', data, '--epochs', '1', '--test-fraction', '0', '--out', join(parent, 'run')])).code).toBe(0);
  });

  it('a run too large for memory is refused naming --hidden, before any work', async () => {
    const out = join(tmp(), 'run');
    const r = await run(['train', '--hidden', '100000', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hsr: --hidden: 100000 hidden units \(P = 800003\) on 120 training samples needs about \d+\.\d GiB, above the limit of \d+\.\d GiB \(a quarter of this machine's memory\)\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('requires --out', async () => {
    const r = await run(['train', '--epochs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out/);
  });

  it('writes metrics.jsonl, config.json and a model.json that `hsr bound` accepts', async () => {
    const out = join(tmp(), 'run');
    const t0 = performance.now();
    const r = await run(['train', '--data', 'iris', '--method', 'hsr-step', '--rho', '0.01', '--epochs', '5', '--metrics-every', '2', '--seed', '4', '--out', out]);
    console.log(`[hsr train, iris hsr-step, 5 epochs: ${(performance.now() - t0).toFixed(0)} ms]`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/completed: 5 epochs/);
    expect(r.stdout).toMatch(/^U \(lambda_max upper\)/m);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.epoch)).toEqual([0, 2, 4, 5]);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.training.method).toBe('hsr-step');
    expect(config.data.trainSamples + config.data.testSamples).toBe(150);
    // The last record describes the written model: its training loss, recomputed on the same split.
    const model = readModelFile(join(out, 'model.json'));
    const plan = planTraining({
      data: 'iris',
      hidden: '8',
      activation: 'tanh',
      method: 'hsr-step',
      optimizer: 'sgd',
      lr: '0.1',
      momentum: '0.9',
      rho: '0.01',
      lambda: '0.01',
      batch: 'full',
      weightDecay: '0',
      testFraction: '0.2',
      metricsEvery: '2',
      epochs: '5',
      seed: '4',
      out,
      reduction: 'mean',
      block: 'all',
      curvature: 'hessian',
    });
    const data = prepareData(plan, config.seeds);
    expect(loss(model, data.train)).toBeAllClose(lines.at(-1)!.trainLoss, { rtol: RTOL_SAME_FORMULA });
    const b = await run(['bound', '--model', join(out, 'model.json'), '--data', DEFAULT_DATA_PATH, '--json']);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).parameters).toBe(67);
    // The same weights as a PyTorch state_dict, bit for bit, with the activation in its metadata.
    const st = readModel(join(out, 'model.safetensors'));
    expect(st.model).toEqual(model);
    expect(st.source.tensors).toEqual({ '0.weight': 'W', '0.bias': 'b', '2.weight': 'V', '2.bias': 'a' });
    expect(r.stdout).toContain(join(out, 'model.safetensors'));
  });

  it('two runs with the same seed write byte-identical metrics files', async () => {
    const args = ['train', '--data', 'moons', '--method', 'sam', '--optimizer', 'adam', '--lr', '0.02', '--batch', '16', '--epochs', '4', '--metrics-every', '1', '--seed', '9'];
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    expect((await run([...args, '--out', a])).code).toBe(0);
    expect((await run([...args, '--out', b])).code).toBe(0);
    expect(readFileSync(join(a, 'metrics.jsonl'))).toEqual(readFileSync(join(b, 'metrics.jsonl')));
    expect(readFileSync(join(a, 'model.json'))).toEqual(readFileSync(join(b, 'model.json')));
    const c = join(tmp(), 'c');
    expect((await run([...args.slice(0, -1), '10', '--out', c])).code).toBe(0);
    expect(readFileSync(join(c, 'metrics.jsonl'))).not.toEqual(readFileSync(join(a, 'metrics.jsonl')));
  });

  it('a diverging run exits 1 naming the epoch and keeps a finite model', async () => {
    const out = join(tmp(), 'run');
    const r = await run(['train', '--lr', '1e300', '--epochs', '10', '--metrics-every', '1', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hsr: diverged in epoch \d+/m);
    const model = readModelFile(join(out, 'model.json'));
    expect([...model.W, ...model.V].every(Number.isFinite)).toBe(true);
  });

  it('an abort (what Ctrl-C triggers) stops after the current step with every file written', async () => {
    const out = join(tmp(), 'run');
    const plan = planTraining({
      data: 'iris',
      hidden: '8',
      activation: 'tanh',
      method: 'plain',
      optimizer: 'sgd',
      lr: '0.1',
      momentum: '0.9',
      rho: '0',
      lambda: '0',
      batch: '1',
      weightDecay: '0',
      testFraction: '0.2',
      metricsEvery: '1000',
      epochs: '100000',
      seed: '1',
      out,
      reduction: 'mean',
      block: 'all',
      curvature: 'hessian',
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const result = await runTraining(plan, { json: true, signal: ac.signal, tty: false }).finally(() => {
      spy.mockRestore();
      spyErr.mockRestore();
    });
    expect(result.status).toBe('aborted');
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1).step).toBe(result.steps);
    expect(readModelFile(join(out, 'model.json')).hiddenDim).toBe(8);
  });
});

/**
 * The experiment protocol is shared: `hsr train --seed s` with the hyperparameters a
 * `hsr reproduce` run chose (recorded in results.json) is that run of that data set, method and
 * seed, bit for bit (same split, standardisation, initial model and shuffles). A different draw
 * order of the seeds in either command fails this test.
 */
describe('hsr train and hsr reproduce share one experiment protocol', () => {
  // Synthetic moons, so the data seed matters too; mini-batches, so the shuffle seed does; a
  // two-value sweep, so the values come from the reproduction's own choice.
  const entry: DatasetEntry = { ...QUICK_DATASETS[0]!, dataset: 'moons', epochs: 4, metricsEvery: 2, batchSize: 32 };
  const quick = protocolFor('quick');
  const sweep = {
    ...quick.sweep!,
    budget: 2,
    grids: { plain: { knob: 'learningRate', values: [0.05, 0.1] }, sam: { knob: 'rho', values: [0.05, 0.3] }, 'hsr-step': { knob: 'rho', values: [0.01, 0.03] }, 'hsr-penalty': { knob: 'lambda', values: [0.1, 0.3] } },
  } as const;
  const model = quick.studies[0]!.model;
  const seed = 3;

  it.each(REPRODUCE_METHODS)('%s: final parameters and every metrics record are identical', async (method) => {
    const finals: Model[] = [];
    const results = await runReproduction(
      { ...quick, name: 'custom', studies: studies([entry]), seeds: [seed], methods: [method], sweep, escape: null },
      { onRunEnd: (_run, _result, m) => void finals.push(m as Model) },
      { workers: 1 },
    );
    const reproduced = results.studies[0]!.runs[0]!;
    const { learningRate, rho, lambda } = reproduced.hyperparameters;
    const out = join(tmp(), 'run');
    const r = await run([
      'train',
      ...['--data', entry.dataset, '--method', method, '--seed', String(seed)],
      ...['--hidden', String(model.hidden), '--activation', model.activation],
      ...['--optimizer', quick.optimizer.name, '--lr', String(learningRate), '--momentum', String(quick.optimizer.momentum)],
      ...['--rho', String(rho), '--lambda', String(lambda), '--batch', String(entry.batchSize ?? 'full')],
      ...['--test-fraction', String(entry.testFraction), '--epochs', String(entry.epochs), '--metrics-every', String(entry.metricsEvery)],
      ...['--out', out],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const trained = readModelFile(join(out, 'model.json'));
    expect(flattenParameters(trained)).toEqual(flattenParameters(finals[0]!));
    const records = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(records).toEqual(reproduced.records.map((x) => JSON.stringify(x)));
  });
});

describe('hsr train at scale: the batch rule, progress, timing and the page', () => {
  it('--batch auto: full batch up to AUTO_FULL_BATCH_MAX training samples, AUTO_BATCH_SIZE above', () => {
    expect([AUTO_FULL_BATCH_MAX, AUTO_BATCH_SIZE]).toEqual([512, 128]);
    expect(defaultBatchSize(1)).toBeNull();
    expect(defaultBatchSize(512)).toBeNull();
    expect(defaultBatchSize(513)).toBe(128);
  });

  it('digits (1438 training samples) trains in batches of 128 with curvature metrics on 1000 of them; the progress shows steps/s and the time left', async () => {
    const out = join(tmp(), 'run');
    const r = await run(['train', '--data', 'digits', '--hidden', '4', '--method', 'hsr-step', '--epochs', '1', '--metrics-every', '1', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.batchSize).toBe(128);
    // ceil(1438 / 128) = 12 steps an epoch.
    expect(summary.steps).toBe(12);
    expect(summary.final.curvatureSamples).toBe(1000);
    expect(summary.timing.steps).toBe(12);
    // The plain part is a part of each step.
    expect(summary.timing.ratioOverPlain).toBeGreaterThanOrEqual(1);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.training).toMatchObject({ batchSize: 128, metricsSamples: 1000 });
    expect(config.batchRule).toBe('--batch auto: full batch up to 512 training samples, else 128');
    expect(r.stderr).toMatch(/^epoch 1\/1 {2}step 12 {2}.* {2}[\d.]+ steps\/s, \d+ s left$/m);
    expect(r.stderr).toMatch(/curvature metrics on a fixed subset of 1000 of the 1438 training samples/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html.match(/<figure class="plot"/g)).toHaveLength(7);
    expect(html.match(/<svg /g)).toHaveLength(7);
  });

  it('prints the step time and, for a method other than plain, its ratio over the plain part', () => {
    expect(timingText('plain', { steps: 4, stepSeconds: 0.2, plainSeconds: 0.2 })).toBe('50.0 ms per step over 4 steps.');
    expect(timingText('hsr-step', { steps: 4, stepSeconds: 0.6, plainSeconds: 0.2 })).toBe(
      '150 ms per step over 4 steps; step-time ratio hsr-step / plain 3.00 (the loss gradient and update, all a plain step does, take 50.0 ms of each step).',
    );
    expect(timingText('sam', { steps: 0, stepSeconds: 0, plainSeconds: 0 })).toBeNull();
    expect([duration(42.4), duration(185), duration(3720)]).toEqual(['42 s', '3 min 05 s', '1 h 02 min']);
  });
});
