/** Helpers for tests that run `hsr train` as a child process and look at what it leaves on disk. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_ARGS } from './run.ts';

export interface RunningTrain {
  readonly process: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal it did not handle). */
  readonly exit: Promise<number | null>;
  /** Everything written to stderr so far. */
  stderr(): string;
}

/** `hsr train ARGS` in a child process, stderr captured. */
export function startTrain(args: readonly string[]): RunningTrain {
  const child = spawn(process.execPath, [...NODE_ARGS, 'train', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let stderr = '';
  child.stderr!.on('data', (b) => {
    stderr += String(b);
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, exit, stderr: () => stderr };
}

/** The hidden staging folders of `--out parent/name` (see @hsr/io OutputFolder). */
export function stagingFolders(parent: string, name: string): string[] {
  return existsSync(parent) ? readdirSync(parent).filter((entry) => entry.startsWith(`.${name}.hsr-staging-`)) : [];
}

/** Wait until the run's staging metrics.jsonl holds at least `lines` lines (training has visibly started). */
export async function waitForStagedLines(parent: string, name: string, lines: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const staging of stagingFolders(parent, name)) {
      const metrics = join(parent, staging, 'metrics.jsonl');
      if (existsSync(metrics) && readFileSync(metrics, 'utf8').split('\n').length > lines) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no staged metrics in ${parent} after ${timeoutMs} ms`);
}

export interface OutputFolderState {
  /** config.json, index.html, metrics.jsonl, model.json, model.safetensors and training-state.json all present, the text ones each whole. */
  readonly complete: boolean;
  readonly files: readonly string[];
  readonly metricsLines: number;
  /** model.json's about.status. */
  readonly status: string | null;
  /** What is wrong, when not complete. */
  readonly problem: string | null;
}

/** What an --out folder holds: absent, or each file parsed whole. */
export function outputFolderState(out: string): OutputFolderState {
  if (!existsSync(out)) return { complete: false, files: [], metricsLines: 0, status: null, problem: 'absent' };
  const files = readdirSync(out).sort();
  const fail = (problem: string): OutputFolderState => ({ complete: false, files, metricsLines: 0, status: null, problem });
  if (files.join(',') !== 'config.json,index.html,metrics.jsonl,model.json,model.safetensors,training-state.json') return fail(`files ${files.join(', ')}`);
  try {
    JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    JSON.parse(readFileSync(join(out, 'training-state.json'), 'utf8'));
    if (!readFileSync(join(out, 'index.html'), 'utf8').trimEnd().endsWith('</html>')) return fail('index.html is not whole');
    const text = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
    if (text !== '' && !text.endsWith('\n')) return fail('metrics.jsonl ends inside a line');
    const lines = text === '' ? [] : text.slice(0, -1).split('\n');
    for (const line of lines) JSON.parse(line);
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { about?: { status?: string } };
    return { complete: true, files, metricsLines: lines.length, status: model.about?.status ?? null, problem: null };
  } catch (error) {
    return fail((error as Error).message);
  }
}
