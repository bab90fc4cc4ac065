import { runInProcess } from '../runInProcess.ts';
/**
 * `hsr reproduce`: flags checked before any work, all methods start from the same model,
 * runs are reproducible, and the command writes the report and says where it is.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_REPORT_DIR, planReproduction, registerReproduce } from '../../src/commands/reproduce.ts';
import { runReproduction } from '../../src/report/experiment.ts';
import { FULL_DATASETS, QUICK_DATASETS, QUICK_SEEDS, REPRODUCE_METHODS, REPRODUCE_VARIANT, type ReproductionProtocol } from '../../src/report/settings.ts';

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
    expect(quick.protocol.datasets.map((d) => d.dataset)).toEqual(['iris', 'blobs', 'moons', 'wine']);
    expect(quick.protocol.seeds).toHaveLength(QUICK_SEEDS);
    expect(quick.out).toBe(DEFAULT_REPORT_DIR);
    const full = planReproduction({});
    expect(full.protocol.datasets.map((d) => d.dataset)).toContain('breast-cancer');
    expect(full.protocol.datasets).toEqual(FULL_DATASETS);
  });

  it('runs the four methods on Iris, blobs, moons and a real data set', () => {
    for (const datasets of [QUICK_DATASETS, FULL_DATASETS]) {
      const names = datasets.map((d) => d.dataset);
      expect(names).toEqual(expect.arrayContaining(['iris', 'blobs', 'moons']));
      expect(names.some((n) => n === 'wine' || n === 'breast-cancer' || n === 'digits')).toBe(true);
    }
    expect(REPRODUCE_METHODS).toEqual(['plain', 'hsr-step', 'hsr-penalty', 'sam']);
  });

  const bad: [string[], RegExp][] = [
    [['--seeds', '0'], /--seeds/],
    [['--seeds', '1.5'], /--seeds/],
    [['--epochs', '0'], /--epochs/],
    [['--datasets', 'iris,mnist'], /"mnist" is not a built-in data set/],
    [['--datasets', ','], /--datasets/],
  ];
  it.each(bad)('rejects %s with exit 2 and writes nothing', async (args, message) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hsr-repro-bad-')), 'out');
    const r = await run([...args, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('runReproduction', () => {
  const tiny: ReproductionProtocol = {
    name: 'custom',
    datasets: [{ ...QUICK_DATASETS[0]!, epochs: 3, metricsEvery: 1 }],
    seeds: [1, 2],
    methods: REPRODUCE_METHODS,
    variant: REPRODUCE_VARIANT,
  };

  it('starts every method from the same initial model for a seed, and different seeds from different ones', async () => {
    const r = await runReproduction(tiny);
    const runs = r.datasets[0]!.runs;
    expect(runs).toHaveLength(8);
    for (const seed of [1, 2]) {
      const initial = runs.filter((x) => x.seed === seed).map((x) => x.records[0]);
      for (const rec of initial) expect(rec).toEqual(initial[0]);
    }
    expect(runs.find((x) => x.seed === 1)!.records[0]!.trainLoss).not.toBe(runs.find((x) => x.seed === 2)!.records[0]!.trainLoss);
    // The methods then differ: hsr-step's final bound is not plain's.
    const final = (m: string) => runs.find((x) => x.seed === 1 && x.method === m)!.records.at(-1)!.bounds.lambdaMaxUpper;
    expect(final('hsr-step')).not.toBe(final('plain'));
    // The final spectrum is the whole spectrum, whose extremes the last record reports.
    const last = runs[0]!.records.at(-1)!;
    expect(runs[0]!.finalSpectrum).toHaveLength(last.parameters);
    expect(runs[0]!.finalSpectrum![0]).toBe(last.lambdaMin);
    expect(runs[0]!.finalSpectrum!.at(-1)).toBe(last.lambdaMax);
  });

  it('gives the same numbers twice', async () => {
    const a = await runReproduction({ ...tiny, seeds: [3] });
    const b = await runReproduction({ ...tiny, seeds: [3] });
    const strip = (x: typeof a) => x.datasets.map((d) => d.runs.map(({ seconds: _s, ...rest }) => rest));
    expect(strip(a)).toEqual(strip(b));
  });

  it('stops between steps on abort and says so', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await runReproduction(tiny, { signal: ac.signal });
    expect(r.status).toBe('aborted');
    expect(r.datasets).toEqual([]);
  });
});

describe('hsr reproduce', () => {
  it('writes index.html and results.json and prints the absolute path of the report', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hsr-repro-')), 'report');
    const r = await run(['--datasets', 'iris', '--seeds', '2', '--epochs', '2', '--out', dir]);
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('report: '))!;
    const index = line.slice('report: '.length);
    expect(isAbsolute(index)).toBe(true);
    expect(index).toBe(join(dir, 'index.html'));
    expect(readFileSync(index, 'utf8')).toMatch(/^<!doctype html>/);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.command).toBe('hsr reproduce --seeds 2 --datasets iris --epochs 2');
    expect(r.stdout).toMatch(/Avoids saddle points/);
    // Not a TTY here: one plain progress line per run on stderr.
    expect(r.stderr.match(/^\[\d+\/8\] iris /gm)).toHaveLength(8);
  });

  it('prints one JSON object with --json', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hsr-repro-json-')), 'report');
    const r = await run(['--datasets', 'iris', '--seeds', '1', '--epochs', '1', '--out', dir, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.index).toBe(join(dir, 'index.html'));
    expect(doc.status).toBe('completed');
    expect(doc.claims.length).toBeGreaterThan(0);
    // One seed: no spread, so no claim may be called decided.
    for (const c of doc.claims) for (const v of Object.values(c.verdicts)) expect(['inconclusive', 'no data']).toContain(v);
  });
});
