/**
 * `hsr estimate` flags and refusals, in process (the command's own action and error path, so
 * the list costs milliseconds): every bad flag is one `hsr:` line, exit 2, and no output
 * files; a block whose Hessian is exactly zero is refused rather than reported as NaN.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { registerEstimate } from '../../src/commands/estimate.ts';
import { DEFAULT_DATA_PATH, DEFAULT_MODEL_PATH } from '../../src/defaults.ts';
import { runInProcess } from '../runInProcess.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hsr-estimate-flags-'));
});

describe('bad flags: one hsr: line, exit 2, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['zero budget', ['--matvecs', '0,10'], /--matvecs: must be >= 1/],
    ['empty budget', ['--matvecs', '1,,10'], /--matvecs: expected comma-separated/],
    ['duplicate budget', ['--matvecs', '10,3,10'], /--matvecs: 10 is listed twice/],
    ['non-integer budget', ['--matvecs', '2.5'], /--matvecs: expected an integer/],
    ['zero repeats', ['--repeats', '0'], /--repeats: must be >= 1/],
    ['bad seed', ['--seed', 'x'], /--seed: expected a number/],
    ['samples without mnist', ['--samples', '50'], /--samples: applies to --data mnist only/],
    ['too many samples', ['--data', 'mnist', '--samples', '9000'], /--samples: must be <= 8630/],
    ['model without data', ['--model', 'm.json'], /--model needs --data/],
    ['data file without model', ['--data', 'd.json'], /--data FILE needs --model/],
    ['bad sketch memory', ['--sketch-memory', '-1'], /--sketch-memory: must be > 0/],
    ['bad block', ['--block', 'middle'], /--block.*middle/],
    ['missing model file', ['--model', 'nope.json', '--data', 'nope.csv'], /nope\.json/],
  ];
  test.each(cases)('%s', async (_name, flags, message) => {
    const out = join(dir, `bad-${_name.replace(/\W+/g, '-')}`);
    const r = await runInProcess([registerEstimate], ['estimate', ...flags, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^hsr: /);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  test('a block whose Hessian is exactly zero (saturated softmax) is refused, not reported as NaN', async () => {
    const bundled = JSON.parse(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
    const saturated = { ...bundled, V: bundled.V.map((row: number[]) => row.map((x) => x * 1e5)), a: bundled.a.map((x: number) => x * 1e5) };
    const model = join(dir, 'saturated.json');
    writeFileSync(model, JSON.stringify(saturated));
    const out = join(dir, 'bad-zero');
    const r = await runInProcess([registerEstimate], ['estimate', '--model', model, '--data', DEFAULT_DATA_PATH, '--block', 'second', '--curvature', 'gauss-newton', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hsr: .*saturated\.json.*exactly zero \(T2 = \|\|H\|\|_F\^2 = 0/);
    expect(existsSync(out)).toBe(false);
  });
});
