import { runInProcess } from '../runInProcess.ts';
/**
 * `hsr reproduce`: flags checked before any work, all methods start from the same model, the
 * sweep sees only the validation part, matched-loss checkpoints reach their target, runs are
 * reproducible on any number of worker threads, and the command writes the report and says
 * where it is.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { train, type Model } from '@hsr/numeric';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { DEFAULT_REPORT_DIR, planReproduction, registerReproduce } from '../../src/commands/reproduce.ts';
import { prepareUnit, runReproduction, trainingConfig } from '../../src/report/experiment.ts';
import type { ReproductionResults } from '../../src/report/results.ts';
import { escapeOf, FULL_DATASETS, FULL_SEEDS, QUICK_SEEDS, QUICK_SWEEP, REPRODUCE_METHODS, protocolFor, studies, sweepOf, type ReproductionProtocol } from '../../src/report/settings.ts';

function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return runInProcess([registerReproduce], ['reproduce', ...args]);
}

afterEach(() => {
  process.exitCode = 0;
});

describe('planReproduction', () => {
  it('uses the quick protocol with --quick and the full one otherwise', () => {
    const quick = planReproduction({ quick: true });
    expect(quick.protocol.name).toBe('quick');
    // Every data set with cross-entropy (named after the data set), then with mse, then the deeper network.
    expect(quick.protocol.studies.map((d) => d.id)).toEqual([
      ...['iris', 'blobs', 'moons', 'wine'],
      ...['iris/tanh8-mse', 'blobs/tanh8-mse', 'moons/tanh8-mse', 'wine/tanh8-mse'],
      ...['iris/tanh6x6-ce', 'blobs/tanh6x6-ce', 'moons/tanh6x6-ce', 'wine/tanh6x6-ce'],
    ]);
    expect(quick.protocol.studies.map((d) => d.model.loss)).toEqual([...Array(4).fill('cross-entropy'), ...Array(4).fill('mse'), ...Array(4).fill('cross-entropy')]);
    // The quick deeper studies: 40 epochs, metrics every 10, no sweep and no escape run.
    const deep = quick.protocol.studies.slice(8);
    expect(deep.map((d) => [d.model.hidden, d.data.epochs, d.data.metricsEvery, sweepOf(quick.protocol, d), escapeOf(quick.protocol, d)])).toEqual(Array(4).fill([[6, 6], 40, 10, null, null]));
    expect(quick.protocol.seeds).toHaveLength(QUICK_SEEDS);
    expect(QUICK_SEEDS).toBeGreaterThanOrEqual(5);
    expect(quick.protocol.sweep?.budget).toBe(QUICK_SWEEP.budget);
    expect(quick.out).toBe(DEFAULT_REPORT_DIR);
    const full = planReproduction({});
    expect(full.protocol.studies.filter((d) => d.model.id === 'tanh8-ce').map((d) => d.id)).toEqual(['iris', 'blobs', 'moons', 'wine', 'breast-cancer', 'digits', 'mnist-1000-pca20']);
    expect(full.protocol.studies.filter((d) => d.model.loss === 'mse')).toHaveLength(7);
    // The full protocol sweeps the deeper network at the data sets' own epochs.
    const fullDeep = full.protocol.studies.filter((d) => d.model.id === 'tanh6x6-ce');
    expect(fullDeep.map((d) => [d.data.epochs, sweepOf(full.protocol, d) !== null, escapeOf(full.protocol, d) !== null])).toEqual(FULL_DATASETS.map((e) => [e.epochs, true, true]));
    expect(full.protocol.seeds).toHaveLength(FULL_SEEDS);
    expect(FULL_SEEDS).toBeGreaterThanOrEqual(10);
    expect(full.protocol).toEqual(protocolFor('full'));
  });

  it('gives every method the same sweep budget', () => {
    for (const name of ['quick', 'full'] as const) {
      const sweep = protocolFor(name).sweep!;
      for (const m of REPRODUCE_METHODS) expect(sweep.grids[m].values).toHaveLength(sweep.budget);
    }
  });

  it('makes one test sample worth under a point of accuracy on the larger full sets', () => {
    for (const entry of FULL_DATASETS.filter((d) => d.dataset === 'digits' || d.dataset === 'mnist')) {
      const N = entry.dataset === 'mnist' ? entry.samples! : 1797;
      expect(100 / Math.round(N * entry.testFraction)).toBeLessThan(1);
    }
  });

  it('accepts mnist and says --no-sweep in the command', () => {
    const plan = planReproduction({ datasets: 'iris,mnist', sweep: false, quick: true, loss: 'cross-entropy' });
    expect(plan.protocol.studies.map((s) => s.id)).toEqual(['iris', 'mnist-1000-pca20', 'iris/tanh6x6-ce', 'mnist-1000-pca20/tanh6x6-ce']);
    expect(plan.protocol.sweep).toBeNull();
    expect(plan.protocol.name).toBe('custom');
    expect(plan.command).toBe('hsr reproduce --quick --datasets iris,mnist --no-sweep --loss cross-entropy');
  });

  it('--loss picks rows of the model table, and an unknown or absent loss is refused', () => {
    expect(planReproduction({ quick: true, deeper: false }).protocol.studies.map((s) => s.id)).toEqual(['iris', 'blobs', 'moons', 'wine', 'iris/tanh8-mse', 'blobs/tanh8-mse', 'moons/tanh8-mse', 'wine/tanh8-mse']);
    expect(planReproduction({ quick: true, deeper: false }).command).toBe('hsr reproduce --quick --no-deeper');
    const mse = planReproduction({ quick: true, loss: 'mse' });
    expect(mse.protocol.studies.map((s) => s.id)).toEqual(['iris/tanh8-mse', 'blobs/tanh8-mse', 'moons/tanh8-mse', 'wine/tanh8-mse']);
    expect(mse.protocol.name).toBe('custom');
    expect(mse.command).toBe('hsr reproduce --quick --loss mse');
    expect(() => planReproduction({ quick: true, loss: 'label-smoothing' })).toThrow('--loss: expected one of cross-entropy, mse, got "label-smoothing"');
  });

  const bad: [string[], RegExp][] = [
    [['--seeds', '0'], /--seeds/],
    [['--seeds', '1.5'], /--seeds/],
    [['--epochs', '0'], /--epochs/],
    [['--datasets', 'iris,nope'], /"nope" is not a built-in data set/],
    [['--datasets', ','], /--datasets/],
  ];
  it.each(bad)('rejects %s with exit 2 and writes nothing', async (args, message) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hsr-repro-bad-')), 'out');
    const r = await run([...args, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('runReproduction', () => {
  const quick = protocolFor('quick');
  const tiny: ReproductionProtocol = {
    ...quick,
    name: 'custom',
    studies: studies([{ ...quick.studies[0]!.data, epochs: 3, metricsEvery: 1 }]),
    seeds: [1, 2],
    sweep: {
      ...QUICK_SWEEP,
      budget: 2,
      grids: { plain: { knob: 'learningRate', values: [0.05, 0.2] }, sam: { knob: 'rho', values: [0.1, 1] }, 'hsr-step': { knob: 'rho', values: [0.01, 0.1] }, 'hsr-penalty': { knob: 'lambda', values: [0.1, 1] } },
    },
  };
  let results: ReproductionResults;

  it('starts every method from the same initial model for a seed, and different seeds from different ones', async () => {
    results = await runReproduction(tiny, {}, { workers: 1 });
    const runs = results.studies[0]!.runs;
    expect(runs).toHaveLength(8);
    for (const seed of [1, 2]) {
      const initial = runs.filter((x) => x.seed === seed).map((x) => x.records[0]);
      for (const rec of initial) expect(rec).toEqual(initial[0]);
    }
    expect(runs.find((x) => x.seed === 1)!.records[0]!.trainLoss).not.toBe(runs.find((x) => x.seed === 2)!.records[0]!.trainLoss);
    const final = (m: string) => runs.find((x) => x.seed === 1 && x.method === m)!.records.at(-1)!.bounds.lambdaMaxUpper;
    expect(final('hsr-step')).not.toBe(final('plain'));
    // The final spectrum is the whole spectrum, whose extremes the last record reports.
    const last = runs[0]!.records.at(-1)!;
    expect(runs[0]!.finalSpectrum).toHaveLength(last.parameters);
    expect(runs[0]!.finalSpectrum![0]).toBe(last.lambdaMin);
    expect(runs[0]!.finalSpectrum!.at(-1)).toBe(last.lambdaMax);
    // The loss and gradient norm after every epoch, 0..3.
    expect(runs[0]!.history.gradientNorm).toHaveLength(4);
    expect(runs[0]!.history.trainLoss.at(-1)).toBeAllClose(last.trainLoss, { rtol: RTOL_SAME_FORMULA });
  });

  it('chooses each knob on the validation part only, with plain choosing the learning rate first', () => {
    const st = results.studies[0]!;
    const unit = prepareUnit(tiny.studies[0]!, 1);
    expect(unit.validation.train.samples + unit.validation.validation.samples).toBe(unit.train.samples);
    expect(st.validationSamples).toBe(unit.validation.validation.samples);
    const plainSweep = st.sweep.find((s) => s.method === 'plain' && s.seed === 1)!;
    // Candidate 0 again, by hand: plain at eta = 0.05 on the fitting part, scored on the validation part.
    const hp = { ...tiny.defaults.plain, learningRate: 0.05 };
    const again = train(unit.model0 as Model, unit.validation.train, unit.validation.validation, trainingConfig(tiny, tiny.studies[0]!.data, 'plain', hp, unit.seeds.shuffle, 3), { maxExactParameters: 0 });
    expect(plainSweep.candidates[0]!.validationLoss).toBe(again.records.at(-1)!.testLoss);
    const best = plainSweep.candidates.reduce((a, b) => (b.validationLoss! < a.validationLoss! ? b : a));
    expect(plainSweep.chosen).toBe(best.value);
    expect(plainSweep.atEdge).toBe(true);
    const lr = plainSweep.chosen;
    for (const run of st.runs.filter((r) => r.seed === 1)) expect(run.hyperparameters.learningRate).toBe(lr);
    const sam = st.sweep.find((s) => s.method === 'sam' && s.seed === 1)!;
    expect(st.runs.find((r) => r.method === 'sam' && r.seed === 1)!.hyperparameters.rho).toBe(sam.chosen);
  });

  it('compares with plain at the first epoch both reach the larger final training loss', () => {
    const runs = results.studies[0]!.runs;
    for (const run of runs.filter((r) => r.method !== 'plain')) {
      const plain = runs.find((r) => r.method === 'plain' && r.seed === run.seed)!;
      const m = run.matched!;
      expect(m.targetLoss).toBe(Math.max(run.history.trainLoss.at(-1)!, plain.history.trainLoss.at(-1)!));
      for (const [own, cp] of [
        [run, m.method],
        [plain, m.baseline],
      ] as const) {
        expect(own.history.trainLoss[cp.epoch]!).toBeLessThanOrEqual(m.targetLoss);
        for (let e = 0; e < cp.epoch; e++) expect(own.history.trainLoss[e]!).toBeGreaterThan(m.targetLoss);
        expect(cp.record.lambdaMax).not.toBeNull();
      }
    }
    expect(runs.find((r) => r.method === 'plain')!.matched).toBeNull();
  });

  it('runs the escape experiment from the scaled-down start for every method and seed', () => {
    const esc = results.studies[0]!.escape;
    expect(esc.map((e) => `${e.method}/${e.seed}`).sort()).toEqual(REPRODUCE_METHODS.flatMap((m) => [`${m}/1`, `${m}/2`]).sort());
    // Next to the saddle at theta = 0: lambda_min is about -lambda_max at epoch 0.
    for (const e of esc) expect(e.curvatureRatio[0]!).toBeLessThan(-0.5);
  });

  it('gives the same numbers twice, and on two worker threads as on one', async () => {
    const strip = (x: ReproductionResults) =>
      x.studies.map((d) => ({ sweep: d.sweep, runs: d.runs.map(({ seconds: _s, secondsPerStep: _p, ...rest }) => rest), escape: d.escape.map(({ seconds: _s, ...rest }) => rest) }));
    const again = await runReproduction(tiny, {}, { workers: 2 });
    expect(strip(again)).toEqual(strip(results));
  });

  it('stops the worker threads mid-run on abort and keeps what finished', async () => {
    const ac = new AbortController();
    const r = await runReproduction({ ...tiny, seeds: [1, 2, 3, 4] }, { signal: ac.signal, onRunEnd: () => ac.abort() }, { workers: 2 });
    expect(r.status).toBe('aborted');
    const runs = r.studies.flatMap((s) => s.runs);
    // At least the run whose end triggered the abort is kept; not all 16.
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.length).toBeLessThan(16);
    for (const run of runs) expect(run.status).toBe('completed');
  });

  it('stops between steps on abort and says so', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await runReproduction(tiny, { signal: ac.signal }, { workers: 1 });
    expect(r.status).toBe('aborted');
    expect(r.studies).toEqual([]);
  });
});

describe('hsr reproduce', () => {
  it('writes index.html and results.json and prints the absolute path of the report', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hsr-repro-')), 'report');
    const r = await run(['--datasets', 'iris', '--seeds', '2', '--epochs', '2', '--no-deeper', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('report: '))!;
    const index = line.slice('report: '.length);
    expect(isAbsolute(index)).toBe(true);
    expect(index).toBe(join(dir, 'index.html'));
    expect(readFileSync(index, 'utf8')).toMatch(/^<!doctype html>/);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.command).toBe('hsr reproduce --seeds 2 --datasets iris --epochs 2 --no-deeper');
    expect(results.claims.rows[0].pooled).toHaveProperty('pAdjusted');
    expect(r.stdout).toMatch(/^negative-mass +hsr-step/m);
    expect(r.stdout).toMatch(/^Pooled over 1 data set × 2 losses \(cross-entropy, mse\) × 2 seeds/m);
    // and each loss's own pooled verdicts (its own Holm family), in the text and on the page
    expect(r.stdout).toMatch(/^Per loss, cross-entropy: Pooled over 1 data set × 2 seeds/m);
    expect(r.stdout).toMatch(/^Per loss, mse: Pooled over 1 data set × 2 seeds/m);
    expect(readFileSync(index, 'utf8')).toContain('id="summary-mse"');
    expect(results.claims.byLoss.map((l: { loss: string }) => l.loss)).toEqual(['cross-entropy', 'mse']);
    // Not a TTY here: one plain progress line per evaluation run on stderr, and the sweep's choices.
    expect(r.stderr.match(/^\[\d+\/16\] iris /gm)).toHaveLength(8);
    expect(r.stderr.match(/^\[\d+\/16\] iris\/tanh8-mse /gm)).toHaveLength(8);
    expect(r.stderr.match(/^iris seed \d: chose plain lr /gm)).toHaveLength(2);
  }, 300_000);

  it('judges the deeper configuration beyond three layers in the table, the page and results.json', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hsr-repro-deep-')), 'report');
    const r = await run(['--quick', '--datasets', 'iris', '--seeds', '2', '--epochs', '3', '--loss', 'cross-entropy', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.studies.map((s: { name: string }) => s.name)).toEqual(['iris', 'iris/tanh6x6-ce']);
    const deep = results.studies[1];
    // 4-6-6-3 with biases: 6 x 5 + 6 x 7 + 3 x 7 = 93 parameters, the dense spectrum, no sweep or escape.
    expect([deep.parameters, deep.sweep.length, deep.escape.length]).toEqual([93, 0, 0]);
    for (const run of deep.runs) expect([run.records.at(-1).parameters, run.records.at(-1).spectrumMethod, run.records.at(-1).layerNormsByLayer.length, run.finalSpectrum.length]).toEqual([93, 'dense', 3, 93]);
    // Every method from the same initial model: the epoch-0 records agree.
    expect(new Set(deep.runs.map((run: { records: { trainLoss: number }[] }) => run.records[0]!.trainLoss)).size).toBe(2);
    expect(results.claims.rows[0].cells.map((c: { study: string }) => c.study)).toEqual(['iris']);
    expect(results.claims.byDepth.map((d: { layers: number }) => d.layers)).toEqual([4]);
    expect(results.claims.byDepth[0].summary.rows[0].cells.map((c: { study: string }) => c.study)).toEqual(['iris/tanh6x6-ce']);
    expect(r.stdout).toMatch(/^claim .* 4 layers +4 layers effect \[95% CI\]$/m);
    expect(r.stdout).toMatch(/^Beyond three layers \(4 layers: tanh d-6-6-c, cross-entropy\), pooled over 1 data set × 2 seeds/m);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('id="claims-layers-4"');
    expect(html).toContain('tanh 4-6-6-3 with biases, P = 93');
    expect(r.stderr.match(/^\[\d+\/16\] iris\/tanh6x6-ce /gm)).toHaveLength(8);
  }, 300_000);

  it('prints one JSON object with --json', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hsr-repro-json-')), 'report');
    const r = await run(['--datasets', 'iris', '--seeds', '1', '--epochs', '1', '--no-sweep', '--out', dir, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.index).toBe(join(dir, 'index.html'));
    expect(doc.status).toBe('completed');
    expect(doc.claims.length).toBeGreaterThan(0);
    // One seed: nothing to test, so no claim may be called decided.
    for (const c of doc.claims) {
      expect(['inconclusive', 'no data']).toContain(c.pooled.verdict);
      for (const v of Object.values(c.verdicts)) expect(['inconclusive', 'no data']).toContain(v);
    }
    expect(doc.byDepth.map((d: { layers: number }) => d.layers)).toEqual([4]);
    for (const c of doc.byDepth[0].claims) expect(['inconclusive', 'no data']).toContain(c.pooled.verdict);
  }, 300_000);
});
