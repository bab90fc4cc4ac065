/**
 * The JavaScript kernels (HSR_NO_WASM=1) and the SIMD kernel sum in the same order, and the
 * engine's other sums do not depend on the kernel, so a bound and its gradient are the same
 * bits on either: one child process per kernel, compared double by double.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const TSX = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
const CHILD = fileURLToPath(new URL('./boundBitsChild.ts', import.meta.url));

function run(noWasm: boolean): { traces: string[]; value: string; gradient: string[] } {
  const env = { ...process.env };
  if (noWasm) env.HSR_NO_WASM = '1';
  else delete env.HSR_NO_WASM;
  const r = spawnSync(TSX, ['--conditions=source', CHILD], { encoding: 'utf8', env, timeout: 120_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

test('T1, T2, U and grad U are bit for bit the same on the JavaScript and the SIMD kernels', () => {
  const simd = run(false);
  const js = run(true);
  expect(js.traces).toEqual(simd.traces);
  expect(js.value).toEqual(simd.value);
  expect(js.gradient).toEqual(simd.gradient);
});
