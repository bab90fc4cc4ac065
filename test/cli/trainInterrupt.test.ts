/** Ctrl-C during `hsr train`: the run stops cleanly, exits 130, and leaves its files whole. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { runHsr } from './run.ts';

// node itself with tsx's loader, not the tsx wrapper: the wrapper relays SIGINT and, if the
// child has not acknowledged it within 30 ms (easily missed on a loaded machine), SIGKILLs it,
// so the run would die without writing its model.
const TSX_LOADER = ['--conditions=source', '--import', 'tsx'];
const MAIN = fileURLToPath(new URL('../../packages/cli/src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('SIGINT stops a long run after writing metrics, model and config', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'hsr-int-')), 'run');
  const child = spawn(process.execPath, [...TSX_LOADER, MAIN, 'train', '--data', 'iris', '--method', 'hsr-step', '--epochs', '100000', '--batch', '8', '--metrics-every', '1', '--seed', '3', '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += String(b)));
  // Wait until training has visibly started (a few metrics lines on disk), then interrupt.
  const metrics = join(out, 'metrics.jsonl');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !(existsSync(metrics) && readFileSync(metrics, 'utf8').split('\n').length > 3)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(code, stderr).toBe(130);
  const lines = readFileSync(metrics, 'utf8').trim().split('\n');
  for (const line of lines) JSON.parse(line); // every line is whole JSON
  expect(lines.length).toBeGreaterThan(3);
  // The model written on interrupt is a valid model file.
  const bound = runHsr(['bound', '--model', join(out, 'model.json'), '--data', 'packages/cli/assets/iris-default.data.json', '--json']);
  expect(bound.code, bound.stderr).toBe(0);
  expect(existsSync(join(out, 'config.json'))).toBe(true);
}, 120_000);
