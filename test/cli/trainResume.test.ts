/**
 * `hsr train --resume DIR` as a user runs it: a run stopped by SIGINT (model.json marked
 * aborted, training-state.json beside it) and continued with --resume ends with the files of one
 * uninterrupted run of the same total epochs, bit for bit. (Finished runs and the refusals:
 * packages/cli/test/commands/train.resume.test.ts, in process.)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { outputFolderState, startTrain, waitForStagedLines } from './processes.ts';
import { runHsr } from './run.ts';

/** Mini-batch hsr-step with Adam on Iris: shuffles, optimizer state and the bound all matter. */
const RUN = ['--data', 'iris', '--method', 'hsr-step', '--optimizer', 'adam', '--lr', '0.01', '--batch', '8', '--metrics-every', '2', '--seed', '3'];
/** The files that must agree bit for bit (config.json and index.html name the commands and timings). */
const SAME = ['metrics.jsonl', 'model.json', 'model.safetensors', 'training-state.json'];

const read = (dir: string, file: string) => readFileSync(join(dir, file));
const state = (dir: string) => JSON.parse(readFileSync(join(dir, 'training-state.json'), 'utf8')) as { status: string; epochsCompleted: number; steps: number };

describe('hsr train --resume', () => {
  test('a run stopped by SIGINT and resumed equals one uninterrupted run, bit for bit', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'hsr-resume-'));
    const stopped = join(parent, 'run');
    const child = startTrain([...RUN, '--epochs', '100000', '--out', stopped]);
    await waitForStagedLines(parent, 'run', 3);
    child.process.kill('SIGINT');
    expect(await child.exit, child.stderr()).toBe(130);
    expect(outputFolderState(stopped)).toMatchObject({ complete: true, status: 'aborted' });
    const at = state(stopped);
    expect(at.status).toBe('aborted');
    // Iris has 120 training samples: 15 steps an epoch. Continue to a few epochs past the stop.
    const epochs = String(at.epochsCompleted + 3);
    const resumed = runHsr(['train', '--resume', stopped, '--epochs', epochs, '--json'], { timeout: 120_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'completed', resumedFromStep: at.steps, epochsCompleted: Number(epochs) });
    const whole = join(parent, 'whole');
    const uninterrupted = runHsr(['train', ...RUN, '--epochs', epochs, '--out', whole], { timeout: 120_000 });
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    for (const file of SAME) expect(read(stopped, file).equals(read(whole, file)), file).toBe(true);
    const config = JSON.parse(readFileSync(join(stopped, 'config.json'), 'utf8'));
    expect(config.commands).toHaveLength(2);
    expect(config.commands[1]).toContain('--resume');
  }, 240_000);
});
