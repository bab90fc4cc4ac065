/**
 * Proof that the checks bite: deliberately broken versions of the closed
 * forms, each of which a named property must REJECT on generated cases. Each mutant changes
 * exactly one thing in an otherwise correct implementation (numeric's, called through its
 * public pieces), and each test prints fast-check's shrunk counterexample with its worst
 * element and replay command, then asserts the property failed.
 *
 * Every mutant runs once per loss (the cases of that loss only): a closed form that is right
 * for cross-entropy alone must not pass. Seeds are fixed so the recorded counterexamples are
 * stable from run to run.
 */
import { describe, expect, test } from 'vitest';
import { LOSS_NAMES } from '@hsr/numeric';
import { caseArbitrary, runProperty } from '../src/index.ts';
import { MUTANTS } from './mutantList.ts';

const FILE = 'packages/crosscheck/test/mutants.test.ts';
const RUNS = 200;
const SEED = 20240611;

describe.each(LOSS_NAMES)('mutants are rejected by the named properties (%s)', (loss) => {
  for (const mutant of MUTANTS) {
    const cases = { ...mutant.cases, losses: [loss] };
    test(`${mutant.name} is rejected by ${mutant.property.name}`, () => {
      const run = runProperty(mutant.property, { impl: mutant.impl, seed: SEED, numRuns: RUNS, arbitrary: caseArbitrary(cases), file: FILE });
      // The record: fast-check's shrunk counterexample, its worst element, seed and path.
      console.log(`MUTANT ${mutant.name} (${mutant.what}) [${loss}]\n${run.message ?? 'NOT CAUGHT'}`);
      expect(run.ok).toBe(false);
      expect(run.counterexample).toBeDefined();
      expect(run.outcome?.ok).toBe(false);
      expect(run.message).toContain(mutant.property.name);
      expect(run.message).toContain(`HSR_REPLAY='${mutant.property.name}=${SEED}:`);
    });
    test(`${mutant.property.name} accepts the unmutated implementation on the same cases`, () => {
      // Guards against a property that rejects everything.
      const run = runProperty(mutant.property, { seed: SEED, numRuns: 50, arbitrary: caseArbitrary(cases) });
      expect(run.message).toBeUndefined();
      expect(run.ok).toBe(true);
    });
  }
});
