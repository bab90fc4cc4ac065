/**
 * The committed PyTorch golden fixtures (tools/golden/generate.py writes them beside this file),
 * every case file in name order, parsed as the caller's shape of a fixture.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOLDEN_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The case files' names, sorted (index.json is the list, not a case). */
export function goldenFixtureFiles(): string[] {
  return readdirSync(GOLDEN_FIXTURES_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort();
}

export function readGoldenFixtures<T>(): T[] {
  return goldenFixtureFiles().map((f) => JSON.parse(readFileSync(join(GOLDEN_FIXTURES_DIR, f), 'utf8')) as T);
}
