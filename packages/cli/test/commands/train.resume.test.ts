/**
 * `hsr train --resume DIR`, in process: a finished run continues to more epochs with the files
 * of one longer run, bit for bit; a folder that is not a run, a flag the run's config fixes, a
 * bad --epochs or a diverged run are refused with one line and exit 2, touching nothing.
 * (A run stopped by SIGINT and resumed: test/cli/trainResume.test.ts.)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { registerTrain } from '../../src/commands/train.ts';
import { runInProcess } from '../runInProcess.ts';

const runHsr = (args: string[]) => runInProcess([registerTrain], args);

afterEach(() => {
  process.exitCode = 0;
});

/** Mini-batch hsr-step with Adam on Iris: shuffles, optimizer state and the bound all matter. */
const RUN = ['--data', 'iris', '--method', 'hsr-step', '--optimizer', 'adam', '--lr', '0.01', '--batch', '8', '--metrics-every', '2', '--seed', '3'];
/** The files that must agree bit for bit (config.json and index.html name the commands and timings). */
const SAME = ['metrics.jsonl', 'model.json', 'model.safetensors', 'training-state.json'];

const read = (dir: string, file: string) => readFileSync(join(dir, file));

describe('hsr train --resume', () => {
  test('a finished run continues to more epochs as one longer run; asking for no more is refused', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'hsr-resume-more-'));
    const short = join(parent, 'short');
    const long = join(parent, 'long');
    expect((await runHsr(['train', ...RUN, '--epochs', '3', '--out', short])).code).toBe(0);
    expect((await runHsr(['train', ...RUN, '--epochs', '6', '--out', long])).code).toBe(0);
    const before = read(short, 'model.json');
    const same = await runHsr(['train', '--resume', short, '--epochs', '3']);
    expect([same.code, same.stderr]).toEqual([2, `hsr: --epochs: the run in ${short} has completed 3 epochs; ask for more than that to continue it\n`]);
    expect(read(short, 'model.json').equals(before)).toBe(true);
    const more = await runHsr(['train', '--resume', short, '--epochs', '6']);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toMatch(/^resumed after step 45 \(epoch 3 complete\)$/m);
    // Epoch 3's record is not on the every-2 grid of the longer run, so it is dropped.
    for (const file of SAME) expect(read(short, file).equals(read(long, file)), file).toBe(true);
  }, 240_000);

  describe('refuses with one line and exit 2, touching nothing', () => {
    const parent = mkdtempSync(join(tmpdir(), 'hsr-resume-bad-'));
    const run = join(parent, 'run');
    const notRun = join(parent, 'notes');
    const diverged = join(parent, 'diverged');
    const fixed = "cannot be combined with --resume (the run's config.json fixes it; --resume takes --epochs and --json)";
    const cases: [string, () => string | Promise<string>, string[], (dir: string) => string][] = [
      [
        'a folder that is not a run',
        () => {
          mkdirSync(notRun);
          writeFileSync(join(notRun, 'notes.txt'), 'x');
          return notRun;
        },
        [],
        (d) => `hsr: --resume ${d}: not a training run (no config.json)\n`,
      ],
      ['a path that is not a folder', () => join(parent, 'absent'), [], (d) => `hsr: --resume ${d}: not a folder\n`],
      ['a flag the run fixes', () => run, ['--lr', '0.5'], () => `hsr: --lr: ${fixed}\n`],
      ['--out beside --resume', () => run, ['--out', join(parent, 'elsewhere')], () => `hsr: --out: ${fixed}\n`],
      ['a bad --epochs', () => run, ['--epochs', '0'], () => 'hsr: --epochs: must be >= 1, got 0\n'],
      [
        'a diverged run',
        async () => {
          expect((await runHsr(['train', ...RUN, '--epochs', '2', '--out', diverged])).code).toBe(0);
          writeFileSync(join(diverged, 'training-state.json'), '{"format": "hsr-training-state", "version": 1, "status": "diverged"}\n');
          return diverged;
        },
        [],
        (d) => `hsr: ${join(d, 'training-state.json')}: status: a run that diverged cannot be continued\n`,
      ],
    ];
    test.each(cases)(
      '%s',
      async (_, prepare, extra, message) => {
        if (!existsSync(run)) expect((await runHsr(['train', ...RUN, '--epochs', '2', '--out', run])).code).toBe(0);
        const dir = await prepare();
        const listing = existsSync(dir) ? readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]) : null;
        const r = await runHsr(['train', '--resume', dir, ...extra]);
        expect([r.code, r.stderr, r.stdout]).toEqual([2, message(dir), '']);
        expect(existsSync(dir) ? readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]) : null).toEqual(listing);
        expect(readdirSync(parent).filter((f) => f.startsWith('.'))).toEqual([]);
      },
      120_000,
    );
  });
});
