/** Fixtures shared by the file-format tests: a scratch directory, the thrown InputError, a good model. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { InputError } from '../src/index.ts';

export const scratch = mkdtempSync(join(tmpdir(), 'hsr-io-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The thrown InputError (fails the test if something else, or nothing, is thrown). */
export function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

export const GOOD_MODEL = {
  activation: 'tanh',
  W: [
    [1, 2],
    [3, 4],
    [5, 6],
  ],
  b: [0.1, 0.2, 0.3],
  V: [
    [1, 0, -1],
    [0, 1, 0],
  ],
  a: [0.5, -0.5],
};
export const modelText = (patch: Record<string, unknown>) => JSON.stringify({ ...GOOD_MODEL, ...patch });

export const GOOD_DATA = {
  X: [
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
  ],
  y: [0, 1, 2, 1],
};
