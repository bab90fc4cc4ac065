/**
 * The committed PyTorch golden fixtures (tools/golden/generate.py writes them beside this file:
 * fixtures/ for the two-layer network, fixtures/deep/ for networks of any depth), every case
 * file in name order, parsed as the caller's shape of a fixture.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOLDEN_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const DEEP_GOLDEN_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/deep/', import.meta.url));

/** The case files' names, sorted (index.json is the list, not a case). */
export function goldenFixtureFiles(dir: string = GOLDEN_FIXTURES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort();
}

export function readGoldenFixtures<T>(dir: string = GOLDEN_FIXTURES_DIR): T[] {
  return goldenFixtureFiles(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
}

/**
 * What the generator's `expected` holds (its expected_values): the loss, the traces, the
 * spectrum, the five bounds and, where the case has them, the gradients of the traces and the
 * bounds (`gradientsSkipped` says why a two-layer case has none).
 */
export interface GoldenExpected {
  loss: number;
  gradient: number[];
  P: number;
  traceH: number;
  traceH2: number;
  eigenvalues: number[];
  lambdaMaxUpper: number;
  lambdaMaxLower: number;
  lambdaMinUpper: number;
  lambdaMinLower: number;
  rangeUpper: number;
  gradTraceH?: number[];
  gradTraceH2?: number[];
  gradUpper?: number[];
  gradLower?: number[];
  gradRange?: number[];
  gradientsSkipped?: string;
}
