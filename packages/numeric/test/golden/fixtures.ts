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
