/**
 * The symbolic leg on generated tiny cases of every activation, reduction and block (the
 * default suite runs tanh only; derivations cost seconds per shape and activation, GELU's
 * erf several times more in nerdamer).
 */
import { describe, expect, test } from 'vitest';
import { ACTIVATION_NAMES } from '@hsr/numeric';
import { SYMBOLIC_CASE_OPTIONS, SYMBOLIC_PROPERTIES, caseArbitrary, runProperty } from '../src/index.ts';

const FILE = 'packages/crosscheck/test/symbolic.slow.test.ts';

describe('symbolic leg over generated tiny cases', () => {
  for (const activation of ACTIVATION_NAMES)
    for (const property of SYMBOLIC_PROPERTIES)
      test(`${property.name} (${activation})`, { timeout: 900_000 }, () => {
        const run = runProperty(property, { seed: 2026, numRuns: 8, arbitrary: caseArbitrary({ ...SYMBOLIC_CASE_OPTIONS, activations: [activation] }), file: FILE });
        expect(run.message).toBeUndefined();
        expect(run.ok).toBe(true);
      });
});
