/**
 * The error contract, as the fuzz suites check it, and two ways to run the real entry point:
 *
 * - in process: `runCli` itself (what `main.ts` runs) with a fake process boundary, stdout and
 *   stderr captured and the exit code returned, so hundreds of cases cost milliseconds each;
 * - in a subprocess: `node --import tsx main.ts`, the real boundary (~0.7 s to start), for the
 *   cases only a process can show (signals, another user's permissions, the exit code itself).
 *
 * The contract for bad input: exit 2, nothing on stdout, exactly one line on stderr that starts
 * `hsr: ` and names the file and the field, row, column or flag, and no file left behind. For
 * valid extremes: exit 0 and every number in the --json output finite.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../../packages/cli/src/main.ts';
import { type RunResult, runHsr } from './run.ts';

export type Outcome = RunResult;

/** Cases run and their durations, for the suite's closing summary. */
export const tally = { inProcess: 0, subprocess: 0, slowest: { ms: 0, label: '' } };

function timed<T extends Outcome>(label: string, started: number, outcome: T): T {
  const ms = performance.now() - started;
  if (ms > tally.slowest.ms) tally.slowest = { ms, label };
  return outcome;
}

/** The real entry point in this process: argv after `hsr`, output captured, exit code returned. */
export async function runInProcess(args: readonly string[]): Promise<Outcome> {
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await runCli(['node', 'hsr', ...args]);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
  tally.inProcess++;
  return timed(`in process: hsr ${args.join(' ')}`, started, { code, stdout, stderr });
}

/** The real entry point in a child process. */
export function runSubprocess(args: string[], opts: Parameters<typeof runHsr>[1] = {}): Outcome {
  const started = performance.now();
  const outcome = runHsr(args, opts);
  tally.subprocess++;
  return timed(`subprocess: hsr ${args.join(' ')}`, started, outcome);
}

/** A fresh folder for one case's inputs, with a listing to prove nothing was added to it. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'hsr-contract-'));
  file(name: string, content: string | Buffer): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }
  path(name: string): string {
    return join(this.dir, name);
  }
  /** Every entry under the folder (hidden ones included), recursively, sorted. */
  listing(): string[] {
    const walk = (dir: string, prefix: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const rel = `${prefix}${name}`;
        let isDir = false;
        try {
          isDir = statSync(join(dir, name)).isDirectory();
        } catch {
          // A dangling link or a FIFO's peer: listed, not entered.
        }
        return isDir ? [`${rel}/`, ...walk(join(dir, name), `${rel}/`)] : [rel];
      });
    return walk(this.dir, '').sort();
  }
  /** Run a case and check that it left the folder as it found it (no output, no staging, no partial file). */
  async unchanged(run: () => Promise<Outcome> | Outcome): Promise<Outcome> {
    const before = this.listing();
    const outcome = await run();
    expect(this.listing(), `files left behind by a run that ended with exit ${outcome.code}: ${outcome.stderr.slice(0, 300)}`).toEqual(before);
    return outcome;
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Run `body` with a fresh scratch folder, removed afterwards. */
export async function withScratch<T>(body: (s: Scratch) => Promise<T> | T): Promise<T> {
  const s = new Scratch();
  try {
    return await body(s);
  } finally {
    s.remove();
  }
}

/**
 * Bad input: exit 2, no stdout, one stderr line `hsr: ...` containing every one of `names`
 * (the file, and the field, row, column or flag).
 */
export function expectBadInput(outcome: Outcome, names: readonly (string | RegExp)[], label = ''): void {
  const context = `${label}\nexit ${outcome.code}\nstdout: ${outcome.stdout.slice(0, 300)}\nstderr: ${outcome.stderr.slice(0, 600)}`;
  expect(outcome.code, context).toBe(2);
  expect(outcome.stdout, context).toBe('');
  expect(outcome.stderr, context).toMatch(/^hsr: [^\n]+\n$/);
  expect(outcome.stderr, context).not.toMatch(/internal error|\bat .+:\d+:\d+\)/);
  for (const name of names) {
    if (typeof name === 'string') expect(outcome.stderr, context).toContain(name);
    else expect(outcome.stderr, context).toMatch(name);
  }
}

/**
 * Where in a file: a text position, a CSV row (and column, quoted as JSON: it may hold quotes) or
 * a JSON field path followed by the reason, an unknown field (its name may hold anything), or one
 * of the whole-file reasons (unreadable, empty, no rows, not an object).
 */
export const LOCATION =
  /: ((line \d+, column \d+|row \d+(, column "(\\.|[^"\\])*")?|[A-Za-z_]\w*(\[\d+\])*(\.\w+(\[\d+\])*)*): |.*: unknown field "|(cannot read file|empty file|no data rows|expected a JSON object|invalid JSON|the initial model|\d+ (classes|training samples)))/;

/** Every leaf of a JSON value: numbers finite, no null where a number belongs. */
export function expectFiniteJson(outcome: Outcome, label = ''): unknown {
  const context = `${label}\nexit ${outcome.code}\nstderr: ${outcome.stderr.slice(0, 600)}`;
  expect(outcome.code, context).toBe(0);
  const value = JSON.parse(outcome.stdout) as unknown;
  const walk = (v: unknown, path: string): void => {
    if (v === null) throw new Error(`${label}: null at ${path}`);
    if (typeof v === 'number') expect(Number.isFinite(v), `${label}: ${path} = ${v}`).toBe(true);
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`);
    } else if (typeof v === 'object') for (const [k, x] of Object.entries(v as object)) walk(x, `${path}.${k}`);
  };
  walk(value, '$');
  return value;
}

/** A small valid model (tanh 2-3-3 with biases) and data, as objects and as text. */
export const MODEL = {
  activation: 'tanh',
  W: [
    [0.5, -0.25],
    [0.75, 0.5],
    [-0.5, 1],
  ],
  b: [0.1, -0.1, 0.2],
  V: [
    [1, -0.5, 0.25],
    [-0.75, 0.5, 1],
    [0.25, 1, -1],
  ],
  a: [0.1, 0, -0.1],
};
export const DATA = {
  X: [
    [0.5, 1],
    [-1, 0.25],
    [0.75, -0.5],
    [1, 1],
    [-0.5, -1],
  ],
  y: [0, 1, 2, 1, 0],
};
export const DATA_CSV = 'a,b,label\n0.5,1,0\n-1,0.25,1\n0.75,-0.5,2\n1,1,1\n-0.5,-1,0\n';
